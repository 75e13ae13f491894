//! Loading long JSON documents: the ledger that was saved comes back, and a
//! broken entry far into the file is reported with its place, whichever
//! way the document is read.
#![cfg(feature = "testing")]

use coalition_ledger::io::json;
use coalition_ledger::testing::Generator;
use coalition_ledger::*;

/// A generated ledger of thousands of entries and its document's lines.
fn long_document() -> (Ledger, Vec<String>) {
    let ledger = Generator::seeded(29)
        .members(15)
        .pledges(2_500)
        .ledger()
        .expect("the generator makes a valid ledger");
    let lines = json::to_string(&ledger)
        .lines()
        .map(str::to_owned)
        .collect();
    (ledger, lines)
}

/// Entry `i` of the document is on line `i + 5` (four lines of header).
fn entry_line(i: usize) -> usize {
    i + 4
}

/// The document with line `n` (from 0) changed.
fn edit(lines: &[String], n: usize, from: &str, to: &str) -> Vec<String> {
    let mut lines = lines.to_vec();
    assert!(lines[n].contains(from), "line {n}: {}", lines[n]);
    lines[n] = lines[n].replacen(from, to, 1);
    lines
}

/// Loads the text from a string, a reader and a file; all three agree.
fn load_every_way(lines: &[String]) -> Result<Ledger> {
    let text = lines.join("\n");
    let from_str = json::from_str(&text);
    let from_reader = json::from_reader(text.as_bytes());
    assert_eq!(from_reader, from_str);
    // Tests run in parallel: each load has a file of its own.
    static FILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = FILES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("json-load-{}-{n}.json", std::process::id()));
    std::fs::write(&path, &text).expect("writes the document");
    let loaded = json::load(&path);
    std::fs::remove_file(&path).ok();
    assert_eq!(loaded, from_str);
    from_str
}

fn seq(i: usize) -> String {
    format!("{{\"seq\":{i},")
}

#[test]
fn a_long_document_loads_to_the_ledger_that_was_saved() {
    let (ledger, lines) = long_document();
    assert!(ledger.len() > 7_000, "{} entries", ledger.len());
    let loaded = load_every_way(&lines).expect("loads what it saved");
    assert_eq!(loaded, ledger);
    assert_eq!(json::to_string(&loaded), lines.join("\n") + "\n");
}

#[test]
fn a_broken_entry_far_into_the_file_is_named_by_its_index() {
    let (ledger, lines) = long_document();
    let last = ledger.len() - 1;
    for i in [3, 2_100, 6_000, last] {
        let broken = edit(&lines, entry_line(i), &seq(i), &seq(i + 1));
        let err = load_every_way(&broken).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "entry {i}: entry: invalid seq: sequence number {} where {i} was expected",
                i + 1
            )
        );
    }
}

#[test]
fn malformed_json_far_into_the_file_is_named_by_its_line_and_column() {
    let (_, lines) = long_document();
    let broken = edit(&lines, entry_line(6_500), &seq(6_500), "{\"seq\":6500,,");
    let err = load_every_way(&broken).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "JSON line {}, column 17: key must be a string",
            entry_line(6_500) + 1
        )
    );
    // A positional list is refused where it stands.
    let broken = edit(&lines, entry_line(7_000), "\"sources\":[", "\"sources\":[[");
    let err = load_every_way(&broken).unwrap_err();
    let Error::Json { line, .. } = err else {
        panic!("a located error, not {err}")
    };
    assert_eq!(line, entry_line(7_000) + 1);
}

#[test]
fn the_first_problem_in_the_file_is_the_one_reported() {
    let (_, lines) = long_document();
    // A broken entry, then malformed JSON on the next line: the entry.
    let broken = edit(
        &edit(&lines, entry_line(5_000), &seq(5_000), &seq(4)),
        entry_line(5_001),
        &seq(5_001),
        "{{",
    );
    let err = load_every_way(&broken).unwrap_err();
    assert!(err.to_string().starts_with("entry 5000: "), "{err}");
    // Malformed JSON, then a broken entry: the JSON.
    let broken = edit(
        &edit(&lines, entry_line(5_000), &seq(5_000), "{{"),
        entry_line(5_001),
        &seq(5_001),
        &seq(4),
    );
    let err = load_every_way(&broken).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("JSON line {}, ", entry_line(5_000) + 1)),
        "{err}"
    );
}
