//! Money converted at each delivery's own date, rates with a maximum age,
//! inverse and cross rates, and rates and scenarios loaded back from files.

mod common;

use coalition_ledger::*;
use common::*;

fn usd(text: &str) -> Money {
    Money::new(dec(text), Currency::USD)
}

fn rates() -> FxRates {
    FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
        .with_rate(Currency::USD, d("2025-01-01"), dec("1.1"))
        .and_then(|fx| fx.with_rate(Currency::USD, d("2025-02-01"), dec("1.16")))
        .and_then(|fx| fx.with_rate(Currency::USD, d("2025-03-01"), dec("1.17")))
        .expect("valid rates")
}

/// USD 1,000 pledged on 2025-01-01; USD 200 delivered on 2025-02-01 and
/// USD 300 on 2025-03-01.
fn two_tranches() -> Ledger {
    let mut ledger = roster();
    let id = pid("USA-f");
    ledger
        .open_pledge(
            funding("USA-f", "USA", Estimate::Exact(usd("1000"))),
            reported("2025-01-01"),
        )
        .expect("opened");
    ledger
        .deliver_money(&id, usd("200"), reported("2025-02-01"))
        .expect("first tranche");
    ledger
        .deliver_money(&id, usd("300"), reported("2025-03-01"))
        .expect("second tranche");
    ledger
}

fn value(ledger: &Ledger, fx: &FxRates, basis: Basis, by: Dimension) -> Result<Table> {
    ledger
        .query()
        .measure(Measure::Value {
            currency: fx.base(),
            fx,
        })
        .basis(basis)
        .group_by([by])
        .run()
}

#[test]
fn delivered_money_sums_the_tranches_each_at_its_own_date() -> Result<()> {
    let ledger = two_tranches();
    let fx = rates();
    // 200 × 1.16 + 300 × 1.17 = 232 + 351 = 583 (not 500 × 1.17 = 585).
    for by in [Dimension::Member, Dimension::Year] {
        let delivered = value(&ledger, &fx, Basis::Delivered, by)?;
        assert_eq!(delivered.total().low(), dec("583"), "grouped by {by}");
        assert!(delivered.total().is_exact());
    }
    Ok(())
}

#[test]
fn outstanding_stays_in_the_pledge_currency_converted_at_the_pledge_date() -> Result<()> {
    let ledger = two_tranches();
    let fx = rates();
    // (1000 − 500) USD at the pledge's rate 1.1.
    let outstanding = value(&ledger, &fx, Basis::Outstanding, Dimension::Member)?;
    assert_eq!(outstanding.total().low(), dec("550"));
    let pledged = value(&ledger, &fx, Basis::Pledged, Dimension::Member)?;
    assert_eq!(pledged.total().low(), dec("1100"));
    Ok(())
}

#[test]
fn as_of_a_date_only_the_tranches_delivered_by_then_count() -> Result<()> {
    let ledger = two_tranches();
    let fx = rates();
    let table = ledger
        .query()
        .as_of(d("2025-02-15"))
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .basis(Basis::Delivered)
        .run()?;
    assert_eq!(table.total().low(), dec("232"));
    Ok(())
}

#[test]
fn a_correction_converts_at_its_own_date_too() -> Result<()> {
    let mut ledger = two_tranches();
    ledger.correct_delivery(&pid("USA-f"), dec("-100"), reported("2025-03-15"))?;
    let delivered = value(&ledger, &rates(), Basis::Delivered, Dimension::Member)?;
    // 232 + 351 − 100 × 1.17 = 466.
    assert_eq!(delivered.total().low(), dec("466"));
    Ok(())
}

#[test]
fn delivered_equipment_carries_its_share_of_the_value_at_each_tranche_date() -> Result<()> {
    let mut ledger = roster();
    let id = pid("USA-e");
    ledger.open_pledge(
        equipment(
            "USA-e",
            "USA",
            "air-defence",
            Estimate::Exact(10),
            Some(Estimate::Exact(usd("1000"))),
        ),
        reported("2025-01-01"),
    )?;
    ledger.deliver(&id, dec("2"), reported("2025-02-01"))?;
    ledger.deliver(&id, dec("3"), reported("2025-03-01"))?;
    let fx = rates();
    // (1000 × 1.16 × 2 + 1000 × 1.17 × 3) / 10 = (2320 + 3510) / 10 = 583.
    for by in [Dimension::Member, Dimension::Year] {
        let delivered = value(&ledger, &fx, Basis::Delivered, by)?;
        assert_eq!(delivered.total().low(), dec("583"));
        assert_eq!(delivered.total().high(), Some(dec("583")));
    }
    // Outstanding: 1000 × 5/10 at the pledge's 1.1.
    let outstanding = value(&ledger, &fx, Basis::Outstanding, Dimension::Member)?;
    assert_eq!(outstanding.total().low(), dec("550"));
    Ok(())
}

