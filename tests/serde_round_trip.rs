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
    // In order but repeated: still one of each.
    let text = r#"{"evidence":"verified","sources":["a","a","b"]}"#;
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
    for precision in DatePrecision::ALL {
        round_trip(&precision)?;
    }
    for basis in AdjustmentBasis::ALL {
        round_trip(&basis)?;
    }
    Ok(())
}

#[test]
fn the_values_real_datasets_brought_round_trip() -> TestResult {
    for text in ["2024-03-15", "2024-03", "2024"] {
        let date: PartialDate = text.parse()?;
        assert_eq!(
            serde_json::to_string(&round_trip(&date)?)?,
            format!("\"{text}\"")
        );
    }
    let provenance = Provenance::new(Evidence::Reported).within("2024-03".parse()?);
    assert_eq!(
        serde_json::to_string(&round_trip(&provenance)?)?,
        r#"{"date":"2024-03","evidence":"reported"}"#
    );
    let fix = NewPledge::adjustment(
        PledgeId::new("DEU-fix")?,
        MemberId::new("DEU")?,
        AdjustmentBasis::Delivered,
        Money::parse("-51.90", Currency::EUR)?,
    );
    let actions = [
        Action::Pledge(Box::new(fix)),
        Action::AmendMember(Box::new(
            Member::new(MemberId::new("FIN")?, "Finland").with_group(GroupId::new("NATO")?),
        )),
        Action::AmendSource(Box::new(Source::new(
            SourceId::new("kiel")?,
            "Kiel Institute",
            SourceKind::Dataset,
        ))),
        Action::Void {
            pledge: PledgeId::new("DEU-7")?,
            reason: "imported twice".into(),
        },
    ];
    for action in &actions {
        round_trip(action)?;
    }
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

#[test]
fn pledge_records_are_owned_and_round_trip() -> TestResult {
    let ledger = fixtures::paris_summit();
    for pledge in ledger.pledges() {
        let record = round_trip(&pledge.to_record())?;
        assert_eq!(&record.id, pledge.id());
        assert_eq!(record.stage, pledge.stage());
        assert_eq!(record.conditions, pledge.conditions());
        assert_eq!(record.sources.iter().collect::<Vec<_>>(), pledge.sources());
    }
    // A delivered and a withdrawn pledge keep their amounts, dates and reason.
    let mut ledger = Ledger::new();
    ledger.add_member(Member::new(MemberId::new("DEU")?, "Germany"))?;
    let id = PledgeId::new("DEU-fund")?;
    let amount = Estimate::Exact(Money::parse("50000000", Currency::EUR)?);
    let spec = NewPledge::new(
        id.clone(),
        MemberId::new("DEU")?,
        Contribution::Funding { amount },
    );
    let on = |d: &str| -> coalition_ledger::Result<Provenance> {
        Ok(Provenance::new(Evidence::Verified).on(parse_date(d)?))
    };
    ledger.open_pledge(spec, on("2025-01-10")?)?;
    ledger.deliver(&id, parse_amount("12500000.50")?, on("2025-03-01")?)?;
    ledger.withdraw(&id, "budget cut", on("2025-04-01")?)?;
    let record = ledger.pledge(&id).map(|p| p.to_record()).ok_or("opened")?;
    let back = round_trip(&record)?;
    assert_eq!(back.delivered, parse_amount("12500000.50")?);
    assert_eq!(back.withdrawal_reason.as_deref(), Some("budget cut"));
    assert_eq!(back.dates.withdrawn, Some(parse_date("2025-04-01")?));
    assert!(serde_json::to_string(&back)?.contains(r#""delivered":"12500000.50""#));
    Ok(())
}

/// A record keeps what makes a pledge count as it does: a void (with its
/// reason), an adjustment's basis, a date known only to a month.
#[test]
fn pledge_records_keep_voids_adjustments_and_periods() -> TestResult {
    let mut ledger = Ledger::new();
    ledger.add_member(Member::new(MemberId::new("DEU")?, "Germany"))?;
    let in_march = Provenance::new(Evidence::Reported).within("2025-03".parse()?);
    let troops = NewPledge::new(
        PledgeId::new("DEU-1")?,
        MemberId::new("DEU")?,
        Contribution::Troops {
            personnel: Estimate::Exact(100),
        },
    );
    ledger.open_pledge(troops, in_march.clone())?;
    ledger.record(
        Action::Void {
            pledge: PledgeId::new("DEU-1")?,
            reason: "imported twice".into(),
        },
        Provenance::new(Evidence::Verified).on(parse_date("2025-04-02")?),
    )?;
    let fix = NewPledge::adjustment(
        PledgeId::new("DEU-fix")?,
        MemberId::new("DEU")?,
        AdjustmentBasis::Pledged,
        Money::parse("-5", Currency::EUR)?,
    );
    ledger.open_pledge(fix, in_march)?;
    let record = |id: &str| -> std::result::Result<PledgeRecord, Box<dyn std::error::Error>> {
        let pledge = ledger.pledge(&PledgeId::new(id)?).ok_or("recorded")?;
        round_trip(&pledge.to_record())
    };
    let voided = record("DEU-1")?;
    assert_eq!(voided.void_reason.as_deref(), Some("imported twice"));
    assert_eq!(
        voided.period.map(|p| p.to_string()).as_deref(),
        Some("2025-03")
    );
    assert_eq!(voided.adjusts, None);
    let fix = record("DEU-fix")?;
    assert_eq!(fix.adjusts, Some(AdjustmentBasis::Pledged));
    assert_eq!(fix.void_reason, None);
    Ok(())
}

#[test]
fn tables_rows_totals_and_keys_round_trip() -> TestResult {
    let ledger = fixtures::paris_summit();
    let fx = fixtures::september_2025_rates();
    let dimensions = [
        vec![Dimension::Member],
        vec![Dimension::Group, Dimension::Kind],
        vec![Dimension::Category, Dimension::Stage, Dimension::Evidence],
        vec![Dimension::Year, Dimension::Month, Dimension::Conditional],
    ];
    for group_by in dimensions {
        let table = ledger.query().group_by(group_by.clone()).run()?;
        let back = round_trip(&table)?;
        assert_eq!(back.to_string(), table.to_string());
        for row in back.rows() {
            round_trip(row)?;
            round_trip(row.total())?;
            for key in row.keys() {
                round_trip(key)?;
            }
        }
        let value = ledger
            .query()
            .group_by(group_by)
            .measure(Measure::Value {
                currency: Currency::EUR,
                fx: &fx,
            })
            .leave_out_unconvertible(true)
            .run()?;
        round_trip(&value)?;
        round_trip(value.left_out())?;
    }
    assert_eq!(
        serde_json::to_string(&Key::Member(MemberId::new("FRA")?))?,
        r#"{"member":"FRA"}"#
    );
    round_trip(&Key::Month(Some((2025, 9))))?;
    round_trip(&Key::Group(None))?;
    Ok(())
}

#[test]
fn a_loaded_total_is_checked() {
    let ok = r#"{"low":"5","high":null,"count":2,"unspecified":1,"rounded":false}"#;
    assert!(serde_json::from_str::<Total>(ok).is_ok());
    for bad in [
        r#"{"low":"5","high":"4","count":1,"unspecified":0,"rounded":false}"#,
        r#"{"low":"5","high":null,"count":1,"unspecified":2,"rounded":false}"#,
        r#"{"low":5,"high":null,"count":1,"unspecified":0,"rounded":false}"#,
    ] {
        assert!(serde_json::from_str::<Total>(bad).is_err(), "{bad}");
    }
}

#[test]
fn coverage_and_scenarios_round_trip() -> TestResult {
    let ledger = fixtures::paris_summit();
    let usa = MemberId::new("USA")?;
    let scenarios = [
        Scenario::new(),
        Scenario::firm_only(),
        Scenario::new()
            .holds(Condition::Ceasefire)
            .fails(Condition::Backstop { by: usa.clone() }),
    ];
    for scenario in &scenarios {
        let back = round_trip(scenario)?;
        let coverage = ledger
            .query()
            .scenario(&back)
            .coverage(&Target::personnel(25_000))?;
        let loaded = round_trip(&coverage)?;
        assert_eq!(loaded.to_string(), coverage.to_string());
    }
    // A condition cannot both hold and fail.
    let both = r#"{"holds":["ceasefire"],"fails":["ceasefire"],"firm_only":false}"#;
    assert!(serde_json::from_str::<Scenario>(both).is_err());
    Ok(())
}
