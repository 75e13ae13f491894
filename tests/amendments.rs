//! Rosters and sources change: dated member and source amendments are
//! honoured by `as_of` and the `Group` dimension; a pledge recorded in error
//! is voided (not withdrawn), kept in the history, counted nowhere and
//! listed by CL019.

mod common;

use coalition_ledger::io::journal::{Journal, Recovery};
use coalition_ledger::*;
use common::*;

/// Finland and Sweden (EU) with one pledge each in 2022; Finland joins NATO
/// on 2023-04-04 and Sweden on 2024-03-07.
fn nordics() -> Ledger {
    let mut ledger = Ledger::new();
    for (id, name) in [("FIN", "Finland"), ("SWE", "Sweden")] {
        ledger
            .add_member(Member::new(mid(id), name).with_group(gid("EU")))
            .expect("adds");
        ledger
            .open_pledge(
                troops(&format!("{id}-1"), id, Estimate::Exact(100)),
                reported("2022-06-01"),
            )
            .expect("opens");
    }
    for (id, date) in [("FIN", "2023-04-04"), ("SWE", "2024-03-07")] {
        let joined = ledger
            .member(&mid(id))
            .expect("known")
            .clone()
            .with_group(gid("NATO"));
        ledger
            .record(Action::AmendMember(Box::new(joined)), verified(date))
            .expect("amends");
    }
    ledger
}

fn nato_on(ledger: &Ledger, date: Option<&str>) -> Option<Decimal> {
    let query = ledger
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Group]);
    let query = match date {
        Some(date) => query.as_of(d(date)),
        None => query,
    };
    let table = query.run().expect("runs");
    table
        .row(&[Key::Group(Some(gid("NATO")))])
        .map(|row| row.total().low())
}

#[test]
fn group_totals_follow_the_roster_as_of_each_date() {
    let ledger = nordics();
    assert_eq!(nato_on(&ledger, Some("2023-01-01")), None);
    assert_eq!(
        nato_on(&ledger, Some("2023-12-31")),
        Some(Decimal::from(100))
    );
    assert_eq!(
        nato_on(&ledger, Some("2024-03-07")),
        Some(Decimal::from(200))
    );
    assert_eq!(nato_on(&ledger, None), Some(Decimal::from(200)));
    let before = ledger.as_of(d("2023-01-01"));
    assert_eq!(
        before
            .ledger()
            .member(&mid("FIN"))
            .map(|m| m.groups().len()),
        Some(1)
    );
    // A group filter follows it too.
    let in_2023 = ledger
        .query()
        .measure(Measure::Personnel)
        .group(&gid("NATO"))
        .as_of(d("2023-12-31"))
        .run()
        .expect("runs");
    assert_eq!(in_2023.total().low(), Decimal::from(100));
}

#[test]
fn an_amendment_renames_changes_roles_and_keeps_the_addition_idempotent() {
    let mut ledger = nordics();
    let original = Member::new(mid("FIN"), "Finland").with_group(gid("EU"));
    // Re-sending the original addition is still "already present".
    let again = ledger
        .record(
            Action::AddMember(Box::new(original.clone())),
            Provenance::new(Evidence::Verified),
        )
        .expect("idempotent");
    assert!(!again.is_appended());
    let renamed = ledger
        .member(&mid("FIN"))
        .expect("known")
        .clone()
        .with_name("Republic of Finland")
        .with_role(Role::Guarantor)
        .without_group(&gid("EU"));
    ledger
        .record(
            Action::AmendMember(Box::new(renamed)),
            verified("2025-01-01"),
        )
        .expect("amends");
    let fin = ledger.member(&mid("FIN")).expect("known");
    assert_eq!(fin.name(), "Republic of Finland");
    assert_eq!(fin.roles(), [Role::Guarantor]);
    assert_eq!(fin.groups(), [gid("NATO")]);
    // An amendment that changes nothing, or names an unknown member, is refused.
    let same = fin.clone();
    let err = rejected(&mut ledger, |l| {
        l.record(Action::AmendMember(Box::new(same)), verified("2025-02-01"))
    });
    assert!(err.to_string().contains("changes nothing"), "{err}");
    let unknown = Member::new(mid("NOR"), "Norway");
    let err = rejected(&mut ledger, |l| {
        l.record(
            Action::AmendMember(Box::new(unknown)),
            verified("2025-02-01"),
        )
    });
    assert!(matches!(err, Error::UnknownMember { .. }), "{err}");
}

