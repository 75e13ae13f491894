//! The durable journal: torn tails at every byte, every bit flip detected,
//! reopening gives back the same ledger.

mod common;

use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;

use coalition_ledger::io::journal::{self, Journal, Recovery};
use coalition_ledger::*;
use common::*;

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
        again.ledger().entries().next_back().map(|e| e.sequence()),
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

/// Writes `all` as: the first `singles` one at a time, the rest in batches
/// of `batch`. Returns, for each unit written (header, single line or
/// batch), the file length after it and the number of entries so far.
fn write_mixed(
    path: &PathBuf,
    all: &[(Action, Provenance)],
    singles: usize,
    batch: usize,
) -> Vec<(usize, usize)> {
    let mut journal = Journal::open(path, Recovery::Fail).expect("creates");
    let len = |p: &PathBuf| std::fs::metadata(p).expect("exists").len() as usize;
    let mut units = vec![(len(path), 0)];
    for (action, provenance) in &all[..singles] {
        journal
            .append(action.clone(), provenance.clone())
            .expect("valid");
        units.push((len(path), journal.ledger().len()));
    }
    for chunk in all[singles..].chunks(batch) {
        journal
            .append_batch(chunk.iter().cloned())
            .expect("valid batch");
        units.push((len(path), journal.ledger().len()));
    }
    units
}

/// Issue 11.4 and 11.7: an append torn at any byte loses no earlier entry,
/// and a torn batch is never half-applied.
#[test]
fn cutting_at_every_byte_loses_no_earlier_entry_and_no_batch_is_half_applied() {
    let dir = TempDir::new("cut");
    let path = dir.file("j");
    let all = actions(16);
    let units = write_mixed(&path, &all, 8, 5);
    let bytes = std::fs::read(&path).expect("reads");
    let expected = prefixes(&all);
    let cut_path = dir.file("cut");
    for cut in 0..=bytes.len() {
        // Complete units, and the entries they hold.
        let done = units.iter().take_while(|(end, _)| *end <= cut).count();
        let (boundary, entries) = if done == 0 { (0, 0) } else { units[done - 1] };
        // A unit missing only its final newline verifies and is kept.
        let kept_without_newline = units
            .get(done)
            .filter(|(end, _)| *end == cut + 1 && cut > 0);
        std::fs::write(&cut_path, &bytes[..cut]).expect("writes");
        let strict = Journal::open(&cut_path, Recovery::Fail);
        if let Some(&(end, entries)) = kept_without_newline {
            let journal = strict.expect("a verified last line is kept");
            assert_eq!(journal.ledger(), &expected[entries], "cut {cut}");
            drop(journal);
            assert_eq!(
                std::fs::metadata(&cut_path).expect("exists").len() as usize,
                end
            );
            continue;
        }
        if cut == boundary {
            assert_eq!(
                strict.expect("a clean cut opens").ledger(),
                &expected[entries],
                "cut {cut}"
            );
            continue;
        }
        let err = strict.expect_err("a torn write is refused under Recovery::Fail");
        assert!(
            matches!(err, Error::TornTail { bytes, .. } if bytes == (cut - boundary) as u64),
            "cut {cut}: {err}"
        );
        assert_eq!(
            std::fs::metadata(&cut_path).expect("exists").len(),
            cut as u64,
            "a refused open changes nothing"
        );
        let recovered = Journal::open(&cut_path, Recovery::TruncateTornTail).expect("truncates");
        assert_eq!(
            recovered.recovered().map(|t| t.bytes),
            Some((cut - boundary) as u64)
        );
        assert_eq!(recovered.ledger(), &expected[entries], "cut {cut}");
        drop(recovered);
        let after = std::fs::metadata(&cut_path).expect("exists").len() as usize;
        // An empty file gets its header back; otherwise only the torn write is cut.
        assert_eq!(
            after,
            if boundary == 0 { units[0].0 } else { boundary },
            "cut {cut}"
        );
    }
}

