//! Running totals: each period's answer is the answer of `as_of` its end.

mod common;

use coalition_ledger::testing::Generator;
use coalition_ledger::*;
use common::*;
use proptest::prelude::*;

const BASES: [Basis; 3] = [Basis::Pledged, Basis::Delivered, Basis::Outstanding];

/// Asserts that every period of `running` equals `query.as_of(end)`.
fn assert_matches_as_of(query: &Query<'_>, running: &RunningTotals, undated: Undated) {
    assert!(running.periods().len() > 0);
    for period in running.periods() {
        for basis in BASES {
            let want = query
                .clone()
                .basis(basis)
                .as_of_with(period.end(), undated)
                .run()
                .expect("as_of answers");
            assert_eq!(
                period.table(basis),
                &want,
                "period {} ({}), basis {basis}",
                period.key(),
                period.end()
            );
        }
    }
}

#[test]
fn the_paris_fixture_by_month_matches_as_of_at_every_month_end() -> Result<()> {
    let ledger = fixtures::paris_summit();
    for dims in [
        vec![],
        vec![Dimension::Member],
        vec![Dimension::Stage, Dimension::Kind],
        vec![Dimension::Group, Dimension::Quarter],
    ] {
        for measure in [Measure::Count, Measure::Personnel] {
            let query = ledger.query().group_by(dims.clone()).measure(measure);
            let running =
                query.running_totals(Interval::Month, d("2025-01-01"), d("2026-06-30"))?;
            assert_eq!(running.periods().len(), 18);
            assert_matches_as_of(&query, &running, Undated::Exclude);
            let with = query.running_totals_with(
                Interval::Quarter,
                d("2025-01-01"),
                d("2026-06-30"),
                Undated::Include,
            )?;
            assert_matches_as_of(&query, &with, Undated::Include);
        }
    }
    Ok(())
}

#[test]
fn a_generated_ledger_in_money_by_quarter_matches_as_of() -> Result<()> {
    let generator = Generator::seeded(11).members(8).pledges(150);
    let ledger = generator.ledger()?;
    let fx = generator.fx_rates();
    let query = ledger
        .query()
        .measure(Measure::Value {
            currency: fx.base(),
            fx: &fx,
        })
        .leave_out_unconvertible(true)
        .group_by([Dimension::Member, Dimension::Kind]);
    let running = query.running_totals(Interval::Quarter, d("2022-01-01"), d("2026-03-31"))?;
    assert_eq!(running.periods().len(), 17);
    assert_matches_as_of(&query, &running, Undated::Exclude);
    // Totals only grow where nothing is withdrawn or corrected; at least
    // the count of pledges opened never shrinks across a year.
    let yearly = ledger.query().include_withdrawn(true).running_totals(
        Interval::Year,
        d("2022-01-01"),
        d("2025-12-31"),
    )?;
    let counts: Vec<u64> = yearly
        .periods()
        .map(|p| p.pledged().total().count())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    Ok(())
}

/// A ledger whose entries were not recorded in date order: a delivery
/// recorded after an advance but dated before it, and a pledge recorded
/// last but dated first.
fn back_dated() -> Result<Ledger> {
    let mut ledger = roster();
    let id = pid("FRA-1");
    ledger.open_pledge(
        troops("FRA-1", "FRA", Estimate::range(1_000, 3_000)?),
        reported("2025-01-10"),
    )?;
    ledger.advance(&id, Stage::Committed, verified("2025-04-01"))?;
    ledger.deliver(&id, dec("500"), verified("2025-02-15"))?;
    ledger.revise(
        &id,
        Contribution::Troops {
            personnel: Estimate::Exact(2_000),
        },
        verified("2025-03-20"),
    )?;
    // Recorded after the revision above, dated before it: as of the end of
    // March it is the latest word (recorded order), 2,500.
    ledger.revise(
        &id,
        Contribution::Troops {
            personnel: Estimate::Exact(2_500),
        },
        verified("2025-03-10"),
    )?;
    // A delivery dated before its pledge: left out until the pledge's date.
    ledger.open_pledge(
        troops("USA-1", "USA", Estimate::Exact(800)),
        reported("2025-06-01"),
    )?;
    ledger.deliver(&pid("USA-1"), dec("300"), verified("2025-05-01"))?;
    ledger.open_pledge(
        troops("GBR-1", "GBR", Estimate::Exact(4_000)),
        reported("2024-12-01"),
    )?;
    ledger.withdraw(&pid("GBR-1"), "no ceasefire", verified("2025-05-05"))?;
    ledger.open_pledge(
        troops("DEU-1", "DEU", Estimate::Unspecified),
        Provenance::new(Evidence::Unconfirmed),
    )?;
    Ok(ledger)
}

