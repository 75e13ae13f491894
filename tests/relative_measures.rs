//! Per capita, share of GDP and of defence budgets, and constant prices.

mod common;

use coalition_ledger::*;
use common::*;
use proptest::prelude::*;
use std::cmp::Ordering;

fn usd(text: &str) -> Money {
    Money::new(dec(text), Currency::USD)
}

fn troops_ledger() -> Result<Ledger> {
    let mut ledger = roster();
    ledger.open_pledge(
        troops("FRA-1", "FRA", Estimate::range(2_000, 5_000)?),
        reported("2025-09-04"),
    )?;
    ledger.open_pledge(
        troops("GBR-1", "GBR", Estimate::Exact(3_000)),
        reported("2026-02-01"),
    )?;
    Ok(ledger)
}

fn people() -> Result<MemberAttributes> {
    MemberAttributes::new()
        .with_population(&mid("FRA"), 2025, 68_000_000)?
        .with_population(&mid("GBR"), 2025, 60_000_000)?
        .with_population(&mid("GBR"), 2026, 69_000_000)
}

#[test]
fn per_capita_divides_each_member_by_its_population_rounding_outward() -> Result<()> {
    let ledger = troops_ledger()?;
    let table = ledger
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Member])
        .run()?;
    let per_capita = table.relative(Relative::PerCapita, &people()?, 2025)?;
    let rows: Vec<&RelativeRow> = per_capita.rows().collect();
    assert_eq!(rows.len(), 2);
    // GBR: 3,000 / 60,000,000 = 0.00005 exactly.
    assert_eq!(rows[1].low(), dec("0.00005"));
    assert_eq!(rows[1].high(), Some(dec("0.00005")));
    assert!(!rows[1].is_rounded());
    // FRA: 2,000–5,000 / 68,000,000 is not exact: bounds around it.
    let fra = rows[0];
    assert!(fra.is_rounded());
    assert!(fra.low() * dec("68000000") <= dec("2000"));
    assert!(fra.high().expect("bounded") * dec("68000000") >= dec("5000"));
    assert!(dec("2000") - fra.low() * dec("68000000") < dec("0.000001"));
    // The total divides by both populations: 5,000–8,000 / 128,000,000.
    assert_eq!(per_capita.total().low(), dec("0.0000390625"));
    assert_eq!(per_capita.total().high(), Some(dec("0.0000625")));
    let text = per_capita.to_string();
    assert!(text.contains("per capita (2025)"), "{text}");
    assert!(
        text.contains("note: a division was rounded outward"),
        "{text}"
    );
    // Printed to nine places, FRA's bounds and the total's low bound
    // (0.0000390625) are rounded, and the text says so.
    assert!(
        text.contains("note: figures are printed rounded outward"),
        "{text}"
    );
    Ok(())
}

#[test]
fn a_row_with_a_year_uses_that_years_attribute() -> Result<()> {
    let ledger = troops_ledger()?;
    let table = ledger
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Member, Dimension::Year])
        .run()?;
    let attrs = people()?.with_population(&mid("FRA"), 2026, 1)?;
    let per_capita = table.relative(Relative::PerCapita, &attrs, 2026)?;
    let gbr = per_capita
        .rows()
        .find(|r| r.keys()[0] == Key::Member(mid("GBR")))
        .expect("GBR row");
    // GBR pledged in 2026: 3,000 / 69,000,000 (its 2026 population).
    assert!(gbr.low() * dec("69000000") <= dec("3000"));
    assert!(gbr.low() > dec("0.0000434"));
    let fra = per_capita
        .rows()
        .find(|r| r.keys()[0] == Key::Member(mid("FRA")))
        .expect("FRA row");
    // FRA's row is 2025 and uses 68,000,000, not the 2026 figure of 1.
    assert!(fra.low() < dec("0.001"));
    Ok(())
}

#[test]
fn a_missing_attribute_is_an_error_naming_member_and_year() -> Result<()> {
    let ledger = troops_ledger()?;
    let table = ledger
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Member])
        .run()?;
    let only_fra = MemberAttributes::new().with_population(&mid("FRA"), 2025, 68_000_000)?;
    let err = table
        .relative(Relative::PerCapita, &only_fra, 2025)
        .unwrap_err();
    assert_eq!(err.to_string(), "member `GBR` has no population for 2025");
    assert!(matches!(
        err,
        Error::MissingAttribute { ref member, year: 2025, .. } if member == "GBR"
    ));
    let err = table
        .relative(Relative::PerCapita, &people()?, 2024)
        .unwrap_err();
    assert_eq!(err.to_string(), "member `FRA` has no population for 2024");
    // A share needs money.
    let err = table
        .relative(Relative::ShareOfGdp, &people()?, 2025)
        .unwrap_err();
    assert!(err.to_string().contains("a share needs money"), "{err}");
    Ok(())
}