#[test]
fn a_source_amendment_applies_from_its_date() {
    let mut ledger = roster();
    let moved =
        Source::new(sid("src"), "Reuters", SourceKind::Media).with_url("https://example.org/new");
    ledger
        .record(Action::AmendSource(Box::new(moved)), verified("2025-06-01"))
        .expect("amends");
    assert_eq!(
        ledger.source(&sid("src")).and_then(|s| s.url()),
        Some("https://example.org/new")
    );
    let before = ledger.as_of(d("2025-05-31"));
    assert_eq!(
        before.ledger().source(&sid("src")).and_then(|s| s.url()),
        None
    );
}

#[test]
fn a_void_pledge_counts_nowhere_is_kept_and_is_listed() {
    let mut ledger = roster();
    ledger
        .open_pledge(
            troops("FRA-1", "FRA", Estimate::Exact(100)),
            reported("2025-01-01"),
        )
        .expect("opens");
    ledger
        .open_pledge(
            troops("FRA-1b", "FRA", Estimate::Exact(100)),
            reported("2025-01-01"),
        )
        .expect("opens (imported twice)");
    ledger
        .record(
            Action::Void {
                pledge: pid("FRA-1b"),
                reason: "imported twice".into(),
            },
            verified("2025-02-01"),
        )
        .expect("voids");
    let total = |l: &Ledger| {
        l.query()
            .measure(Measure::Personnel)
            .include_withdrawn(true)
            .run()
            .expect("runs")
            .total()
            .low()
    };
    assert_eq!(total(&ledger), Decimal::from(100));
    // As of before the void, both counted: the history is kept.
    assert_eq!(
        total(ledger.as_of(d("2025-01-31")).ledger()),
        Decimal::from(200)
    );
    let pledge = ledger.pledge(&pid("FRA-1b")).expect("kept");
    assert!(pledge.is_void());
    assert_eq!(pledge.stage(), Stage::Announced, "not withdrawn");
    assert_eq!(pledge.void_reason(), Some("imported twice"));
    // No further entries; CL019 lists it, other checks ignore it.
    let err = rejected(&mut ledger, |l| {
        l.advance(&pid("FRA-1b"), Stage::Committed, verified("2025-03-01"))
    });
    assert!(err.to_string().contains("is void"), "{err}");
    let report = ledger.check(&CheckOptions::new(d("2025-12-31")));
    let voided: Vec<String> = report
        .with_code(Code::VoidedPledge)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        voided,
        ["info[CL019]: pledge FRA-1b: voided: imported twice"]
    );
    assert_eq!(report.with_code(Code::ProbableDuplicate).count(), 0);
    let sources: Vec<String> = report
        .with_code(Code::NoSource)
        .map(|diag| diag.subject().to_string())
        .collect();
    assert_eq!(sources, ["pledge FRA-1"]);
    // Quiet without voids.
    assert_eq!(
        fixtures::paris_summit()
            .check(&CheckOptions::new(d("2025-12-31")))
            .with_code(Code::VoidedPledge)
            .count(),
        0
    );
}

#[test]
fn a_pledge_others_depend_on_cannot_be_voided() {
    let mut ledger = roster();
    ledger
        .open_pledge(
            troops("A", "FRA", Estimate::Exact(1)),
            reported("2025-01-01"),
        )
        .expect("opens");
    ledger
        .open_pledge(
            troops("B", "GBR", Estimate::Exact(1)).with_condition(Condition::DependsOn(pid("A"))),
            reported("2025-01-01"),
        )
        .expect("opens");
    let err = rejected(&mut ledger, |l| {
        l.record(
            Action::Void {
                pledge: pid("A"),
                reason: "typo".into(),
            },
            verified("2025-02-01"),
        )
    });
    assert!(
        err.to_string().contains("pledge `B` depends on it"),
        "{err}"
    );
    let err = rejected(&mut ledger, |l| {
        l.record(
            Action::Void {
                pledge: pid("B"),
                reason: " ".into(),
            },
            verified("2025-02-01"),
        )
    });
    assert!(err.to_string().contains("a void needs a reason"), "{err}");
}

