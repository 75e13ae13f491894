//! A journal's running CRC-32, which its checkpoints certify as
//! `prefix`. Every healthy flow must leave a
//! checkpoint the next open trusts (`checkpoint_ignored() == None`, the
//! same ledger as a full replay); bytes changed under or after a writer
//! must never be certified by a checkpoint that open then trusts.

mod common;
use coalition_ledger::*;
use common::*;

use std::io::Write;
use std::path::{Path, PathBuf};

use coalition_ledger::io::journal::{self, Journal, Recovery};

fn checkpoint_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".checkpoint");
    PathBuf::from(name)
}

/// A journal at `path` with a member and `n` equally long pledge lines
/// (for `n <= 10`).
fn journal_with(path: &Path, n: usize) -> Journal {
    let mut journal = Journal::open(path, Recovery::Fail).expect("opens");
    journal
        .add_member(Member::new(mid("FRA"), "France"))
        .expect("appends");
    for i in 0..n {
        journal
            .open_pledge(
                troops(&format!("P{i}"), "FRA", Estimate::Exact(10)),
                reported("2025-01-01"),
            )
            .expect("appends");
    }
    journal
}

/// The checkpoint beside `path` exists, is trusted by a read-only and a
/// writable open, and gives the ledger a full replay gives (`ledger`).
fn assert_trusted(path: &Path, ledger: &Ledger, what: &str) {
    let checkpoint = checkpoint_of(path);
    assert!(checkpoint.exists(), "{what}: no checkpoint");
    let ro = Journal::open_read_only(path).expect("opens read-only");
    assert_eq!(ro.checkpoint_ignored(), None, "{what}: read-only open");
    assert_eq!(ro.ledger(), ledger, "{what}: read-only open");
    drop(ro);
    // The full replay agrees with the checkpoint.
    let aside = {
        let mut name = path.as_os_str().to_owned();
        name.push(".aside");
        PathBuf::from(name)
    };
    std::fs::rename(&checkpoint, &aside).expect("moves the checkpoint aside");
    let replayed = Journal::open_read_only(path).map(Journal::into_ledger);
    std::fs::rename(&aside, &checkpoint).expect("moves the checkpoint back");
    assert_eq!(replayed.as_ref(), Ok(ledger), "{what}: full replay");
    let writer = Journal::open(path, Recovery::Fail).expect("opens for writing");
    assert_eq!(writer.checkpoint_ignored(), None, "{what}: writable open");
    assert_eq!(writer.ledger(), ledger, "{what}: writable open");
}

/// Checkpoints `journal`, appends one more entry, drops it, and checks
/// that the checkpoint is trusted at the next open with the ledger after
/// the append.
fn checkpoint_append_and_reopen(mut journal: Journal, tag: &str, what: &str) {
    assert_eq!(journal.checkpoint(), Ok(()), "{what}: checkpoint");
    journal
        .add_member(Member::new(mid(tag), "After"))
        .expect("appends after the checkpoint");
    let ledger = journal.snapshot();
    let path = journal.path().to_path_buf();
    drop(journal);
    assert_trusted(&path, &ledger, what);
}

fn swapped_lines(bytes: &[u8], a: usize, b: usize) -> Vec<u8> {
    let mut lines: Vec<&[u8]> = bytes.split_inclusive(|c| *c == b'\n').collect();
    assert_eq!(lines[a].len(), lines[b].len(), "equally long lines");
    lines.swap(a, b);
    lines.concat()
}

fn older_journal(version: &str, path: &Path) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(version)
        .join("ledger.journal");
    std::fs::copy(&source, path).expect("copies");
}

// ---------------------------------------------------------------------
// Bytes changed under a writer are not certified
// ---------------------------------------------------------------------