/// Issue 11.4: every single-bit flip of a small journal (single lines and a
/// batch) is detected, the file is left as it is, and no open returns a
/// ledger missing an acknowledged entry.
#[test]
fn every_single_bit_flip_is_detected_and_nothing_is_lost_silently() {
    let dir = TempDir::new("flip");
    let path = dir.file("j");
    let all = actions(4);
    write_mixed(&path, &all, 5, 3);
    let full = prefixes(&all).pop().expect("full");
    let bytes = std::fs::read(&path).expect("reads");
    let flipped_path = dir.file("flipped");
    let mut detected = 0;
    for position in 0..bytes.len() {
        for bit in 0..8 {
            let mut copy = bytes.clone();
            copy[position] ^= 1 << bit;
            std::fs::write(&flipped_path, &copy).expect("writes");
            for recovery in [Recovery::Fail, Recovery::TruncateTornTail] {
                match Journal::open(&flipped_path, recovery) {
                    Ok(journal) => assert_eq!(
                        journal.ledger(),
                        &full,
                        "byte {position} bit {bit}: opened with entries missing"
                    ),
                    Err(_) => detected += 1,
                }
                assert_eq!(
                    std::fs::read(&flipped_path).expect("reads"),
                    copy,
                    "byte {position} bit {bit}: the damaged file is left as it is"
                );
            }
        }
    }
    assert_eq!(detected, bytes.len() * 8 * 2, "every flip is detected");
}

/// Issue 11.4: a corrupted complete last line is an error naming it, never
/// cut; salvage copies the intact prefix and leaves the original.
#[test]
fn a_corrupted_complete_line_is_an_error_and_salvage_keeps_the_original() {
    let dir = TempDir::new("corrupt");
    let path = dir.file("j");
    let all = actions(3);
    write_journal(&path, &all);
    let mut bytes = std::fs::read(&path).expect("reads");
    let ends = line_ends(&bytes);
    let last_start = ends[ends.len() - 2];
    bytes[last_start + 12] ^= 0x01;
    std::fs::write(&path, &bytes).expect("writes");
    let err = Journal::open(&path, Recovery::TruncateTornTail).unwrap_err();
    assert_eq!(
        err,
        Error::JournalCorrupt {
            line: ends.len() as u64,
            offset: last_start as u64,
            message: match &err {
                Error::JournalCorrupt { message, .. } => message.clone(),
                _ => String::new(),
            },
        }
    );
    assert!(err.to_string().contains("checksum mismatch"), "{err}");
    assert_eq!(std::fs::read(&path).expect("reads"), bytes, "nothing cut");

    let report = journal::salvage(&path, dir.file("salvaged")).expect("salvages");
    assert_eq!(report.entries, all.len() as u64 - 1);
    assert_eq!(report.bytes_kept, last_start as u64);
    assert_eq!(
        report.bytes_not_recovered,
        (bytes.len() - last_start) as u64
    );
    assert!(matches!(report.problem, Some(Error::JournalCorrupt { .. })));
    assert_eq!(
        std::fs::read(&path).expect("reads"),
        bytes,
        "original untouched"
    );
    let salvaged = Journal::open(dir.file("salvaged"), Recovery::Fail).expect("opens");
    assert_eq!(salvaged.ledger(), &prefixes(&all)[all.len() - 1]);
    // Salvage never overwrites.
    assert!(journal::salvage(&path, dir.file("salvaged")).is_err());
}

#[test]
fn a_sequence_gap_is_corruption_naming_the_line() {
    let dir = TempDir::new("gap");
    let path = dir.file("j");
    write_journal(&path, &actions(3));
    let text = std::fs::read_to_string(&path).expect("reads");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(2);
    std::fs::write(&path, lines.join("\n") + "\n").expect("writes");
    let err = Journal::open(&path, Recovery::TruncateTornTail).unwrap_err();
    assert_eq!(
        err.to_string(),
        "journal line 3: sequence number 2 where 1 was expected"
    );
}

/// A complete, checksum-valid last line whose sequence number no ledger
/// reaches (past 32 bits) is a wrong sequence number, as any other: the
/// open fails naming it, and recovery cuts nothing, since the line is not
/// torn.
#[test]
fn a_sequence_number_past_32_bits_is_refused_and_never_cut_as_torn() {
    let dir = TempDir::new("seq-beyond");
    let path = dir.file("j");
    write_journal(&path, &actions(1));
    let bytes = std::fs::read(&path).expect("reads");
    let entries = String::from_utf8_lossy(&bytes).lines().count() - 1;
    let json = r#"{"seq":4294967296,"evidence":"verified","action":{"add_member":{"id":"ZZZ","name":"Z"}}}"#;
    let line = format!("{:08x} {json}", crc32fast::hash(json.as_bytes()));
    for newline in [false, true] {
        let mut file = bytes.clone();
        file.extend_from_slice(line.as_bytes());
        if newline {
            file.push(b'\n');
        }
        std::fs::write(&path, &file).expect("writes");
        for recovery in [Recovery::Fail, Recovery::TruncateTornTail] {
            let err = Journal::open(&path, recovery).expect_err("refused");
            assert_eq!(
                err.to_string(),
                format!(
                    "journal line {}: sequence number 4294967296 where {entries} was expected",
                    entries + 2
                ),
                "newline {newline}"
            );
            assert_eq!(std::fs::read(&path).expect("reads"), file, "nothing is cut");
        }
    }
}