#[test]
fn a_rate_older_than_the_maximum_age_is_an_error_naming_currency_and_date() -> Result<()> {
    let mut ledger = roster();
    ledger.open_pledge(
        funding("USA-26", "USA", Estimate::Exact(usd("100"))),
        reported("2026-01-15"),
    )?;
    let old = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore).with_rate(
        Currency::USD,
        d("2025-09-01"),
        dec("0.92"),
    )?;
    // Without a maximum age the 2025-09 rate is used...
    assert_eq!(
        value(&ledger, &old, Basis::Pledged, Dimension::Member)?
            .total()
            .low(),
        dec("92")
    );
    // ...with one, it is refused, by both query paths.
    let fresh = old.clone().with_max_age_days(31);
    for by in [Dimension::Member, Dimension::Year] {
        let err = value(&ledger, &fresh, Basis::Pledged, by).unwrap_err();
        assert!(matches!(
            err.root(),
            Error::StaleRate {
                max_age_days: 31,
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "pledge `USA-26`: the latest rate for USD on or before 2026-01-15 is from 2025-09-01, older than 31 days"
        );
    }
    // Leaving unconvertible amounts out counts it as such.
    let table = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fresh,
        })
        .leave_out_unconvertible(true)
        .run()?;
    assert_eq!(table.left_out().unconvertible(), 1);
    assert_eq!(table.total().count(), 0);
    // A rate exactly at the limit is used.
    let edge = fresh.with_rate(Currency::USD, d("2025-12-15"), dec("0.9"))?;
    assert_eq!(
        value(&ledger, &edge, Basis::Pledged, Dimension::Member)?
            .total()
            .low(),
        dec("90")
    );
    Ok(())
}

#[test]
fn totals_in_another_currency_use_inverse_and_cross_rates_only_when_asked() -> Result<()> {
    let on = d("2025-01-01");
    let mut ledger = roster();
    ledger.open_pledge(
        funding("FRA-f", "FRA", Estimate::Exact(eur("100"))),
        reported("2025-01-01"),
    )?;
    ledger.open_pledge(
        funding(
            "GBR-f",
            "GBR",
            Estimate::Exact(Money::new(dec("100"), Currency::GBP)),
        ),
        reported("2025-01-01"),
    )?;
    ledger.open_pledge(
        funding("USA-f", "USA", Estimate::Exact(usd("100"))),
        reported("2025-01-01"),
    )?;
    let strict = FxRates::new(Currency::EUR, RatePolicy::OnDate)
        .with_rate(Currency::USD, on, dec("0.8"))?
        .with_rate(Currency::GBP, on, dec("1.2"))?;
    let in_usd = |fx: &FxRates| {
        ledger
            .query()
            .measure(Measure::Value {
                currency: Currency::USD,
                fx,
            })
            .group_by([Dimension::Member])
            .run()
    };
    assert!(in_usd(&strict).is_err());
    let cross = strict.with_cross_rates(true);
    let table = in_usd(&cross)?;
    // EUR 100 / 0.8 = 125; GBP 100 × 1.2 / 0.8 = 150; USD 100 as is.
    let of = |m: &str| table.row(&[Key::Member(mid(m))]).map(|r| r.total().low());
    assert_eq!(of("FRA"), Some(dec("125")));
    assert_eq!(of("GBR"), Some(dec("150")));
    assert_eq!(of("USA"), Some(dec("100")));
    assert_eq!(table.total().low(), dec("375"));
    assert!(table.total().is_exact());
    Ok(())
}

#[test]
fn an_inexact_inverse_rate_is_rounded_outward_and_the_total_says_so() -> Result<()> {
    let on = d("2025-01-01");
    let mut ledger = roster();
    ledger.open_pledge(
        funding("FRA-f", "FRA", Estimate::Exact(eur("100"))),
        reported("2025-01-01"),
    )?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate)
        .with_rate(Currency::USD, on, dec("3"))?
        .with_cross_rates(true);
    let table = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::USD,
            fx: &fx,
        })
        .run()?;
    let total = table.total();
    assert!(total.is_rounded());
    let high = total.high().expect("bounded");
    assert!(total.low() < high);
    // The exact 33.33… lies between the bounds.
    assert!(total.low() > dec("33.3333333333") && high < dec("33.3333333334"));
    assert!(high.checked_sub(total.low()) < Some(dec("0.000000000000000000001")));
    Ok(())
}