#[test]
fn back_dated_entries_apply_in_recorded_order_as_in_as_of() -> Result<()> {
    let ledger = back_dated()?;
    for include_withdrawn in [false, true] {
        let query = ledger
            .query()
            .measure(Measure::Personnel)
            .include_withdrawn(include_withdrawn)
            .group_by([Dimension::Member, Dimension::Stage]);
        for interval in [Interval::Month, Interval::Quarter, Interval::Year] {
            let running = query.running_totals(interval, d("2024-11-01"), d("2025-07-31"))?;
            assert_matches_as_of(&query, &running, Undated::Exclude);
            let with = query.running_totals_with(
                interval,
                d("2024-11-01"),
                d("2025-07-31"),
                Undated::Include,
            )?;
            assert_matches_as_of(&query, &with, Undated::Include);
        }
    }
    // The delivered column sees the back-dated delivery from February on.
    let running = ledger.query().measure(Measure::Personnel).running_totals(
        Interval::Month,
        d("2025-01-01"),
        d("2025-03-31"),
    )?;
    let delivered: Vec<Decimal> = running
        .periods()
        .map(|p| p.delivered().total().low())
        .collect();
    assert_eq!(delivered, [dec("0"), dec("500"), dec("500")]);
    // The undated pledge is counted as left out, not as zero.
    let last = running.periods().last().expect("three months");
    assert_eq!(last.pledged().left_out().undated_entries(), 1);
    // In May the delivery dated before its pledge cannot apply, and says
    // so; from June it counts.
    let running = ledger.query().measure(Measure::Personnel).running_totals(
        Interval::Month,
        d("2025-05-01"),
        d("2025-06-30"),
    )?;
    let periods: Vec<&Period> = running.periods().collect();
    assert_eq!(periods[0].delivered().left_out().unapplied_entries(), 1);
    assert_eq!(periods[1].delivered().left_out().unapplied_entries(), 0);
    assert_eq!(periods[1].delivered().total().low(), dec("800"));
    assert_eq!(periods[0].pledged().total().low(), dec("2500"));
    Ok(())
}

#[test]
fn periods_are_calendar_periods_and_the_last_ends_at_to() -> Result<()> {
    let ledger = back_dated()?;
    let running =
        ledger
            .query()
            .running_totals(Interval::Quarter, d("2024-11-15"), d("2025-05-10"))?;
    let got: Vec<(String, NaiveDate)> = running
        .periods()
        .map(|p| (p.key().to_string(), p.end()))
        .collect();
    assert_eq!(
        got,
        [
            ("2024-Q4".to_string(), d("2024-12-31")),
            ("2025-Q1".to_string(), d("2025-03-31")),
            ("2025-Q2".to_string(), d("2025-05-10")),
        ]
    );
    let years = ledger
        .query()
        .running_totals(Interval::Year, d("2024-02-29"), d("2024-02-29"))?;
    assert_eq!(years.periods().len(), 1);
    assert_eq!(years.interval(), Interval::Year);
    Ok(())
}

