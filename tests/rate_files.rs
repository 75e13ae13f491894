//! Rate, deflator, attribute and scenario files: each amount read by
//! `parse_amount`, each date and year with one spelling, a key given twice
//! refused, and every error at its real line and column.

use coalition_ledger::*;

fn d(text: &str) -> NaiveDate {
    parse_date(text).expect("a valid date")
}

fn dec(text: &str) -> Decimal {
    parse_amount(text).expect("a valid amount")
}

/// The rates file of one GBP rate written as `rate` on `date`.
fn gbp_rates(date: &str, rate: &str) -> String {
    format!(r#"{{"base":"EUR","policy":"on_date","rates":{{"GBP":{{"{date}":"{rate}"}}}}}}"#)
}

/// The line, column and message of a JSON error; panics on another error.
fn json_error(err: Error) -> (usize, usize, String) {
    match err {
        Error::Json {
            line,
            column,
            message,
        } => (line, column, message),
        other => panic!("expected a JSON error, got {other}"),
    }
}

/// A serde_json error's line, column and message (for the types read
/// through serde only).
fn serde_error(err: serde_json::Error) -> (usize, usize, String) {
    (err.line(), err.column(), err.to_string())
}

#[test]
fn a_rate_is_read_as_parse_amount_reads_it_never_rounded() {
    let too_precise = "1.1234567890123456789012345678901";
    let err = FxRates::from_json(&gbp_rates("2025-09-01", too_precise)).unwrap_err();
    let (line, column, message) = json_error(err);
    assert_eq!(line, 1);
    assert!(column > 1, "{column}");
    assert!(
        message.contains("31 decimal places, the limit is 28"),
        "{message}"
    );
    for bad in ["1.5e3", "01.165", "1_000", "+1", " 1", "1.", ".5", "-0"] {
        let err = FxRates::from_json(&gbp_rates("2025-09-01", bad)).unwrap_err();
        let (line, column, message) = json_error(err);
        assert_eq!(line, 1, "{bad}: {message}");
        assert!(column > 1, "{bad}: {column}");
        assert!(message.contains("amount"), "{bad}: {message}");
    }
}

#[test]
fn a_rate_date_has_one_spelling() {
    for bad in [
        "2025-9-1",
        "+12025-09-01",
        "2025-02-30",
        "2025-09-01T00:00",
        " 2025-09-01",
    ] {
        let err = FxRates::from_json(&gbp_rates(bad, "1.165")).unwrap_err();
        let (line, column, message) = json_error(err);
        assert_eq!(line, 1, "{bad}: {message}");
        assert!(column > 1, "{bad}: {column}");
        assert!(message.contains("YYYY-MM-DD"), "{bad}: {message}");
    }
}

#[test]
fn a_rate_given_twice_is_refused_not_overwritten() {
    let twice = r#"{"base":"EUR","policy":"on_date","rates":{"GBP":{"2025-09-01":"1.165","2025-09-01":"2"}}}"#;
    let (line, column, message) = json_error(FxRates::from_json(twice).unwrap_err());
    assert_eq!(line, 1);
    assert!(column > 1, "{column}");
    assert!(
        message.contains("duplicate") && message.contains("2025-09-01"),
        "{message}"
    );
    let currency_twice = r#"{"base":"EUR","policy":"on_date","rates":{"GBP":{"2025-09-01":"1.165"},"GBP":{"2025-09-02":"2"}}}"#;
    let (_, _, message) = json_error(FxRates::from_json(currency_twice).unwrap_err());
    assert!(
        message.contains("duplicate") && message.contains("GBP"),
        "{message}"
    );
    let field_twice = r#"{"base":"EUR","policy":"on_date","policy":"on_date","rates":{}}"#;
    let (_, _, message) = json_error(FxRates::from_json(field_twice).unwrap_err());
    assert!(message.contains("duplicate field `policy`"), "{message}");
}

#[test]
fn a_refused_rate_is_reported_at_its_line_and_column() {
    let text = "{\n  \"base\": \"EUR\",\n  \"policy\": \"on_date\",\n  \"rates\": {\n    \"GBP\": {\"2025-09-01\": \"-1\"}\n  }\n}";
    let err = FxRates::from_json(text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JSON line 5, column 31: rate for GBP on 2025-09-01: invalid rate: must be positive, got -1"
    );
    // A rate for the base itself, known only once the base is read.
    let text = "{\"rates\": {\"EUR\": {\"2025-09-01\": \"1\"}},\n \"base\": \"EUR\", \"policy\": \"on_date\"}";
    let (line, column, message) = json_error(FxRates::from_json(text).unwrap_err());
    assert_eq!((line, column), (2, 36), "{message}");
    assert!(
        message.contains("the base currency has no rate"),
        "{message}"
    );
}

#[test]
fn valid_rate_files_load_as_before() -> Result<()> {
    let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
        .with_rate(Currency::GBP, d("2025-09-01"), dec("1.10"))?
        .with_rate(
            Currency::GBP,
            d("2025-09-02"),
            dec("1.1234567890123456789012345678"),
        )?
        .with_rate(Currency::USD, d("0000-01-01"), dec("0.92"))?
        .with_rate(
            Currency::USD,
            d("9999-12-31"),
            dec("79228162514264337593543950335"),
        )?
        .with_max_age_days(31)
        .with_cross_rates(true);
    let text = fx.to_json();
    let back = FxRates::from_json(&text)?;
    assert_eq!(back, fx);
    assert_eq!(back.to_json(), text);
    assert!(text.contains(r#""2025-09-01":"1.10""#), "{text}");
    // Pretty-printed by hand, in another field order.
    let by_hand = "{\n \"rates\": {\"GBP\": {\"2025-09-01\": \"1.165\"}},\n \"policy\": \"on_date\",\n \"base\": \"EUR\"\n}";
    let fx = FxRates::from_json(by_hand)?;
    assert_eq!(fx.rate(Currency::GBP, d("2025-09-01"))?, dec("1.165"));
    Ok(())
}

#[test]
fn a_rate_dated_outside_four_digit_years_is_refused() -> Result<()> {
    let mut fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let year_10000 = NaiveDate::from_ymd_opt(10_000, 1, 1).expect("a chrono date");
    let err = fx.insert(Currency::USD, year_10000, dec("1")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "rate for USD on +10000-01-01: invalid date: +10000-01-01 is outside 0000-01-01 to 9999-12-31"
    );
    let before_year_0 = NaiveDate::from_ymd_opt(-1, 12, 31).expect("a chrono date");
    assert!(fx.insert(Currency::USD, before_year_0, dec("1")).is_err());
    assert_eq!(fx.iter().count(), 0);
    fx.insert(Currency::USD, d("9999-12-31"), dec("1"))?;
    Ok(())
}

#[test]
fn deflators_read_indexes_and_years_strictly() -> Result<()> {
    let load = |text: &str| serde_json::from_str::<Deflators>(text);
    let (line, column, message) = serde_error(
        load(r#"{"indexes":{"EUR":{"2025":"100.12345678901234567890123456789"}}}"#).unwrap_err(),
    );
    assert_eq!(line, 1);
    assert!(column > 1, "{column}");
    assert!(
        message.contains("29 decimal places, the limit is 28"),
        "{message}"
    );
    for bad in ["1e2", "0100", "1_00", "+100"] {
        let text = format!(r#"{{"indexes":{{"EUR":{{"2025":"{bad}"}}}}}}"#);
        let (_, column, message) = serde_error(load(&text).unwrap_err());
        assert!(column > 1 && message.contains("amount"), "{bad}: {message}");
    }
    for bad in ["02025", "+2025", " 2025", "2025.0", "-0"] {
        let text = format!(r#"{{"indexes":{{"EUR":{{"{bad}":"100"}}}}}}"#);
        let (_, column, message) = serde_error(load(&text).unwrap_err());
        assert!(column > 1 && message.contains("year"), "{bad}: {message}");
    }
    let twice = r#"{"indexes":{"EUR":{"2025":"100","2025":"101"}}}"#;
    let (_, _, message) = serde_error(load(twice).unwrap_err());
    assert!(
        message.contains("duplicate") && message.contains("2025"),
        "{message}"
    );
    let text = "{\"indexes\": {\n\"EUR\": {\"2025\": \"0\"}}}";
    let (line, column, message) = serde_error(load(text).unwrap_err());
    assert_eq!((line, column), (2, 20), "{message}");
    assert!(message.contains("deflator for EUR in 2025"), "{message}");

    let deflators = Deflators::new()
        .with_index(Currency::EUR, 2024, dec("97.50"))?
        .with_index(Currency::EUR, 2025, dec("100"))?;
    let text = serde_json::to_string(&deflators).expect("serializes");
    assert_eq!(load(&text).expect("loads"), deflators);
    Ok(())
}

#[test]
fn a_deflator_or_attribute_year_has_four_digits_at_most() -> Result<()> {
    let err = Deflators::new()
        .insert(Currency::EUR, 10_000, dec("100"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "deflator for EUR in 10000: invalid year: 10000 is outside 0 to 9999"
    );
    assert!(
        Deflators::new()
            .insert(Currency::EUR, -1, dec("100"))
            .is_err()
    );
    let fra = MemberId::new("FRA")?;
    assert!(
        MemberAttributes::new()
            .with_population(&fra, 10_000, 1)
            .is_err()
    );
    assert!(
        MemberAttributes::new()
            .with_gdp(&fra, -5, Money::parse("1", Currency::EUR)?)
            .is_err()
    );
    let text = r#"{"indexes":{"EUR":{"10000":"100"}}}"#;
    let (_, _, message) = serde_error(serde_json::from_str::<Deflators>(text).unwrap_err());
    assert!(message.contains("10000 is outside 0 to 9999"), "{message}");
    Ok(())
}

#[test]
fn member_attributes_refuse_a_year_or_member_given_twice() -> Result<()> {
    let load = |text: &str| serde_json::from_str::<MemberAttributes>(text);
    for twice in [
        r#"{"population":{"FRA":{"2025":1,"2025":2}}}"#,
        r#"{"gdp":{"FRA":{"2025":{"amount":"1","currency":"EUR"},"2025":{"amount":"2","currency":"EUR"}}}}"#,
        r#"{"defence_budget":{"FRA":{"2025":{"amount":"1","currency":"EUR"}},"FRA":{"2024":{"amount":"2","currency":"EUR"}}}}"#,
    ] {
        let (line, column, message) = serde_error(load(twice).unwrap_err());
        assert_eq!(line, 1, "{message}");
        assert!(column > 1, "{column}");
        assert!(message.contains("duplicate"), "{message}");
    }
    let (_, _, message) = serde_error(
        load(r#"{"gdp":{"FRA":{"2025":{"amount":"1.5e3","currency":"EUR"}}}}"#).unwrap_err(),
    );
    assert!(message.contains("amount"), "{message}");
    let text = "{\"population\":\n{\"FRA\": {\"2025\": 0}}}";
    let (line, column, message) = serde_error(load(text).unwrap_err());
    assert_eq!((line, column), (2, 19), "{message}");
    assert!(message.contains("population of `FRA` in 2025"), "{message}");

    let fra = MemberId::new("FRA")?;
    let attributes = MemberAttributes::new()
        .with_population(&fra, 2025, 68_600_000)?
        .with_gdp(&fra, 2025, Money::parse("2900000000000.50", Currency::EUR)?)?
        .with_defence_budget(&fra, 2024, Money::parse("50500000000", Currency::EUR)?)?;
    let text = serde_json::to_string(&attributes).expect("serializes");
    assert_eq!(load(&text).expect("loads"), attributes);
    Ok(())
}

#[test]
fn scenario_errors_name_their_real_place() {
    let err = Scenario::from_json("{\"holds\": [\"ceasefire\"],\n \"fails\": [\"ceasefire\"]}")
        .unwrap_err();
    let (line, column, message) = json_error(err);
    assert_eq!(line, 2, "{message}");
    assert!(column > 1, "{column}");
    assert!(
        message.contains("`ceasefire` both holds and fails"),
        "{message}"
    );
}

/// One condition per line: a condition listed twice, or refused, is placed
/// on its own line (it was placed on the next one, where the parser stood
/// when the list checked it).
#[test]
fn a_refused_condition_is_placed_on_its_own_line() {
    let cases = [
        (
            "{\n  \"holds\": [\n    \"ceasefire\",\n    \"ceasefire\"\n  ]\n}",
            4,
            "listed twice",
        ),
        (
            "{\n  \"holds\": [\n    {\"named\": \"\"},\n    \"ceasefire\"\n  ]\n}",
            3,
            "must say something",
        ),
        (
            "{\n  \"fails\": [\n    {\"backstop\": {\"by\": \"USA\"}},\n    {\"backstop\": {\"by\": \"USA\"}}\n  ]\n}",
            4,
            "listed twice",
        ),
    ];
    for (text, line, says) in cases {
        let (at, _, message) = json_error(Scenario::from_json(text).unwrap_err());
        assert_eq!(at, line, "{text}: {message}");
        assert!(message.contains(says), "{message}");
    }
    // What the list reads is what `Condition` reads: every kind, and the
    // same refusals of a malformed one.
    let every = Scenario::new()
        .holds(Condition::Ceasefire)
        .holds(Condition::Backstop {
            by: MemberId::new("USA").expect("valid"),
        })
        .fails(Condition::ParliamentaryApproval {
            member: MemberId::new("DEU").expect("valid"),
        })
        .fails(Condition::DependsOn(PledgeId::new("FRA-1").expect("valid")))
        .fails(Condition::Named("UN mandate".into()));
    assert_eq!(Scenario::from_json(&every.to_json()).ok(), Some(every));
    for bad in [
        r#"{"holds":["truce"]}"#,
        r#"{"holds":[{"backstop":{"by":"USA"},"named":"x"}]}"#,
        r#"{"holds":[{"backstop":{"member":"USA"}}]}"#,
        r#"{"holds":[7]}"#,
    ] {
        assert!(Scenario::from_json(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_scenario_refuses_a_blank_named_condition_as_recording_does() {
    for blank in ["", "   "] {
        let text = format!("{{\"holds\": [\"ceasefire\",\n {{\"named\": \"{blank}\"}}]}}");
        let (line, column, message) = json_error(Scenario::from_json(&text).unwrap_err());
        assert_eq!(line, 2, "{blank:?}: {message}");
        assert!(column > 1, "{column}");
        assert!(message.contains("must say something"), "{message}");
    }
    let bidi = "{\"fails\": [{\"named\": \"vote \u{202e}\"}]}";
    let (_, _, message) = json_error(Scenario::from_json(bidi).unwrap_err());
    assert!(message.contains("bidirectional"), "{message}");
    let twice = r#"{"holds":["ceasefire","ceasefire"]}"#;
    let (_, _, message) = json_error(Scenario::from_json(twice).unwrap_err());
    assert!(message.contains("twice"), "{message}");
    // A named condition that says something still loads.
    let scenario = Scenario::new().holds(Condition::Named("UN mandate".into()));
    assert_eq!(
        Scenario::from_json(&scenario.to_json()).ok(),
        Some(scenario)
    );
}

#[cfg(feature = "csv")]
#[test]
fn a_rates_csv_keeps_the_rates_and_the_caller_gives_back_the_settings() -> Result<()> {
    use coalition_ledger::io::rates::{read_fx_csv, write_fx_csv};
    let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
        .with_rate(Currency::USD, d("2025-09-01"), dec("0.92"))?
        .with_max_age_days(31)
        .with_cross_rates(true);
    let mut out = Vec::new();
    write_fx_csv(&fx, &mut out)?;
    assert_eq!(out, b"currency,date,rate\nUSD,2025-09-01,0.92\n");
    let rates_only = read_fx_csv(out.as_slice(), fx.base(), fx.policy())?;
    assert_ne!(rates_only, fx);
    assert_eq!(rates_only.max_age_days(), None);
    assert!(!rates_only.allows_cross_rates());
    let back = rates_only.with_max_age_days(31).with_cross_rates(true);
    assert_eq!(back, fx);
    Ok(())
}
