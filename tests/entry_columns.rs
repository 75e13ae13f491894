//! The ledger keeps its entries in columns and puts each back together when
//! asked: every entry it hands out (`Ledger::entry`, `Ledger::entries`,
//! `Ledger::entry_by_key`) equals the action and provenance it recorded,
//! whatever the action and its rare fields (a client key, a date known to a
//! month or a year), across failed batches, snapshots taken on the way and
//! a JSON round trip.

use coalition_ledger::io::json;
use coalition_ledger::prelude::*;
use coalition_ledger::testing::Generator;
use proptest::prelude::*;

type Item = (Action, Provenance);

/// What is done to a generated stream at one of its items.
#[derive(Debug, Clone, Copy)]
enum Mark {
    /// The item carries a client key.
    Key,
    /// The item's date is known to its month only.
    Month,
    /// The item's date is known to its year only.
    Year,
    /// The roster is amended after the item.
    AmendRoster,
    /// The pledge the item names is voided after it (later entries on it
    /// are refused, and left out).
    Void,
    /// The items from here on go in a batch spoilt by a stray entry, which
    /// is refused whole.
    FailedBatch,
    /// A snapshot (clone) of the ledger is kept here.
    Snapshot,
}

fn mark() -> impl Strategy<Value = Mark> {
    prop_oneof![
        Just(Mark::Key),
        Just(Mark::Month),
        Just(Mark::Year),
        Just(Mark::AmendRoster),
        Just(Mark::Void),
        Just(Mark::FailedBatch),
        Just(Mark::Snapshot),
    ]
}

fn id<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    text.parse().expect("a valid id")
}

/// The member and source the roster amendments change.
fn roster() -> Vec<Item> {
    let verified = Provenance::new(Evidence::Verified);
    vec![
        (
            Action::AddMember(Box::new(Member::new(id("ZZZ"), "Zed"))),
            verified.clone(),
        ),
        (
            Action::AddSource(Box::new(Source::new(
                id("zz-source"),
                "Zed Times",
                SourceKind::Media,
            ))),
            verified,
        ),
    ]
}

/// The item with its date made a period of the given form (`%Y-%m` or
/// `%Y`).
fn within(item: &Item, form: &str) -> Item {
    let (action, provenance) = item.clone();
    let Some(date) = provenance.date() else {
        return (action, provenance);
    };
    let period: PartialDate = date.format(form).to_string().parse().expect("a period");
    (action, provenance.within(period))
}

/// A stray entry: an advance of a pledge nobody opened.
fn stray() -> Item {
    (
        Action::Advance {
            pledge: id("never-opened"),
            stage: Stage::Committed,
        },
        Provenance::new(Evidence::Verified),
    )
}

/// Records `item` one at a time, noting it when appended, and checks that
/// the entry handed back is the item.
fn record(
    ledger: &mut Ledger,
    item: Item,
    appended: &mut Vec<Item>,
) -> std::result::Result<(), TestCaseError> {
    let (action, provenance) = item.clone();
    if let Ok(Recorded::Appended { sequence }) = ledger.record(action, provenance) {
        prop_assert_eq!(sequence, appended.len() as u64);
        let back = ledger.entry(sequence).map(Entry::into_parts);
        prop_assert_eq!(back, Some(item.clone()));
        appended.push(item);
    }
    Ok(())
}