/// The running CRC is taken over the very bytes the replay parsed: it
/// was taken by reading the file a second time after the replay, so lines
/// swapped between the two reads by another program were certified by the
/// writer's next checkpoint. A thread toggles two equally long lines
/// while the writer opens; whenever an open succeeds (its replay saw them
/// in order), the file is left with them swapped, the writer checkpoints,
/// and a read-only open must refuse the journal as a full replay does.
#[test]
fn bytes_changed_between_replay_and_the_crc_reread_are_not_certified() {
    use std::os::unix::fs::FileExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let dir = TempDir::new("race");
    let path = dir.file("j");
    let mut journal = journal_with(&path, 2);
    // Enough lines after them that the replay takes a while.
    journal
        .append_batch((0..1500).map(|i| {
            (
                Action::Pledge(Box::new(troops(
                    &format!("Q{i:05}"),
                    "FRA",
                    Estimate::Exact(10),
                ))),
                reported("2025-01-02"),
            )
        }))
        .expect("appends");
    drop(journal);
    let good = std::fs::read(&path).expect("reads");
    // Lines 3 and 4 (pledges P0 and P1), equally long.
    let bad = swapped_lines(&good, 2, 3);
    let ends = line_ends(&good);
    let (from, to) = (ends[1], ends[3]);
    let good_region = good[from..to].to_vec();
    let bad_region = bad[from..to].to_vec();
    std::fs::write(&path, &bad).expect("writes");
    assert!(
        Journal::open_read_only(&path).is_err(),
        "the swapped journal does not replay"
    );
    std::fs::write(&path, &good).expect("restores");

    let mut successful_opens = 0;
    for attempt in 0..150 {
        let stop = Arc::new(AtomicBool::new(false));
        let toggler = {
            let stop = Arc::clone(&stop);
            let path = path.clone();
            let (good_region, bad_region) = (good_region.clone(), bad_region.clone());
            std::thread::spawn(move || {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .expect("opens");
                while !stop.load(Ordering::Relaxed) {
                    file.write_all_at(&bad_region, from as u64).expect("writes");
                    file.write_all_at(&good_region, from as u64)
                        .expect("writes");
                }
            })
        };
        let opened = Journal::open(&path, Recovery::Fail);
        stop.store(true, Ordering::Relaxed);
        toggler.join().expect("toggler");
        let Ok(journal) = opened else { continue };
        successful_opens += 1;
        // Another program leaves the lines swapped; the writer checkpoints.
        std::fs::write(&path, &bad).expect("swaps");
        journal.checkpoint().expect("checkpoints");
        drop(journal);
        let reopened = Journal::open_read_only(&path).map(|j| j.ledger().len());
        assert!(
            reopened.is_err(),
            "attempt {attempt}: a checkpoint certified lines swapped between the replay and \
             the CRC's re-read, and open trusted it over a journal that does not replay: {reopened:?}"
        );
        std::fs::write(&path, &good).expect("restores");
        std::fs::remove_file(checkpoint_of(&path)).expect("removes the checkpoint");
    }
    assert!(successful_opens > 0, "no open succeeded while lines moved");
}

/// A checkpoint without `prefix` (written before checkpoints kept it) is
/// trusted on its lines by a read-only open, but a writer replays the
/// lines once instead of starting from it: seeding its running CRC from
/// the covered bytes as they are now, its next checkpoint certified lines
/// reordered since, over a journal that no longer replays.
#[test]
fn a_legacy_checkpoint_over_reordered_lines_is_not_upgraded_to_a_certified_one() {
    let dir = TempDir::new("legacy-upgrade");
    let path = dir.file("j");
    let journal = journal_with(&path, 3);
    journal.checkpoint().expect("checkpoints");
    drop(journal);
    let checkpoint = checkpoint_of(&path);
    let current = std::fs::read(&checkpoint).expect("reads");
    std::fs::write(&checkpoint, without_prefix_checksum(&current)).expect("writes");
    // Lines 3 and 4 (P0 and P1) swapped; line 5, the last covered, stays.
    let bytes = std::fs::read(&path).expect("reads");
    std::fs::write(&path, swapped_lines(&bytes, 2, 3)).expect("writes");
    let aside = dir.file("aside");
    std::fs::rename(&checkpoint, &aside).expect("moves");
    let without = Journal::open_read_only(&path).map(|j| j.ledger().len());
    assert!(without.is_err(), "the journal does not replay");
    std::fs::rename(&aside, &checkpoint).expect("moves back");

    // A read-only open trusts the old checkpoint on its lines, as before
    // (it certifies nothing); a writer does not start from it, for its
    // next checkpoint would certify an order nobody checked: it replays
    // everything once, which reports the lines out of order.
    let read_only = Journal::open_read_only(&path).map(|j| j.ledger().len());
    assert_eq!(read_only.ok(), Some(4));
    let writer = Journal::open(&path, Recovery::Fail).map(|j| j.ledger().len());
    assert_eq!(writer, without);
}

// ---------------------------------------------------------------------
// Every healthy flow leaves a checkpoint the next open trusts
// ---------------------------------------------------------------------

#[test]
fn flow_single_appends_then_checkpoint() {
    let dir = TempDir::new("single");
    let path = dir.file("j");
    let journal = journal_with(&path, 3);
    checkpoint_append_and_reopen(journal, "ZZZ", "single appends");
}