#[test]
fn a_failed_batch_leaves_an_amended_roster_as_it_was() {
    let path = std::env::temp_dir().join(format!("cl-amend-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut journal = Journal::open(&path, Recovery::Fail).expect("creates");
    journal
        .append_batch(nordics().entries().map(|e| e.clone().into_parts()))
        .expect("appends");
    let before = journal.ledger().clone();
    let renamed = Member::new(mid("FIN"), "Suomi").with_group(gid("EU"));
    let batch = vec![
        (
            Action::AmendMember(Box::new(renamed)),
            verified("2025-01-01"),
        ),
        (
            Action::Withdraw {
                pledge: pid("nope"),
                reason: "x".into(),
            },
            verified("2025-01-01"),
        ),
    ];
    assert!(journal.append_batch(batch).is_err());
    assert_eq!(journal.ledger(), &before);
    assert_eq!(
        journal
            .ledger()
            .member(&mid("FIN"))
            .map(|m| m.name().to_string()),
        Some("Finland".to_string())
    );
    drop(journal);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn amendments_and_voids_round_trip_through_json_csv_and_the_journal() {
    let mut ledger = nordics();
    ledger
        .record(
            Action::Void {
                pledge: pid("SWE-1"),
                reason: "=not a formula".into(),
            },
            verified("2024-05-01"),
        )
        .expect("voids");
    let text = ledger.to_json();
    assert!(text.contains(r#""amend_member""#), "{text}");
    assert!(text.contains(r#""void""#), "{text}");
    let loaded = Ledger::from_json(&text).expect("loads");
    assert_eq!(loaded, ledger);
    assert_eq!(loaded.to_json(), text);
    assert_eq!(
        loaded.member(&mid("SWE")).map(|m| m.groups().len()),
        Some(2)
    );

    let path = std::env::temp_dir().join(format!("cl-amend-rt-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut journal = Journal::open(&path, Recovery::Fail).expect("creates");
    journal
        .append_batch(ledger.entries().map(|e| e.clone().into_parts()))
        .expect("appends");
    drop(journal);
    let reopened = Journal::open(&path, Recovery::Fail).expect("reopens");
    assert_eq!(reopened.ledger(), &ledger);
    drop(reopened);
    let _ = std::fs::remove_file(&path);

    #[cfg(feature = "csv")]
    {
        use coalition_ledger::io::csv::{Importer, export};
        let mut first = Vec::new();
        export(&ledger, &mut first).expect("exports");
        let text = String::from_utf8_lossy(&first).to_string();
        assert!(
            text.lines()
                .next()
                .is_some_and(|h| h.ends_with(",void_reason")),
            "{text}"
        );
        assert!(text.contains("'=not a formula"), "{text}");
        let mut roster = Ledger::new();
        for member in ledger.members() {
            roster.add_member(member.clone()).expect("adds");
        }
        let imported = Importer::new()
            .roster(&roster)
            .import(first.as_slice())
            .expect("imports");
        assert_eq!(
            imported.pledge(&pid("SWE-1")).map(|p| p.is_void()),
            Some(true)
        );
        let mut second = Vec::new();
        export(&imported, &mut second).expect("exports");
        assert_eq!(second, first);
    }
}

/// A void backstop no longer holds up the pledges conditional on it, and a
/// query on the ledger it was appended to agrees with one on a fresh copy
/// (whatever queries kept between runs catches up).
#[test]
fn a_void_backstop_holds_nothing_up_and_warm_queries_agree_with_fresh_ones() {
    let mut ledger = roster();
    let backstop = backstop("USA-bs", "USA").with_stage(Stage::Committed);
    ledger
        .open_pledge(backstop, verified("2025-01-01"))
        .expect("opens");
    let spec = troops("FRA-1", "FRA", Estimate::Exact(100))
        .with_condition(Condition::Backstop { by: mid("USA") });
    ledger
        .open_pledge(spec, verified("2025-01-02"))
        .expect("opens");
    let firm = |l: &Ledger| {
        l.query()
            .measure(Measure::Personnel)
            .scenario(&Scenario::firm_only())
            .group_by([Dimension::Member])
            .run()
            .expect("runs")
    };
    assert_eq!(firm(&ledger).total().low(), Decimal::from(100));
    ledger
        .record(
            Action::Void {
                pledge: pid("USA-bs"),
                reason: "recorded from a misread briefing".into(),
            },
            verified("2025-02-01"),
        )
        .expect("voids");
    let warm = firm(&ledger);
    assert_eq!(warm.total().low(), Decimal::ZERO);
    let fresh = Ledger::from_json(&ledger.to_json()).expect("loads");
    assert_eq!(firm(&fresh), warm);
}

/// Running totals at each month's end equal `as_of` that month's end, with
/// a void, an adjustment, a roster amendment and a month-only date in the
/// history.
#[test]
fn running_totals_agree_with_as_of_across_voids_adjustments_and_amendments() {
    let mut ledger = nordics();
    ledger
        .open_pledge(
            funding("FIN-f", "FIN", Estimate::Exact(eur("100"))).with_stage(Stage::Committed),
            Provenance::new(Evidence::Reported).within("2023-02".parse().expect("valid")),
        )
        .expect("opens");
    ledger
        .open_pledge(
            NewPledge::adjustment(
                pid("FIN-fix"),
                mid("FIN"),
                AdjustmentBasis::Pledged,
                eur("-30"),
            ),
            verified("2023-05-10"),
        )
        .expect("adjusts");
    ledger
        .record(
            Action::Void {
                pledge: pid("SWE-1"),
                reason: "typo".into(),
            },
            verified("2023-03-15"),
        )
        .expect("voids");
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    for measure in [
        Measure::Personnel,
        Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        },
    ] {
        let query = ledger.query().measure(measure).group_by([Dimension::Group]);
        let running = query
            .clone()
            .running_totals(Interval::Month, d("2023-01-01"), d("2023-12-31"))
            .expect("runs");
        for period in running.periods() {
            let as_of = query.clone().as_of(period.end()).run().expect("runs");
            assert_eq!(
                period.pledged().rows().collect::<Vec<_>>(),
                as_of.rows().collect::<Vec<_>>(),
                "{}",
                period.end()
            );
            assert_eq!(period.pledged().total(), as_of.total(), "{}", period.end());
        }
    }
}

/// A voided pledge was recorded in error: to a pledge depending on it,
/// recorded after the void, it is as unknown as a pledge never recorded,
/// not failed as a withdrawn one is; a voided backstop likewise leaves its
/// member's backstop unknown. Either way the dependant counts, as
/// conditional, and `firm_only` leaves it out.
#[test]
fn a_condition_on_a_voided_pledge_is_unknown_not_failed() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        troops("P2", "GBR", Estimate::Exact(100)),
        reported("2025-01-01"),
    )?;
    l.open_pledge(backstop("US-bs", "USA"), reported("2025-01-01"))?;
    for voided in ["P2", "US-bs"] {
        l.record(
            Action::Void {
                pledge: pid(voided),
                reason: "recorded twice".into(),
            },
            reported("2025-01-02"),
        )?;
    }
    l.open_pledge(
        troops("ON-P2", "FRA", Estimate::Exact(500))
            .with_condition(Condition::DependsOn(pid("P2"))),
        reported("2025-01-03"),
    )?;
    l.open_pledge(
        troops("ON-US", "DEU", Estimate::Exact(70))
            .with_condition(Condition::Backstop { by: mid("USA") }),
        reported("2025-01-03"),
    )?;
    let by_condition = l
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Conditional])
        .run()?;
    assert_eq!(by_condition.total().low(), dec("570"), "{by_condition}");
    assert_eq!(by_condition.left_out().by_scenario(), 0, "{by_condition}");
    let conditional = by_condition
        .row(&[Key::Conditional(true)])
        .map(|r| r.total().count());
    assert_eq!(conditional, Some(2), "{by_condition}");
    let firm = l
        .query()
        .measure(Measure::Personnel)
        .scenario(&Scenario::firm_only())
        .run()?;
    assert_eq!(firm.total().count(), 0, "{firm}");
    // Unknown for good: the voided pledge takes no further entries.
    let cannot_hold: Vec<String> = l
        .check(&CheckOptions::new(d("2025-12-31")))
        .with_code(Code::ConditionCannotHold)
        .map(|diag| diag.message().to_string())
        .collect();
    assert_eq!(
        cannot_hold,
        ["depends on P2, which is voided (recorded in error)"]
    );
    Ok(())
}

/// An undated amendment cannot be placed before any date, so `as_of`
/// leaves it out, as it does an undated pledge entry: the answer now says
/// so (it showed the member in its old group without a word).
#[test]
fn an_undated_member_amendment_left_out_by_as_of_is_counted() {
    let mut l = Ledger::new();
    l.add_member(Member::new(mid("FRA"), "France").with_group(gid("EU")))
        .expect("adds");
    l.add_member(Member::new(mid("GBR"), "United Kingdom"))
        .expect("adds");
    l.open_pledge(
        troops("P", "FRA", Estimate::Exact(10)),
        reported("2025-01-01"),
    )
    .expect("opens");
    let amended = Member::new(mid("FRA"), "Francia").with_group(gid("NATO"));
    l.record(
        Action::AmendMember(Box::new(amended)),
        Provenance::new(Evidence::Reported),
    )
    .expect("amends");
    let by_group = |q: Query<'_>| q.group_by([Dimension::Group]).run().expect("runs");
    let table = by_group(l.query().as_of(d("2025-03-01")));
    assert_eq!(table.left_out().undated_entries(), 1);
    assert!(
        table
            .to_string()
            .contains("note: 1 undated entry left out by as_of"),
        "{table}"
    );
    // Counted when it could matter: not for a query about another member.
    let other = l
        .query()
        .member(&mid("GBR"))
        .as_of(d("2025-03-01"))
        .run()
        .expect("runs");
    assert_eq!(other.left_out().undated_entries(), 0);
    // Included, it applies at every date, and nothing is left out.
    let included = by_group(l.query().as_of_with(d("2025-03-01"), Undated::Include));
    assert_eq!(included.left_out().undated_entries(), 0);
    assert!(included.to_string().contains("NATO"), "{included}");
    // The change list counts it among the entries it cannot place.
    let changes = l.changes(d("2025-01-01"), d("2025-12-31")).expect("runs");
    assert_eq!(changes.undated_entries(), 1);
    // An amendment dated to a month is pending until the month ends.
    let mut dated = l.clone();
    let again = Member::new(mid("FRA"), "France").with_group(gid("EU"));
    dated
        .record(
            Action::AmendMember(Box::new(again)),
            Provenance::new(Evidence::Reported).within("2025-06".parse().expect("a month")),
        )
        .expect("amends");
    let june = dated.query().as_of(d("2025-06-15")).run().expect("runs");
    assert_eq!(june.left_out().pending_periods(), 1);
}

/// An undated amendment is counted only where it can change the answer,
/// as an undated pledge entry is: not for a member without pledges, nor
/// for a query whose kind filter leaves the member's pledges out.
#[test]
fn an_undated_amendment_is_counted_only_where_it_can_matter() {
    let mut l = roster();
    l.open_pledge(
        troops("F", "FRA", Estimate::Exact(5)),
        reported("2025-01-01"),
    )
    .expect("opens");
    l.open_pledge(
        troops("G", "GBR", Estimate::Exact(5)),
        Provenance::new(Evidence::Reported),
    )
    .expect("opens undated");
    let undated = |l: &Ledger, kind: Kind| {
        l.query()
            .kind(kind)
            .as_of(d("2025-06-30"))
            .run()
            .expect("runs")
            .left_out()
            .undated_entries()
    };
    let amend = |l: &mut Ledger, id: &str| {
        let member = l
            .member(&mid(id))
            .expect("a member")
            .clone()
            .with_group(gid("G7"));
        l.record(
            Action::AmendMember(Box::new(member)),
            Provenance::new(Evidence::Reported),
        )
        .expect("amends");
    };
    // UKR has no pledge: its amendment bears on no answer.
    amend(&mut l, "UKR");
    assert_eq!(
        (undated(&l, Kind::Troops), undated(&l, Kind::Funding)),
        (1, 0)
    );
    // FRA has troops: a troops answer counts it, a funding one does not.
    amend(&mut l, "FRA");
    assert_eq!(
        (undated(&l, Kind::Troops), undated(&l, Kind::Funding)),
        (2, 0)
    );
    let changes = l
        .query()
        .kind(Kind::Funding)
        .changes(d("2025-01-01"), d("2025-12-31"))
        .expect("runs");
    assert_eq!(changes.undated_entries(), 0);
}