/// Issue 11.1: two handles on one path both acknowledged different entries
/// as sequence 1 and the journal became unreadable.
#[test]
fn a_second_writer_is_refused_at_once_and_a_reader_still_reads() {
    let dir = TempDir::new("lock");
    let path = dir.file("j");
    let mut first = Journal::open(&path, Recovery::Fail).expect("opens");
    first
        .add_member(Member::new(mid("FRA"), "France"))
        .expect("appends");
    let handle = {
        let path = path.clone();
        std::thread::spawn(move || Journal::open(&path, Recovery::Fail).map(|_| ()))
    };
    let err = handle.join().expect("thread").unwrap_err();
    assert_eq!(
        err,
        Error::JournalLocked {
            path: path.display().to_string()
        }
    );
    assert!(err.to_string().contains(&path.display().to_string()));
    let reader = Journal::open_read_only(&path).expect("a reader needs no lock");
    assert_eq!(reader.ledger().len(), 1);
    first
        .add_member(Member::new(mid("GBR"), "United Kingdom"))
        .expect("the writer goes on");
    drop(first);
    let after = Journal::open(&path, Recovery::Fail).expect("the lock is released on drop");
    assert_eq!(after.ledger().len(), 2);
}

/// Issue 11.2: truncating, replacing or deleting the file while a journal is
/// open still acknowledged appends, and a reopen showed none of them.
#[test]
fn a_file_changed_underneath_is_never_acknowledged() {
    let dir = TempDir::new("underneath");
    let fra = || Member::new(mid("FRA"), "France");
    let gbr = || Member::new(mid("GBR"), "United Kingdom");
    // Truncated.
    let path = dir.file("truncated");
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal.add_member(fra()).expect("appends");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("opens")
        .set_len(0)
        .expect("truncates");
    let err = journal.add_member(gbr()).unwrap_err();
    assert!(matches!(err, Error::JournalChanged { .. }), "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");
    assert!(matches!(
        journal.add_member(gbr()),
        Err(Error::JournalPoisoned { .. })
    ));
    drop(journal);
    // Replaced by a rename.
    let path = dir.file("replaced");
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal.add_member(fra()).expect("appends");
    std::fs::write(dir.file("other"), b"").expect("writes");
    std::fs::rename(dir.file("other"), &path).expect("renames over");
    let err = journal.add_member(gbr()).unwrap_err();
    assert!(err.to_string().contains("replaced"), "{err}");
    drop(journal);
    // Deleted.
    let path = dir.file("deleted");
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal.add_member(fra()).expect("appends");
    std::fs::remove_file(&path).expect("deletes");
    let err = journal.add_member(gbr()).unwrap_err();
    assert!(err.to_string().contains("deleted"), "{err}");
}

/// Issue 11.5: a FIFO or a device is refused at open; a file over the size
/// limit is refused before it is read.
#[cfg(target_os = "linux")]
#[test]
fn special_files_and_oversized_journals_are_refused() {
    let err = Journal::open("/dev/null", Recovery::Fail).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    assert!(Journal::open_read_only("/dev/zero").is_err());
    let dir = TempDir::new("special");
    // A pipe of this process, opened by path, is a FIFO. (No `mkfifo`
    // child: a process forked while another test holds a journal would
    // briefly share its lock.)
    let (reader, _writer) = std::io::pipe().expect("a pipe");
    let fifo = format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&reader));
    let err = Journal::open(&fifo, Recovery::Fail).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    let big = dir.file("big");
    let file = std::fs::File::create(&big).expect("creates");
    if file.set_len(limits::MAX_JOURNAL_BYTES + 1).is_ok() {
        let err = Journal::open_read_only(&big).unwrap_err();
        assert!(matches!(err, Error::Limit { .. }), "{err}");
    }
}

/// Issue 11.6: `Journal` had only `append`, and a raw delivery of money
/// failed with "a money delivery needs a currency" where `Ledger::deliver`
/// fills it in.
#[test]
fn a_journal_has_the_ledger_helpers() {
    let dir = TempDir::new("helpers");
    let path = dir.file("j");
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    let mut ledger = Ledger::new();
    fn story(w: &mut impl Record) -> Result<()> {
        w.add_member(Member::new(mid("GBR"), "United Kingdom"))?;
        w.open_pledge(
            funding("GBR-1", "GBR", Estimate::Exact(eur("500"))),
            reported("2025-09-04"),
        )?;
        w.advance(&pid("GBR-1"), Stage::Committed, verified("2025-09-05"))?;
        w.deliver(&pid("GBR-1"), dec("400"), verified("2025-09-06"))?;
        w.correct_delivery(&pid("GBR-1"), dec("-1"), verified("2025-09-07"))?;
        Ok(())
    }
    story(&mut journal).expect("the journal records");
    story(&mut ledger).expect("the ledger records");
    assert_eq!(journal.ledger(), &ledger);
    drop(journal);
    assert_eq!(
        Journal::open(&path, Recovery::Fail)
            .expect("reopens")
            .ledger(),
        &ledger
    );
}