/// Every way the ledger hands out its entries agrees with `appended`.
fn agrees(ledger: &Ledger, appended: &[Item]) -> std::result::Result<(), TestCaseError> {
    let entries: Vec<Entry> = ledger.entries().collect();
    prop_assert_eq!(entries.len(), appended.len());
    prop_assert_eq!(ledger.entries().len(), appended.len());
    prop_assert_eq!(ledger.entries().count(), appended.len());
    for (i, (entry, item)) in entries.iter().zip(appended).enumerate() {
        prop_assert_eq!(entry.sequence(), i as u64);
        prop_assert_eq!(&entry.clone().into_parts(), item);
        prop_assert_eq!(ledger.entry(i as u64), Some(entry.clone()));
        prop_assert_eq!(ledger.entries().nth(i), Some(entry.clone()));
        if let Some(key) = entry.client_key() {
            prop_assert_eq!(ledger.entry_by_key(key), Some(entry.clone()));
        }
    }
    let backwards: Vec<Entry> = ledger.entries().rev().collect();
    prop_assert!(backwards.iter().eq(entries.iter().rev()));
    prop_assert_eq!(ledger.entries().last(), entries.last().cloned());
    prop_assert_eq!(ledger.entry(appended.len() as u64), None);
    Ok(())
}

/// Records the generated stream of `seed` with `marks` applied, checking
/// every entry handed out on the way and at the end; gives what was
/// appended.
fn run(seed: u64, marks: &[(usize, Mark)]) -> std::result::Result<Vec<Item>, TestCaseError> {
    let generated = Generator::seeded(seed)
        .members(4)
        .sources(3)
        .pledges(40)
        .actions()
        .expect("generated");
    let mut ledger = Ledger::new();
    let mut appended = Vec::new();
    let mut snapshots: Vec<(Ledger, usize)> = Vec::new();
    for item in roster() {
        record(&mut ledger, item, &mut appended)?;
    }
    let mut amendments = 0u32;
    for (i, item) in generated.iter().enumerate() {
        let here: Vec<Mark> = marks
            .iter()
            .filter(|(at, _)| *at == i)
            .map(|(_, m)| *m)
            .collect();
        let mut item = item.clone();
        let mut after = Vec::new();
        for m in &here {
            match m {
                Mark::Key => {
                    let (action, provenance) = item;
                    item = (action, provenance.key(id(&format!("key-{i}"))));
                }
                Mark::Month => item = within(&item, "%Y-%m"),
                Mark::Year => item = within(&item, "%Y"),
                Mark::AmendRoster => {
                    amendments += 1;
                    let name = format!("Zed {amendments}");
                    let mut provenance = Provenance::new(Evidence::Verified);
                    if let Some(date) = item.1.date() {
                        provenance = provenance.on(date);
                    }
                    let member = Member::new(id("ZZZ"), name.as_str());
                    let source = Source::new(id("zz-source"), name.as_str(), SourceKind::Media);
                    after.push((Action::AmendMember(Box::new(member)), provenance.clone()));
                    after.push((Action::AmendSource(Box::new(source)), provenance));
                }
                Mark::Void => {
                    if let Some(pledge) = item.0.pledge() {
                        let reason = "recorded twice".into();
                        after.push((
                            Action::Void {
                                pledge: pledge.clone(),
                                reason,
                            },
                            item.1.clone(),
                        ));
                    }
                }
                Mark::FailedBatch | Mark::Snapshot => {}
            }
        }
        if here.iter().any(|m| matches!(m, Mark::Snapshot)) {
            snapshots.push((ledger.clone(), appended.len()));
        }
        if here.iter().any(|m| matches!(m, Mark::FailedBatch)) {
            let before = ledger.clone();
            let end = (i + 7).min(generated.len());
            // Keyed, so that the batch leaves rare fields to undo.
            let keys: Vec<ClientKey> = (i..end).map(|j| id(&format!("batch-{i}-{j}"))).collect();
            let mut batch: Vec<Item> = generated[i..end]
                .iter()
                .zip(&keys)
                .map(|((action, provenance), key)| {
                    (action.clone(), provenance.clone().key(key.clone()))
                })
                .collect();
            batch.push(stray());
            prop_assert!(ledger.record_batch(batch).is_err());
            prop_assert_eq!(&ledger, &before);
            for key in &keys {
                prop_assert_eq!(ledger.entry_by_key(key), None);
            }
            agrees(&ledger, &appended)?;
            // The entry recorded next takes the place of the batch's first.
            let (action, provenance) = item;
            item = (action, provenance.key(id(&format!("after-batch-{i}"))));
        }
        record(&mut ledger, item, &mut appended)?;
        for extra in after {
            record(&mut ledger, extra, &mut appended)?;
        }
    }
    agrees(&ledger, &appended)?;
    for (snapshot, len) in &snapshots {
        agrees(snapshot, &appended[..*len])?;
    }
    let loaded = json::from_str(&ledger.to_json()).expect("the saved ledger loads");
    agrees(&loaded, &appended)?;
    prop_assert_eq!(&loaded, &ledger);
    Ok(appended)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_entry_handed_out_is_the_one_recorded(
        seed in 0u64..10_000,
        marks in proptest::collection::vec((0usize..200, mark()), 0..30),
    ) {
        run(seed, &marks)?;
    }
}

