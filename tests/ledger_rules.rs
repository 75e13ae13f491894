//! Every rejection rule of the ledger fires, names the place, and leaves the
//! ledger unchanged; accepted entries update the derived state.

mod common;

use coalition_ledger::*;
use common::*;

#[test]
fn unknown_member_is_rejected() {
    let mut ledger = roster();
    let err = rejected(&mut ledger, |l| {
        l.open_pledge(
            troops("X-1", "XYZ", Estimate::Exact(1)),
            reported("2025-01-01"),
        )
    });
    assert_eq!(
        err,
        Error::UnknownMember {
            member: "XYZ".into()
        }
    );
    assert_eq!(err.to_string(), "unknown member `XYZ`");
    assert!(err.is_unknown_reference());
}

#[test]
fn unknown_member_in_a_condition_is_rejected() {
    let mut ledger = roster();
    let spec = troops("FRA-1", "FRA", Estimate::Exact(1))
        .with_condition(Condition::Backstop { by: mid("CHN") });
    let err = rejected(&mut ledger, |l| l.open_pledge(spec, reported("2025-01-01")));
    // The message names the pledge whose condition is wrong: the member
    // `FRA` is known, so "unknown member `CHN`" alone left a reader of a
    // batch of pledges to search for the one naming `CHN`.
    assert_eq!(err.to_string(), "pledge `FRA-1`: unknown member `CHN`");
    assert_eq!(
        err.root(),
        &Error::UnknownMember {
            member: "CHN".into()
        }
    );
    assert!(err.is_unknown_reference());
}

#[test]
fn unknown_pledge_is_rejected_by_every_pledge_action() {
    let mut ledger = roster();
    let p = pid("NOPE");
    let prov = || reported("2025-01-01");
    let errors = [
        rejected(&mut ledger, |l| l.advance(&p, Stage::Committed, prov())),
        rejected(&mut ledger, |l| {
            l.revise(
                &p,
                Contribution::Troops {
                    personnel: Estimate::Exact(1),
                },
                prov(),
            )
        }),
        rejected(&mut ledger, |l| l.deliver(&p, dec("1"), prov())),
        rejected(&mut ledger, |l| l.withdraw(&p, "reason", prov())),
        rejected(&mut ledger, |l| l.annotate(&p, prov())),
    ];
    for err in errors {
        assert_eq!(err.to_string(), "unknown pledge `NOPE`");
    }
}

#[test]
fn unknown_source_is_rejected() {
    let mut ledger = roster();
    let prov = reported("2025-01-01").cite(sid("ghost"));
    let err = rejected(&mut ledger, |l| {
        l.open_pledge(troops("FRA-1", "FRA", Estimate::Exact(1)), prov)
    });
    assert_eq!(err.to_string(), "unknown source `ghost`");
}

/// Builds a pledge that has reached `stage`.
fn at_stage(stage: Stage) -> (Ledger, PledgeId) {
    let mut ledger = roster();
    let id = pid("FRA-1");
    ledger
        .open_pledge(
            troops("FRA-1", "FRA", Estimate::Exact(10)).with_stage(Stage::Considering),
            reported("2025-01-01"),
        )
        .expect("opens");
    match stage {
        Stage::Considering => {}
        Stage::Withdrawn => {
            ledger
                .withdraw(&id, "changed mind", reported("2025-01-02"))
                .expect("withdraws");
        }
        other => {
            ledger
                .advance(&id, other, reported("2025-01-02"))
                .expect("advances");
        }
    }
    (ledger, id)
}

