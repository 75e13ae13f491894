//! `Ledger::record_batch` against `Ledger::record` one entry at a time: the
//! same random action stream through both gives equal ledgers, or the same
//! refusal at the same entry (and then a batch leaves the ledger as it was).

use coalition_ledger::Error;
use coalition_ledger::io::json;
use coalition_ledger::prelude::*;
use coalition_ledger::testing::Generator;
use proptest::prelude::*;

type Item = (Action, Provenance);

/// How a generated stream is spoilt before it is recorded.
#[derive(Debug, Clone)]
enum Spoil {
    /// Nothing: the stream is valid.
    None,
    /// An entry on a pledge nobody opened, inserted at this position.
    Stray(usize),
    /// The item at this position repeated later (already present, or a
    /// conflict when its provenance differs).
    Repeat(usize, usize),
    /// Two items swapped (an entry may come before its pledge's opening).
    Swap(usize, usize),
    /// The item at this position cites a source nobody added.
    UnknownSource(usize),
}

fn spoil() -> impl Strategy<Value = Spoil> {
    prop_oneof![
        Just(Spoil::None),
        (0usize..400).prop_map(Spoil::Stray),
        (0usize..400, 0usize..400).prop_map(|(a, b)| Spoil::Repeat(a, b)),
        (0usize..400, 0usize..400).prop_map(|(a, b)| Spoil::Swap(a, b)),
        (0usize..400).prop_map(Spoil::UnknownSource),
    ]
}

fn spoilt(mut items: Vec<Item>, how: &Spoil) -> Vec<Item> {
    let n = items.len().max(1);
    match *how {
        Spoil::None => {}
        Spoil::Stray(at) => {
            let stray = Action::Annotate {
                pledge: PledgeId::new("never-opened").expect("valid id"),
            };
            items.insert(at % n, (stray, Provenance::new(Evidence::Reported)));
        }
        Spoil::Repeat(from, to) => {
            if let Some(item) = items.get(from % n).cloned() {
                let to = (from % n + 1 + to % n).min(items.len());
                items.insert(to, item);
            }
        }
        Spoil::Swap(a, b) => {
            if !items.is_empty() {
                items.swap(a % n, b % n);
            }
        }
        Spoil::UnknownSource(at) => {
            if let Some((_, provenance)) = items.get_mut(at % n) {
                let unknown = SourceId::new("never-added").expect("valid id");
                *provenance = provenance.clone().cite(unknown);
            }
        }
    }
    items
}

/// One entry at a time, stopping at the first refusal: the outcomes, and
/// the refusal wrapped as a batch reports it.
fn one_at_a_time(ledger: &mut Ledger, items: Vec<Item>) -> Result<Vec<Recorded>, Error> {
    let mut recorded = Vec::new();
    for (action, provenance) in items {
        let sequence = ledger.len() as u64;
        recorded.push(
            ledger
                .record(action, provenance)
                .map_err(|e| e.in_entry(sequence))?,
        );
    }
    Ok(recorded)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_batch_records_what_single_entries_record(
        seed in 0u64..10_000,
        prefix in 0usize..200,
        how in spoil(),
    ) {
        let actions = Generator::seeded(seed).members(5).sources(4).pledges(80).actions().expect("generated");
        let split = prefix.min(actions.len());
        let (first, rest) = actions.split_at(split);
        // Both start from the same non-empty ledger, built one entry at a time.
        let mut single = Ledger::new();
        for (action, provenance) in first.iter().cloned() {
            single.record(action, provenance).expect("generated streams are valid");
        }
        let mut batched = single.clone();
        let before = single.clone();
        let items = spoilt(rest.to_vec(), &how);

        let expected = one_at_a_time(&mut single, items.clone());
        let got = batched.record_batch(items);
        match (expected, got) {
            (Ok(expected), Ok(got)) => {
                prop_assert_eq!(expected, got);
                prop_assert_eq!(&batched, &single);
                prop_assert_eq!(json::to_string(&batched), json::to_string(&single));
            }
            (Err(expected), Err(got)) => {
                prop_assert_eq!(expected.to_string(), got.to_string());
                prop_assert_eq!(&batched, &before);
                prop_assert_eq!(json::to_string(&batched), json::to_string(&before));
            }
            (expected, got) => {
                prop_assert!(false, "one at a time {:?}, batch {:?}", expected.map(|r| r.len()), got.map(|r| r.len()));
            }
        }
    }
}