#[test]
fn fx_rates_and_scenarios_load_back_from_their_json() -> Result<()> {
    let fx = rates().with_max_age_days(40).with_cross_rates(true);
    let back = FxRates::from_json(&fx.to_json())?;
    assert_eq!(back, fx);
    assert_eq!(back.max_age_days(), Some(40));
    assert!(back.allows_cross_rates());
    // Through serde as well, and a file without the new fields still loads.
    let text = serde_json::to_string(&fx).expect("serializes");
    assert_eq!(serde_json::from_str::<FxRates>(&text).expect("loads"), fx);
    let old = r#"{"base":"EUR","policy":"on_date","rates":{"USD":{"2025-01-01":"1.1"}}}"#;
    assert_eq!(FxRates::from_json(old)?.max_age_days(), None);
    let err = FxRates::from_json(r#"{"base":"EUR","policy":"on_date","rates":{},"extra":1}"#)
        .unwrap_err();
    assert!(matches!(err, Error::Json { line: 1, .. }), "{err}");

    let scenario = Scenario::new()
        .holds(Condition::Ceasefire)
        .fails(Condition::Backstop { by: mid("USA") });
    assert_eq!(Scenario::from_json(&scenario.to_json())?, scenario);
    let firm = Scenario::firm_only();
    assert_eq!(Scenario::from_json(&firm.to_json())?, firm);
    Ok(())
}

#[cfg(feature = "csv")]
#[test]
fn rates_load_from_csv_and_errors_name_the_line() -> Result<()> {
    use coalition_ledger::io::rates::{read_fx_csv, write_fx_csv};
    let fx = rates();
    let mut out = Vec::new();
    write_fx_csv(&fx, &mut out)?;
    let back = read_fx_csv(out.as_slice(), Currency::EUR, RatePolicy::LatestOnOrBefore)?;
    assert_eq!(back, fx);
    let bad = "currency,date,rate\nUSD,2025-01-01,1.1\nXYZ,2025-01-01,1\n";
    let err = read_fx_csv(bad.as_bytes(), Currency::EUR, RatePolicy::OnDate).unwrap_err();
    assert!(
        matches!(&err, Error::Csv { line: 3, column: Some(c), .. } if c == "currency"),
        "{err}"
    );
    let twice = "currency,date,rate\nUSD,2025-01-01,1.1\nUSD,2025-01-01,1.2\n";
    let err = read_fx_csv(twice.as_bytes(), Currency::EUR, RatePolicy::OnDate).unwrap_err();
    assert!(matches!(err, Error::Csv { line: 3, .. }), "{err}");
    let header = "currency,rate,date\n";
    assert!(read_fx_csv(header.as_bytes(), Currency::EUR, RatePolicy::OnDate).is_err());
    let negative = "currency,date,rate\nUSD,2025-01-01,-1\n";
    assert!(read_fx_csv(negative.as_bytes(), Currency::EUR, RatePolicy::OnDate).is_err());
    // With `\r\n` line ends, and after an empty line, a row's error names
    // its own line.
    for (text, line) in [
        (
            "currency,date,rate\r\nUSD,2025-01-01,1.1\r\nXYZ,2025-01-01,1\r\n",
            3,
        ),
        (
            "currency,date,rate\nUSD,2025-01-01,1.1\n\nXYZ,2025-01-01,1\n",
            4,
        ),
        (
            "currency,date,rate\r\nUSD,2025-01-01,1.1\r\nUSD,2025-01-01,1.2\r\n",
            3,
        ),
    ] {
        let err = read_fx_csv(text.as_bytes(), Currency::EUR, RatePolicy::OnDate).unwrap_err();
        assert!(
            matches!(&err, Error::Csv { line: l, .. } if *l == line),
            "{text:?}: {err}"
        );
    }
    // A header below an empty line is named at its own line.
    let err = read_fx_csv(
        "\ncurrency,rate,date\n".as_bytes(),
        Currency::EUR,
        RatePolicy::OnDate,
    )
    .unwrap_err();
    assert!(matches!(err, Error::Csv { line: 2, .. }), "{err}");
    // A row as long as a hostile file makes it is refused at its line,
    // not read into memory whole.
    let long = format!(
        "currency,date,rate\nUSD,2025-01-01,1{}\n",
        "0".repeat(2 << 20)
    );
    let err = read_fx_csv(long.as_bytes(), Currency::EUR, RatePolicy::OnDate).unwrap_err();
    assert!(
        matches!(&err, Error::Csv { line: 2, message, .. } if message.contains("exceeds the limit of 65536 bytes")),
        "{err}"
    );
    Ok(())
}