#[test]
fn flow_every_record_method_then_checkpoint_after_each() {
    let dir = TempDir::new("record-methods");
    let path = dir.file("j");
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    type Step = Box<dyn Fn(&mut Journal) -> Result<Recorded>>;
    let steps: Vec<Step> = vec![
        Box::new(|j| j.add_member(Member::new(mid("FRA"), "France"))),
        Box::new(|j| j.add_source(Source::new(sid("src"), "Reuters", SourceKind::Media))),
        Box::new(|j| {
            j.open_pledge(
                troops("T1", "FRA", Estimate::Exact(100)),
                reported("2025-01-01"),
            )
        }),
        Box::new(|j| {
            j.open_pledge(
                funding("F1", "FRA", Estimate::Exact(eur("1000"))),
                reported("2025-01-01"),
            )
        }),
        Box::new(|j| {
            j.open_pledge(
                troops("V1", "FRA", Estimate::Exact(5)),
                reported("2025-01-01"),
            )
        }),
        Box::new(|j| {
            j.open_pledge(
                troops("W1", "FRA", Estimate::Exact(5)),
                reported("2025-01-01"),
            )
        }),
        Box::new(|j| j.advance(&pid("T1"), Stage::Committed, verified("2025-01-02"))),
        Box::new(|j| {
            j.revise(
                &pid("T1"),
                Contribution::Troops {
                    personnel: Estimate::Exact(80),
                },
                verified("2025-01-03"),
            )
        }),
        Box::new(|j| j.deliver(&pid("T1"), dec("10"), verified("2025-01-04"))),
        Box::new(|j| j.correct_delivery(&pid("T1"), dec("-2"), verified("2025-01-05"))),
        Box::new(|j| j.deliver_money(&pid("F1"), eur("100"), verified("2025-01-05"))),
        Box::new(|j| j.withdraw(&pid("W1"), "changed plans", verified("2025-01-06"))),
        Box::new(|j| j.annotate(&pid("T1"), verified("2025-01-07"))),
        Box::new(|j| {
            j.record(
                Action::AmendMember(Box::new(Member::new(mid("FRA"), "French Republic"))),
                verified("2025-01-08"),
            )
        }),
        Box::new(|j| {
            j.record(
                Action::AmendSource(Box::new(Source::new(
                    sid("src"),
                    "Reuters News",
                    SourceKind::Media,
                ))),
                verified("2025-01-08"),
            )
        }),
        Box::new(|j| {
            j.record(
                Action::Void {
                    pledge: pid("V1"),
                    reason: "imported twice".into(),
                },
                verified("2025-01-09"),
            )
        }),
    ];
    for (i, step) in steps.iter().enumerate() {
        let recorded = step(&mut journal);
        assert!(
            matches!(recorded, Ok(Recorded::Appended { .. })),
            "step {i}: {recorded:?}"
        );
        journal.checkpoint().expect("checkpoints");
        let ledger = journal.snapshot();
        let before = std::fs::read(&path).expect("reads");
        drop(journal);
        assert_trusted(&path, &ledger, &format!("after step {i}"));
        assert_eq!(std::fs::read(&path).expect("reads"), before);
        journal = Journal::open(&path, Recovery::Fail).expect("reopens");
    }
    // Refused actions write nothing and leave the checkpoint good.
    assert!(
        journal
            .advance(&pid("nope"), Stage::Committed, verified("2025-02-01"))
            .is_err()
    );
    assert!(
        journal
            .withdraw(&pid("V1"), "void already", verified("2025-02-01"))
            .is_err()
    );
    checkpoint_append_and_reopen(journal, "ZZZ", "after refused actions");
}

#[test]
fn flow_batches_including_failed_and_empty_ones() {
    let dir = TempDir::new("batches");
    let path = dir.file("j");
    let mut journal = journal_with(&path, 1);
    journal.checkpoint().expect("checkpoints");
    // A batch that succeeds.
    journal
        .batch(|b| {
            b.add_member(Member::new(mid("GBR"), "United Kingdom"))?;
            b.open_pledge(
                troops("G1", "GBR", Estimate::Exact(7)),
                reported("2025-01-01"),
            )
        })
        .expect("batch");
    // A batch that fails validation midway and rolls back.
    let length = std::fs::metadata(&path).expect("stat").len();
    let failed = journal.batch(|b| {
        b.add_member(Member::new(mid("DEU"), "Germany"))?;
        b.advance(&pid("nope"), Stage::Committed, verified("2025-01-02"))
    });
    assert!(failed.is_err());
    // An append_batch whose second item is refused.
    let items = vec![
        (
            Action::AddMember(Box::new(Member::new(mid("ITA"), "Italy"))),
            Provenance::new(Evidence::Verified),
        ),
        (
            Action::Advance {
                pledge: pid("nope"),
                stage: Stage::Committed,
            },
            verified("2025-01-02"),
        ),
        (
            Action::AddMember(Box::new(Member::new(mid("ESP"), "Spain"))),
            Provenance::new(Evidence::Verified),
        ),
    ];
    assert!(journal.append_batch(items).is_err());
    // An empty batch, and a batch of entries already present.
    journal.batch(|_| Ok(())).expect("empty batch");
    let again = journal
        .batch(|b| b.add_member(Member::new(mid("GBR"), "United Kingdom")))
        .expect("already present");
    assert!(matches!(again, Recorded::AlreadyPresent { .. }));
    assert_eq!(
        std::fs::metadata(&path).expect("stat").len(),
        length,
        "failed, empty and repeated batches write nothing"
    );
    journal.checkpoint().expect("checkpoints");
    // A batch that panics is rolled back too.
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = journal.batch(|b| -> Result<()> {
            b.add_member(Member::new(mid("POL"), "Poland"))?;
            panic!("build panics");
        });
    }));
    assert!(caught.is_err());
    assert_eq!(std::fs::metadata(&path).expect("stat").len(), length);
    let recorded = journal
        .append_batch(vec![
            (
                Action::AddMember(Box::new(Member::new(mid("NLD"), "Netherlands"))),
                Provenance::new(Evidence::Verified),
            ),
            (
                Action::AddMember(Box::new(Member::new(mid("BEL"), "Belgium"))),
                Provenance::new(Evidence::Verified),
            ),
        ])
        .expect("appends");
    assert_eq!(recorded.len(), 2);
    checkpoint_append_and_reopen(journal, "ZZZ", "batches");
}