#[test]
fn running_totals_refuse_a_reversed_range_an_as_of_and_too_many_periods() -> Result<()> {
    let ledger = back_dated()?;
    let err = ledger
        .query()
        .running_totals(Interval::Month, d("2025-02-01"), d("2025-01-01"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "running totals: invalid from: 2025-02-01 is after 2025-01-01"
    );
    let err = ledger
        .query()
        .as_of(d("2025-01-01"))
        .running_totals(Interval::Month, d("2025-01-01"), d("2025-02-01"))
        .unwrap_err();
    assert!(err.to_string().contains("as_of"), "{err}");
    // limits::MAX_RUNNING_PERIODS months: at the limit, and one above.
    assert_eq!(limits::MAX_RUNNING_PERIODS, 1_200);
    let at_limit =
        ledger
            .query()
            .running_totals(Interval::Month, d("1950-01-01"), d("2049-12-31"))?;
    assert_eq!(at_limit.periods().len(), 1_200);
    let err = ledger
        .query()
        .running_totals(Interval::Month, d("1950-01-01"), d("2050-01-01"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Limit {
                limit: 1_200,
                actual: 1_201,
                ..
            }
        ),
        "{err}"
    );
    // The error gives the real count, however far past the limit.
    for (interval, from, to, count) in [
        (Interval::Month, "0000-01-01", "9999-12-31", 120_000),
        (Interval::Quarter, "0000-02-15", "9999-12-31", 40_000),
        (Interval::Year, "0000-06-01", "9999-01-01", 10_000),
    ] {
        let err = ledger
            .query()
            .running_totals(interval, d(from), d(to))
            .unwrap_err();
        assert!(
            matches!(err, Error::Limit { limit: 1_200, actual, .. } if actual == count),
            "{interval:?}: {err}"
        );
    }
    Ok(())
}

#[test]
fn the_quarter_dimension_groups_pledges_by_calendar_quarter() -> Result<()> {
    let ledger = back_dated()?;
    let table = ledger
        .query()
        .include_withdrawn(true)
        .measure(Measure::Personnel)
        .group_by([Dimension::Quarter])
        .run()?;
    let rows: Vec<String> = table
        .rows()
        .map(|r| format!("{} {}", r.keys()[0], r.total().low()))
        .collect();
    // The undated pledge is not in the current-state query's dated rows:
    // it has its own `undated` row.
    assert_eq!(
        rows,
        ["undated 0", "2024-Q4 4000", "2025-Q1 2500", "2025-Q2 800"]
    );
    assert_eq!("quarter".parse::<Dimension>()?, Dimension::Quarter);
    assert_eq!(
        serde_json::to_string(&Key::Quarter(Some((2025, 3)))).expect("serializes"),
        r#"{"quarter":[2025,3]}"#
    );
    Ok(())
}

#[test]
fn running_totals_print_one_line_per_period() -> Result<()> {
    let ledger = back_dated()?;
    let running = ledger.query().measure(Measure::Personnel).running_totals(
        Interval::Quarter,
        d("2025-01-01"),
        d("2025-06-30"),
    )?;
    let text = running.to_string();
    assert!(text.starts_with("running totals of personnel by quarter, 2025-01-01 to 2025-06-30\n"));
    assert!(text.contains("2025-Q1  2025-03-31"), "{text}");
    assert!(text.contains("note:"), "the undated entry is noted: {text}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Whatever the ledger and the range, every period is its `as_of`.
    #[test]
    fn running_totals_equal_as_of_at_every_period_end(
        seed in 0u64..1_000,
        start in 0u32..1_200,
        span in 0u32..500,
        interval in prop_oneof![Just(Interval::Month), Just(Interval::Quarter), Just(Interval::Year)],
    ) {
        let ledger = Generator::seeded(seed).members(5).pledges(30).ledger().expect("generated");
        let from = d("2022-01-01") + chrono::Days::new(u64::from(start));
        let to = from + chrono::Days::new(u64::from(span));
        let query = ledger.query().measure(Measure::Personnel).group_by([Dimension::Member]);
        let running = query.running_totals(interval, from, to).expect("answers");
        assert_matches_as_of(&query, &running, Undated::Exclude);
    }
}

/// An entry dated only to a month or a year takes effect at the period's
/// end; before then `as_of` leaves it out and says so, and so does every
/// period of the running totals that ends before it.
#[test]
fn entries_pending_their_month_or_year_are_reported_in_each_period() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        troops("A", "FRA", Estimate::Exact(100)),
        reported("2025-01-10"),
    )?;
    l.open_pledge(
        troops("B", "GBR", Estimate::Exact(50)),
        Provenance::new(Evidence::Reported).within("2025".parse()?),
    )?;
    l.open_pledge(
        troops("C", "DEU", Estimate::Exact(20)),
        Provenance::new(Evidence::Reported).within("2025-05".parse()?),
    )?;
    let query = l.query().measure(Measure::Personnel);
    let running = query.running_totals(Interval::Quarter, d("2025-01-01"), d("2025-12-31"))?;
    assert_matches_as_of(&query, &running, Undated::Exclude);
    let pending: Vec<u64> = running
        .periods()
        .map(|p| p.pledged().left_out().pending_periods())
        .collect();
    // May's entry is pending only in May: at the end of March its month has
    // not begun, at the end of June it has ended.
    assert_eq!(pending, [1, 1, 1, 0]);
    Ok(())
}

/// Printed running totals end with the last period's notes only: Q1–Q3
/// left out GBR's entry dated to 2025, and the text says nothing
/// ("every answer says what it left out").
#[test]
fn printed_running_totals_say_what_earlier_periods_left_out() -> Result<()> {
    let running = pending_running()?;
    let q1 = running.periods().next().expect("Q1");
    assert_eq!(q1.pledged().left_out().pending_periods(), 1);
    assert!(
        q1.pledged()
            .to_string()
            .contains("not yet ended left out by as_of")
    );
    let text = running.to_string();
    assert!(
        text.contains("not yet ended left out by as_of"),
        "Q1–Q3 left an entry out and the printed answer does not say so:\n{text}"
    );
    Ok(())
}