fn funding_ledger() -> Result<Ledger> {
    let mut ledger = roster();
    ledger.open_pledge(
        funding("FRA-f", "FRA", Estimate::Exact(eur("2900000000"))),
        reported("2025-09-04"),
    )?;
    ledger.open_pledge(
        funding(
            "DEU-f",
            "DEU",
            Estimate::range(eur("4000000000"), eur("9000000000"))?,
        ),
        reported("2025-09-04"),
    )?;
    Ok(ledger)
}

#[test]
fn shares_of_gdp_and_defence_budget_are_exact_per_cent() -> Result<()> {
    let ledger = funding_ledger()?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let table = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .group_by([Dimension::Member])
        .run()?;
    let attrs = MemberAttributes::new()
        .with_gdp(&mid("FRA"), 2025, eur("2900000000000"))?
        .with_gdp(&mid("DEU"), 2025, eur("4000000000000"))?
        .with_defence_budget(&mid("FRA"), 2025, eur("50000000000"))?
        .with_defence_budget(&mid("DEU"), 2025, eur("80000000000"))?;
    let gdp = table.relative(Relative::ShareOfGdp, &attrs, 2025)?;
    let of = |t: &RelativeTable, m: &str| {
        t.rows()
            .find(|r| r.keys()[0] == Key::Member(mid(m)))
            .map(|r| (r.low(), r.high()))
    };
    assert_eq!(of(&gdp, "FRA"), Some((dec("0.1"), Some(dec("0.1")))));
    assert_eq!(of(&gdp, "DEU"), Some((dec("0.1"), Some(dec("0.225")))));
    // Total: 6.9bn–11.9bn of 6.9tn: 0.1 exactly, and 0.17246… rounded up.
    assert_eq!(gdp.total().low(), dec("0.1"));
    assert!(gdp.total().is_rounded());
    let high = gdp.total().high().expect("bounded");
    assert!(high > dec("0.1724637681") && high < dec("0.1724637682"));
    let budget = table.relative(Relative::ShareOfDefenceBudget, &attrs, 2025)?;
    assert_eq!(of(&budget, "FRA"), Some((dec("5.8"), Some(dec("5.8")))));
    assert!(budget.to_string().contains("5.8%"), "{budget}");
    // The GDP total's high bound (0.17246…%) is printed to three places;
    // each member's shares print whole.
    let printed = "note: figures are printed rounded outward";
    assert!(gdp.to_string().contains(printed), "{gdp}");
    let fra_only = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .member(&mid("FRA"))
        .group_by([Dimension::Member])
        .run()?
        .relative(Relative::ShareOfGdp, &attrs, 2025)?;
    assert!(!fra_only.to_string().contains(printed), "{fra_only}");
    // A GDP in another currency is refused, not converted silently.
    let usd_gdp = MemberAttributes::new()
        .with_gdp(&mid("FRA"), 2025, usd("3100000000000"))?
        .with_gdp(&mid("DEU"), 2025, eur("4000000000000"))?;
    let err = table
        .relative(Relative::ShareOfGdp, &usd_gdp, 2025)
        .unwrap_err();
    assert!(err.to_string().contains("`FRA` in 2025"), "{err}");
    Ok(())
}

fn deflators() -> Result<Deflators> {
    Deflators::new()
        .with_index(Currency::USD, 2023, dec("95"))?
        .with_index(Currency::USD, 2024, dec("97"))?
        .with_index(Currency::USD, 2025, dec("100"))
}

