//! The durable journal: torn tails at every byte, every bit flip detected,
//! reopening gives back the same ledger.

mod common;

use std::path::PathBuf;

use coalition_ledger::io::journal::{Journal, Recovery, TornTail};
use coalition_ledger::*;
use common::*;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("cl-journal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The actions of a ledger with `pledges` pledges and a few lifecycle
/// entries each. Ids avoid `J` and `*`, whose one-bit flips give a newline.
fn actions(pledges: usize) -> Vec<(Action, Provenance)> {
    let mut out = Vec::new();
    for (id, name) in [
        ("FRA", "France"),
        ("GBR", "United Kingdom"),
        ("DEU", "Germany"),
    ] {
        out.push((
            Action::AddMember(Box::new(Member::new(mid(id), name))),
            Provenance::new(Evidence::Verified),
        ));
    }
    out.push((
        Action::AddSource(Box::new(Source::new(
            sid("src"),
            "Reuters",
            SourceKind::Media,
        ))),
        Provenance::new(Evidence::Verified),
    ));
    for i in 0..pledges {
        let id = format!("P{i}");
        let member = ["FRA", "GBR", "DEU"][i % 3];
        let spec = if i % 2 == 0 {
            troops(
                &id,
                member,
                Estimate::Range {
                    low: 100,
                    high: 200 + i as u64,
                },
            )
        } else {
            funding(&id, member, Estimate::Exact(eur(&format!("{i}.25"))))
        };
        let date = format!("2025-01-{:02}", 1 + i % 28);
        out.push((
            Action::Pledge(Box::new(spec)),
            reported(&date).cite(sid("src")),
        ));
        if i % 3 == 0 {
            out.push((
                Action::Advance {
                    pledge: pid(&id),
                    stage: Stage::Committed,
                },
                verified(&date),
            ));
        }
        if i % 4 == 1 {
            let currency = (i % 2 == 1).then_some(Currency::EUR);
            out.push((
                Action::Deliver {
                    pledge: pid(&id),
                    quantity: dec("1"),
                    currency,
                    correction: false,
                },
                verified(&date),
            ));
        }
    }
    out
}

fn write_journal(path: &PathBuf, actions: &[(Action, Provenance)]) -> Ledger {
    let mut journal = Journal::open(path, Recovery::Fail).expect("creates");
    for (action, provenance) in actions {
        assert!(
            journal
                .append(action.clone(), provenance.clone())
                .expect("valid")
                .is_appended()
        );
    }
    journal.into_ledger()
}

/// The ledger after each prefix of the actions.
fn prefixes(actions: &[(Action, Provenance)]) -> Vec<Ledger> {
    let mut ledger = Ledger::new();
    let mut out = vec![ledger.clone()];
    for (action, provenance) in actions {
        ledger
            .record(action.clone(), provenance.clone())
            .expect("valid");
        out.push(ledger.clone());
    }
    out
}

/// Offsets just after each newline: where each line ends.
fn line_ends(bytes: &[u8]) -> Vec<usize> {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn reopening_gives_the_same_ledger_and_appends_continue() {
    let dir = TempDir::new("reopen");
    let path = dir.file("j");
    let all = actions(20);
    let written = write_journal(&path, &all);
    let mut journal = Journal::open(&path, Recovery::Fail).expect("reopens");
    assert_eq!(journal.ledger(), &written);
    assert_eq!(journal.recovered(), None);
    let next = journal
        .append(
            Action::Annotate { pledge: pid("P1") },
            Provenance::new(Evidence::Verified).cite(sid("src")),
        )
        .expect("appends");
    assert_eq!(
        next,
        Recorded::Appended {
            sequence: written.len() as u64
        }
    );
    drop(journal);
    let again = Journal::open(&path, Recovery::Fail).expect("reopens");
    assert_eq!(again.ledger().len(), written.len() + 1);
    assert_eq!(
        again.ledger().entries().last().map(Entry::sequence),
        Some(written.len() as u64)
    );
}

#[test]
fn rejected_and_repeated_appends_write_nothing() {
    let dir = TempDir::new("reject");
    let path = dir.file("j");
    write_journal(&path, &actions(2));
    let size = std::fs::metadata(&path).expect("exists").len();
    let mut journal = Journal::open(&path, Recovery::Fail).expect("reopens");
    let err = journal.append(
        Action::Advance {
            pledge: pid("nope"),
            stage: Stage::Committed,
        },
        Provenance::new(Evidence::Verified),
    );
    assert_eq!(err.unwrap_err().to_string(), "unknown pledge `nope`");
    let again = journal.append(
        Action::AddMember(Box::new(Member::new(mid("FRA"), "France"))),
        Provenance::new(Evidence::Verified),
    );
    assert_eq!(
        again.expect("idempotent"),
        Recorded::AlreadyPresent { sequence: 0 }
    );
    assert_eq!(std::fs::metadata(&path).expect("exists").len(), size);
}

#[test]
fn cutting_at_every_byte_recovers_exactly_the_complete_entries() {
    let dir = TempDir::new("cut");
    let path = dir.file("j");
    let all = actions(40);
    assert!(all.len() >= 50, "at least 50 entries");
    write_journal(&path, &all);
    let bytes = std::fs::read(&path).expect("reads");
    let ends = line_ends(&bytes);
    assert_eq!(ends.len(), all.len());
    let expected = prefixes(&all);
    let cut_path = dir.file("cut");
    for cut in 0..=bytes.len() {
        let complete = ends.iter().take_while(|&&end| end <= cut).count();
        let boundary = if complete == 0 { 0 } else { ends[complete - 1] };
        std::fs::write(&cut_path, &bytes[..cut]).expect("writes");
        let strict = Journal::open(&cut_path, Recovery::Fail);
        if cut == boundary {
            assert_eq!(
                strict.expect("a clean cut opens").ledger(),
                &expected[complete],
                "cut {cut}"
            );
            continue;
        }
        let torn = TornTail {
            line: complete as u64 + 1,
            bytes: (cut - boundary) as u64,
        };
        assert_eq!(
            strict.unwrap_err(),
            Error::TornTail {
                line: torn.line,
                bytes: torn.bytes
            },
            "cut {cut}"
        );
        assert_eq!(
            std::fs::metadata(&cut_path).expect("exists").len(),
            cut as u64,
            "a refused open changes nothing"
        );
        let recovered = Journal::open(&cut_path, Recovery::TruncateTornTail).expect("truncates");
        assert_eq!(recovered.recovered(), Some(torn));
        assert_eq!(recovered.ledger(), &expected[complete], "cut {cut}");
        assert_eq!(
            std::fs::metadata(&cut_path).expect("exists").len(),
            boundary as u64
        );
    }
}

#[test]
fn every_single_bit_flip_is_detected() {
    let dir = TempDir::new("flip");
    let path = dir.file("j");
    let all = actions(6);
    write_journal(&path, &all);
    let bytes = std::fs::read(&path).expect("reads");
    let turns_into_newline = |b: u8| (0..8).any(|bit| b ^ (1 << bit) == b'\n');
    assert!(
        !bytes.iter().any(|&b| b != b'\n' && turns_into_newline(b)),
        "test data must not hold bytes one flip away from a newline"
    );
    let ends = line_ends(&bytes);
    let last_start = ends[ends.len() - 2];
    let flipped_path = dir.file("flipped");
    for position in 0..bytes.len() {
        for bit in 0..8 {
            let mut copy = bytes.clone();
            copy[position] ^= 1 << bit;
            std::fs::write(&flipped_path, &copy).expect("writes");
            let err = Journal::open(&flipped_path, Recovery::Fail)
                .expect_err("a flipped bit must be detected");
            let line = ends.iter().take_while(|&&end| end <= position).count() as u64 + 1;
            if position >= last_start {
                assert!(
                    matches!(err, Error::TornTail { line: l, .. } if l == ends.len() as u64),
                    "byte {position} bit {bit}: {err}"
                );
            } else if position == last_start - 1 {
                // The newline ending the line before the last: the two merge into a torn last line.
                assert!(
                    matches!(err, Error::TornTail { line: l, .. } if l == ends.len() as u64 - 1),
                    "byte {position} bit {bit}: {err}"
                );
            } else {
                assert!(
                    matches!(err, Error::Journal { line: l, .. } if l == line),
                    "byte {position} bit {bit}: {err}"
                );
            }
        }
    }
}

#[test]
fn a_sequence_gap_is_corruption_naming_the_line() {
    let dir = TempDir::new("gap");
    let path = dir.file("j");
    write_journal(&path, &actions(3));
    let text = std::fs::read_to_string(&path).expect("reads");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(1);
    std::fs::write(&path, lines.join("\n") + "\n").expect("writes");
    let err = Journal::open(&path, Recovery::TruncateTornTail).unwrap_err();
    assert_eq!(
        err.to_string(),
        "journal line 2: sequence number 2 where 1 was expected"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_poisons_the_journal() {
    let mut journal = Journal::open("/dev/full", Recovery::Fail).expect("opens the device");
    let member = || Action::AddMember(Box::new(Member::new(mid("FRA"), "France")));
    let err = journal
        .append(member(), Provenance::new(Evidence::Verified))
        .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    assert_eq!(
        journal.ledger().len(),
        0,
        "nothing is applied when the write fails"
    );
    let err = journal
        .append(member(), Provenance::new(Evidence::Verified))
        .unwrap_err();
    assert_eq!(
        err,
        Error::JournalPoisoned {
            path: "/dev/full".into()
        }
    );
}
