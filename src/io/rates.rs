//! Exchange rates and scenarios as files: [`FxRates`] and [`Scenario`] to
//! and from JSON, and rates from and to CSV (`currency,date,rate`, feature
//! `csv`).
//!
//! What a table answers depends on the rates and the scenario it was asked
//! under, so both must be kept next to the answers and load back exactly as
//! they were written. A JSON value loads into an equal value: the JSON of
//! [`FxRates`] holds its base, policy, maximum age and cross-rate setting
//! with the rates. A CSV file (`currency,date,rate`) holds the rates only:
//! `read_fx_csv` is given the base and the policy, and the maximum age and
//! the cross-rate setting are set again on what it returns
//! ([`FxRates::with_max_age_days`], [`FxRates::with_cross_rates`]); with
//! those four given back as they were, a CSV file written by `write_fx_csv`
//! loads into equal rates. Keep the JSON when the settings must travel with
//! the rates.

#[cfg(feature = "csv")]
use crate::error::Error;
use crate::error::Result;
use crate::fx::FxRates;
use crate::query::Scenario;

impl FxRates {
    /// The rates as a JSON value: base, policy, maximum age and cross-rate
    /// setting when set, and every rate as a string (no float round trip).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
    ///     .with_rate(Currency::USD, parse_date("2025-09-01")?, parse_amount("0.92")?)?
    ///     .with_max_age_days(31);
    /// assert_eq!(
    ///     fx.to_json(),
    ///     r#"{"base":"EUR","policy":"latest_on_or_before","max_age_days":31,"rates":{"USD":{"2025-09-01":"0.92"}}}"#
    /// );
    /// assert_eq!(FxRates::from_json(&fx.to_json())?, fx);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn to_json(&self) -> String {
        // Serializing plain maps of strings cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads rates written by [`FxRates::to_json`] (or by hand), checking
    /// every rate as [`FxRates::insert`] does. Each rate is read by
    /// [`parse_amount`](crate::parse_amount) and each date by
    /// [`parse_date`](crate::parse_date), so a rate is never rounded and
    /// one value has one spelling.
    ///
    /// # Errors
    ///
    /// [`Error::Json`](crate::Error::Json) with the line and column of the
    /// place for malformed JSON, unknown fields, an unknown currency or
    /// policy, a rate that is not a plain decimal of at most 28 decimal
    /// places, a date not written `YYYY-MM-DD`, a currency or a date given
    /// twice, or a rate [`FxRates::insert`] refuses (a rate for the base,
    /// which may be named after the rates, at the end of the object).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::from_json(r#"{"base":"EUR","policy":"on_date","rates":{"GBP":{"2025-09-01":"1.165"}}}"#)?;
    /// assert_eq!(fx.rate(Currency::GBP, parse_date("2025-09-01")?)?, parse_amount("1.165")?);
    /// let err = FxRates::from_json(r#"{"base":"EUR","policy":"on_date","rates":{"GBP":{"2025-09-01":"-1"}}}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "JSON line 1, column 67: rate for GBP on 2025-09-01: invalid rate: must be positive, got -1");
    /// let err = FxRates::from_json(r#"{"base":"EUR","policy":"on_date","rates":{"GBP":{"2025-09-01":"1.5e3"}}}"#).unwrap_err();
    /// assert!(err.to_string().starts_with("JSON line 1, column 69: `1.5e3`: invalid amount"));
    /// let twice = r#"{"base":"EUR","policy":"on_date","rates":{"GBP":{"2025-09-01":"1.165","2025-09-01":"2"}}}"#;
    /// assert_eq!(
    ///     FxRates::from_json(twice).unwrap_err().to_string(),
    ///     "JSON line 1, column 82: duplicate key `2025-09-01`: each may be given once"
    /// );
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<FxRates> {
        serde_json::from_str(text).map_err(|e| super::json::json_error(&e))
    }
}

impl Scenario {
    /// The scenario as a JSON value (the conditions it states hold or
    /// fail, and whether it counts firm pledges only).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let scenario = Scenario::new().fails(Condition::Ceasefire);
    /// assert_eq!(Scenario::from_json(&scenario.to_json())?, scenario);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a scenario written by [`Scenario::to_json`].
    ///
    /// # Errors
    ///
    /// [`Error::Json`](crate::Error::Json) with the line and column of the
    /// place for malformed JSON, unknown fields, a condition listed twice, a
    /// named condition that recording a pledge would refuse (empty or
    /// blank, too long, or holding a bidirectional control), or a condition
    /// stated both to hold and to fail (at the end of the object).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let scenario = Scenario::from_json(r#"{"holds":["ceasefire"]}"#)?;
    /// assert_eq!(scenario, Scenario::new().holds(Condition::Ceasefire));
    /// let err = Scenario::from_json(r#"{"holds":["ceasefire"],"fails":["ceasefire"]}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "JSON line 1, column 45: scenario: invalid holds: `ceasefire` both holds and fails");
    /// let err = Scenario::from_json(r#"{"holds":[{"named":""}]}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "JSON line 1, column 22: scenario: invalid holds: must say something: empty or only spaces");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Scenario> {
        serde_json::from_str(text).map_err(|e| super::json::json_error(&e))
    }
}

