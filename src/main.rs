//! Thin binary edge: parse arguments, run, turn errors into one clear sentence.

/// mimalloc instead of glibc's malloc: the sync's parser and store threads allocate and free
/// small strings for every header and part; see BENCHMARKS.md for what it saves.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(shopinbox::cli::main());
}
