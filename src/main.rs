//! Thin binary edge: parse arguments, run, turn errors into one clear sentence.
fn main() {
    std::process::exit(shopinbox::cli::main());
}
