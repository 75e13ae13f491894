//! An analyst's script on the Paris summit fixture: troops by member and
//! stage, value by group in EUR, the "US backstop fails" scenario next to the
//! default, and the coverage of a reassurance-force target.
//!
//! The Paris summit published no figures, so the fixture's sizes are all
//! unspecified; the script adds a few *illustrative* pledges on top (marked as
//! such) to show how ranges, currencies and scenarios combine.
//!
//! ```text
//! cargo run --example analyst_totals
//! ```

use coalition_ledger::Result;
use coalition_ledger::prelude::*;

fn main() -> Result<()> {
    let mut ledger = fixtures::build_paris_summit()?;
    add_illustrative_pledges(&mut ledger)?;

    println!("== Troops by member and stage (personnel, pledged)\n");
    let troops = ledger
        .query()
        .kind(Kind::Troops)
        .group_by([Dimension::Member, Dimension::Stage])
        .measure(Measure::Personnel)
        .run()?;
    println!("{troops}");

    let fx = fixtures::september_2025_rates();
    println!("== FX table (EUR per unit, latest on or before the pledge date)\n");
    for (currency, date, rate) in fx.iter() {
        println!("  {currency}  {date}  {rate}");
    }

    println!("\n== Value by group in EUR (funding and equipment, pledged)\n");
    let value = ledger
        .query()
        .group_by([Dimension::Group])
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .run()?;
    println!("{value}");

    println!("== Outstanding value by kind in EUR\n");
    let outstanding = ledger
        .query()
        .group_by([Dimension::Kind])
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .basis(Basis::Outstanding)
        .run()?;
    println!("{outstanding}");

    let us = Condition::Backstop {
        by: MemberId::new("USA")?,
    };
    let us_fails = Scenario::new().fails(us.clone());
    let us_holds = Scenario::new().holds(us);
    println!("== Troops by scenario (personnel, pledged)\n");
    println!("  {:<22} total", "scenario");
    for (name, scenario) in [
        ("default (derived)", Scenario::new()),
        ("US backstop holds", us_holds),
        ("US backstop fails", us_fails.clone()),
        ("firm only", Scenario::firm_only()),
    ] {
        let table = ledger
            .query()
            .kind(Kind::Troops)
            .scenario(&scenario)
            .measure(Measure::Personnel)
            .run()?;
        let left_out = table.left_out().by_scenario();
        println!(
            "  {name:<22} {}; left out by the scenario: {left_out}",
            table.total()
        );
    }

    println!("\n== Coverage of an illustrative 25,000-strong reassurance force\n");
    let force = Category::new("reassurance-force")?;
    let default_scenario = Scenario::new();
    for (name, scenario) in [
        ("default", &default_scenario),
        ("US backstop fails", &us_fails),
    ] {
        let coverage = ledger
            .query()
            .category(&force)
            .scenario(scenario)
            .coverage(&Target::personnel(25_000))?;
        println!("scenario: {name}\n{coverage}");
    }
    Ok(())
}

/// Illustrative figures, not from the report: they only show the
/// arithmetic. Each pledge id ends in `-illustrative` and carries a note.
fn add_illustrative_pledges(ledger: &mut Ledger) -> Result<()> {
    let on = |date: &str, evidence: Evidence| -> Result<Provenance> {
        Ok(Provenance::new(evidence).on(parse_date(date)?))
    };
    let note = "ILLUSTRATIVE: not in the Paris summit report";
    let usa = MemberId::new("USA")?;
    let force = Category::new("reassurance-force")?;
    let troops = |id: &str, member: &str, personnel: Estimate<u64>| -> Result<NewPledge> {
        Ok(NewPledge::new(
            PledgeId::new(id)?,
            MemberId::new(member)?,
            Contribution::Troops { personnel },
        )
        .with_category(force.clone())
        .with_condition(Condition::Ceasefire)
        .with_condition(Condition::Backstop { by: usa.clone() })
        .with_notes(note))
    };
    ledger.open_pledge(
        troops(
            "FRA-troops-illustrative",
            "FRA",
            Estimate::range(2_000, 5_000)?,
        )?,
        on("2025-09-10", Evidence::Reported)?,
    )?;
    let gbr = PledgeId::new("GBR-troops-illustrative")?;
    ledger.open_pledge(
        troops(gbr.as_str(), "GBR", Estimate::AtLeast(3_000))?,
        on("2025-09-10", Evidence::Reported)?,
    )?;
    ledger.advance(
        &gbr,
        Stage::Committed,
        on("2025-09-20", Evidence::Verified)?,
    )?;
    let money = |amount: &str, currency: Currency| -> Result<Estimate<Money>> {
        Ok(Estimate::Exact(Money::parse(amount, currency)?))
    };
    let training = NewPledge::new(
        PledgeId::new("GBR-training-fund-illustrative")?,
        MemberId::new("GBR")?,
        Contribution::Funding {
            amount: money("250000000", Currency::GBP)?,
        },
    )
    .with_stage(Stage::Committed)
    .with_notes(note);
    ledger.open_pledge(training, on("2025-09-05", Evidence::Verified)?)?;
    let air_defence_id = PledgeId::new("FRA-air-defence-illustrative")?;
    let air_defence = NewPledge::new(
        air_defence_id.clone(),
        MemberId::new("FRA")?,
        Contribution::Equipment {
            category: Category::new("air-defence")?,
            units: Estimate::Exact(4),
            value: Some(Estimate::range(
                Money::parse("1200000000", Currency::EUR)?,
                Money::parse("1600000000", Currency::EUR)?,
            )?),
        },
    )
    .with_notes(note);
    ledger.open_pledge(air_defence, on("2025-09-06", Evidence::Reported)?)?;
    // One of the four units delivered: the outstanding value is 900m–1.2bn.
    ledger.deliver(
        &air_defence_id,
        Decimal::ONE,
        on("2025-09-25", Evidence::Verified)?,
    )?;
    let canada = NewPledge::new(
        PledgeId::new("CAN-fund-illustrative")?,
        MemberId::new("CAN")?,
        Contribution::Funding {
            amount: money("500000000", Currency::CAD)?,
        },
    )
    .with_condition(Condition::Backstop { by: usa })
    .with_notes(note);
    ledger.open_pledge(canada, on("2025-09-07", Evidence::Unconfirmed)?)?;
    Ok(())
}
