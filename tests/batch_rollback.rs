//! A journal batch records straight into the ledger and rolls back when it
//! fails. These tests hold the rollback to the simplest model of "nothing
//! happened": a ledger that never saw the failed batches.

use coalition_ledger::io::journal::{Journal, Recovery};
use coalition_ledger::prelude::*;
use coalition_ledger::testing::Generator;
use coalition_ledger::{Error, Result};
use proptest::prelude::*;

/// A journal path in the temporary folder, removed with its checkpoint when
/// dropped: also when a `prop_assert` returns early or a test fails, so
/// that shrinking a failure does not leave a file per tried case.
struct TempPath(std::path::PathBuf);

impl TempPath {
    fn checkpoint(&self) -> std::path::PathBuf {
        self.0.with_extension("checkpoint")
    }
}

impl std::ops::Deref for TempPath {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempPath {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        let _ = std::fs::remove_file(self.checkpoint());
    }
}

fn temp_path(tag: &str) -> TempPath {
    let path = std::env::temp_dir().join(format!(
        "batch-rollback-{tag}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    // A crashed earlier run may have left its files behind.
    let path = TempPath(path);
    let _ = std::fs::remove_file(&path.0);
    let _ = std::fs::remove_file(path.checkpoint());
    path
}

/// Reported, undated, citing nothing: provenance for an entry whose
/// provenance the test does not look at.
fn reported() -> Provenance {
    Provenance::new(Evidence::Reported)
}

/// A pledge of 100 troops by FRA.
fn troops(id: &str) -> NewPledge {
    NewPledge::new(
        PledgeId::new(id).expect("valid id"),
        MemberId::new("FRA").expect("valid id"),
        Contribution::Troops {
            personnel: Estimate::Exact(100),
        },
    )
}

/// An action that always fails: advancing a pledge nobody opened.
fn failing() -> (Action, Provenance) {
    let id = PledgeId::new("never-opened").expect("valid id");
    (
        Action::Advance {
            pledge: id,
            stage: Stage::Committed,
        },
        Provenance::new(Evidence::Verified),
    )
}

/// Records, inside a batch, an entry the ledger refuses, failing the batch.
fn refused(batch: &mut impl Record) -> Result<Recorded> {
    let (action, provenance) = failing();
    batch.record(action, provenance)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random batches of a generated stream, some of them spoilt by an
    /// entry that fails at a random position: the journal's ledger equals
    /// (entries, derived state, JSON document) a ledger that recorded only
    /// the good batches, and every rolled-back entry can be recorded again
    /// afterwards with the same outcome as if it had never been tried.
    #[test]
    fn failed_batches_leave_no_trace(
        seed in 0u64..1_000,
        cuts in proptest::collection::vec((1usize..40, any::<bool>(), 0usize..40), 1..12),
    ) {
        let actions = Generator::seeded(seed).members(4).sources(3).pledges(60).actions().expect("generated");
        let path = temp_path(&seed.to_string());
        let mut journal = Journal::open(&path, Recovery::Fail).expect("opened");
        let mut model = Ledger::new();
        let mut rest = actions.as_slice();
        for (size, spoil, at) in cuts {
            let take = size.min(rest.len());
            let (batch, after) = rest.split_at(take);
            if spoil {
                let mut items: Vec<(Action, Provenance)> = batch.to_vec();
                items.insert(at.min(items.len()), failing());
                prop_assert!(journal.append_batch(items).is_err());
                prop_assert_eq!(journal.ledger(), &model);
                // Not consumed: the next batch starts with the same entries.
            } else {
                // The same outcome, or the same error naming the same
                // entry, as the ledger's own batch (all or none, too).
                let got = journal.append_batch(batch.to_vec());
                let expected = model.record_batch(batch.iter().cloned());
                prop_assert_eq!(&got, &expected);
                prop_assert_eq!(journal.ledger(), &model);
                rest = after;
            }
            prop_assert_eq!(journal.ledger(), &model);
            prop_assert_eq!(
                coalition_ledger::io::json::to_string(journal.ledger()),
                coalition_ledger::io::json::to_string(&model)
            );
        }
        // Whatever is left records the same way in both.
        for (action, provenance) in rest.iter().cloned() {
            let a = journal.append(action.clone(), provenance.clone()).map_err(|e| e.to_string());
            let b = model.record(action, provenance).map_err(|e| e.to_string());
            prop_assert_eq!(a, b);
        }
        prop_assert_eq!(journal.ledger(), &model);
        drop(journal);
        let reopened = Journal::open(&path, Recovery::Fail).expect("reopened");
        prop_assert_eq!(reopened.ledger(), &model);
        drop(reopened);
    }
}

/// Ids, keys and awaited dependencies added by a failed batch are gone:
/// the same entries go in afterwards as new ones.
#[test]
fn ids_and_keys_of_a_failed_batch_can_be_recorded_again() -> Result<()> {
    let path = temp_path("ids");
    let mut journal = Journal::open(&path, Recovery::Fail)?;
    let fra = || Member::new(MemberId::new("FRA").expect("id"), "France");
    let key = ClientKey::new("feed-1")?;
    let spec = || {
        troops("FRA-1").with_condition(Condition::DependsOn(PledgeId::new("FRA-2").expect("id")))
    };
    let failed = journal.batch(|batch| {
        batch.add_member(fra())?;
        batch.open_pledge(spec(), reported().key(key.clone()))?;
        refused(batch)
    });
    assert!(failed.is_err());
    assert!(journal.ledger().is_empty());
    assert!(journal.ledger().entry_by_key(&key).is_none());
    assert!(journal.ledger().member(&MemberId::new("FRA")?).is_none());
    let recorded = journal.batch(|batch| {
        batch.add_member(fra())?;
        batch.open_pledge(spec(), reported().key(key.clone()))
    })?;
    assert_eq!(recorded, Recorded::Appended { sequence: 1 });
    assert_eq!(
        journal.ledger().entry_by_key(&key).map(|e| e.sequence()),
        Some(1)
    );
    drop(journal);
    Ok(())
}

/// A panic inside a batch rolls it back before it goes on: a caller that
/// catches it finds the journal as it was, appends, checkpoints and reopens
/// with nothing lost.
#[test]
fn a_panic_in_a_batch_rolls_it_back_and_loses_nothing() -> Result<()> {
    let path = temp_path("panic");
    let mut journal = Journal::open(&path, Recovery::Fail)?;
    for id in ["FRA", "GBR", "DEU"] {
        journal.add_member(Member::new(MemberId::new(id)?, id))?;
    }
    let before = journal.ledger().clone();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = journal.batch(|batch| -> Result<()> {
            batch.add_member(Member::new(MemberId::new("ITA")?, "Italy"))?;
            panic!("the application's own bug");
        });
    }));
    assert!(outcome.is_err());
    assert_eq!(journal.ledger(), &before);
    assert_eq!(journal.ledger().members().count(), 3);
    journal.add_member(Member::new(MemberId::new("POL")?, "Poland"))?;
    journal.checkpoint()?;
    drop(journal);
    let reopened = Journal::open(&path, Recovery::Fail)?;
    let ids: Vec<String> = reopened
        .ledger()
        .members()
        .map(|m| m.id().to_string())
        .collect();
    assert_eq!(ids, ["FRA", "GBR", "DEU", "POL"]);
    drop(reopened);
    Ok(())
}

