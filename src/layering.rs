//! The import rules of the code base, checked on the sources themselves (issue 25):
//!
//! 1. **No circles, at file level.** Every `.rs` file under `src/` is one node (a `mod.rs` is
//!    its folder's module). An edge a → b is any `crate::…` or `super::…` path in a's
//!    production code (a `use` or a path written inline) that names an item in b. No two files
//!    may reach each other. A module and its own descendants are exempt: a folder's `mod.rs`
//!    declares and re-exports its children and they use its shared types (errors, accounts),
//!    which is one module's inside, not two modules tangled.
//! 2. **No arrow back up.** Every top module sits on a floor of [`FLOORS`], written from the
//!    data flow of DESIGN.md (IMAP → sync → store → app state → screen; template + message →
//!    reply → outbox → SMTP). A module may use its own floor and the floors below, never one
//!    above. A sub-module may be placed on its own floor when it is a lower layer than its
//!    parent (`outreach::import` is a pure CSV reader the store and config read orders with).
//!
//! Test code is left out (`#[cfg(test)]` items, the files they declare, and files named
//! `tests.rs` or `*_tests.rs`): tests may build fixtures from any layer. Comments and string
//! literals are left out too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The floors, lowest first. Keys are module paths; a file belongs to the longest key that is a
/// prefix of its module path.
const FLOORS: &[&[&str]] = &[
    // Foundations: the one clock, exit codes, human-readable times, TCP/TLS and back-off.
    &["clock", "exit", "human_time", "net"],
    // Pure business rules over time.
    &["deadline", "tracking"],
    // Pure protocol and message cores: no store, no config.
    &["mail", "imap", "oauth", "shared", "outreach::import"],
    // Shaping text and attachment files for the owner.
    &["attach", "text"],
    &["template"],
    // SQLite: everything below is what it stores.
    &["store"],
    // The config builds the store's context and the workers' settings.
    &["config"],
    // Reading mail in (import) and reporting on the store.
    &["import", "review"],
    // IMAP → store.
    &["sync"],
    // reply → outbox → SMTP (and the Sent copy through sync's jobs).
    &["send"],
    &["outreach"],
    // Sizes shared by app state and screen.
    &["layout"],
    &["app"],
    &["ui"],
    // Programs built from all of the above.
    &["demo", "login", "setup", "tui", "workers"],
    &["cli"],
];

/// Known arrows back up, each with why it is still there. The test fails when one disappears,
/// so this list only shrinks.
const EXCEPTIONS: &[(&str, &str, &str)] = &[];

type ModPath = Vec<String>;

fn module_of(src: &Path, file: &Path) -> ModPath {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: ModPath = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        parts.clear();
    }
    parts
}