#[test]
fn constant_prices_deflate_each_amount_from_its_own_year() -> Result<()> {
    let mut ledger = roster();
    let id = pid("USA-f");
    ledger.open_pledge(
        funding("USA-f", "USA", Estimate::Exact(usd("1900"))),
        reported("2023-06-01"),
    )?;
    ledger.deliver_money(&id, usd("950"), reported("2023-09-01"))?;
    ledger.deliver_money(&id, usd("500"), reported("2025-02-01"))?;
    let fx = FxRates::new(Currency::USD, RatePolicy::OnDate);
    let deflators = deflators()?;
    let real = |basis: Basis, by: Dimension| {
        ledger
            .query()
            .measure(Measure::RealValue {
                currency: Currency::USD,
                fx: &fx,
                deflators: &deflators,
                base_year: 2025,
            })
            .basis(basis)
            .group_by([by])
            .run()
    };
    // Warm the per-pledge cache with the nominal measure: constant prices
    // must not reuse it.
    let nominal = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::USD,
            fx: &fx,
        })
        .group_by([Dimension::Member])
        .run()?;
    assert_eq!(nominal.total().low(), dec("1900"));
    for by in [Dimension::Member, Dimension::Year] {
        // 1,900 of 2023 = 2,000 in 2025 prices.
        assert_eq!(real(Basis::Pledged, by)?.total().low(), dec("2000"));
        // 950 of 2023 = 1,000; 500 of 2025 stays 500.
        assert_eq!(real(Basis::Delivered, by)?.total().low(), dec("1500"));
        // Outstanding 450 of the pledge's 2023 = 473.68…, rounded outward.
        let outstanding = real(Basis::Outstanding, by)?;
        assert!(outstanding.total().is_rounded());
        assert!(outstanding.total().low() < dec("473.6843"));
        assert!(outstanding.total().high() > Some(dec("473.6842")));
    }
    let table = real(Basis::Pledged, Dimension::Member)?;
    assert!(
        table
            .to_string()
            .contains("real_value (USD, 2025 prices, pledged)"),
        "{table}"
    );
    // A year without an index is an error naming the pledge, the currency
    // and the year.
    let short = Deflators::new().with_index(Currency::USD, 2025, dec("100"))?;
    let err = ledger
        .query()
        .measure(Measure::RealValue {
            currency: Currency::USD,
            fx: &fx,
            deflators: &short,
            base_year: 2025,
        })
        .run()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "pledge `USA-f`: no deflator for USD in 2023"
    );
    assert!(matches!(
        err.root(),
        Error::MissingDeflator { year: 2023, .. }
    ));
    let left = ledger
        .query()
        .measure(Measure::RealValue {
            currency: Currency::USD,
            fx: &fx,
            deflators: &short,
            base_year: 2025,
        })
        .leave_out_unconvertible(true)
        .run()?;
    assert_eq!(left.left_out().unconvertible(), 1);
    Ok(())
}