/// Reads rates from CSV with the header `currency,date,rate` (one rate per
/// row, the rate as how many units of `base` one unit of `currency` buys),
/// into a table with the given base and policy.
///
/// The file holds the rates only: the base and the policy are the
/// caller's, and the table has no maximum age and no cross rates until
/// they are set on it ([`FxRates::with_max_age_days`],
/// [`FxRates::with_cross_rates`]). See [`write_fx_csv`] for a round trip.
///
/// # Errors
///
/// [`Error::Csv`] naming the line (and column) of the first bad row: a
/// header other than `currency,date,rate`, an unknown currency, a date not
/// `YYYY-MM-DD`, a rate that is not a plain decimal or that
/// [`FxRates::insert`] refuses, or the same currency and date twice.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
/// use coalition_ledger::io::rates;
///
/// let text = "currency,date,rate\nUSD,2025-09-01,0.92\nGBP,2025-09-01,1.165\n";
/// let fx = rates::read_fx_csv(text.as_bytes(), Currency::EUR, RatePolicy::OnDate)?;
/// assert_eq!(fx.rate(Currency::USD, parse_date("2025-09-01")?)?, parse_amount("0.92")?);
/// let err = rates::read_fx_csv("currency,date,rate\nUSD,2025-9-1,0.92\n".as_bytes(), Currency::EUR, RatePolicy::OnDate).unwrap_err();
/// assert_eq!(err.to_string(), "CSV line 2, column `date`: `2025-9-1`: invalid date: expected a calendar date written YYYY-MM-DD");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[cfg(feature = "csv")]
pub fn read_fx_csv<R: std::io::Read>(
    reader: R,
    base: crate::money::Currency,
    policy: crate::fx::RatePolicy,
) -> Result<FxRates> {
    use super::csv_records::{CsvRecord, Records};
    // Each record is placed at its own line (a `\r\n` file's rows were
    // reported a line early), and no record grows past the guard's limit.
    let mut csv = Records::guarded(reader, None);
    let mut headers = CsvRecord::default();
    let line = csv.read_header(&mut headers).map_err(|e| e.to_error())?;
    let header_error = |message: String| Error::Csv {
        line,
        column: None,
        message,
    };
    if headers
        .iter()
        .map(str::trim)
        .ne(["currency", "date", "rate"])
    {
        return Err(header_error(format!(
            "expected the header `currency,date,rate`, got `{}`",
            headers.iter().collect::<Vec<_>>().join(",")
        )));
    }
    let mut fx = FxRates::new(base, policy);
    let mut record = CsvRecord::default();
    while csv.read_record(&mut record).map_err(|e| csv.located(&e))? {
        let line = record.position().line;
        let at = |column: &str, error: Error| Error::Csv {
            line,
            column: Some(column.into()),
            message: error.to_string(),
        };
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let currency = crate::money::Currency::new(field(0)).map_err(|e| at("currency", e))?;
        let date = crate::dates::parse_date(field(1)).map_err(|e| at("date", e))?;
        let rate = crate::money::parse_amount(field(2)).map_err(|e| at("rate", e))?;
        // Looked up in the rates read so far (scanning them made the
        // reading quadratic in the file's rows).
        if fx.has_rate_on(currency, date) {
            let twice = Error::invalid(
                format!("rate for {currency} on {date}"),
                "date",
                "appears twice",
            );
            return Err(at("date", twice));
        }
        fx.insert(currency, date, rate).map_err(|e| at("rate", e))?;
    }
    Ok(fx)
}

/// Writes the rates as CSV (`currency,date,rate`), currencies and dates in
/// order.
///
/// The file keeps the rates and nothing else: not the base, the policy,
/// the maximum age or the cross-rate setting (the header stays
/// `currency,date,rate` for the programs that read these files).
/// [`read_fx_csv`] loads it into equal rates when the caller gives back the
/// base and the policy and sets the maximum age and the cross-rate setting
/// again, as below; [`FxRates::to_json`] keeps all of them.
///
/// # Errors
///
/// [`Error::Io`] when writing fails.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
/// use coalition_ledger::io::rates;
///
/// let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
///     .with_rate(Currency::USD, parse_date("2025-09-01")?, parse_amount("0.92")?)?
///     .with_max_age_days(31)
///     .with_cross_rates(true);
/// let mut out = Vec::new();
/// rates::write_fx_csv(&fx, &mut out)?;
/// // The rates only.
/// assert_eq!(String::from_utf8_lossy(&out), "currency,date,rate\nUSD,2025-09-01,0.92\n");
/// let read = rates::read_fx_csv(out.as_slice(), fx.base(), fx.policy())?;
/// assert_eq!((read.max_age_days(), read.allows_cross_rates()), (None, false));
/// // Equal once the settings the file does not hold are given back.
/// let back = read
///     .with_max_age_days(31)
///     .with_cross_rates(true);
/// assert_eq!(back, fx);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[cfg(feature = "csv")]
pub fn write_fx_csv<W: std::io::Write>(fx: &FxRates, mut writer: W) -> Result<()> {
    let io = |e: std::io::Error| Error::io(None, &e);
    writeln!(writer, "currency,date,rate").map_err(io)?;
    for (currency, date, rate) in fx.iter() {
        writeln!(writer, "{currency},{date},{rate}").map_err(io)?;
    }
    writer.flush().map_err(io)
}
