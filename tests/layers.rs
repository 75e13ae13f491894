//! Layers point down: a module names only modules on its own layer or
//! below, and nothing under the crate root goes through the root's
//! re-exports (which would make every module depend on all of them).
//!
//! The layers, bottom up: the vocabulary (ids, dates, money, pledges and
//! the other value types), `entry`, `ledger`, `query`, `check`, `testing`,
//! `io`, and the crate root. Read from the source text: every `crate::name`
//! outside comments must name a module of the same or a lower layer.

use std::path::{Path, PathBuf};

/// The layer of each top-level module; the vocabulary shares layer 0.
const LAYERS: &[(&str, u8)] = &[
    ("attributes", 0),
    ("dates", 0),
    ("deflators", 0),
    ("error", 0),
    ("estimate", 0),
    ("exact", 0),
    ("fx", 0),
    ("hash", 0),
    ("ids", 0),
    ("lifecycle", 0),
    ("limits", 0),
    ("member", 0),
    ("minor_units", 0),
    ("money", 0),
    ("one_line", 0),
    ("pledge", 0),
    ("source", 0),
    ("spelling", 0),
    ("strict_maps", 0),
    ("thin_list", 0),
    ("withdrawn", 0),
    ("within_limits", 0),
    ("entry", 1),
    ("ledger", 2),
    ("query", 3),
    ("check", 4),
    ("testing", 5),
    ("io", 6),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS
        .iter()
        .find(|(name, _)| *name == module)
        .map(|&(_, layer)| layer)
}

/// Every `.rs` file under `dir`, sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The top-level module a file belongs to (`src/query/cache.rs` → `query`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

/// The code of a file with every comment line blanked (doc links may name
/// any layer), so that offsets still give line numbers.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.trim_start().starts_with("//") {
                ""
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first name of each path that begins with `crate::`, with the byte
/// offset where it stands. A group (`crate::{a::b, c}`) gives each of its
/// items' first names; `$crate::` in a macro is skipped (it is the root).
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let name = |text: &str| -> String {
        text.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '*')
            .collect()
    };
    let mut found = Vec::new();
    for (at, prefix) in code.match_indices("crate::") {
        if code[..at].ends_with('$') {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        let Some(group) = rest.strip_prefix('{') else {
            found.push((at, name(rest)));
            continue;
        };
        let mut depth = 0usize;
        let mut start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    found.push((at, name(&group[start..i])));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    found.push((at, name(&group[start..i])));
                    start = i + 1;
                }
                _ => {}
            }
        }
    }
    found.retain(|(_, name)| !name.is_empty());
    found
}

#[test]
fn every_module_names_only_its_own_layer_or_lower() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for file in sources(&src) {
        let Some(module) = module_of(&src, &file) else {
            continue;
        };
        if module == "lib" {
            continue;
        }
        let own = layer(&module).unwrap_or_else(|| panic!("{module} has no layer in LAYERS"));
        let code = code_of(&std::fs::read_to_string(&file).expect("readable"));
        for (at, name) in crate_paths(&code) {
            let line = code[..at].matches('\n').count() + 1;
            let place = format!("{}:{line}", file.display());
            match layer(&name) {
                Some(theirs) if theirs > own => problems.push(format!(
                    "{place}: `{module}` (layer {own}) names `{name}` (layer {theirs})"
                )),
                Some(_) => {}
                None => problems.push(format!(
                    "{place}: `crate::{name}` goes through the crate root; name the module that defines it"
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_catches_an_upward_name_and_a_root_re_export() {
    let names = |code: &str| -> Vec<String> {
        crate_paths(code)
            .into_iter()
            .map(|(_, name)| name)
            .collect()
    };
    assert_eq!(names("use crate::query::Table;"), ["query"]);
    assert_eq!(names("use crate::{Ledger, Member};"), ["Ledger", "Member"]);
    assert_eq!(
        names("use crate::{\n    error::{Error, Result},\n    ids::MemberId,\n};"),
        ["error", "ids"]
    );
    assert_eq!(names("crate::parse_date(x)"), ["parse_date"]);
    assert_eq!(names("use crate::*;"), ["*"]);
    assert!(names("$crate::ids::MemberId").is_empty());
    assert!(names(&code_of("/// [`Ledger`](crate::Ledger)")).is_empty());
    for root in ["Ledger", "parse_date", "*"] {
        assert_eq!(layer(root), None);
    }
    assert!(layer("query") > layer("ledger"));
}