#[test]
fn attributes_and_deflators_load_back_from_their_json() -> Result<()> {
    let attrs = people()?.with_gdp(&mid("FRA"), 2025, eur("2900000000000"))?;
    let text = serde_json::to_string(&attrs).expect("serializes");
    let back: MemberAttributes = serde_json::from_str(&text).expect("loads");
    assert_eq!(back, attrs);
    let deflators = deflators()?;
    let text = serde_json::to_string(&deflators).expect("serializes");
    assert_eq!(
        serde_json::from_str::<Deflators>(&text).expect("loads"),
        deflators
    );
    // Values the builders refuse are refused on load too.
    assert!(
        serde_json::from_str::<MemberAttributes>(r#"{"population":{"FRA":{"2025":0}}}"#).is_err()
    );
    assert!(serde_json::from_str::<Deflators>(r#"{"indexes":{"USD":{"2025":"-1"}}}"#).is_err());
    Ok(())
}

proptest! {
    /// Per-capita bounds always contain the exact quotient.
    #[test]
    fn per_capita_bounds_contain_the_exact_value(
        low in 0u64..10_000_000,
        extra in 0u64..10_000_000,
        population in 1u64..2_000_000_000,
    ) {
        let high = low + extra;
        let row = per_capita_row(low, high, population).expect("divides");
        let high_per_capita = row.high().expect("bounded");
        // low × p ≤ low_total and high × p ≥ high_total, in integers: a
        // `Decimal` product would round a 28-digit quotient back to the
        // total and hide the rounding.
        prop_assert_ne!(times(row.low(), population, low), Ordering::Greater);
        prop_assert_ne!(times(high_per_capita, population, high), Ordering::Less);
        let exact = times(row.low(), population, low) == Ordering::Equal
            && times(high_per_capita, population, high) == Ordering::Equal;
        prop_assert_eq!(row.is_rounded(), !exact);
    }
}

/// France's personnel per capita, for one troops pledge of `low`–`high`
/// and a population in 2025.
fn per_capita_row(low: u64, high: u64, population: u64) -> Result<RelativeRow> {
    let mut ledger = roster();
    ledger.open_pledge(
        troops("FRA-1", "FRA", Estimate::range(low, high)?),
        reported("2025-09-04"),
    )?;
    let table = ledger
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Member])
        .run()?;
    let attrs = MemberAttributes::new().with_population(&mid("FRA"), 2025, population)?;
    let per_capita = table.relative(Relative::PerCapita, &attrs, 2025)?;
    per_capita
        .rows()
        .next()
        .cloned()
        .ok_or_else(|| Error::Internal {
            what: "no row".into(),
        })
}

/// How `quotient × factor` compares with `total`, exactly: the quotient's
/// mantissa times the factor against the total times ten to the quotient's
/// scale (both fit in an `i128` for the sizes the property draws).
fn times(quotient: Decimal, factor: u64, total: u64) -> Ordering {
    let scaled = 10i128
        .checked_pow(quotient.scale())
        .and_then(|ten| ten.checked_mul(i128::from(total)))
        .expect("fits");
    let product = quotient
        .mantissa()
        .checked_mul(i128::from(factor))
        .expect("fits");
    product.cmp(&scaled)
}

/// The case that showed a `Decimal` product hides rounding: 7,939,719 /
/// 1,007,581 needs more digits than a `Decimal` holds, and the rounded
/// quotient times the population rounds back to exactly 7,939,719.
#[test]
fn a_quotient_too_long_for_a_decimal_is_marked_rounded() -> Result<()> {
    let row = per_capita_row(7_939_719, 7_944_895, 1_007_581)?;
    assert!(row.is_rounded());
    assert_eq!(times(row.low(), 1_007_581, 7_939_719), Ordering::Less);
    Ok(())
}

#[test]
fn adjustments_count_in_constant_prices_too() -> Result<()> {
    let mut ledger = roster();
    ledger.open_pledge(
        funding("DEU-1", "DEU", Estimate::Exact(eur("1000"))),
        verified("2024-01-10"),
    )?;
    ledger.open_pledge(
        NewPledge::adjustment(
            pid("DEU-fix"),
            mid("DEU"),
            AdjustmentBasis::Pledged,
            eur("-200"),
        ),
        verified("2024-03-01"),
    )?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let deflators = Deflators::new()
        .with_index(Currency::EUR, 2024, dec("80"))?
        .with_index(Currency::EUR, 2025, dec("100"))?;
    let table = ledger
        .query()
        .measure(Measure::RealValue {
            currency: Currency::EUR,
            fx: &fx,
            deflators: &deflators,
            base_year: 2025,
        })
        .run()?;
    // (1,000 − 200) of 2024 × 100 / 80 = 1,000 in 2025 prices.
    assert_eq!(table.total().low(), dec("1000"));
    Ok(())
}

/// Under rows of several years the total divides by the attribute of each
/// member-year the rows cover, each once, as each row divides by its own
/// year's: never by one year's figure for every year's sum.
#[test]
fn a_total_over_rows_of_several_years_divides_by_each_years_attribute() -> Result<()> {
    let mut ledger = roster();
    for (id, date) in [("F24", "2024-03-01"), ("F25", "2025-03-01")] {
        ledger.open_pledge(
            funding(id, "FRA", Estimate::Exact(eur("100"))),
            reported(date),
        )?;
    }
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let table = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .group_by([Dimension::Member, Dimension::Year])
        .run()?;
    let gdp = MemberAttributes::new()
        .with_gdp(&mid("FRA"), 2024, eur("1000"))?
        .with_gdp(&mid("FRA"), 2025, eur("1000"))?;
    let share = table.relative(Relative::ShareOfGdp, &gdp, 2025)?;
    let rows: Vec<Decimal> = share.rows().map(RelativeRow::low).collect();
    assert_eq!(rows, [dec("10"), dec("10")]);
    // EUR 200 of EUR 2,000 over the two years: 10 %, not 200 / 1,000.
    assert_eq!(share.total().low(), dec("10"));
    assert!(
        share
            .to_string()
            .contains("% of GDP (each row's year, undated 2025)"),
        "{share}"
    );
    Ok(())
}

/// A table at constant prices does not say whose prices: its header,
/// `measure()` and JSON are the same for base years 2023 and 2025, although
/// the figures differ (`Measure`'s own `Display` says `2025 prices`).
#[test]
fn a_constant_price_table_says_its_base_year() -> Result<()> {
    let prices = ConstantPrices::new()?;
    let (t2023, t2025) = (prices.table(2023)?, prices.table(2025)?);
    assert_ne!(t2023.total().low(), t2025.total().low());
    let text = t2025.to_string();
    assert!(text.contains("2025"), "which year's prices?\n{text}");
    assert!(
        text.starts_with("real_value (USD, 2025 prices, pledged)"),
        "{text}"
    );
    assert_eq!(
        (t2023.base_year(), t2025.base_year()),
        (Some(2023), Some(2025))
    );
    // It round-trips through serde; a table of any other measure writes
    // no `base_year`, as files written before it was kept.
    let json = serde_json::to_string(&t2025).expect("serializes");
    assert_eq!(serde_json::from_str::<Table>(&json).ok(), Some(t2025));
    let value = prices
        .ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::USD,
            fx: &prices.fx,
        })
        .run()?;
    let json = serde_json::to_string(&value).expect("serializes");
    assert!(!json.contains("base_year"), "{json}");
    assert_eq!(serde_json::from_str::<Table>(&json).ok(), Some(value));
    Ok(())
}