#[test]
fn stage_transition_table() {
    for from in Stage::ALL {
        for to in Stage::ALL {
            let (mut ledger, id) = at_stage(from);
            let before = ledger.clone();
            let result = if to == Stage::Withdrawn {
                ledger.withdraw(&id, "reason", reported("2025-01-03"))
            } else {
                ledger.advance(&id, to, reported("2025-01-03"))
            };
            let allowed = from.can_move_to(to);
            let forward = !from.is_terminal() && (to > from);
            assert_eq!(allowed, forward, "{from} -> {to}");
            match result {
                Ok(_) => {
                    assert!(allowed, "{from} -> {to} was accepted");
                    assert_eq!(ledger.pledge(&id).map(|p| p.stage()), Some(to));
                }
                Err(err) => {
                    assert!(!allowed, "{from} -> {to} was rejected: {err}");
                    assert_eq!(ledger, before);
                    if from == Stage::Withdrawn {
                        assert_eq!(
                            err,
                            Error::Withdrawn {
                                pledge: "FRA-1".into()
                            }
                        );
                    } else {
                        assert_eq!(
                            err,
                            Error::InvalidTransition {
                                pledge: "FRA-1".into(),
                                from,
                                to
                            }
                        );
                        assert_eq!(
                            err.to_string(),
                            format!("pledge `FRA-1`: cannot move from stage {from} to {to}")
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn nothing_happens_to_a_withdrawn_pledge() {
    let (mut ledger, id) = at_stage(Stage::Withdrawn);
    let prov = || reported("2025-02-01");
    let errors = [
        rejected(&mut ledger, |l| l.deliver(&id, dec("1"), prov())),
        rejected(&mut ledger, |l| {
            l.revise(
                &id,
                Contribution::Troops {
                    personnel: Estimate::Exact(1),
                },
                prov(),
            )
        }),
        rejected(&mut ledger, |l| l.annotate(&id, prov())),
        rejected(&mut ledger, |l| l.withdraw(&id, "again", prov())),
    ];
    for err in errors {
        assert_eq!(
            err.to_string(),
            "pledge `FRA-1` is withdrawn: no further entries are accepted"
        );
    }
    assert_eq!(
        ledger.pledge(&id).and_then(|p| p.withdrawal_reason()),
        Some("changed mind")
    );
}

#[test]
fn a_delivered_pledge_still_takes_corrections_but_no_stage_change() {
    let (mut ledger, id) = at_stage(Stage::Delivered);
    ledger
        .deliver(&id, dec("10"), reported("2025-02-01"))
        .expect("delivery after the stage is fine");
    ledger
        .correct_delivery(&id, dec("-2"), reported("2025-02-02"))
        .expect("correction");
    assert_eq!(ledger.pledge(&id).map(|p| p.delivered()), Some(dec("8")));
    let err = rejected(&mut ledger, |l| {
        l.withdraw(&id, "too late", reported("2025-02-03"))
    });
    assert!(matches!(
        err,
        Error::InvalidTransition {
            from: Stage::Delivered,
            to: Stage::Withdrawn,
            ..
        }
    ));
}

#[test]
fn opening_stage_must_be_before_delivery() {
    let mut ledger = roster();
    for stage in [Stage::Delivered, Stage::Withdrawn] {
        let spec = troops("FRA-1", "FRA", Estimate::Exact(1)).with_stage(stage);
        let err = rejected(&mut ledger, |l| l.open_pledge(spec, reported("2025-01-01")));
        assert!(
            err.to_string().starts_with("pledge `FRA-1`: invalid stage"),
            "{err}"
        );
    }
}

#[test]
fn identical_resubmission_is_idempotent() {
    let mut ledger = roster();
    let len = ledger.len();
    let again = ledger
        .add_member(Member::new(mid("GBR"), "United Kingdom").with_group(gid("NATO")))
        .expect("same body");
    assert_eq!(again, Recorded::AlreadyPresent { sequence: 1 });
    let again = ledger
        .add_source(Source::new(sid("src"), "Reuters", SourceKind::Media))
        .expect("same body");
    assert_eq!(again, Recorded::AlreadyPresent { sequence: 5 });
    let spec = troops("FRA-1", "FRA", Estimate::Exact(100));
    let first = ledger
        .open_pledge(spec.clone(), reported("2025-01-01"))
        .expect("opens");
    assert_eq!(
        first,
        Recorded::Appended {
            sequence: len as u64
        }
    );
    let second = ledger
        .open_pledge(spec.clone(), reported("2025-01-01"))
        .expect("idempotent");
    assert_eq!(
        second,
        Recorded::AlreadyPresent {
            sequence: len as u64
        }
    );
    // The same body with another provenance is not dropped silently.
    let err = ledger
        .open_pledge(spec, reported("2025-03-01"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "pledge `FRA-1` already exists with a different `date`"
    );
    assert_eq!(ledger.len(), len + 1);
}

#[test]
fn a_different_body_under_an_existing_id_names_the_field() {
    let mut ledger = roster();
    let err = rejected(&mut ledger, |l| {
        l.add_member(Member::new(mid("GBR"), "Britain").with_group(gid("NATO")))
    });
    assert_eq!(
        err.to_string(),
        "member `GBR` already exists with a different `name`"
    );
    let err = rejected(&mut ledger, |l| {
        l.add_member(Member::new(mid("GBR"), "United Kingdom"))
    });
    assert_eq!(
        err.to_string(),
        "member `GBR` already exists with a different `groups`"
    );
    let err = rejected(&mut ledger, |l| {
        l.add_source(Source::new(sid("src"), "Reuters", SourceKind::Official))
    });
    assert_eq!(
        err.to_string(),
        "source `src` already exists with a different `kind`"
    );

    ledger
        .open_pledge(
            troops("FRA-1", "FRA", Estimate::Exact(100)),
            reported("2025-01-01"),
        )
        .expect("opens");
    let cases = [
        (troops("FRA-1", "DEU", Estimate::Exact(100)), "member"),
        (troops("FRA-1", "FRA", Estimate::Exact(101)), "contribution"),
        (
            troops("FRA-1", "FRA", Estimate::Exact(100)).with_stage(Stage::Committed),
            "stage",
        ),
        (
            troops("FRA-1", "FRA", Estimate::Exact(100)).with_condition(Condition::Ceasefire),
            "conditions",
        ),
        (
            troops("FRA-1", "FRA", Estimate::Exact(100)).with_location("Kyiv"),
            "location",
        ),
        (
            troops("FRA-1", "FRA", Estimate::Exact(100)).with_notes("n"),
            "notes",
        ),
    ];
    for (spec, field) in cases {
        let err = rejected(&mut ledger, |l| l.open_pledge(spec, reported("2025-01-01")));
        assert_eq!(
            err,
            Error::Conflict {
                kind: "pledge",
                id: "FRA-1".into(),
                field
            }
        );
        assert!(err.is_conflict());
    }
}

#[test]
fn revisions_may_lower_a_size_but_keep_kind_category_and_currency() {
    let mut ledger = roster();
    let id = pid("FRA-1");
    ledger
        .open_pledge(
            funding("FRA-1", "FRA", Estimate::Exact(eur("100"))),
            reported("2025-01-01"),
        )
        .expect("opens");
    ledger
        .revise(
            &id,
            Contribution::Funding {
                amount: Estimate::range(eur("40"), eur("60")).expect("range"),
            },
            reported("2025-01-02"),
        )
        .expect("a correction downwards");
    assert_eq!(
        ledger.pledge(&id).map(|p| p.contribution().clone()),
        Some(Contribution::Funding {
            amount: Estimate::Range {
                low: eur("40"),
                high: eur("60")
            }
        })
    );
    let err = rejected(&mut ledger, |l| {
        l.revise(
            &id,
            Contribution::Troops {
                personnel: Estimate::Exact(1),
            },
            reported("2025-01-03"),
        )
    });
    assert_eq!(
        err.to_string(),
        "pledge `FRA-1`: a revision must keep the kind funding, not troops"
    );
    let usd = Contribution::Funding {
        amount: Estimate::Exact(Money::new(dec("1"), Currency::USD)),
    };
    let err = rejected(&mut ledger, |l| l.revise(&id, usd, reported("2025-01-03")));
    assert_eq!(
        err.to_string(),
        "pledge `FRA-1`: a revision must keep the currency EUR, not USD"
    );

    let eq = pid("DEU-eq");
    ledger
        .open_pledge(
            equipment("DEU-eq", "DEU", "artillery", Estimate::Exact(4), None),
            reported("2025-01-01"),
        )
        .expect("opens");
    let tanks = Contribution::Equipment {
        category: Category::new("tanks").expect("valid"),
        units: Estimate::Exact(4),
        value: None,
    };
    let err = rejected(&mut ledger, |l| {
        l.revise(&eq, tanks, reported("2025-01-03"))
    });
    assert_eq!(
        err.to_string(),
        "pledge `DEU-eq`: a revision must keep the equipment category"
    );
}

#[test]
fn sizes_are_validated() {
    let mut ledger = roster();
    let reversed = troops("FRA-1", "FRA", Estimate::Range { low: 10, high: 5 });
    let err = rejected(&mut ledger, |l| {
        l.open_pledge(reversed, reported("2025-01-01"))
    });
    assert_eq!(
        err.to_string(),
        "pledge `FRA-1`: invalid personnel: range low bound exceeds its high bound"
    );
    let negative = funding("FRA-2", "FRA", Estimate::Exact(eur("-5")));
    let err = rejected(&mut ledger, |l| {
        l.open_pledge(negative, reported("2025-01-01"))
    });
    assert_eq!(
        err.to_string(),
        "pledge `FRA-2`: invalid amount: must not be negative"
    );
    let mixed = funding(
        "FRA-3",
        "FRA",
        Estimate::Range {
            low: eur("1"),
            high: Money::new(dec("2"), Currency::USD),
        },
    );
    let err = rejected(&mut ledger, |l| {
        l.open_pledge(mixed, reported("2025-01-01"))
    });
    assert_eq!(
        err.to_string(),
        "pledge `FRA-3`: invalid currency: range mixes EUR and USD"
    );
    let self_dependent = troops("FRA-4", "FRA", Estimate::Exact(1))
        .with_condition(Condition::DependsOn(pid("FRA-4")));
    let err = rejected(&mut ledger, |l| {
        l.open_pledge(self_dependent, reported("2025-01-01"))
    });
    assert_eq!(
        err.to_string(),
        "pledge `FRA-4`: invalid conditions: a pledge cannot depend on itself"
    );
    let labelled_equipment = equipment("FRA-5", "FRA", "tanks", Estimate::Exact(1), None)
        .with_category(Category::new("x").expect("valid"));
    let err = rejected(&mut ledger, |l| {
        l.open_pledge(labelled_equipment, reported("2025-01-01"))
    });
    assert_eq!(
        err.to_string(),
        "pledge `FRA-5`: invalid category: equipment carries its category in the contribution"
    );
}

#[test]
fn delivery_arithmetic_and_rules() {
    let mut ledger = roster();
    let t = pid("GBR-t");
    ledger
        .open_pledge(
            troops("GBR-t", "GBR", Estimate::Exact(1000)),
            reported("2025-01-01"),
        )
        .expect("opens");
    ledger
        .deliver(&t, dec("400"), reported("2025-02-01"))
        .expect("delivers");
    ledger
        .deliver(&t, dec("250"), reported("2025-03-01"))
        .expect("delivers");
    ledger
        .correct_delivery(&t, dec("-50"), reported("2025-03-02"))
        .expect("corrects");
    assert_eq!(ledger.pledge(&t).map(|p| p.delivered()), Some(dec("600")));

    let err = rejected(&mut ledger, |l| {
        l.deliver(&t, dec("2.5"), reported("2025-03-03"))
    });
    assert_eq!(
        err.to_string(),
        "pledge `GBR-t`: a delivery of troops must be a whole number, not 2.5"
    );
    let err = rejected(&mut ledger, |l| {
        l.deliver(&t, dec("-5"), reported("2025-03-03"))
    });
    assert_eq!(
        err.to_string(),
        "pledge `GBR-t`: a negative delivery (-5) must be marked as a correction"
    );
    let err = rejected(&mut ledger, |l| {
        l.correct_delivery(&t, dec("-601"), reported("2025-03-03"))
    });
    assert_eq!(
        err.to_string(),
        "pledge `GBR-t`: the correction -601 would make the delivered amount -1, below zero"
    );
    let err = rejected(&mut ledger, |l| {
        l.deliver(&t, dec("0"), reported("2025-03-03"))
    });
    assert_eq!(
        err.to_string(),
        "pledge `GBR-t`: a delivery of zero records nothing"
    );
    let err = rejected(&mut ledger, |l| {
        l.deliver_money(&t, eur("5"), reported("2025-03-03"))
    });
    assert_eq!(
        err.to_string(),
        "pledge `GBR-t`: deliveries of troops are counted in units, not EUR"
    );

    let f = pid("FRA-f");
    ledger
        .open_pledge(
            funding("FRA-f", "FRA", Estimate::Exact(eur("10.50"))),
            reported("2025-01-01"),
        )
        .expect("opens");
    ledger
        .deliver_money(&f, eur("0.25"), reported("2025-01-05"))
        .expect("delivers");
    ledger
        .deliver(&f, dec("0.000000001"), reported("2025-01-06"))
        .expect("delivers in the pledge's currency");
    assert_eq!(
        ledger.pledge(&f).map(|p| p.delivered()),
        Some(dec("0.250000001"))
    );
    let err = rejected(&mut ledger, |l| {
        l.deliver_money(
            &f,
            Money::new(dec("1"), Currency::USD),
            reported("2025-01-07"),
        )
    });
    assert_eq!(
        err.to_string(),
        "pledge `FRA-f`: delivery in USD but the pledge is in EUR"
    );

    let b = pid("USA-b");
    ledger
        .open_pledge(backstop("USA-b", "USA"), reported("2025-01-01"))
        .expect("opens");
    let err = rejected(&mut ledger, |l| {
        l.deliver(&b, dec("1"), reported("2025-01-07"))
    });
    assert_eq!(
        err.to_string(),
        "pledge `USA-b`: a backstop has no quantity to deliver"
    );
}

#[test]
fn delivery_overflow_is_an_error_not_a_panic() {
    let mut ledger = roster();
    let f = pid("FRA-f");
    ledger
        .open_pledge(
            funding("FRA-f", "FRA", Estimate::AtLeast(eur("1"))),
            reported("2025-01-01"),
        )
        .expect("opens");
    ledger
        .deliver(&f, Decimal::MAX, reported("2025-01-02"))
        .expect("the maximum itself fits");
    let err = rejected(&mut ledger, |l| {
        l.deliver(&f, dec("1"), reported("2025-01-03"))
    });
    assert!(err.is_overflow(), "{err}");
    assert_eq!(
        err.to_string(),
        "arithmetic overflow while adding a delivery of 1 to pledge `FRA-f`: the exact sum does not fit 28 significant digits"
    );
    ledger
        .correct_delivery(&f, Decimal::MIN, reported("2025-01-04"))
        .expect("back to zero");
    assert_eq!(
        ledger.pledge(&f).map(|p| p.delivered()),
        Some(Decimal::ZERO)
    );
}

#[test]
fn evidence_follows_the_latest_entry_and_sources_accumulate() {
    let mut ledger = roster();
    ledger
        .add_source(Source::new(sid("mod"), "Ministry", SourceKind::Official))
        .expect("source");
    let id = pid("FRA-1");
    ledger
        .open_pledge(
            troops("FRA-1", "FRA", Estimate::Unspecified),
            Provenance::new(Evidence::Unconfirmed).cite(sid("src")),
        )
        .expect("opens");
    ledger
        .annotate(&id, Provenance::new(Evidence::Verified).cite(sid("mod")))
        .expect("annotates");
    ledger
        .advance(&id, Stage::Committed, Provenance::new(Evidence::Reported))
        .expect("advances");
    let p = ledger.pledge(&id).expect("exists");
    assert_eq!(p.evidence(), Evidence::Reported);
    assert_eq!(p.best_evidence(), Evidence::Verified);
    assert_eq!(
        p.sources().iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        ["mod", "src"]
    );
    assert_eq!(p.history().len(), 3);
}

#[test]
fn stage_dates_are_recorded() {
    let mut ledger = roster();
    let id = pid("FRA-1");
    ledger
        .open_pledge(
            troops("FRA-1", "FRA", Estimate::Exact(5)).with_stage(Stage::Considering),
            reported("2025-01-01"),
        )
        .expect("opens");
    ledger
        .advance(&id, Stage::Committed, reported("2025-02-01"))
        .expect("advances");
    ledger
        .advance(&id, Stage::Delivered, reported("2025-03-01"))
        .expect("advances");
    let dates = ledger.pledge(&id).expect("exists").dates();
    assert_eq!(dates.opened, Some(d("2025-01-01")));
    assert_eq!(dates.announced, Some(d("2025-02-01")));
    assert_eq!(dates.committed, Some(d("2025-02-01")));
    assert_eq!(dates.delivered, Some(d("2025-03-01")));
    assert_eq!(dates.withdrawn, None);
}

/// The ledger `as_of` should give: every entry that applies by `date`,
/// recorded one at a time through the public API, and those refused.
fn as_of_one_by_one(ledger: &Ledger, date: NaiveDate, undated: Undated) -> (Ledger, Vec<u64>) {
    let mut state = Ledger::new();
    let mut left_out = Vec::new();
    for entry in ledger.entries() {
        let roster = matches!(entry.action(), Action::AddMember(_) | Action::AddSource(_));
        let applies = roster
            || entry
                .date()
                .map_or(undated == Undated::Include, |e| e <= date);
        if applies
            && state
                .record(entry.action().clone(), entry.provenance())
                .is_err()
        {
            left_out.push(entry.sequence());
        }
    }
    (state, left_out)
}

#[test]
fn as_of_a_large_ledger_is_its_entries_recorded_one_by_one() {
    // Several hundred pledges across batches of lookups, with openings left
    // undated, advances dated before their openings and withdrawals, so
    // that entries are left out at every date tried.
    let mut ledger = roster();
    let members = ["FRA", "GBR", "DEU"];
    let day = |n: u64| d("2025-01-01") + chrono::Days::new(n % 360);
    for i in 0..400u64 {
        let id = format!("P{i:03}");
        let member = members.get((i % 3) as usize).copied().unwrap_or("FRA");
        let opened = if i % 11 == 0 {
            Provenance::new(Evidence::Reported)
        } else {
            Provenance::new(Evidence::Reported).on(day(i * 7))
        };
        ledger
            .open_pledge(troops(&id, member, Estimate::Exact(i + 1)), opened)
            .expect("opens");
        let advanced = if i % 7 == 0 {
            day(i * 7 + 355)
        } else {
            day(i * 7 + 20)
        };
        ledger
            .advance(
                &pid(&id),
                Stage::Committed,
                Provenance::new(Evidence::Verified).on(advanced),
            )
            .expect("advances");
        if i % 5 == 0 {
            ledger
                .withdraw(&pid(&id), "recalled", reported("2025-12-30"))
                .expect("withdraws");
        }
    }
    for date in [
        "2025-01-01",
        "2025-03-15",
        "2025-07-01",
        "2025-12-29",
        "2026-06-30",
    ] {
        for undated in [Undated::Exclude, Undated::Include] {
            let snapshot = ledger.as_of_with(d(date), undated);
            let (expected, left_out) = as_of_one_by_one(&ledger, d(date), undated);
            assert_eq!(snapshot.ledger(), &expected, "{date} {undated}");
            assert_eq!(snapshot.left_out(), left_out.as_slice(), "{date} {undated}");
        }
    }
    let some_left_out = ledger.as_of(d("2025-07-01"));
    assert!(
        some_left_out.left_out().len() > 10,
        "the test leaves entries out"
    );
}

#[test]
fn as_of_with_dated_and_undated_entries() {
    let mut ledger = roster();
    let a = pid("FRA-a");
    let b = pid("GBR-b");
    ledger
        .open_pledge(
            troops("FRA-a", "FRA", Estimate::Exact(100)),
            reported("2025-01-10"),
        )
        .expect("opens");
    ledger
        .open_pledge(
            troops("GBR-b", "GBR", Estimate::Exact(50)),
            Provenance::new(Evidence::Reported),
        )
        .expect("undated");
    ledger
        .deliver(&a, dec("30"), reported("2025-02-10"))
        .expect("delivers");
    ledger
        .deliver(&b, dec("20"), reported("2025-02-10"))
        .expect("dated delivery on an undated pledge");
    ledger
        .withdraw(&a, "recalled", reported("2025-03-10"))
        .expect("withdraws");

    let early = ledger.as_of(d("2025-01-31"));
    assert_eq!(
        early
            .ledger()
            .pledge(&a)
            .map(|p| (p.stage(), p.delivered())),
        Some((Stage::Announced, dec("0")))
    );
    assert!(
        early.ledger().pledge(&b).is_none(),
        "undated pledges are excluded by default"
    );
    assert!(early.left_out().is_empty());
    assert_eq!(
        early.ledger().members().count(),
        5,
        "the roster always applies"
    );

    let mid_date = ledger.as_of(d("2025-02-28"));
    assert_eq!(
        mid_date.ledger().pledge(&a).map(|p| p.delivered()),
        Some(dec("30"))
    );
    // The dated delivery on the undated pledge cannot apply without it: listed, not dropped.
    assert_eq!(mid_date.left_out(), &[9]);

    let with_undated = ledger.as_of_with(d("2025-02-28"), Undated::Include);
    assert_eq!(
        with_undated.ledger().pledge(&b).map(|p| p.delivered()),
        Some(dec("20"))
    );
    assert!(with_undated.left_out().is_empty());

    let late = ledger.as_of_with(d("2030-01-01"), Undated::Include);
    assert_eq!(
        late.ledger(),
        &ledger,
        "as of the last date, with undated entries, equals the current state"
    );
    assert_eq!(
        late.ledger().pledge(&a).map(|p| p.stage()),
        Some(Stage::Withdrawn)
    );
}

#[test]
fn ids_are_validated() {
    assert!(MemberId::new("FRA").is_ok());
    assert!(MemberId::new("x".repeat(64)).is_ok());
    let long = MemberId::new("x".repeat(65)).unwrap_err();
    assert!(
        long.to_string().ends_with("longer than 64 characters"),
        "{long}"
    );
    assert_eq!(
        MemberId::new("").unwrap_err().to_string(),
        "invalid member id ``: must not be empty"
    );
    assert_eq!(
        PledgeId::new("a\nb").unwrap_err().to_string(),
        "invalid pledge id `a\\nb`: contains a control character"
    );
    assert_eq!(
        SourceId::new("a ").unwrap_err().to_string(),
        "invalid source id `a `: has leading or trailing whitespace"
    );
    assert!(
        GroupId::new("é".repeat(64)).is_ok(),
        "the limit counts characters, not bytes"
    );
}

#[test]
fn currencies_are_iso_4217() {
    assert_eq!(Currency::new("EUR"), Ok(Currency::EUR));
    assert!(Currency::new("UAH").is_ok());
    for bad in ["eur", "EU", "EURO", "XXX", "ABC", ""] {
        let err = Currency::new(bad).unwrap_err();
        assert!(
            err.to_string().starts_with("unknown currency"),
            "{bad}: {err}"
        );
    }
    assert!(Currency::all().count() > 150);
}

#[test]
fn entries_are_numbered_and_immutable_history() {
    let mut ledger = roster();
    let id = pid("FRA-1");
    ledger
        .open_pledge(
            troops("FRA-1", "FRA", Estimate::Exact(5)),
            reported("2025-01-01"),
        )
        .expect("opens");
    ledger
        .advance(&id, Stage::Committed, verified("2025-01-02"))
        .expect("advances");
    for (i, entry) in ledger.entries().enumerate() {
        assert_eq!(entry.sequence(), i as u64);
        assert_eq!(ledger.entry(i as u64), Some(entry));
    }
    let last = ledger.entries().next_back().expect("non-empty");
    assert_eq!(
        last.action(),
        &Action::Advance {
            pledge: id.clone(),
            stage: Stage::Committed
        }
    );
    assert_eq!(last.evidence(), Evidence::Verified);
    assert_eq!(ledger.pledges_of(&mid("FRA")).count(), 1);
    assert_eq!(ledger.pledges_of_kind(Kind::Troops).count(), 1);
    assert_eq!(ledger.pledges_of_kind(Kind::Funding).count(), 0);
}

#[test]
fn the_paris_fixture_builds() {
    let ledger = fixtures::build_paris_summit().expect("the fixture is valid");
    // The participants the report names, and the coalition for those it
    // does not.
    assert_eq!(ledger.members().count(), 8);
    let us = ledger
        .pledge(&pid("USA-backstop"))
        .expect("the US backstop");
    assert_eq!(us.stage(), Stage::Considering);
    assert!(
        ledger
            .pledges()
            .filter(|p| p.kind() == Kind::Troops)
            .all(|p| p.contribution()
                == &Contribution::Troops {
                    personnel: Estimate::Unspecified
                })
    );
}

#[test]
fn public_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Ledger>();
    assert_send_sync::<Error>();
    assert_send_sync::<Table>();
    assert_send_sync::<Report>();
    assert_send_sync::<Entry>();
    assert_send_sync::<Entries<'static>>();
    assert_send_sync::<Snapshot>();
    assert_send_sync::<FxRates>();
    assert_send_sync::<Scenario>();
}

#[test]
fn a_ledgers_debug_shows_its_entries_not_its_indexes() {
    let mut l = roster();
    l.open_pledge(
        troops("FRA-1", "FRA", Estimate::Exact(100)),
        verified("2025-01-01"),
    )
    .expect("opens");
    let shown = format!("{l:?}");
    let members = l.members().count();
    assert!(
        shown.starts_with(&format!(
            "Ledger {{ members: {members}, sources: {}, pledges: 1, entries: [Entry {{ sequence: 0,",
            l.sources().count()
        )),
        "{shown}"
    );
    // Every entry is listed, the opening last; nothing of the indexes.
    assert_eq!(shown.matches("Entry {").count(), l.entries().len());
    assert!(shown.contains("FRA-1"), "{shown}");
    assert!(!shown.contains("index"), "{shown}");
}

#[test]
fn a_ledger_is_shared_across_threads_for_queries() {
    let ledger = fixtures::paris_summit();
    let counts: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    ledger
                        .query()
                        .kind(Kind::Troops)
                        .run()
                        .map(|t| t.total().count())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no panic").expect("runs"))
            .collect()
    });
    assert_eq!(counts, vec![1, 1]);
}

/// A sequence number past the last entry finds nothing, whatever its
/// offset from the last entry (the entries are kept in chunks of 1,024
/// (64 once), and a lookup once read the last, partly filled chunk at the
/// number's offset within a chunk, so entry 64 of a one-entry ledger was
/// entry 0).
#[test]
fn an_entry_past_the_end_is_none_at_every_offset() -> Result<()> {
    let mut ledger = Ledger::new();
    for (i, id) in ["FRA", "GBR", "DEU"].into_iter().enumerate() {
        ledger.add_member(Member::new(MemberId::new(id)?, id))?;
        let len = (i + 1) as u64;
        assert_eq!(ledger.entry(len - 1).map(|e| e.sequence()), Some(len - 1));
        for past in [
            len,
            len + 1,
            63,
            64,
            65,
            64 + len - 1,
            128,
            1_023,
            1_024,
            1_025,
            1_024 + len - 1,
            4_096,
            u64::MAX,
        ] {
            assert!(ledger.entry(past).is_none(), "entry {past} of {len}");
        }
    }
    Ok(())
}