/// Printed running totals round money to the minor unit without the note a
/// printed table writes (README: "says so in a note when that changed a
/// figure"), and say nothing of a total below zero.
#[test]
fn printed_running_totals_note_rounding_and_totals_below_zero() -> Result<()> {
    let mut l = roster();
    let fix = pledged_adjustment("DEU", "-5000.004");
    l.open_pledge(fix, reported("2025-02-05"))?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let running = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-06-30"))?;
    let last = running.periods().last().expect("Q2");
    assert_eq!(last.pledged().total().low(), dec("-5000.004"));
    let table = last.pledged().to_string();
    assert!(
        table.contains("note: money is printed to the currency's minor unit"),
        "{table}"
    );
    assert!(table.contains("below zero"), "{table}");
    let text = running.to_string();
    assert!(text.contains("-5,000 (1 pledge)"), "{text}");
    assert!(
        text.contains("note: money is printed to the currency's minor unit"),
        "-5000.004 printed as -5,000 without a note:\n{text}"
    );
    assert!(
        text.contains("below zero"),
        "a total below zero without its note:\n{text}"
    );
    Ok(())
}

/// Printed running totals print totals only (no rows), and leave out the
/// rows-overlap note for that reason; but they print a row's "1 total
/// below zero" when every printed total is at or above zero.
#[test]
fn printed_running_totals_do_not_note_a_row_they_do_not_print() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        funding("FRA-1", "FRA", Estimate::Exact(eur("6000"))),
        reported("2025-01-15"),
    )?;
    let fix = pledged_adjustment("DEU", "-5000");
    l.open_pledge(fix, reported("2025-02-05"))?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let running = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .group_by([Dimension::Member])
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-03-31"))?;
    let q1 = running.periods().next().expect("Q1");
    for t in [q1.pledged(), q1.delivered(), q1.outstanding()] {
        assert!(t.total().low() >= Decimal::ZERO, "{t}");
    }
    let text = running.to_string();
    assert!(
        !text.contains("below zero"),
        "no printed total is below zero, yet:\n{text}"
    );
    Ok(())
}

/// Printed running totals whose pledged and outstanding totals are both
/// below zero in every period (four printed totals below zero) count both
/// of each period's: the notes of the three bases were merged by their
/// text, so the pledged answer's "1 total" and the outstanding answer's
/// "1 total" printed as one.
#[test]
fn printed_running_totals_count_every_total_below_zero() -> Result<()> {
    let mut l = roster();
    l.open_pledge(pledged_adjustment("DEU", "-5000"), reported("2025-02-01"))?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let r = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-06-30"))?;
    let text = r.to_string();
    let negative = r
        .periods()
        .flat_map(|p| [p.pledged(), p.delivered(), p.outstanding()])
        .filter(|t| t.total().low() < Decimal::ZERO)
        .count();
    assert_eq!(negative, 4);
    let below: Vec<&str> = text.lines().filter(|l| l.contains("below zero")).collect();
    assert_eq!(
        below,
        [
            "note: 2 totals below zero: adjustments (corrections naming no pledge) exceed what was recorded"
        ],
        "{text}"
    );
    Ok(())
}

/// A note only some of a period's bases have names them: a USD pledge
/// without a rate is left out of the pledged and outstanding totals, while
/// the delivered total (nothing delivered, nothing to convert) counts it.
/// The note said "1 pledge left out" under all three columns.
#[test]
fn a_note_of_some_bases_names_them() -> Result<()> {
    let mut ledger = roster();
    ledger.open_pledge(
        funding("FRA-1", "FRA", Estimate::Exact(eur("100"))),
        reported("2025-01-10"),
    )?;
    ledger.open_pledge(
        funding(
            "GBR-1",
            "GBR",
            Estimate::Exact(Money::new(dec("50"), Currency::USD)),
        ),
        reported("2025-01-10"),
    )?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let running = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .leave_out_unconvertible(true)
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-06-30"))?;
    let first = running.periods().next().expect("a period");
    assert_eq!(first.pledged().left_out().unconvertible(), 1);
    assert_eq!(first.delivered().left_out().unconvertible(), 0);
    let text = running.to_string();
    let notes: Vec<&str> = text.lines().filter(|l| l.starts_with("note")).collect();
    assert_eq!(
        notes,
        [
            "note: pledged and outstanding: 1 pledge left out: no usable exchange rate or no date to convert at"
        ],
        "{text}"
    );
    Ok(())
}