/// A checkpoint is written only by a journal whose ledger matches its
/// file: a read-only journal refuses to write one.
#[test]
fn a_read_only_journal_writes_no_checkpoint() -> Result<()> {
    let path = temp_path("read-only-checkpoint");
    let mut journal = Journal::open(&path, Recovery::Fail)?;
    journal.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    drop(journal);
    let reader = Journal::open_read_only(&path)?;
    assert!(matches!(
        reader.checkpoint(),
        Err(Error::JournalReadOnly { .. })
    ));
    assert!(!path.with_extension("checkpoint").exists());
    drop(reader);
    Ok(())
}

/// An entry citing the very list (a clone of one provenance) that an entry
/// of a rolled-back batch cited is checked again: the source the batch
/// added is gone, and the ledger must say so rather than trust the list.
#[test]
fn a_source_list_of_a_failed_batch_is_checked_again() -> Result<()> {
    let path = temp_path("sources");
    let mut journal = Journal::open(&path, Recovery::Fail)?;
    journal.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    journal.add_source(Source::new(
        SourceId::new("s-old")?,
        "Old",
        SourceKind::Official,
    ))?;
    let cited = Provenance::new(Evidence::Reported)
        .cite(SourceId::new("s-old")?)
        .cite(SourceId::new("s-new")?);
    // The provenance of the recorded entry holds the ledger's own list.
    let mut shared = None;
    let failed = journal.batch(|batch| {
        batch.add_source(Source::new(
            SourceId::new("s-new")?,
            "New",
            SourceKind::Official,
        ))?;
        batch.open_pledge(troops("FRA-1"), cited.clone())?;
        shared = batch.ledger().entries().next_back().map(|e| e.provenance());
        refused(batch)
    });
    assert!(failed.is_err());
    let shared = shared.expect("recorded in the batch");
    assert_eq!(shared, cited);
    let refused = journal.open_pledge(troops("FRA-2"), shared);
    assert!(
        matches!(refused, Err(Error::UnknownSource { ref source_id }) if source_id == "s-new"),
        "{refused:?}"
    );
    // Within a batch that stands, the same list is accepted for every entry.
    journal.batch(|batch| {
        batch.add_source(Source::new(
            SourceId::new("s-new")?,
            "New",
            SourceKind::Official,
        ))?;
        batch.open_pledge(troops("FRA-1"), cited.clone())?;
        batch.open_pledge(troops("FRA-2"), cited.clone())
    })?;
    assert_eq!(journal.ledger().pledge_count(), 2);
    drop(journal);
    Ok(())
}