/// After a refused batch the ledger goes on as if it had never been tried:
/// the same items without the spoiler record as they would have.
#[test]
fn a_refused_batch_can_be_recorded_again_without_the_refused_item() {
    let actions = Generator::seeded(3)
        .members(4)
        .sources(3)
        .pledges(40)
        .actions()
        .expect("generated");
    let mut ledger = Ledger::new();
    let mut spoilt_items = actions.clone();
    spoilt_items.insert(
        actions.len() / 2,
        (
            Action::Annotate {
                pledge: PledgeId::new("never-opened").expect("valid id"),
            },
            Provenance::new(Evidence::Reported),
        ),
    );
    let err = ledger.record_batch(spoilt_items).expect_err("refused");
    assert!(matches!(err, Error::InEntry { index, .. } if index == (actions.len() / 2) as u64));
    assert!(ledger.is_empty());
    let recorded = ledger.record_batch(actions.clone()).expect("valid");
    assert_eq!(recorded.len(), actions.len());
    let mut single = Ledger::new();
    for (action, provenance) in actions {
        single.record(action, provenance).expect("valid");
    }
    assert_eq!(ledger, single);
}

/// A lazy iterator that claims more items than memory holds is fine: its
/// first refusal comes back as an error.
#[test]
fn a_huge_size_hint_is_not_taken_at_its_word() {
    let mut ledger = Ledger::new();
    let stray = || {
        (
            Action::Annotate {
                pledge: PledgeId::new("none").expect("valid id"),
            },
            Provenance::new(Evidence::Verified),
        )
    };
    let err = ledger
        .record_batch(std::iter::repeat_with(stray).take(usize::MAX))
        .expect_err("refused");
    assert_eq!(err.to_string(), "entry 0: unknown pledge `none`");
    assert!(ledger.is_empty());
}

/// A panic in the caller's iterator rolls the batch back before it goes
/// on, and later batches work as before.
#[test]
fn a_panicking_iterator_leaves_nothing_behind() {
    let member = |i: usize| {
        (
            Action::AddMember(Box::new(Member::new(
                MemberId::new(format!("M{i}")).expect("valid id"),
                "member",
            ))),
            Provenance::new(Evidence::Verified),
        )
    };
    let mut ledger = Ledger::new();
    let items = (0..3).map(|i| {
        assert!(i < 2, "the feed broke");
        member(i)
    });
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = ledger.record_batch(items);
    }));
    assert!(caught.is_err());
    assert!(ledger.is_empty());
    let recorded = ledger.record_batch((0..3).map(member)).expect("recorded");
    assert_eq!(recorded.len(), 3);
    // A later refusal rolls back only its own batch.
    let before = ledger.clone();
    let stray = (
        Action::Annotate {
            pledge: PledgeId::new("none").expect("valid id"),
        },
        Provenance::new(Evidence::Verified),
    );
    assert!(ledger.record_batch([member(7), stray]).is_err());
    assert_eq!(ledger, before);
}

/// A batch takes its items in windows of 256: batches that span several
/// windows, refused in the first or last item of a window or between,
/// give what one entry at a time gives.
#[test]
fn batches_spanning_several_windows_record_what_single_entries_record() {
    let actions = Generator::seeded(11)
        .members(6)
        .sources(4)
        .pledges(300)
        .actions()
        .expect("generated");
    assert!(actions.len() > 768, "{} actions", actions.len());
    let stray = || {
        (
            Action::Annotate {
                pledge: PledgeId::new("never-opened").expect("valid id"),
            },
            Provenance::new(Evidence::Reported),
        )
    };
    let mut whole = Ledger::new();
    let recorded = whole.record_batch(actions.clone()).expect("valid");
    let mut single = Ledger::new();
    let expected = one_at_a_time(&mut single, actions.clone()).expect("valid");
    assert_eq!(recorded, expected);
    assert_eq!(whole, single);
    for at in [0, 255, 256, 257, 511, 512, 700, actions.len()] {
        let mut items = actions.clone();
        items.insert(at, stray());
        let mut ledger = Ledger::new();
        let err = ledger.record_batch(items).expect_err("refused");
        assert_eq!(
            err.to_string(),
            format!("entry {at}: unknown pledge `never-opened`")
        );
        assert!(ledger.is_empty(), "refused at {at}");
    }
}

