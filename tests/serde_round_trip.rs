//! Serde both ways: every owned public data type a user would store or send
//! serializes and deserializes back to an equal value.

use coalition_ledger::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// Serializes, deserializes, and checks the value and its text are unchanged.
fn round_trip<T>(value: &T) -> std::result::Result<T, Box<dyn std::error::Error>>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(value)?;
    let back: T = serde_json::from_str(&text)?;
    assert_eq!(&back, value, "{text}");
    assert_eq!(serde_json::to_string(&back)?, text);
    Ok(back)
}

fn rates() -> coalition_ledger::Result<FxRates> {
    FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
        .with_rate(
            Currency::USD,
            parse_date("2025-09-01")?,
            parse_amount("0.92")?,
        )?
        .with_rate(
            Currency::GBP,
            parse_date("2025-09-01")?,
            parse_amount("1.165")?,
        )
}

#[test]
fn fx_rates_round_trip_and_are_validated_on_load() -> TestResult {
    let fx = round_trip(&rates()?)?;
    assert_eq!(
        fx.rate(Currency::USD, parse_date("2025-09-04")?)?,
        parse_amount("0.92")?
    );
    round_trip(&RatePolicy::OnDate)?;
    // A rate the API refuses is refused on load too.
    let bad = r#"{"base":"EUR","policy":"on_date","rates":{"USD":{"2025-09-01":"-1"}}}"#;
    assert!(serde_json::from_str::<FxRates>(bad).is_err());
    let base = r#"{"base":"EUR","policy":"on_date","rates":{"EUR":{"2025-09-01":"1"}}}"#;
    assert!(serde_json::from_str::<FxRates>(base).is_err());
    Ok(())
}

#[test]
fn provenance_round_trips_in_the_document_form() -> TestResult {
    let provenance = Provenance::new(Evidence::Reported)
        .on(parse_date("2025-09-04")?)
        .cite(SourceId::new("reuters")?)
        .cite(SourceId::new("elysee")?);
    round_trip(&provenance)?;
    round_trip(&Provenance::new(Evidence::Unconfirmed))?;
    assert_eq!(
        serde_json::to_string(&provenance)?,
        r#"{"date":"2025-09-04","evidence":"reported","sources":["elysee","reuters"]}"#
    );
    // Sources in any order and repeated come back sorted and unique.
    let text = r#"{"evidence":"verified","sources":["b","a","b"]}"#;
    let loaded: Provenance = serde_json::from_str(text)?;
    assert_eq!(loaded.sources(), [SourceId::new("a")?, SourceId::new("b")?]);
    assert!(serde_json::from_str::<Provenance>(r#"{"evidence":"verified","extra":1}"#).is_err());
    assert!(serde_json::from_str::<Provenance>(r#"{"evidence":"sure"}"#).is_err());
    Ok(())
}

#[test]
fn reports_and_diagnostics_round_trip() -> TestResult {
    let ledger = fixtures::paris_summit();
    let report = ledger.check(&CheckOptions::new(parse_date("2025-12-31")?));
    assert!(report.iter().next().is_some(), "the fixture has findings");
    let back = round_trip(&report)?;
    for diagnostic in back.iter() {
        round_trip(diagnostic)?;
        round_trip(&diagnostic.code())?;
        round_trip(&diagnostic.severity())?;
        round_trip(diagnostic.subject())?;
    }
    round_trip(&Subject::Entry(17))?;
    round_trip(&Subject::Member(MemberId::new("FRA")?))?;
    Ok(())
}

#[test]
fn check_options_round_trip() -> TestResult {
    let options = CheckOptions::new(parse_date("2025-12-31")?)
        .disable(Code::MemberWithoutPledges)
        .severity(Code::NoSource, Severity::Error)
        .stale_after_days(90)
        .min_unit_value(
            Category::new("air-defence")?,
            Money::parse("100000", Currency::EUR)?,
        )
        .fx(rates()?);
    let back = round_trip(&options)?;
    assert!(!back.is_enabled(Code::MemberWithoutPledges));
    assert_eq!(back.severity_of(Code::NoSource), Severity::Error);
    Ok(())
}

#[test]
fn stage_dates_and_spelled_enums_round_trip() -> TestResult {
    let ledger = fixtures::paris_summit();
    for pledge in ledger.pledges() {
        round_trip(&pledge.dates())?;
    }
    for dimension in Dimension::ALL {
        round_trip(&dimension)?;
    }
    for basis in Basis::ALL {
        round_trip(&basis)?;
    }
    round_trip(&Undated::Include)?;
    Ok(())
}

#[test]
fn a_ledger_serializes_as_its_json_document_and_is_validated_on_load() -> TestResult {
    let ledger = fixtures::paris_summit();
    let text = serde_json::to_string(&ledger)?;
    let back: Ledger = serde_json::from_str(&text)?;
    assert_eq!(back.to_json(), ledger.to_json());
    assert_eq!(serde_json::to_string(&back)?, text);
    // The same document as `to_json`, up to whitespace.
    let document: serde_json::Value = serde_json::from_str(&ledger.to_json())?;
    assert_eq!(serde_json::to_value(&ledger)?, document);

    // An entry the API would refuse (an unknown member) is refused on load.
    let mut small = Ledger::new();
    small.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    let spec = NewPledge::new(
        PledgeId::new("FRA-1")?,
        MemberId::new("FRA")?,
        Contribution::Troops {
            personnel: Estimate::Exact(100),
        },
    );
    small.open_pledge(spec, Provenance::new(Evidence::Verified))?;
    let broken = serde_json::to_string(&small)?.replacen("\"FRA\"", "\"DEU\"", 1);
    let err = serde_json::from_str::<Ledger>(&broken)
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains("unknown member `FRA`")),
        "{err:?}"
    );
    Ok(())
}