#[test]
fn flow_idempotent_rerecord_by_client_key_writes_nothing() {
    let dir = TempDir::new("client-key");
    let path = dir.file("j");
    let mut journal = journal_with(&path, 1);
    let key = || ClientKey::new("import-42").expect("a key");
    let first = journal
        .open_pledge(
            troops("K1", "FRA", Estimate::Exact(3)),
            reported("2025-01-01").key(key()),
        )
        .expect("appends");
    journal.checkpoint().expect("checkpoints");
    let length = std::fs::metadata(&path).expect("stat").len();
    let again = journal
        .open_pledge(
            troops("K1", "FRA", Estimate::Exact(3)),
            reported("2025-01-01").key(key()),
        )
        .expect("re-records");
    assert!(
        matches!(again, Recorded::AlreadyPresent { .. }),
        "{again:?} after {first:?}"
    );
    // An identical member again writes nothing either.
    let member = journal
        .add_member(Member::new(mid("FRA"), "France"))
        .expect("re-records");
    assert!(matches!(member, Recorded::AlreadyPresent { .. }));
    // The same again inside a batch.
    journal
        .batch(|b| {
            b.open_pledge(
                troops("K1", "FRA", Estimate::Exact(3)),
                reported("2025-01-01").key(key()),
            )
        })
        .expect("batch");
    assert_eq!(std::fs::metadata(&path).expect("stat").len(), length);
    checkpoint_append_and_reopen(journal, "ZZZ", "client key");
}

#[test]
fn flow_torn_tail_truncated_without_a_checkpoint() {
    let dir = TempDir::new("torn-no-cp");
    let path = dir.file("j");
    let journal = journal_with(&path, 2);
    let ledger = journal.snapshot();
    drop(journal);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("opens");
    file.write_all(b"0123abcd {\"seq\":3,\"ac").expect("writes");
    drop(file);
    let journal = Journal::open(&path, Recovery::TruncateTornTail).expect("recovers");
    assert!(journal.recovered().is_some());
    assert_eq!(journal.checkpoint_ignored(), None);
    assert_eq!(journal.ledger(), &ledger);
    checkpoint_append_and_reopen(journal, "ZZZ", "torn tail, no checkpoint");
}

#[test]
fn flow_torn_tail_truncated_after_a_checkpoint_without_appends_between() {
    let dir = TempDir::new("torn-at-cp");
    let path = dir.file("j");
    let journal = journal_with(&path, 2);
    journal.checkpoint().expect("checkpoints");
    let ledger = journal.snapshot();
    drop(journal);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("opens");
    file.write_all(b"deadbeef {").expect("writes");
    drop(file);
    let journal = Journal::open(&path, Recovery::TruncateTornTail).expect("recovers");
    assert!(journal.recovered().is_some());
    assert_eq!(journal.checkpoint_ignored(), None);
    assert_eq!(journal.ledger(), &ledger);
    checkpoint_append_and_reopen(journal, "ZZZ", "torn tail at the checkpoint");
}

#[test]
fn flow_unfinished_batch_without_a_checkpoint() {
    let dir = TempDir::new("unfinished-batch");
    let path = dir.file("j");
    let mut journal = journal_with(&path, 1);
    let ledger = journal.snapshot();
    journal
        .batch(|b| {
            b.open_pledge(
                troops("B0", "FRA", Estimate::Exact(1)),
                reported("2025-03-01"),
            )?;
            b.open_pledge(
                troops("B1", "FRA", Estimate::Exact(1)),
                reported("2025-03-01"),
            )?;
            b.open_pledge(
                troops("B2", "FRA", Estimate::Exact(1)),
                reported("2025-03-01"),
            )
        })
        .expect("batch");
    drop(journal);
    let bytes = std::fs::read(&path).expect("reads");
    let ends = line_ends(&bytes);
    // The frame and one of its three lines.
    std::fs::write(&path, &bytes[..ends[ends.len() - 3]]).expect("writes");
    let journal = Journal::open(&path, Recovery::TruncateTornTail).expect("recovers");
    assert!(journal.recovered().is_some());
    assert_eq!(journal.ledger(), &ledger);
    checkpoint_append_and_reopen(journal, "ZZZ", "unfinished batch");
}

#[test]
fn flow_unfinished_batch_missing_its_last_newline_after_a_checkpoint() {
    let dir = TempDir::new("unfinished-batch-nl");
    let path = dir.file("j");
    let mut journal = journal_with(&path, 1);
    journal.checkpoint().expect("checkpoints");
    let ledger = journal.snapshot();
    journal
        .batch(|b| {
            b.open_pledge(
                troops("B0", "FRA", Estimate::Exact(1)),
                reported("2025-03-01"),
            )?;
            b.open_pledge(
                troops("B1", "FRA", Estimate::Exact(1)),
                reported("2025-03-01"),
            )
        })
        .expect("batch");
    drop(journal);
    let bytes = std::fs::read(&path).expect("reads");
    let ends = line_ends(&bytes);
    // The frame and its first line without the newline.
    std::fs::write(&path, &bytes[..ends[ends.len() - 2] - 1]).expect("writes");
    let journal = Journal::open(&path, Recovery::TruncateTornTail).expect("recovers");
    assert!(journal.recovered().is_some());
    assert_eq!(journal.checkpoint_ignored(), None);
    assert_eq!(journal.ledger(), &ledger);
    checkpoint_append_and_reopen(journal, "ZZZ", "unfinished batch without newline");
}