/// Issue 11.7: a batch is atomic: an error anywhere leaves nothing behind.
#[test]
fn a_failing_batch_writes_and_applies_nothing() {
    let dir = TempDir::new("checkpoint-batch");
    let path = dir.file("j");
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal
        .add_member(Member::new(mid("FRA"), "France"))
        .expect("appends");
    let size = std::fs::metadata(&path).expect("exists").len();
    let before = journal.ledger().clone();
    let err = journal
        .batch(|b| {
            b.add_member(Member::new(mid("GBR"), "United Kingdom"))?;
            b.open_pledge(
                troops("GBR-1", "GBR", Estimate::Exact(10)),
                reported("2025-01-01"),
            )?;
            b.advance(&pid("GBR-1"), Stage::Considering, verified("2025-01-02"))
        })
        .unwrap_err();
    assert!(matches!(err, Error::InvalidTransition { .. }), "{err}");
    assert_eq!(journal.ledger(), &before);
    assert_eq!(std::fs::metadata(&path).expect("exists").len(), size);
    let recorded = journal
        .append_batch(actions(30).into_iter().skip(1))
        .expect("a valid batch");
    assert_eq!(recorded.len(), actions(30).len() - 1);
    assert!(
        recorded.iter().skip(1).all(|r| r.is_appended()),
        "FRA is already present"
    );
    let ledger = journal.ledger().clone();
    drop(journal);
    assert_eq!(
        Journal::open(&path, Recovery::Fail)
            .expect("reopens")
            .ledger(),
        &ledger
    );
}

#[test]
fn a_refused_batch_item_is_named_by_its_entry_as_record_batch_names_it() {
    let dir = TempDir::new("batch-index");
    let path = dir.file("j");
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    let mut ledger = Ledger::new();
    let mut items = actions(3);
    // The sixth item advances a pledge backwards.
    let bad = (
        Action::Advance {
            pledge: pid("P0"),
            stage: Stage::Considering,
        },
        verified("2025-06-01"),
    );
    items.insert(5, bad);
    let expected = ledger.record_batch(items.clone()).unwrap_err();
    let err = journal.append_batch(items).unwrap_err();
    assert_eq!(err, expected);
    assert!(err.to_string().starts_with("entry 5: "), "{err}");
    assert!(
        matches!(err.root(), Error::InvalidTransition { .. }),
        "{err}"
    );
    assert_eq!(journal.ledger(), &Ledger::new());
}

