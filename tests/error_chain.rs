//! Typed error chains: a ledger error read back from a journal line or a CSV
//! row keeps its type and predicates, and every link prints once.

use std::error::Error as _;

use coalition_ledger::io::journal::{Journal, Recovery};
use coalition_ledger::prelude::*;
use coalition_ledger::{Error, Result};

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cl-error-chain-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok();
    dir
}

fn add(id: &str) -> Result<Action> {
    Ok(Action::AddMember(Box::new(Member::new(
        MemberId::new(id)?,
        id,
    ))))
}

/// Walks `source()` and returns every message of the chain.
fn chain(err: &Error) -> Vec<String> {
    let mut out = vec![err.to_string()];
    let mut next = err.source();
    while let Some(e) = next {
        out.push(e.to_string());
        next = e.source();
    }
    out
}

#[test]
fn journal_replay_keeps_the_ledger_error_typed() -> Result<()> {
    let dir = temp_dir("journal");
    let (full, short) = (dir.join("full.journal"), dir.join("short.journal"));
    let verified = || Provenance::new(Evidence::Verified);
    let mut journal = Journal::open(&full, Recovery::Fail)?;
    journal.append(add("FRA")?, verified())?;
    let spec = NewPledge::new(
        PledgeId::new("FRA-x")?,
        MemberId::new("FRA")?,
        Contribution::Troops {
            personnel: Estimate::Exact(100),
        },
    );
    journal.append(Action::Pledge(Box::new(spec)), verified())?;
    journal.append(
        Action::Withdraw {
            pledge: PledgeId::new("FRA-x")?,
            reason: "test".into(),
        },
        verified(),
    )?;
    drop(journal);
    let mut journal = Journal::open(&short, Recovery::Fail)?;
    journal.append(add("FRA")?, verified())?;
    journal.append(add("DEU")?, verified())?;
    drop(journal);

    // The third entry of the full journal (a withdrawal of FRA-x, sequence
    // 2; line 4, after the header) appended to a journal where FRA-x was
    // never opened.
    let full_text = std::fs::read_to_string(&full)?;
    let third = full_text.lines().nth(3).unwrap_or_default();
    let mut short_text = std::fs::read_to_string(&short)?;
    short_text.push_str(third);
    short_text.push('\n');
    std::fs::write(&short, short_text)?;

    let err = Journal::open(&short, Recovery::Fail).err();
    let err = err.unwrap_or(Error::Internal {
        what: "no error".into(),
    });
    assert!(
        matches!(err, Error::InJournalLine { line: 4, .. }),
        "{err:?}"
    );
    assert!(err.is_unknown_reference(), "{err}");
    assert_eq!(
        err.root(),
        &Error::UnknownPledge {
            pledge: "FRA-x".into()
        }
    );
    assert_eq!(chain(&err), ["journal line 4: unknown pledge `FRA-x`"]);
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

#[cfg(feature = "csv")]
#[test]
fn csv_import_keeps_the_ledger_error_typed() {
    let text = "id,member,kind,estimate,low,high,stage,evidence\n\
                FRA-1,FRA,troops,exact,100,100,announced,reported\n";
    let roster = Ledger::new();
    let err = coalition_ledger::io::csv::Importer::new()
        .roster(&roster)
        .import(text.as_bytes());
    let Err(Error::CsvErrors { errors, .. }) = err else {
        panic!("expected CSV errors, got {err:?}");
    };
    let first = errors.first().cloned().unwrap_or(Error::Internal {
        what: "none".into(),
    });
    assert!(first.is_unknown_reference(), "{first}");
    assert_eq!(
        first.root(),
        &Error::UnknownMember {
            member: "FRA".into()
        }
    );
    assert_eq!(
        chain(&first),
        ["CSV line 2, column `member`: unknown member `FRA`"]
    );
}

#[test]
fn an_entry_error_prints_its_cause_once() -> Result<()> {
    let err = Error::UnknownPledge {
        pledge: "FRA-x".into(),
    }
    .in_entry(0);
    assert_eq!(chain(&err), ["entry 0: unknown pledge `FRA-x`"]);
    assert!(err.is_unknown_reference());
    assert_eq!(err.clone(), err, "errors stay Clone + Eq");
    Ok(())
}

#[test]
fn io_errors_convert_with_their_kind() {
    fn read(path: &std::path::Path) -> Result<String> {
        Ok(std::fs::read_to_string(path)?)
    }
    let err = read(std::path::Path::new("/no/such/dir/file")).err();
    assert_eq!(
        err.as_ref().and_then(Error::io_kind),
        Some(std::io::ErrorKind::NotFound)
    );
    assert!(err.is_some_and(|e| e.to_string().starts_with("I/O error: ")));
}

#[test]
fn loading_a_document_names_the_entry_and_keeps_the_type() -> Result<()> {
    let mut ledger = Ledger::new();
    ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    let spec = NewPledge::new(
        PledgeId::new("FRA-1")?,
        MemberId::new("FRA")?,
        Contribution::Troops {
            personnel: Estimate::Exact(100),
        },
    );
    ledger.open_pledge(spec, Provenance::new(Evidence::Verified))?;
    // Rename the member in the roster entry only: the pledge now names an
    // unknown member.
    let text = ledger.to_json().replacen("\"FRA\"", "\"DEU\"", 1);
    let err = Ledger::from_json(&text).err();
    assert!(
        err.as_ref().is_some_and(Error::is_unknown_reference),
        "{err:?}"
    );
    assert!(err.as_ref().is_some_and(|e| e.source().is_none()));
    Ok(())
}