#[test]
fn flow_missing_newline_completed_with_and_without_a_checkpoint_before() {
    for with_checkpoint in [false, true] {
        let dir = TempDir::new(&format!("newline-{with_checkpoint}"));
        let path = dir.file("j");
        let mut journal = journal_with(&path, 1);
        if with_checkpoint {
            journal.checkpoint().expect("checkpoints");
        }
        journal
            .open_pledge(
                troops("N1", "FRA", Estimate::Exact(2)),
                reported("2025-01-01"),
            )
            .expect("appends");
        let ledger = journal.snapshot();
        drop(journal);
        let mut bytes = std::fs::read(&path).expect("reads");
        assert_eq!(bytes.pop(), Some(b'\n'));
        std::fs::write(&path, &bytes).expect("writes");
        for recovery in [Recovery::Fail, Recovery::TruncateTornTail] {
            let journal = Journal::open(&path, recovery).expect("opens");
            assert_eq!(journal.checkpoint_ignored(), None);
            assert_eq!(journal.recovered(), None);
            assert_eq!(journal.ledger(), &ledger);
            drop(journal);
        }
        let journal = Journal::open(&path, Recovery::Fail).expect("opens");
        checkpoint_append_and_reopen(
            journal,
            "ZZZ",
            &format!("newline, checkpoint {with_checkpoint}"),
        );
    }
}

#[test]
fn flow_a_checkpoint_that_covers_a_line_completed_at_open() {
    // The line completed at open is then covered by a checkpoint at once.
    let dir = TempDir::new("newline-covered");
    let path = dir.file("j");
    let journal = journal_with(&path, 2);
    let ledger = journal.snapshot();
    drop(journal);
    let mut bytes = std::fs::read(&path).expect("reads");
    bytes.pop();
    std::fs::write(&path, &bytes).expect("writes");
    let journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal.checkpoint().expect("checkpoints");
    drop(journal);
    assert_trusted(&path, &ledger, "completed line covered");
}

#[test]
fn flow_create_from_a_ledger_then_checkpoint() {
    let dir = TempDir::new("create");
    let path = dir.file("j");
    let mut ledger = Ledger::new();
    ledger
        .add_member(Member::new(mid("FRA"), "France"))
        .expect("records");
    ledger
        .open_pledge(
            troops("C1", "FRA", Estimate::Exact(9)),
            reported("2025-01-01"),
        )
        .expect("records");
    let journal = Journal::create(&path, &ledger).expect("creates");
    assert_eq!(journal.checkpoint_ignored(), None);
    journal
        .checkpoint()
        .expect("checkpoints right after create");
    drop(journal);
    assert_trusted(&path, &ledger, "created");
    let journal = Journal::open(&path, Recovery::Fail).expect("opens");
    checkpoint_append_and_reopen(journal, "ZZZ", "created, then appended");
    // An empty ledger too.
    let empty = dir.file("empty");
    let journal = Journal::create(&empty, &Ledger::new()).expect("creates");
    journal.checkpoint().expect("checkpoints");
    drop(journal);
    assert_trusted(&empty, &Ledger::new(), "created empty");
}

#[test]
fn flow_migration_of_older_journals_checkpoint_without_appends() {
    for version in ["v1", "v2"] {
        let dir = TempDir::new(&format!("older-{version}"));
        let path = dir.file("ledger.journal");
        older_journal(version, &path);
        let journal = Journal::open(&path, Recovery::Fail).expect("opens");
        assert_eq!(journal.checkpoint_ignored(), None);
        let ledger = journal.snapshot();
        journal.checkpoint().expect("checkpoints right after open");
        drop(journal);
        assert_trusted(&path, &ledger, version);
        let journal = Journal::open(&path, Recovery::Fail).expect("opens");
        checkpoint_append_and_reopen(journal, "ZZZ", version);
    }
}

#[test]
fn flow_migration_of_a_version_1_journal_with_a_torn_tail_or_missing_newline() {
    for damage in ["torn", "newline"] {
        let dir = TempDir::new(&format!("v1-{damage}"));
        let path = dir.file("ledger.journal");
        older_journal("v1", &path);
        let ledger = Journal::open_read_only(&path).expect("opens").into_ledger();
        let mut bytes = std::fs::read(&path).expect("reads");
        match damage {
            "torn" => bytes.extend_from_slice(b"0123abcd {\"seq\":"),
            _ => assert_eq!(bytes.pop(), Some(b'\n')),
        }
        std::fs::write(&path, &bytes).expect("writes");
        let journal = Journal::open(&path, Recovery::TruncateTornTail).expect("migrates");
        assert_eq!(journal.ledger(), &ledger, "{damage}");
        journal.checkpoint().expect("checkpoints");
        drop(journal);
        assert_trusted(&path, &ledger, damage);
    }
}

#[test]
fn flow_checkpoint_of_an_empty_journal() {
    let dir = TempDir::new("empty");
    let path = dir.file("j");
    let journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal.checkpoint().expect("checkpoints a new journal");
    drop(journal);
    assert_trusted(&path, &Ledger::new(), "new empty journal");
    // Reopened (header only, from the checkpoint) and checkpointed again.
    let journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal.checkpoint().expect("checkpoints again");
    drop(journal);
    assert_trusted(&path, &Ledger::new(), "reopened empty journal");
    let journal = Journal::open(&path, Recovery::Fail).expect("opens");
    checkpoint_append_and_reopen(journal, "ZZZ", "empty then appended");
}