/// The ledger remembers the pledge the last entry named; an entry naming
/// it through the ledger's own copy of its id, after a rollback removed
/// the pledge, is refused as unknown.
#[test]
fn a_pledge_of_a_failed_batch_is_unknown_after_it() -> Result<()> {
    let path = temp_path("last-pledge");
    let mut journal = Journal::open(&path, Recovery::Fail)?;
    journal.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    let spec = troops("FRA-1");
    let mut own = None;
    let failed = journal.batch(|batch| {
        batch.open_pledge(spec.clone(), reported())?;
        own = batch
            .ledger()
            .pledge(&PledgeId::new("FRA-1")?)
            .map(|p| p.id().clone());
        refused(batch)
    });
    assert!(failed.is_err());
    let own = own.expect("opened in the batch");
    let refused = journal.annotate(&own, reported());
    assert!(
        matches!(refused, Err(Error::UnknownPledge { ref pledge }) if pledge == "FRA-1"),
        "{refused:?}"
    );
    // Opened for good, the same copy finds it.
    journal.open_pledge(spec, reported())?;
    journal.annotate(&own, Provenance::new(Evidence::Verified))?;
    assert_eq!(
        journal.ledger().pledge(&own).map(|p| p.evidence()),
        Some(Evidence::Verified)
    );
    drop(journal);
    Ok(())
}

/// The ledger finds its own copies of member ids and categories by
/// address. After a rollback removed a member and a category, their copies
/// (held by the caller) name nothing, even once another member and another
/// category take the same places.
#[test]
fn a_member_and_a_category_of_a_failed_batch_are_unknown_after_it() -> Result<()> {
    let path = temp_path("own-copies");
    let mut journal = Journal::open(&path, Recovery::Fail)?;
    journal.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    let equipment = |id: &str, member: &MemberId, category: &Category| {
        NewPledge::new(
            PledgeId::new(id).expect("id"),
            member.clone(),
            Contribution::Equipment {
                category: category.clone(),
                units: Estimate::Exact(3),
                value: None,
            },
        )
    };
    let (gbr, air) = (MemberId::new("GBR")?, Category::new("air-defence")?);
    let failed = journal.batch(|batch| {
        batch.add_member(Member::new(gbr.clone(), "United Kingdom"))?;
        batch.open_pledge(equipment("GBR-1", &gbr, &air), reported())?;
        assert!(batch.ledger().member(&gbr).is_some());
        refused(batch)
    });
    assert!(failed.is_err());
    assert!(journal.ledger().member(&gbr).is_none());

    // Another member and another category take the places GBR and
    // air-defence had.
    let (deu, land) = (MemberId::new("DEU")?, Category::new("land")?);
    journal.add_member(Member::new(deu.clone(), "Germany"))?;
    journal.open_pledge(equipment("DEU-1", &deu, &land), reported())?;
    assert!(journal.ledger().member(&gbr).is_none());
    let refused = journal.open_pledge(equipment("GBR-1", &gbr, &air), reported());
    assert!(
        matches!(refused, Err(Error::UnknownMember { ref member }) if member == "GBR"),
        "{refused:?}"
    );

    // The category's copy is counted under its own name.
    journal.open_pledge(equipment("FRA-1", &MemberId::new("FRA")?, &air), reported())?;
    let table = journal
        .ledger()
        .query()
        .group_by([Dimension::Category])
        .measure(Measure::Units)
        .run()?;
    for (category, units) in [(air, 3), (land, 3)] {
        let row = table.row(&[Key::Category(Some(category.clone()))]);
        assert_eq!(
            row.map(|r| r.total().low()),
            Some(Decimal::from(units)),
            "{category}"
        );
    }
    drop(journal);
    Ok(())
}

