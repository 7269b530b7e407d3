//! Files that fit in a head (issue 25): no production source file under `src/` is longer than
//! [`MAX_LINES`] lines, tests aside. Test code is left out in two ways: files that only hold
//! tests (`tests.rs`, `*_tests.rs`, each declared behind `#[cfg(test)]`, which is checked too)
//! and `#[cfg(test)]` items at the top level of a file (an inline `mod tests { … }`). A file
//! that grows past the limit is split where its parts have names, as `mail/parse/` was.
//!
//! The counting relies on rustfmt's layout (`cargo fmt --check` holds it): a top-level item
//! starts at column 0 and, when it has a body, ends with a line that is exactly `}`.

use std::path::{Path, PathBuf};

/// The most lines a production file may have, tests aside.
const MAX_LINES: usize = 800;

/// Files allowed past [`MAX_LINES`] for now, each with the reason. Keep it empty: a file is
/// listed only while another branch is splitting it.
const EXCEPTIONS: &[(&str, &str)] = &[];

/// Every `.rs` file under `src/`, with its path relative to `src/` (with `/`) and its text.
fn sources() -> Vec<(String, String)> {
    rust_files()
        .into_iter()
        .map(|(_, rel, text)| (rel, text))
        .collect()
}

/// Every `.rs` file under `src/`: its path, its path relative to `src/` (with `/`) and its
/// text, sorted by path. The source reader of the tests that check the code base itself (this
/// file and `layering`).
pub(crate) fn rust_files() -> Vec<(PathBuf, String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut todo: Vec<PathBuf> = vec![root.clone()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("the source folder can be read") {
            let path = entry.expect("a source folder entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file can be read");
                let rel = path
                    .strip_prefix(&root)
                    .expect("under src")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((path, rel, text));
            }
        }
    }
    out.sort();
    out
}

/// A file that holds only tests, by its name.
fn is_test_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name == "tests.rs" || name.ends_with("_tests.rs")
}

/// Lines of `text` outside its top-level `#[cfg(test)]` items.
fn production_lines(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let mut count = 0;
    let mut i = 0;
    while i < lines.len() {
        if lines[i] != "#[cfg(test)]" {
            count += 1;
            i += 1;
            continue;
        }
        // Skip the item's other attributes, then the item: one line, or up to its `}`.
        let mut j = i + 1;
        while j < lines.len() && lines[j].starts_with("#[") {
            j += 1;
        }
        if lines.get(j).is_some_and(|l| l.trim_end().ends_with('{')) {
            while j < lines.len() && lines[j] != "}" {
                j += 1;
            }
        }
        i = j + 1;
    }
    count
}

/// Whether `text` declares a module from the file `file_name` behind `#[cfg(test)]`: the
/// attribute on the `mod` line or on one of the two attribute lines above it.
fn declares_test_module(text: &str, file_name: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let stem = file_name.trim_end_matches(".rs");
    lines.iter().enumerate().any(|(i, line)| {
        let line = line.trim();
        let names_file = line == format!("mod {stem};")
            || line.starts_with("#[path")
                && line.contains(&format!("\"{file_name}\""))
                && lines
                    .get(i + 1)
                    .is_some_and(|l| l.trim().starts_with("mod ") && l.trim().ends_with(';'));
        names_file
            && lines[i.saturating_sub(2)..i]
                .iter()
                .any(|l| l.trim() == "#[cfg(test)]")
    })
}

#[test]
fn counting_leaves_out_top_level_test_items_only() {
    let text = "fn a() {}\n\n#[cfg(test)]\n#[path = \"a_tests.rs\"]\nmod tests;\n\n#[cfg(test)]\nmod more {\n    #[test]\n    fn t() {\n    }\n}\nfn b() {}\n";
    assert_eq!(production_lines(text), 4);
    assert_eq!(
        production_lines("fn a() {\n    #[cfg(test)]\n    x();\n}\n"),
        4
    );
    assert!(declares_test_module(text, "a_tests.rs"));
    assert!(!declares_test_module(
        "#[path = \"a_tests.rs\"]\nmod tests;\n",
        "a_tests.rs"
    ));
    assert!(declares_test_module(
        "#[cfg(test)]\nmod tests;\n",
        "tests.rs"
    ));
}

#[test]
fn test_files_are_declared_behind_cfg_test() {
    let all = sources();
    let mut loose = Vec::new();
    for (rel, _) in all.iter().filter(|(rel, _)| is_test_file(rel)) {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        // The declaring file: a sibling (`#[path]`), or the module whose folder this is.
        let declared = all.iter().any(|(other, text)| {
            let other_dir = other.rsplit_once('/').map_or("", |(d, _)| d);
            let owns_folder = other.strip_suffix(".rs") == Some(dir)
                || (other_dir == dir && other.ends_with("mod.rs"))
                || (dir.is_empty() && other == "lib.rs");
            (other_dir == dir || owns_folder) && declares_test_module(text, name)
        });
        if !declared {
            loose.push(rel.clone());
        }
    }
    assert!(
        loose.is_empty(),
        "these files are named like tests but not declared behind #[cfg(test)], so their \
         lines would escape the size check: {loose:?}"
    );
}

#[test]
fn no_production_file_is_over_the_limit() {
    let mut over = Vec::new();
    for (rel, text) in sources() {
        if is_test_file(&rel) || EXCEPTIONS.iter().any(|(path, _)| *path == rel) {
            continue;
        }
        let n = production_lines(&text);
        if n > MAX_LINES {
            over.push(format!("src/{rel}: {n} lines"));
        }
    }
    assert!(
        over.is_empty(),
        "production files over {MAX_LINES} lines (tests aside); split them where the parts \
         have names:\n{}",
        over.join("\n")
    );
}

#[test]
fn exceptions_are_still_needed() {
    let all = sources();
    for (path, why) in EXCEPTIONS {
        let text = all
            .iter()
            .find(|(rel, _)| rel == path)
            .map(|(_, text)| text.as_str());
        assert!(
            text.is_some_and(|t| production_lines(t) > MAX_LINES),
            "src/{path} is listed as an exception ({why}) but is gone or within the limit: \
             drop it from EXCEPTIONS"
        );
    }
}