#[test]
fn flow_checkpoint_twice_and_right_after_open_from_a_checkpoint_is_deterministic() {
    let dir = TempDir::new("twice");
    let path = dir.file("j");
    let journal = journal_with(&path, 3);
    journal.checkpoint().expect("checkpoints");
    let first = std::fs::read(checkpoint_of(&path)).expect("reads");
    journal.checkpoint().expect("checkpoints again");
    assert_eq!(std::fs::read(checkpoint_of(&path)).expect("reads"), first);
    let ledger = journal.snapshot();
    drop(journal);
    let journal = Journal::open(&path, Recovery::Fail).expect("opens from the checkpoint");
    assert_eq!(journal.checkpoint_ignored(), None);
    journal.checkpoint().expect("checkpoints right after open");
    assert_eq!(
        std::fs::read(checkpoint_of(&path)).expect("reads"),
        first,
        "the same journal gives the same checkpoint"
    );
    drop(journal);
    assert_trusted(&path, &ledger, "checkpoint after open from a checkpoint");
    // A journal with the same entries elsewhere has the same checkpoint.
    let other = dir.file("k");
    let journal = journal_with(&other, 3);
    journal.checkpoint().expect("checkpoints");
    drop(journal);
    assert_eq!(std::fs::read(checkpoint_of(&other)).expect("reads"), first);
    // Open from the checkpoint, append, checkpoint: the same as a writer
    // that never closed.
    let mut a = Journal::open(&path, Recovery::Fail).expect("opens");
    a.add_member(Member::new(mid("GBR"), "United Kingdom"))
        .expect("appends");
    a.checkpoint().expect("checkpoints");
    drop(a);
    let mut b = Journal::open(&other, Recovery::Fail).expect("opens");
    std::fs::remove_file(checkpoint_of(&other)).expect("removes");
    drop(b);
    b = Journal::open(&other, Recovery::Fail).expect("opens without checkpoint");
    b.add_member(Member::new(mid("GBR"), "United Kingdom"))
        .expect("appends");
    b.checkpoint().expect("checkpoints");
    drop(b);
    assert_eq!(
        std::fs::read(checkpoint_of(&path)).expect("reads"),
        std::fs::read(checkpoint_of(&other)).expect("reads")
    );
}

#[test]
fn flow_a_legacy_checkpoint_is_upgraded_by_a_writer_for_a_healthy_journal() {
    let dir = TempDir::new("legacy");
    let path = dir.file("j");
    let journal = journal_with(&path, 3);
    journal.checkpoint().expect("checkpoints");
    let ledger = journal.snapshot();
    drop(journal);
    let checkpoint = checkpoint_of(&path);
    let current = std::fs::read(&checkpoint).expect("reads");
    std::fs::write(&checkpoint, without_prefix_checksum(&current)).expect("writes");
    // Read only, the old checkpoint is trusted on its lines.
    let read_only = Journal::open_read_only(&path).expect("opens");
    assert_eq!(read_only.checkpoint_ignored(), None);
    assert_eq!(read_only.ledger(), &ledger);
    drop(read_only);
    // A writer replays the lines once instead, and says why.
    let journal = Journal::open(&path, Recovery::Fail).expect("opens");
    assert_eq!(journal.ledger(), &ledger);
    let reason = journal.checkpoint_ignored().unwrap_or_default();
    assert!(
        reason.contains("written before checkpoints kept the checksum"),
        "{reason}"
    );
    journal.checkpoint().expect("checkpoints");
    drop(journal);
    assert_eq!(std::fs::read(&checkpoint).expect("reads"), current);
    let journal = Journal::open(&path, Recovery::Fail).expect("opens");
    checkpoint_append_and_reopen(journal, "ZZZ", "after a legacy checkpoint");
}

#[test]
fn flow_read_only_and_poisoned_journals_refuse_to_checkpoint() {
    let dir = TempDir::new("ro-poisoned");
    let path = dir.file("j");
    let journal = journal_with(&path, 2);
    journal.checkpoint().expect("checkpoints");
    let ledger = journal.snapshot();
    // A reader beside the writer.
    let reader = Journal::open_read_only(&path).expect("opens");
    assert!(matches!(
        reader.checkpoint(),
        Err(Error::JournalReadOnly { .. })
    ));
    drop(reader);
    drop(journal);
    let checkpoint = std::fs::read(checkpoint_of(&path)).expect("reads");
    // Poisoned: another program appends a fragment under the writer.
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("opens");
    file.write_all(b"xx").expect("writes");
    drop(file);
    let refused = journal.add_member(Member::new(mid("GBR"), "United Kingdom"));
    assert!(
        matches!(refused, Err(Error::JournalChanged { .. })),
        "{refused:?}"
    );
    assert!(matches!(
        journal.checkpoint(),
        Err(Error::JournalPoisoned { .. })
    ));
    drop(journal);
    assert_eq!(
        std::fs::read(checkpoint_of(&path)).expect("reads"),
        checkpoint
    );
    let journal = Journal::open(&path, Recovery::TruncateTornTail).expect("recovers");
    assert_eq!(journal.checkpoint_ignored(), None);
    assert_eq!(journal.ledger(), &ledger);
    checkpoint_append_and_reopen(journal, "ZZZ", "after poisoning");
}