/// A ledger keeps its entries and its pledges' states in chunks (1,024
/// entries, 256 states) shared with its clones. With a snapshot holding
/// sealed chunks of both, every batch withdraws pledges whose states lie
/// in a shared chunk and appends past a chunk's end: a failed batch
/// leaves the ledger as it was, and neither a failed nor a successful one
/// changes the snapshot (compared, states included, with a ledger that
/// never saw the batches).
#[test]
fn batches_across_chunk_boundaries_roll_back_and_spare_snapshots() -> Result<()> {
    let actions = Generator::seeded(11)
        .members(6)
        .sources(4)
        .pledges(600)
        .actions()?;
    let (first, rest) = actions.split_at(1_100);
    let mut ledger = Ledger::new();
    ledger.record_batch(first.iter().cloned())?;
    let mut reference = Ledger::new();
    reference.record_batch(first.iter().cloned())?;
    let snapshot = ledger.clone();
    assert!(ledger.len() > 1_024 && ledger.pledge_count() > 256);
    // Pledges among the first 256, whose states the snapshot shares.
    let early: Vec<PledgeId> = snapshot
        .pledges()
        .take(256)
        .filter(|p| !p.stage().is_terminal() && !p.is_void())
        .map(|p| p.id().clone())
        .take(3)
        .collect();
    let [first_early, second_early, third_early] = early.as_slice() else {
        panic!("three live pledges among the first 256: {early:?}");
    };
    let withdraw = |id: &PledgeId| {
        (
            Action::Withdraw {
                pledge: id.clone(),
                reason: "test".into(),
            },
            reported(),
        )
    };
    for size in [1, 23, 300, 600] {
        let mut batch = vec![withdraw(first_early)];
        batch.extend(rest.get(..size).expect("enough actions").iter().cloned());
        batch.push(withdraw(second_early));
        batch.push(failing());
        let refused = ledger.record_batch(batch);
        assert!(
            matches!(refused, Err(Error::InEntry { .. })),
            "size {size}: {refused:?}"
        );
        assert_eq!(ledger, reference, "size {size}");
        assert_eq!(snapshot, reference, "snapshot, size {size}");
    }
    let (action, provenance) = withdraw(third_early);
    ledger.record(action, provenance)?;
    ledger.record_batch(rest.iter().cloned())?;
    assert_eq!(
        snapshot, reference,
        "the snapshot after a batch that succeeded"
    );
    Ok(())
}

/// An entry that cites one source alone holds the ledger's list of that
/// source, which the ledger finds by the source's place: a source added by
/// a failed batch must leave no list behind for the next source added to
/// be found under (a journal batch and `record_batch` both roll back).
#[test]
fn a_source_cited_alone_after_a_failed_batch_is_itself() -> Result<()> {
    let source = |id: &str| Source::new(SourceId::new(id).expect("id"), id, SourceKind::Official);
    let citing = |id: &str| reported().cite(SourceId::new(id).expect("id"));
    let kept = [SourceId::new("s-kept")?];

    let path = temp_path("alone");
    let mut journal = Journal::open(&path, Recovery::Fail)?;
    journal.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    let failed = journal.batch(|batch| {
        batch.add_source(source("s-gone"))?;
        refused(batch)
    });
    assert!(failed.is_err());
    journal.add_source(source("s-kept"))?;
    journal.open_pledge(troops("FRA-1"), citing("s-kept"))?;
    journal.annotate(&PledgeId::new("FRA-1")?, citing("s-kept"))?;
    for entry in journal.ledger().entries().skip(2) {
        assert_eq!(entry.sources(), kept, "{entry:?}");
        assert_eq!(entry.provenance(), citing("s-kept"));
    }
    drop(journal);

    let mut ledger = Ledger::new();
    ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    let (action, provenance) = failing();
    let gone = Action::AddSource(Box::new(source("s-gone")));
    assert!(
        ledger
            .record_batch([(gone, reported()), (action, provenance)])
            .is_err()
    );
    ledger.add_source(source("s-kept"))?;
    ledger.open_pledge(troops("FRA-1"), citing("s-kept"))?;
    let last = ledger.entries().next_back().map(|e| e.sources().to_vec());
    assert_eq!(last.as_deref(), Some(&kept[..]));
    Ok(())
}