/// A relative table says what its table says of the rows: that rows
/// overlap (a member in two groups is counted in both, so the total is not
/// their sum), and that a total lies below zero (an adjustment exceeding
/// what was recorded), which a negative share alone would not explain.
#[test]
fn a_relative_table_notes_overlapping_rows_and_totals_below_zero() -> Result<()> {
    let mut ledger = roster();
    ledger.open_pledge(
        funding("FRA-1", "FRA", Estimate::Exact(eur("1000"))),
        verified("2025-01-10"),
    )?;
    ledger.open_pledge(
        funding("DEU-1", "DEU", Estimate::Exact(eur("100"))),
        verified("2025-01-10"),
    )?;
    ledger.open_pledge(pledged_adjustment("DEU", "-300"), verified("2025-03-01"))?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let table = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .group_by([Dimension::Group, Dimension::Member])
        .run()?;
    assert!(table.is_overlapping());
    let gdp = MemberAttributes::new()
        .with_gdp(&mid("FRA"), 2025, eur("100000"))?
        .with_gdp(&mid("DEU"), 2025, eur("100000"))?;
    let shares = table.relative(Relative::ShareOfGdp, &gdp, 2025)?;
    let printed = shares.to_string();
    let table_text = table.to_string();
    let table_notes: Vec<&str> = table_text
        .lines()
        .filter(|line| line.contains("several groups") || line.contains("below zero"))
        .collect();
    assert_eq!(table_notes.len(), 2, "{table}");
    for note in table_notes {
        assert!(printed.contains(note), "missing {note:?} in\n{printed}");
    }
    assert!(shares.is_overlapping());
    let json = serde_json::to_value(&shares).ok();
    assert_eq!(json.map(|v| v["overlapping"].clone()), Some(true.into()));
    Ok(())
}

/// A deflator divides too: the note of a constant-price table it rounded
/// names it among the divisions, not only causes the table does not have.
#[test]
fn a_deflator_division_note_names_the_deflator() -> Result<()> {
    let mut prices = ConstantPrices::new()?;
    prices.deflators = Deflators::new()
        .with_index(Currency::USD, 2023, dec("3"))?
        .with_index(Currency::USD, 2025, dec("1"))?;
    let table = prices.table(2025)?;
    assert!(table.total().is_rounded());
    let text = table.to_string();
    let note = text.lines().find(|l| l.contains("was rounded outward"));
    assert!(note.is_some_and(|n| n.contains("a deflator")), "{text}");
    Ok(())
}

/// A base year belongs to a constant-price table only: a count table's
/// JSON with one is refused, naming the field (it was read, and then
/// printed `count (2025 prices, pledged)`); a real-value table's keeps it.
#[test]
fn a_base_year_on_a_table_of_another_measure_is_refused() -> Result<()> {
    let table = roster().query().run()?;
    let mut json = serde_json::to_value(&table).expect("a table serializes");
    json["base_year"] = 2025.into();
    let read = serde_json::from_value::<Table>(json).map_err(|e| e.to_string());
    assert!(
        read.as_ref().is_err_and(|e| e.contains("base_year")),
        "{read:?}"
    );
    let real = ConstantPrices::new()?.table(2025)?;
    let text = serde_json::to_string(&real).expect("a table serializes");
    assert_eq!(serde_json::from_str::<Table>(&text).ok(), Some(real));
    Ok(())
}
