//! ISO 4217 historical codes: accepted for dated data, refused for
//! conversion after their withdrawal.

use coalition_ledger::{
    Contribution, Currency, Error, Estimate, Evidence, FxRates, Ledger, Measure, Member, MemberId,
    Money, NewPledge, PledgeId, Provenance, RatePolicy, Record, Result, parse_amount, parse_date,
};

fn croatian_funding(date: &str) -> Result<Ledger> {
    let mut ledger = Ledger::new();
    ledger.add_member(Member::new(MemberId::new("HRV")?, "Croatia"))?;
    let amount = Estimate::Exact(Money::parse("1000000", Currency::new("HRK")?)?);
    let spec = NewPledge::new(
        PledgeId::new("HRV-fund")?,
        MemberId::new("HRV")?,
        Contribution::Funding { amount },
    );
    ledger.open_pledge(
        spec,
        Provenance::new(Evidence::Verified).on(parse_date(date)?),
    )?;
    Ok(ledger)
}

fn rates() -> Result<FxRates> {
    FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore).with_rate(
        Currency::new("HRK")?,
        parse_date("2022-07-12")?,
        parse_amount("0.13272280")?,
    )
}

#[test]
fn historical_codes_are_accepted_and_round_trip() -> Result<()> {
    for code in ["HRK", "SLL", "ZWL", "CUC", "DEM", "FRF", "LTL", "VEF"] {
        let currency = Currency::new(code)?;
        assert_eq!(currency.to_string(), code);
        assert!(currency.withdrawn_after().is_some(), "{code}");
        let json = serde_json::to_string(&currency).unwrap_or_default();
        assert_eq!(serde_json::from_str::<Currency>(&json).ok(), Some(currency));
    }
    assert!(Currency::new("XYZ").is_err());
    assert!(Currency::all().all(|c| c.withdrawn_after().is_none()));
    Ok(())
}

#[test]
fn a_dated_pledge_before_withdrawal_converts() -> Result<()> {
    let ledger = croatian_funding("2022-11-15")?;
    let fx = rates()?;
    let table = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .run()?;
    assert_eq!(table.total().low(), parse_amount("132722.80")?);
    // A saved document with a historical code loads again unchanged.
    let text = ledger.to_json();
    assert_eq!(Ledger::from_json(&text)?.to_json(), text);
    Ok(())
}

#[test]
fn converting_after_withdrawal_names_currency_and_dates() -> Result<()> {
    let ledger = croatian_funding("2023-03-01")?;
    let fx = rates()?;
    let err = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .run()
        .err();
    let err = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("HRK"), "{err}");
    assert!(err.contains("2023-03-01"), "{err}");
    assert!(err.contains("2023-01-31"), "{err}");
    // The last day of the month of withdrawal still converts.
    assert!(
        fx.rate(Currency::new("HRK")?, parse_date("2023-01-31")?)
            .is_ok()
    );
    Ok(())
}

#[test]
fn a_withdrawn_base_refuses_later_dates() -> Result<()> {
    let dem = Currency::new("DEM")?;
    let fx = FxRates::new(dem, RatePolicy::LatestOnOrBefore).with_rate(
        Currency::USD,
        parse_date("2001-01-02")?,
        parse_amount("2.1")?,
    )?;
    assert!(fx.rate(Currency::USD, parse_date("2001-06-01")?).is_ok());
    let err = fx.rate(Currency::USD, parse_date("2002-04-01")?);
    assert!(matches!(err, Err(Error::WithdrawnCurrency { ref currency, .. }) if currency == "DEM"));
    Ok(())
}

/// Money in a currency withdrawn before its date cannot be converted, like
/// money without a rate: when the caller asks, it is left out and counted,
/// on every basis and in coverage, instead of failing the whole answer.
#[test]
fn a_withdrawn_currency_is_left_out_when_asked() -> Result<()> {
    let ledger = croatian_funding("2023-03-01")?;
    let fx = rates()?;
    let value = Measure::Value {
        currency: Currency::EUR,
        fx: &fx,
    };
    // Not asked, the query fails naming the pledge.
    let err = ledger.query().measure(value).run().unwrap_err();
    assert_eq!(
        err.to_string(),
        "pledge `HRV-fund`: cannot convert HRK on 2023-03-01: the currency was withdrawn after 2023-01-31"
    );
    assert!(matches!(err.root(), Error::WithdrawnCurrency { .. }));
    for basis in [
        coalition_ledger::Basis::Pledged,
        coalition_ledger::Basis::Outstanding,
    ] {
        let table = ledger
            .query()
            .measure(value)
            .basis(basis)
            .leave_out_unconvertible(true)
            .run()?;
        assert_eq!(table.left_out().unconvertible(), 1, "basis {basis}");
        assert_eq!(table.total().count(), 0, "basis {basis}");
        assert!(table.to_string().contains("note:"), "{table}");
    }
    let target = coalition_ledger::Target::value(Money::parse("1000", Currency::EUR)?, &fx);
    let coverage = ledger
        .query()
        .leave_out_unconvertible(true)
        .coverage(&target)?;
    assert_eq!(coverage.left_out().unconvertible(), 1);
    Ok(())
}