fn add_member(i: usize) -> Item {
    (
        Action::AddMember(Box::new(Member::new(
            MemberId::new(format!("M{i}")).expect("valid id"),
            "member",
        ))),
        Provenance::new(Evidence::Verified),
    )
}

fn unknown_pledge() -> Item {
    (
        Action::Annotate {
            pledge: PledgeId::new("none").expect("valid id"),
        },
        Provenance::new(Evidence::Verified),
    )
}

/// An iterator that is not fused: `None`, then more items. A batch ends
/// at the first `None`, as a `for` loop over the items would.
#[test]
fn a_batch_ends_at_the_first_none_of_an_iterator_that_is_not_fused() {
    let mut calls = 0;
    let items = std::iter::from_fn(|| {
        calls += 1;
        match calls {
            1 => Some(add_member(1)),
            3 => Some(add_member(2)),
            _ => None,
        }
    });
    let mut ledger = Ledger::new();
    let recorded = ledger.record_batch(items).expect("recorded");
    assert_eq!(recorded.len(), 1);
    assert_eq!(ledger.len(), 1);
}

/// Items are taken ahead of recording, but a refusal still wins over a
/// panic in producing a later item, as it does one item at a time; a panic
/// with no refusal before it still rolls the batch back and goes on.
#[test]
fn a_refusal_before_a_panicking_item_is_returned_not_the_panic() {
    let mut ledger = Ledger::new();
    let items = (0..3).map(|i| match i {
        0 => add_member(0),
        1 => unknown_pledge(),
        _ => panic!("the feed broke at item 2"),
    });
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ledger.record_batch(items)));
    match outcome {
        Ok(Err(error)) => assert_eq!(error.to_string(), "entry 1: unknown pledge `none`"),
        Ok(Ok(_)) => panic!("accepted"),
        Err(_) => panic!("panicked, though item 1 is refused before item 2 is needed"),
    }
    assert!(ledger.is_empty());

    let items = (0..3).map(|i| {
        assert!(i < 2, "the feed broke at item 2");
        add_member(i)
    });
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ledger.record_batch(items)));
    assert!(outcome.is_err());
    assert!(ledger.is_empty());
}

/// A source a refused batch added is gone after the rollback, for the very
/// id it was added with too: the ledger recognises the copies of source
/// ids it keeps by address, and must forget the ones a rollback removes.
#[test]
fn a_source_a_refused_batch_added_is_unknown_afterwards() -> coalition_ledger::Result<()> {
    let mut ledger = Ledger::new();
    ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    let source = SourceId::new("elysee")?;
    let added = Action::AddSource(Box::new(Source::new(
        source.clone(),
        "Élysée",
        SourceKind::Official,
    )));
    let verified = Provenance::new(Evidence::Verified);
    let refused = Action::Withdraw {
        pledge: PledgeId::new("nobody")?,
        reason: "no such pledge".into(),
    };
    let batch = [(added, verified.clone()), (refused, verified.clone())];
    assert!(ledger.record_batch(batch).is_err());
    assert!(ledger.source(&source).is_none());
    let spec = NewPledge::new(
        PledgeId::new("FRA-1")?,
        MemberId::new("FRA")?,
        Contribution::Troops {
            personnel: Estimate::Exact(100),
        },
    );
    let citing = Provenance::new(Evidence::Reported).cite(source.clone());
    let before = ledger.clone();
    let error = ledger.open_pledge(spec, citing).unwrap_err();
    assert!(matches!(error, Error::UnknownSource { .. }), "{error}");
    assert_eq!(ledger, before);
    Ok(())
}