/// The code of a file with comments, string and char literals blanked out (their length kept,
/// so nothing else moves).
fn strip_comments_and_strings(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let at = |i: usize| b.get(i).copied().unwrap_or('\0');
    while i < b.len() {
        let c = at(i);
        if c == '/' && at(i + 1) == '/' {
            while i < b.len() && at(i) != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < b.len() {
                if at(i) == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if at(i) == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if (c == 'r' || (c == 'b' && at(i + 1) == 'r'))
            && !at(i.wrapping_sub(1)).is_alphanumeric()
            && {
                let s = if c == 'b' { i + 2 } else { i + 1 };
                let mut j = s;
                while at(j) == '#' {
                    j += 1;
                }
                at(j) == '"'
            }
        {
            // Raw string: r"…", r#"…"#, br"…".
            let mut j = if c == 'b' { i + 2 } else { i + 1 };
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if at(j) == '"' && (1..=hashes).all(|k| at(j + k) == '#') {
                    j += 1 + hashes;
                    break;
                }
                if at(j) == '\n' {
                    out.push('\n');
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && at(i) != '"' {
                if at(i) == '\\' {
                    i += 1;
                }
                if at(i) == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                let mut j = i + 2;
                while j < b.len() && at(j) != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
            } else if at(i + 2) == '\'' {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// One file's production code, split into (inline module stack, code) pieces: `#[cfg(test)]`
/// items are dropped, and the names of inline `mod x { … }` blocks are tracked so that `super`
/// resolves from the right place. Also returns the child files declared under `#[cfg(test)]`.
fn production_pieces(code: &str) -> (Vec<(Vec<String>, String)>, Vec<String>) {
    let mut pieces = Vec::new();
    let mut test_children = Vec::new();
    let mut stack: Vec<(String, i32)> = Vec::new();
    let mut depth = 0i32;
    let mut skip_to: Option<i32> = None;
    let mut pending_test = false;
    for line in code.lines() {
        let t = line.trim();
        if skip_to.is_none() && t.starts_with("#[cfg(test)]") {
            pending_test = true;
            let rest = t.trim_start_matches("#[cfg(test)]").trim();
            if rest.is_empty() {
                continue;
            }
        }
        let opens = line.matches('{').count() as i32;
        let closes = line.matches('}').count() as i32;
        if skip_to.is_none() && pending_test && !t.starts_with("#[") {
            pending_test = false;
            if t.ends_with(';') && !t.contains('{') {
                let name = t
                    .trim_end_matches(';')
                    .split_whitespace()
                    .last()
                    .unwrap_or_default();
                if t.contains("mod ") {
                    test_children.push(name.to_string());
                }
                continue;
            }
            if opens > closes {
                skip_to = Some(depth);
            }
            depth += opens - closes;
            continue;
        }
        if let Some(d) = skip_to {
            depth += opens - closes;
            if depth <= d {
                skip_to = None;
            }
            continue;
        }
        let names: Vec<String> = stack.iter().map(|(n, _)| n.clone()).collect();
        pieces.push((names, line.to_string()));
        if let Some(name) = inline_mod(t) {
            if opens > closes {
                stack.push((name, depth));
            }
        }
        depth += opens - closes;
        while stack.last().is_some_and(|(_, d)| depth <= *d) {
            stack.pop();
        }
    }
    (pieces, test_children)
}

fn inline_mod(t: &str) -> Option<String> {
    let t = t.strip_prefix("pub ").unwrap_or(t);
    let t = t
        .strip_prefix("pub(crate) ")
        .or_else(|| t.strip_prefix("pub(super) "))
        .unwrap_or(t);
    let rest = t.strip_prefix("mod ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    rest.contains('{').then_some(name)
}

/// Expands a `use` tree (`crate::{a::b, c::{d, e}}`) into its leaf paths.
fn expand_use(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let (prefix, body) = tree.split_at(open);
    let body = body
        .strip_prefix('{')
        .and_then(|b| b.strip_suffix('}'))
        .unwrap_or(body);
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in body.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand_use(&format!("{prefix}{p}")))
        .collect()
}

/// Every `crate::`/`super::` path in a piece of code: use trees expanded, inline paths read
/// up to the first non-path character.
fn paths_in(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Use statements first (they may span lines).
    let mut rest = code;
    while let Some(i) = find_word(rest, "use") {
        let after = rest.get(i + 3..).unwrap_or_default();
        let end = after.find(';').unwrap_or(after.len());
        let tree = after.get(..end).unwrap_or_default();
        out.extend(expand_use(tree));
        rest = after.get(end..).unwrap_or_default();
    }
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = code.get(from..).and_then(|s| s.find(start)) {
            let i = from + i;
            let prev = code.get(..i).and_then(|s| s.chars().last()).unwrap_or(' ');
            from = i + start.len();
            if prev.is_alphanumeric() || prev == '_' || prev == ':' {
                continue;
            }
            let path: String = code
                .get(i..)
                .unwrap_or_default()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            out.push(path);
        }
    }
    out.retain(|p| p.starts_with("crate::") || p.starts_with("super::"));
    out
}

fn find_word(s: &str, w: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|x| x.find(w)) {
        let i = from + i;
        let before = s.get(..i).and_then(|x| x.chars().last()).unwrap_or(' ');
        let after = s.get(i + w.len()..).and_then(|x| x.chars().next());
        if !(before.is_alphanumeric() || before == '_') && after.is_some_and(char::is_whitespace) {
            return Some(i);
        }
        from = i + w.len();
    }
    None
}

/// The file module a path names: the longest prefix of the absolute path that is a file.
fn resolve(
    here: &ModPath,
    inline: &[String],
    path: &str,
    files: &BTreeSet<ModPath>,
) -> Option<ModPath> {
    let mut segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: ModPath = match segs.first() {
        Some(&"crate") => {
            segs.remove(0);
            Vec::new()
        }
        Some(&"super") => {
            let mut b = here.clone();
            b.extend(inline.iter().cloned());
            while segs.first() == Some(&"super") {
                segs.remove(0);
                b.pop();
            }
            b
        }
        _ => return None,
    };
    base.extend(segs.iter().map(|s| s.to_string()));
    (1..=base.len())
        .rev()
        .map(|n| base.iter().take(n).cloned().collect::<ModPath>())
        .find(|p| files.contains(p))
}

/// All file modules under `src/` with their production edges.
fn graph() -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let texts: Vec<(PathBuf, String)> = crate::file_size_tests::rust_files()
        .into_iter()
        .map(|(path, _, text)| (path, text))
        .collect();
    let files: BTreeSet<ModPath> = texts.iter().map(|(p, _)| module_of(&src, p)).collect();
    let mut tests: BTreeSet<ModPath> = BTreeSet::new();
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    let mut parsed = Vec::new();
    for (p, text) in &texts {
        let here = module_of(&src, p);
        let (pieces, test_children) = production_pieces(&strip_comments_and_strings(text));
        for c in test_children {
            let mut m = here.clone();
            m.push(c);
            tests.insert(m);
        }
        parsed.push((here, pieces));
    }
    for (here, pieces) in parsed {
        // The crate roots (lib.rs, main.rs) only declare and run modules. Test files are the
        // ones declared under #[cfg(test)], and by the project's naming `tests.rs` and
        // `*_tests.rs` (some are declared through #[path], which this reader does not follow).
        let test_named = here
            .last()
            .is_some_and(|f| f == "tests" || f.ends_with("_tests"));
        if here.is_empty() || test_named || tests.iter().any(|t| here.starts_with(t)) {
            continue;
        }
        // Group consecutive lines with the same inline-module stack, so a `use` spanning
        // lines is read whole.
        let mut groups: Vec<(Vec<String>, String)> = Vec::new();
        for (stack, line) in pieces {
            match groups.last_mut() {
                Some((s, text)) if *s == stack => {
                    text.push('\n');
                    text.push_str(&line);
                }
                _ => groups.push((stack, line)),
            }
        }
        let entry = edges.entry(here.clone()).or_default();
        for (stack, code) in groups {
            for path in paths_in(&code) {
                if let Some(to) = resolve(&here, &stack, &path, &files) {
                    if !to.is_empty() && !here.is_empty() && to != here {
                        entry.insert(to);
                    }
                }
            }
        }
    }
    edges
}

fn name(m: &[String]) -> String {
    m.join("::")
}

fn related(a: &[String], b: &[String]) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// The floor of a module and the table key that placed it.
fn floor_of(m: &[String]) -> Option<(usize, &'static str)> {
    let mut best: Option<(usize, &'static str)> = None;
    for (floor, keys) in FLOORS.iter().enumerate() {
        for key in keys.iter() {
            let k: Vec<&str> = key.split("::").collect();
            let matches = m.len() >= k.len() && m.iter().zip(&k).all(|(a, b)| a == b);
            if matches && best.is_none_or(|(_, b)| b.split("::").count() < k.len()) {
                best = Some((floor, *key));
            }
        }
    }
    best
}

#[test]
fn no_two_files_import_each_other() {
    let g = graph();
    assert!(g.len() > 150, "read the sources: {} files", g.len());
    let mut circles = Vec::new();
    for (a, outs) in &g {
        for b in outs {
            if a < b && !related(a, b) && g.get(b).is_some_and(|o| o.contains(a)) {
                circles.push(format!("{} <-> {}", name(a), name(b)));
            }
        }
    }
    assert!(circles.is_empty(), "import circles: {circles:#?}");
}

#[test]
fn no_import_runs_back_up_a_floor() {
    let g = graph();
    let mut unplaced = BTreeSet::new();
    let mut up = Vec::new();
    let mut used = BTreeSet::new();
    for (a, outs) in &g {
        let Some((fa, ka)) = floor_of(a) else {
            unplaced.insert(name(a));
            continue;
        };
        for b in outs {
            let Some((fb, kb)) = floor_of(b) else {
                unplaced.insert(name(b));
                continue;
            };
            if fb <= fa || ka == kb {
                continue;
            }
            let excused = EXCEPTIONS.iter().position(|(from, to, _)| {
                name(a).starts_with(from)
                    && (name(b) == *to || name(b).starts_with(&format!("{to}::")))
            });
            match excused {
                Some(i) => {
                    used.insert(i);
                }
                None => up.push(format!(
                    "{} ({ka}, floor {fa}) -> {} ({kb}, floor {fb})",
                    name(a),
                    name(b)
                )),
            }
        }
    }
    assert!(
        unplaced.is_empty(),
        "modules missing from FLOORS: {unplaced:?}"
    );
    assert!(up.is_empty(), "imports back up a floor: {up:#?}");
    let stale: Vec<_> = (0..EXCEPTIONS.len())
        .filter(|i| !used.contains(i))
        .collect();
    assert!(
        stale.is_empty(),
        "exceptions no longer needed, remove them: {stale:?}"
    );
}

#[test]
fn the_reader_sees_what_the_rules_need() {
    let code = strip_comments_and_strings(
        "use crate::a::{b, c::{d, e}}; // crate::x\nlet s = \"crate::y\"; super::z::f();\n\
         #[cfg(test)]\nmod tests {\n    use crate::t;\n}\nmod inner {\n    use super::w;\n}\n",
    );
    let (pieces, _) = production_pieces(&code);
    let all: Vec<String> = pieces.iter().flat_map(|(_, l)| paths_in(l)).collect();
    assert!(all.contains(&"crate::a::b".to_string()), "{all:?}");
    assert!(all.contains(&"crate::a::c::e".to_string()), "{all:?}");
    assert!(all.contains(&"super::z::f".to_string()), "{all:?}");
    assert!(!all
        .iter()
        .any(|p| p.contains("::x") || p.contains("::y") || p.contains("::t")));
    let inner = pieces
        .iter()
        .find(|(_, l)| l.contains("super::w"))
        .map(|(s, _)| s.clone());
    assert_eq!(inner, Some(vec!["inner".to_string()]));
    let files: BTreeSet<ModPath> = [vec!["m".into()], vec!["m".into(), "k".into()]].into();
    let here: ModPath = vec!["m".into(), "k".into()];
    assert_eq!(
        resolve(&here, &[], "super::Thing", &files),
        Some(vec!["m".to_string()])
    );
    assert_eq!(
        resolve(&here, &["inner".into()], "super::x", &files),
        Some(here.clone()),
        "super inside an inline module is the file itself"
    );
}