/// Issue 11.8: a re-sent delivery counted twice (400 -> 800); a re-sent
/// advance was an error.
#[test]
fn client_keys_make_resending_idempotent_across_restarts() {
    let dir = TempDir::new("keys");
    let path = dir.file("j");
    let key = |k: &str| ClientKey::new(k).expect("key");
    let send = |journal: &mut Journal| -> Result<Vec<Recorded>> {
        Ok(vec![
            journal.record(
                Action::AddMember(Box::new(Member::new(mid("GBR"), "United Kingdom"))),
                Provenance::new(Evidence::Verified).key(key("feed-1")),
            )?,
            journal.open_pledge(
                funding("GBR-1", "GBR", Estimate::Exact(eur("500"))),
                reported("2025-09-04").key(key("feed-2")),
            )?,
            journal.advance(
                &pid("GBR-1"),
                Stage::Committed,
                verified("2025-09-05").key(key("feed-3")),
            )?,
            journal.deliver(
                &pid("GBR-1"),
                dec("400"),
                verified("2025-09-06").key(key("feed-4")),
            )?,
        ])
    };
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    let first = send(&mut journal).expect("records");
    assert!(first.iter().all(|r| r.is_appended()));
    drop(journal);
    // The application restarts and re-sends everything.
    let mut journal = Journal::open(&path, Recovery::Fail).expect("reopens");
    let again = send(&mut journal).expect("idempotent");
    let sequences: Vec<u64> = first.iter().map(|r| r.sequence()).collect();
    assert_eq!(
        again,
        sequences
            .iter()
            .map(|&sequence| Recorded::AlreadyPresent { sequence })
            .collect::<Vec<_>>()
    );
    assert_eq!(
        journal
            .ledger()
            .pledge(&pid("GBR-1"))
            .map(|p| p.delivered()),
        Some(dec("400"))
    );
    assert_eq!(
        journal
            .ledger()
            .entry_by_key(&key("feed-4"))
            .map(|e| e.sequence()),
        Some(3)
    );
    // The same key with another content is a conflict naming the field.
    let err = journal
        .deliver(
            &pid("GBR-1"),
            dec("300"),
            verified("2025-09-06").key(key("feed-4")),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "entry with client key `feed-4` already exists with a different `deliver`"
    );
    let err = journal
        .deliver(
            &pid("GBR-1"),
            dec("400"),
            verified("2025-09-07").key(key("feed-4")),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "entry with client key `feed-4` already exists with a different `date`"
    );
    // Keys survive the JSON document.
    let json = journal.ledger().to_json();
    assert!(json.contains(r#""key":"feed-4""#), "{json}");
    let loaded = Ledger::from_json(&json).expect("loads");
    assert_eq!(&loaded, journal.ledger());
    assert_eq!(
        loaded.entry_by_key(&key("feed-2")).map(|e| e.sequence()),
        Some(1)
    );
}

/// Issue 11.9: a snapshot is cheap and stays valid while the writer
/// appends; readers never wait for the writer's syncs.
#[test]
fn snapshots_stay_valid_while_the_writer_appends() {
    use std::sync::{Arc, RwLock};
    let dir = TempDir::new("snap");
    let path = dir.file("j");
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    let all = actions(60);
    let published = Arc::new(RwLock::new(Arc::new(journal.snapshot())));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let published = Arc::clone(&published);
            std::thread::spawn(move || {
                let mut seen = 0;
                for _ in 0..200 {
                    let snapshot = Arc::clone(&published.read().expect("not poisoned"));
                    // Every snapshot is a consistent ledger.
                    assert!(snapshot.len() >= seen);
                    seen = snapshot.len();
                    let pledges = snapshot.pledges().count();
                    assert_eq!(pledges, snapshot.pledge_count());
                }
                seen
            })
        })
        .collect();
    for chunk in all.chunks(10) {
        journal
            .append_batch(chunk.iter().cloned())
            .expect("appends");
        *published.write().expect("not poisoned") = Arc::new(journal.snapshot());
    }
    for reader in readers {
        assert!(reader.join().expect("reader") <= all.len());
    }
    let old = journal.snapshot();
    journal
        .annotate(&pid("P1"), Provenance::new(Evidence::Verified))
        .expect("appends");
    assert_eq!(
        old.len() + 1,
        journal.ledger().len(),
        "the snapshot did not move"
    );
}