#[test]
fn flow_lines_changed_under_the_writer_after_a_checkpoint_are_not_certified() {
    // A covered line's content changed (and re-checksummed) under an open
    // writer after it opened from a checkpoint: its next checkpoint is
    // not trusted.
    let dir = TempDir::new("changed-under");
    let path = dir.file("j");
    let journal = journal_with(&path, 3);
    journal.checkpoint().expect("checkpoints");
    drop(journal);
    let journal = Journal::open(&path, Recovery::Fail).expect("opens from the checkpoint");
    assert_eq!(journal.checkpoint_ignored(), None);
    let bytes = std::fs::read(&path).expect("reads");
    std::fs::write(&path, swapped_lines(&bytes, 2, 3)).expect("writes");
    journal.checkpoint().expect("checkpoints");
    drop(journal);
    assert!(Journal::open_read_only(&path).is_err());
}

#[test]
fn flow_salvaged_journal_checkpoints() {
    let dir = TempDir::new("salvage");
    let path = dir.file("j");
    let journal = journal_with(&path, 3);
    drop(journal);
    let mut bytes = std::fs::read(&path).expect("reads");
    let at = bytes.len() - 5;
    bytes[at] ^= 1;
    std::fs::write(&path, &bytes).expect("writes");
    let to = dir.file("salvaged");
    let report = journal::salvage(&path, &to).expect("salvages");
    assert!(report.problem.is_some());
    let journal = Journal::open(&to, Recovery::Fail).expect("opens");
    assert_eq!(journal.checkpoint_ignored(), None);
    checkpoint_append_and_reopen(journal, "ZZZ", "salvaged");
}

/// A checkpoint of a journal truncated under its writer says the file
/// changed, as an append does, and writes nothing: it gave an
/// invalid-value error naming the journal.
#[test]
fn a_checkpoint_of_a_journal_truncated_under_its_writer_says_it_changed() {
    let dir = TempDir::new("cp-truncated");
    let path = dir.file("j");
    let journal = journal_with(&path, 2);
    let bytes = std::fs::read(&path).expect("reads");
    let ends = line_ends(&bytes);
    // Cut inside the last line: no complete line ends at the writer's length.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("opens");
    file.set_len(ends[ends.len() - 1] as u64 - 3)
        .expect("truncates");
    drop(file);
    let err = journal.checkpoint().expect_err("refused");
    assert!(
        matches!(err, Error::JournalChanged { .. }),
        "a checkpoint of a file changed under its writer: {err:?}"
    );
    assert!(!checkpoint_of(&path).exists());
}

#[test]
fn flow_a_journal_holding_only_a_torn_first_line_is_recovered_and_checkpointed() {
    let dir = TempDir::new("torn-only");
    let path = dir.file("j");
    std::fs::write(&path, b"0123abcd {\"format\":\"coalition-led").expect("writes");
    let journal = Journal::open(&path, Recovery::TruncateTornTail).expect("recovers");
    assert!(journal.recovered().is_some());
    assert!(journal.ledger().is_empty());
    journal.checkpoint().expect("checkpoints");
    drop(journal);
    assert_trusted(&path, &Ledger::new(), "torn first line");
    let journal = Journal::open(&path, Recovery::Fail).expect("opens");
    checkpoint_append_and_reopen(journal, "ZZZ", "torn first line, then appended");
}

/// A journal line (`CRC JSON`) whose checksum verifies, without newline.
fn verified_line(json: &str) -> Vec<u8> {
    let mut line = format!("{:08x} ", crc32fast::hash(json.as_bytes())).into_bytes();
    line.extend_from_slice(json.as_bytes());
    line
}

/// Opens for writing, catching a panic (the internal-error guard
/// `debug_assert!`s) so that it is reported as a failure of this open.
fn open_caught(path: &Path, recovery: Recovery) -> std::result::Result<Result<Journal>, String> {
    let path = path.to_path_buf();
    std::panic::catch_unwind(move || Journal::open(&path, recovery)).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_default()
    })
}

/// A final line whose checksum verifies but whose record cannot be read
/// (one a newer writer wrote, say) is damage, kept and reported under
/// every recovery: it was taken for a torn write, cut by
/// `TruncateTornTail` and ignored by a read-only open.
#[test]
fn a_verified_final_line_that_does_not_parse_is_damage_not_a_torn_write() {
    let dir = TempDir::new("verified-unparsed");
    let path = dir.file("j");
    let journal = journal_with(&path, 1);
    drop(journal);
    let mut bytes = std::fs::read(&path).expect("reads");
    let kept = bytes.len();
    // A checksummed record this version cannot read, its newline lost.
    bytes.extend(verified_line(
        r#"{"seq":2,"a_field_from_a_newer_writer":true}"#,
    ));
    std::fs::write(&path, &bytes).expect("writes");

    let read_only = Journal::open_read_only(&path).map(|j| j.recovered());
    let fail = Journal::open(&path, Recovery::Fail).map(|j| j.recovered());
    let truncate = Journal::open(&path, Recovery::TruncateTornTail).map(|j| j.recovered());
    let after = std::fs::read(&path).expect("reads").len();
    let outcomes = format!(
        "read-only {read_only:?}; Fail {fail:?}; TruncateTornTail {truncate:?}, \
         file {after} bytes of {} (cut to {kept} means the verified line was deleted)",
        bytes.len()
    );
    assert!(
        matches!(read_only, Err(Error::JournalCorrupt { line: 4, .. }))
            && matches!(fail, Err(Error::JournalCorrupt { line: 4, .. }))
            && matches!(truncate, Err(Error::JournalCorrupt { line: 4, .. })),
        "a final line whose checksum verifies is damage, not a torn write: {outcomes}"
    );
    assert_eq!(after, bytes.len(), "{outcomes}");
}