/// The property's machinery reaches every action and every rare field: a
/// stream marked at fixed places appends each of them (and hands each back
/// as recorded, which `run` checks).
#[test]
fn every_kind_of_entry_is_handed_back() {
    let marks: Vec<(usize, Mark)> = (0..100)
        .map(|i| {
            let m = match i % 7 {
                0 => Mark::Key,
                1 => Mark::Month,
                2 => Mark::Year,
                3 => Mark::AmendRoster,
                4 => Mark::Void,
                5 => Mark::FailedBatch,
                _ => Mark::Snapshot,
            };
            (i * 3 + 1, m)
        })
        .collect();
    let appended = run(7, &marks).expect("agrees");
    let names: std::collections::BTreeSet<&str> = appended.iter().map(|(a, _)| a.name()).collect();
    for name in [
        "add_member",
        "add_source",
        "pledge",
        "advance",
        "revise",
        "deliver",
        "withdraw",
        "annotate",
        "amend_member",
        "amend_source",
        "void",
    ] {
        assert!(names.contains(name), "no {name} appended: {names:?}");
    }
    assert!(appended.iter().any(|(_, p)| p.client_key().is_some()));
    let precisions: std::collections::BTreeSet<String> = appended
        .iter()
        .filter_map(|(_, p)| p.period())
        .map(|p| format!("{:?}", p.precision()))
        .collect();
    assert_eq!(precisions.len(), 3, "{precisions:?}");
    assert!(appended.iter().any(|(a, _)| matches!(
        a,
        Action::Deliver {
            currency: Some(_),
            ..
        }
    )));
}

/// An iterator of entries that has handed out some from each end reports
/// what is left, and gives nothing twice.
#[test]
fn entries_from_both_ends_meet_once() {
    let ledger = fixtures::paris_summit();
    let all: Vec<Entry> = ledger.entries().collect();
    let mut entries = ledger.entries();
    let first = entries.next();
    let last = entries.next_back();
    assert_eq!(first.as_ref(), all.first());
    assert_eq!(last.as_ref(), all.last());
    assert_eq!(entries.len(), all.len() - 2);
    let middle: Vec<Entry> = entries.by_ref().collect();
    assert_eq!(middle[..], all[1..all.len() - 1]);
    assert_eq!(entries.next(), None);
    assert_eq!(entries.next_back(), None);
    assert_eq!(entries.len(), 0);
    let mut skipping = ledger.entries();
    assert_eq!(skipping.nth(all.len()), None);
    assert_eq!(skipping.next_back(), None);
}

/// A wrapper that keeps the iterator, as a user's cursor would: the type
/// `Ledger::entries` returns can be named, and prints what it has left.
#[test]
fn the_entries_iterator_can_be_named_and_printed() {
    struct Cursor<'a> {
        entries: coalition_ledger::Entries<'a>,
    }
    let ledger = fixtures::paris_summit();
    let mut cursor = Cursor {
        entries: ledger.entries(),
    };
    cursor.entries.next();
    assert_eq!(
        format!("{:?}", cursor.entries),
        format!("Entries {{ left: 1..{} }}", ledger.len())
    );
}