/// Issue 11.11: a version-1 journal written by the crate before format
/// version 2 opens read-only as it is, and opened for writing is migrated
/// with the original kept beside it.
#[test]
fn a_version_1_journal_keeps_opening_and_is_migrated_with_the_original_kept() {
    let dir = TempDir::new("v1");
    let path = dir.file("ledger.journal");
    let original = std::fs::read("tests/data/v1/ledger.journal").expect("fixture");
    std::fs::write(&path, &original).expect("copies");
    let expected = coalition_ledger::io::json::from_str(
        &std::fs::read_to_string("tests/data/v1/ledger.json").expect("fixture"),
    )
    .expect("the version-1 document loads");
    let read_only = Journal::open_read_only(&path).expect("reads version 1");
    assert_eq!(read_only.ledger().len(), expected.len());
    assert_eq!(
        std::fs::read(&path).expect("reads"),
        original,
        "a reader changes nothing"
    );
    let mut journal = Journal::open(&path, Recovery::Fail).expect("migrates");
    assert_eq!(journal.ledger().len(), 17);
    assert_eq!(
        std::fs::read(dir.file("ledger.journal.v1")).expect("the original is kept"),
        original
    );
    journal
        .annotate(&pid("GBR-fund"), Provenance::new(Evidence::Verified))
        .expect("appends after migration");
    let ledger = journal.ledger().clone();
    drop(journal);
    let text = std::fs::read_to_string(&path).expect("reads");
    assert!(
        text.lines()
            .next()
            .is_some_and(|l| l.contains(r#""version":3"#)),
        "{text}"
    );
    assert_eq!(
        Journal::open(&path, Recovery::Fail)
            .expect("reopens")
            .ledger(),
        &ledger
    );
}

/// Issue 11.12: a checkpoint lets open replay only what follows it; a bad
/// checkpoint is ignored with a report and the full replay used.
#[test]
fn checkpoints_skip_the_covered_prefix_and_bad_ones_are_ignored() {
    let dir = TempDir::new("checkpoint");
    let path = dir.file("j");
    let all = actions(20);
    let (first, rest) = all.split_at(30);
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal
        .append_batch(first.iter().cloned())
        .expect("appends");
    journal.checkpoint().expect("checkpoints");
    for (action, provenance) in rest {
        journal
            .record(action.clone(), provenance.clone())
            .expect("appends");
    }
    let ledger = journal.ledger().clone();
    drop(journal);
    let reopened = Journal::open(&path, Recovery::Fail).expect("reopens");
    assert_eq!(reopened.ledger(), &ledger);
    assert_eq!(reopened.checkpoint_ignored(), None);
    drop(reopened);

    // Proof that the covered prefix is not replayed: change a line inside
    // it (not the last covered one, which ties the checkpoint to the file)
    // and give it the checksum of its new content, so that only a replay
    // could tell. A checkpoint now keeps the checksum of all the lines it
    // covers, which tells too, so the proof uses one written before it
    // kept that (which must keep opening).
    let checkpoint = dir.file("j.checkpoint");
    let current = std::fs::read(&checkpoint).expect("reads");
    std::fs::write(&checkpoint, without_prefix_checksum(&current)).expect("writes");
    let original = std::fs::read(&path).expect("reads");
    let mut changed = original.clone();
    let ends = line_ends(&original);
    let json = ends[2] + 9;
    changed[json + 11] ^= 0x01;
    let crc = crc32fast::hash(&changed[json..ends[3] - 1]);
    changed[ends[2]..ends[2] + 8].copy_from_slice(format!("{crc:08x}").as_bytes());
    std::fs::write(&path, &changed).expect("writes");
    let salvaged = dir.file("replayed");
    let replays_differently = match io::journal::salvage(&path, &salvaged) {
        Err(_) => true,
        Ok(report) if report.problem.is_some() => true,
        Ok(_) => Journal::open_read_only(&salvaged).map_or(true, |j| j.ledger() != &ledger),
    };
    assert!(replays_differently, "the changed line replays as it was");
    let reopened = Journal::open_read_only(&path).expect("opens from the checkpoint");
    assert_eq!(reopened.ledger(), &ledger);
    // The current checkpoint is not trusted over the changed line.
    std::fs::write(&checkpoint, &current).expect("writes");
    assert!(Journal::open_read_only(&path).is_err());
    std::fs::write(&path, &original).expect("restores");

    // A damaged checkpoint is ignored, with the reason, and everything replayed.
    let mut bytes = std::fs::read(&checkpoint).expect("reads");
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(&checkpoint, &bytes).expect("writes");
    let reopened = Journal::open(&path, Recovery::Fail).expect("opens");
    assert_eq!(reopened.ledger(), &ledger);
    let reason = reopened.checkpoint_ignored().expect("reported");
    assert!(reason.contains("checksum"), "{reason}");
}

/// A ledger loaded from a file carries its entries into a new journal as
/// they are, even those only an older format's rules accept; a journal
/// already at the path is never overwritten.
#[test]
fn a_journal_is_created_from_a_ledger_loaded_under_older_rules() {
    let dir = TempDir::new("create");
    // Written by the crate at format version 1: a dependency cycle and ids
    // the current rules refuse (tests/data/v1/README.md).
    let old = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/v1/ledger.json");
    let ledger = io::json::load(old).expect("a version-1 document loads");
    // The current rules refuse what the document holds.
    let mut replayed = Journal::open(dir.file("replayed.journal"), Recovery::Fail).expect("opens");
    let refused = ledger
        .entries()
        .map(Entry::into_parts)
        .try_for_each(|(action, provenance)| replayed.append(action, provenance).map(drop));
    assert!(refused.is_err());
    drop(replayed);

    let path = dir.file("carried.journal");
    let journal = Journal::create(&path, &ledger).expect("creates");
    assert_eq!(journal.ledger(), &ledger);
    drop(journal);
    let reopened = Journal::open(&path, Recovery::Fail).expect("reopens");
    assert_eq!(reopened.ledger(), &ledger);
    assert_eq!(reopened.ledger().to_json(), ledger.to_json());
    drop(reopened);

    // Never over an existing file, which is left as it was.
    let before = std::fs::read(&path).expect("reads");
    let err = Journal::create(&path, &Ledger::new()).unwrap_err();
    assert!(err.to_string().contains("exists"), "{err}");
    assert_eq!(std::fs::read(&path).expect("reads"), before);
    let names: Vec<String> = std::fs::read_dir(&dir.0)
        .expect("lists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no file left behind: {names:?}");
}

/// Several creating one journal at once: exactly one succeeds, the others
/// are told the path exists, and the journal is the winner's, whole.
#[test]
fn concurrent_creates_of_one_journal_leave_one_whole_journal() {
    let dir = TempDir::new("create-race");
    let path = dir.file("race.journal");
    let ledgers: Vec<Ledger> = (0..4)
        .map(|i| {
            let mut ledger = roster();
            for n in 0..(200 + i * 50) {
                ledger
                    .open_pledge(
                        troops(&format!("P{n}"), "FRA", Estimate::Exact(1)),
                        reported("2025-01-01"),
                    )
                    .expect("opens");
            }
            ledger
        })
        .collect();
    let barrier = std::sync::Barrier::new(ledgers.len());
    let outcomes: Vec<bool> = std::thread::scope(|scope| {
        let handles: Vec<_> = ledgers
            .iter()
            .map(|ledger| {
                let (barrier, path) = (&barrier, &path);
                scope.spawn(move || {
                    barrier.wait();
                    match Journal::create(path, ledger) {
                        Ok(journal) => {
                            assert_eq!(journal.ledger(), ledger);
                            true
                        }
                        Err(err) => {
                            assert!(err.to_string().contains("exists"), "{err}");
                            false
                        }
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("joins"))
            .collect()
    });
    assert_eq!(
        outcomes.iter().filter(|won| **won).count(),
        1,
        "{outcomes:?}"
    );
    let winner = outcomes.iter().position(|won| *won).expect("a winner");
    let reopened = Journal::open(&path, Recovery::Fail).expect("whole");
    assert_eq!(reopened.ledger(), &ledgers[winner]);
}

/// A crash between keeping the original as `PATH.v1` and renaming the
/// migrated file over the path leaves both: opening again goes on with the
/// migration. Another file in `PATH.v1`'s place is never overwritten, and
/// the error says what to do.
#[test]
fn an_interrupted_version_1_migration_goes_on_and_never_overwrites() {
    let dir = TempDir::new("v1-interrupted");
    let path = dir.file("ledger.journal");
    let kept = dir.file("ledger.journal.v1");
    let original = std::fs::read("tests/data/v1/ledger.journal").expect("fixture");
    std::fs::write(&path, &original).expect("copies");
    std::fs::write(&kept, &original).expect("left by the crash");
    let journal = Journal::open(&path, Recovery::Fail).expect("the migration goes on");
    assert_eq!(journal.ledger().len(), 17);
    assert_eq!(std::fs::read(&kept).expect("kept"), original);
    drop(journal);

    let other = dir.file("other.journal");
    std::fs::write(&other, &original).expect("copies");
    std::fs::write(dir.file("other.journal.v1"), b"something else\n").expect("writes");
    let err = Journal::open(&other, Recovery::Fail).expect_err("refuses to overwrite");
    assert!(
        err.to_string().contains("another file is in the way"),
        "{err}"
    );
    assert_eq!(std::fs::read(&other).expect("reads"), original, "untouched");
    assert_eq!(
        std::fs::read(dir.file("other.journal.v1")).expect("reads"),
        b"something else\n"
    );
}

/// A batch is all or none when salvaged too: an entry refused inside a
/// finished batch leaves none of the batch in the salvaged ledger, and the
/// report counts exactly the entries the new file holds.
#[test]
fn salvage_counts_what_it_copied_when_a_batch_entry_is_refused() {
    let dir = TempDir::new("salvage-batch");
    let path = dir.file("j");
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal
        .batch(|b| {
            b.add_member(Member::new(mid("FRA"), "France"))?;
            b.add_member(Member::new(mid("GBR"), "United Kingdom"))?;
            Ok(())
        })
        .expect("appends");
    drop(journal);
    let text = std::fs::read_to_string(&path).expect("reads");
    let lines: Vec<&str> = text.lines().collect();
    // The header, the frame, sequence 0, and sequence 0 again where 1 was
    // due: every checksum verifies.
    let bad = dir.file("bad");
    std::fs::write(
        &bad,
        format!("{}\n{}\n{}\n{}\n", lines[0], lines[1], lines[2], lines[2]),
    )
    .expect("writes");
    let report = journal::salvage(&bad, dir.file("salvaged")).expect("salvages");
    let salvaged = Journal::open(dir.file("salvaged"), Recovery::Fail).expect("opens");
    assert_eq!(salvaged.ledger().len(), 0);
    assert_eq!(report.entries, 0, "{report:?}");
    assert!(report.problem.is_some());
}

/// A damaged line among those a checkpoint covers is reported with its
/// place, as without the checkpoint: opening from the checkpoint skipped
/// it, acknowledged appends after it, and the journal then no longer
/// replayed without the checkpoint (salvage kept one entry of five).
#[test]
fn a_damaged_line_a_checkpoint_covers_is_still_reported() {
    let dir = TempDir::new("checkpoint-damage");
    let path = dir.file("j");
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal
        .add_member(Member::new(mid("FRA"), "France"))
        .expect("appends");
    for i in 0..3 {
        journal
            .open_pledge(
                troops(&format!("P{i}"), "FRA", Estimate::Exact(1)),
                reported("2025-01-01"),
            )
            .expect("appends");
    }
    journal.checkpoint().expect("checkpoints");
    drop(journal);
    // Line 3 (the first pledge) no longer verifies.
    let mut bytes = std::fs::read(&path).expect("reads");
    let ends = line_ends(&bytes);
    bytes[ends[1] + 20] ^= 0x01;
    std::fs::write(&path, &bytes).expect("writes");
    for recovery in [Recovery::Fail, Recovery::TruncateTornTail] {
        let opened = Journal::open(&path, recovery).map(|_| ());
        assert!(
            matches!(opened, Err(Error::JournalCorrupt { line: 3, .. })),
            "{opened:?}"
        );
    }
    let read_only = Journal::open_read_only(&path).map(|_| ());
    assert!(
        matches!(read_only, Err(Error::JournalCorrupt { line: 3, .. })),
        "{read_only:?}"
    );
}

/// Lines a checkpoint covers that were reordered (each still verifying,
/// the covered length and last line unchanged) make the journal one that
/// no longer replays: open reports that as it would without the
/// checkpoint, instead of trusting the checkpoint and acknowledging
/// appends after it.
#[test]
fn a_checkpoint_over_reordered_lines_is_not_trusted() {
    let dir = TempDir::new("checkpoint-reordered");
    let path = dir.file("j");
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal
        .add_member(Member::new(mid("FRA"), "France"))
        .expect("appends");
    for i in 0..3 {
        journal
            .open_pledge(
                troops(&format!("P{i}"), "FRA", Estimate::Exact(10)),
                reported("2025-01-01"),
            )
            .expect("appends");
    }
    journal.checkpoint().expect("checkpoints");
    drop(journal);
    // Swap lines 3 and 4 (entries 1 and 2, equally long); line 5, the last
    // covered one, stays.
    let bytes = std::fs::read(&path).expect("reads");
    let mut lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[2].len(), lines[3].len());
    lines.swap(2, 3);
    std::fs::write(&path, lines.concat()).expect("writes");
    std::fs::rename(dir.file("j.checkpoint"), dir.file("kept")).expect("moves");
    let without = Journal::open(&path, Recovery::Fail).map(|_| ());
    assert!(without.is_err());
    std::fs::rename(dir.file("kept"), dir.file("j.checkpoint")).expect("moves");
    assert_eq!(Journal::open(&path, Recovery::Fail).map(|_| ()), without);
    assert_eq!(Journal::open_read_only(&path).map(|_| ()), without);
}

/// A checkpoint certifies the bytes its writer replayed and wrote, not the
/// file as another program left it: lines reordered in place under an open
/// writer (same file, same length, each line still verifying) were read
/// back by the next checkpoint and certified, and the next open trusted
/// it over a journal that no longer replayed without it.
#[test]
fn a_checkpoint_does_not_certify_lines_reordered_under_its_writer() {
    let dir = TempDir::new("checkpoint-in-place");
    let path = dir.file("j");
    let mut journal = Journal::open(&path, Recovery::Fail).expect("opens");
    journal
        .add_member(Member::new(mid("FRA"), "France"))
        .expect("appends");
    for i in 0..4 {
        journal
            .open_pledge(
                troops(&format!("P{i}"), "FRA", Estimate::Exact(10)),
                reported("2025-01-01"),
            )
            .expect("appends");
    }
    let bytes = std::fs::read(&path).expect("reads");
    let mut lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[2].len(), lines[3].len());
    lines.swap(2, 3);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("opens");
    file.seek(SeekFrom::Start(0)).expect("seeks");
    file.write_all(&lines.concat()).expect("writes");
    file.sync_all().expect("syncs");
    drop(file);
    let without = Journal::open_read_only(&path).map(|_| ());
    assert!(without.is_err());
    journal.checkpoint().expect("checkpoints");
    drop(journal);
    assert_eq!(Journal::open_read_only(&path).map(|_| ()), without);
}