/// The same line with its newline is damage too.
#[test]
fn a_verified_complete_line_that_does_not_parse_is_corrupt() {
    let dir = TempDir::new("verified-unparsed-nl");
    let path = dir.file("j");
    drop(journal_with(&path, 1));
    let mut bytes = std::fs::read(&path).expect("reads");
    bytes.extend(verified_line(
        r#"{"seq":2,"a_field_from_a_newer_writer":true}"#,
    ));
    bytes.push(b'\n');
    std::fs::write(&path, &bytes).expect("writes");
    for recovery in [Recovery::Fail, Recovery::TruncateTornTail] {
        let opened = Journal::open(&path, recovery).map(|j| j.ledger().len());
        assert!(
            matches!(opened, Err(Error::JournalCorrupt { line: 4, .. })),
            "{recovery:?}: {opened:?}"
        );
    }
    assert_eq!(std::fs::read(&path).expect("reads"), bytes);
}

/// A file another program shortens (at a line end) while a writer opens
/// it says the file changed: the replay ends short of the length read
/// first, and the check of that was an internal error (a panic in debug
/// builds). A thread cuts the file's last part and puts it back while
/// the writer opens.
#[test]
fn a_file_shortened_during_a_writable_open_says_it_changed() {
    use std::os::unix::fs::FileExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let dir = TempDir::new("shrinks");
    let path = dir.file("j");
    let mut journal = journal_with(&path, 1);
    journal
        .append_batch((0..1500).map(|i| {
            (
                Action::Pledge(Box::new(troops(
                    &format!("Q{i:05}"),
                    "FRA",
                    Estimate::Exact(10),
                ))),
                reported("2025-01-02"),
            )
        }))
        .expect("appends");
    drop(journal);
    let good = std::fs::read(&path).expect("reads");
    let ends = line_ends(&good);
    // Cut after a line in the middle of the batch would leave an unfinished
    // batch (a torn tail, no guard): cut after the last complete batch, i.e.
    // append single lines after the batch and cut between them.
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    for i in 0..400 {
        journal
            .add_member(Member::new(mid(&format!("M{i:04}")), "Member"))
            .expect("appends");
    }
    drop(journal);
    let good = std::fs::read(&path).expect("reads");
    let all_ends = line_ends(&good);
    let cut = all_ends[ends.len() + 200] as u64;
    let rest = good[cut as usize..].to_vec();

    let mut panics = Vec::new();
    let mut internals = Vec::new();
    let mut changed_or_ok = 0;
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for attempt in 0..200 {
        let stop = Arc::new(AtomicBool::new(false));
        let toggler = {
            let stop = Arc::clone(&stop);
            let path = path.clone();
            let rest = rest.clone();
            std::thread::spawn(move || {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .expect("opens");
                while !stop.load(Ordering::Relaxed) {
                    file.set_len(cut).expect("cuts");
                    file.write_all_at(&rest, cut).expect("restores");
                }
            })
        };
        let opened = open_caught(&path, Recovery::Fail);
        stop.store(true, Ordering::Relaxed);
        toggler.join().expect("toggler");
        match opened {
            Err(panic) => panics.push((attempt, panic)),
            Ok(Err(Error::Internal { what })) => internals.push((attempt, what)),
            Ok(_) => changed_or_ok += 1,
        }
        std::fs::write(&path, &good).expect("restores");
        if !panics.is_empty() || !internals.is_empty() {
            break;
        }
    }
    std::panic::set_hook(previous_hook);
    assert!(
        panics.is_empty() && internals.is_empty(),
        "a file changed during a writable open reached the internal-error guard \
         (panics {panics:?}, internal errors {internals:?}, other outcomes {changed_or_ok})"
    );
}

/// A checkpoint of a file whose final newline another program overwrote
/// in place (same length) says the file changed, and writes nothing: it
/// was an invalid-value error its docs did not list.
#[test]
fn a_checkpoint_of_a_file_whose_last_newline_was_overwritten_says_it_changed() {
    use std::os::unix::fs::FileExt;
    let dir = TempDir::new("cp-newline-overwritten");
    let path = dir.file("j");
    let journal = journal_with(&path, 2);
    let length = std::fs::metadata(&path).expect("stat").len();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("opens");
    file.write_all_at(b"x", length - 1).expect("writes");
    drop(file);
    let err = journal.checkpoint().expect_err("refused");
    assert!(
        matches!(err, Error::JournalChanged { .. }),
        "checkpoint gave an error its docs do not list: {err:?}"
    );
    assert!(!checkpoint_of(&path).exists());
}
