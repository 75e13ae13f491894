//! Exact money: ISO 4217 [`Currency`] codes and [`Money`] amounts.
//!
//! Amounts are [`rust_decimal::Decimal`], written in files as strings such as
//! `"61900000.00"` so that no value ever passes through a binary float. Every
//! arithmetic step is checked: overflow is an [`Error`], never a panic or a
//! wrap.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::limits::MAX_DECIMAL_SCALE;

/// Active ISO 4217 codes (plus the recently withdrawn `BGN` and `ANG`, which
/// still appear in dated data), sorted for binary search.
const ACTIVE_CODES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE",
    "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL",
    "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
    "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD",
    "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK",
    "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO",
    "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON",
    "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD",
    "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD",
    "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV",
    "WST", "XAF", "XCD", "XCG", "XDR", "XOF", "XPF", "XSU", "XUA", "YER", "ZAR", "ZMW", "ZWG",
];

/// A three-byte code as a number that sorts as the code does.
fn packed(a: u8, b: u8, c: u8) -> u32 {
    u32::from_be_bytes([0, a, b, c])
}

/// An ISO 4217 currency code such as `EUR`.
///
/// Active codes and withdrawn (historical) codes are accepted, because dated
/// data keeps naming them (`HRK` for Croatia before 2023, `DEM` before 2002);
/// anything else is rejected with [`Error::UnknownCurrency`]. A withdrawn
/// code knows its [`withdrawal date`](Currency::withdrawn_after), and
/// [`FxRates`](crate::FxRates) refuses to convert an amount dated after it.
/// Currencies order alphabetically.
///
/// # Example
///
/// ```
/// use coalition_ledger::Currency;
///
/// let eur: Currency = "EUR".parse()?;
/// assert_eq!(eur, Currency::EUR);
/// assert_eq!(eur.to_string(), "EUR");
/// assert!("eur".parse::<Currency>().is_err());
/// assert!("ABC".parse::<Currency>().is_err());
///
/// // A historical code, with the last day of its month of withdrawal.
/// let hrk: Currency = "HRK".parse()?;
/// assert_eq!(hrk.withdrawn_after(), Some(coalition_ledger::parse_date("2023-01-31")?));
/// assert_eq!(eur.withdrawn_after(), None);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Euro.
    pub const EUR: Currency = Currency(*b"EUR");
    /// United States dollar.
    pub const USD: Currency = Currency(*b"USD");
    /// Pound sterling.
    pub const GBP: Currency = Currency(*b"GBP");
    /// Canadian dollar.
    pub const CAD: Currency = Currency(*b"CAD");
    /// Australian dollar.
    pub const AUD: Currency = Currency(*b"AUD");
    /// Japanese yen.
    pub const JPY: Currency = Currency(*b"JPY");
    /// Swiss franc.
    pub const CHF: Currency = Currency(*b"CHF");
    /// Turkish lira.
    pub const TRY: Currency = Currency(*b"TRY");
    /// Norwegian krone.
    pub const NOK: Currency = Currency(*b"NOK");
    /// Swedish krona.
    pub const SEK: Currency = Currency(*b"SEK");
    /// Danish krone.
    pub const DKK: Currency = Currency(*b"DKK");
    /// Polish złoty.
    pub const PLN: Currency = Currency(*b"PLN");
    /// Ukrainian hryvnia.
    pub const UAH: Currency = Currency(*b"UAH");

    /// Validates an ISO 4217 code.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownCurrency`] when `code` is neither an active nor a
    /// withdrawn code written in upper case.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Currency::new("GBP")?, Currency::GBP);
    /// assert!(Currency::new("HRK")?.withdrawn_after().is_some()); // historical
    /// let err = Currency::new("gbp").unwrap_err();
    /// assert_eq!(err.to_string(), "unknown currency `gbp`: expected an ISO 4217 code such as EUR or USD");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn new(code: &str) -> Result<Currency> {
        if let [a, b, c] = *code.as_bytes() {
            // Three bytes compared as one number, in the same order as the
            // texts: comparing `&str`s called `memcmp` eight times a code,
            // a percent of loading a JSON ledger.
            let key = packed(a, b, c);
            let active = ACTIVE_CODES
                .binary_search_by(|known| match *known.as_bytes() {
                    [x, y, z] => packed(x, y, z).cmp(&key),
                    _ => std::cmp::Ordering::Less,
                })
                .is_ok();
            if active || crate::withdrawn::is_withdrawn(code) {
                return Ok(Currency([a, b, c]));
            }
        }
        Err(Error::UnknownCurrency {
            code: code
                .chars()
                .take(16)
                .collect::<String>()
                .escape_debug()
                .to_string(),
        })
    }

    /// Decimal places of the currency's minor unit (ISO 4217): 2 for EUR, 0
    /// for JPY, 3 for KWD; `None` for codes without one (such as XDR).
    ///
    /// Amounts below the minor unit are allowed (a prorated value or a
    /// converted amount needs them) and kept exactly by the API, JSON and
    /// CSV. A [`Money`] prints padded to the minor unit and never cut to
    /// it; a printed table rounds to it (bounds outward) and says so.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Currency::EUR.minor_units(), Some(2));
    /// assert_eq!(Currency::JPY.minor_units(), Some(0));
    /// assert_eq!(Currency::new("XDR")?.minor_units(), None); // special drawing rights
    /// // Sub-minor amounts are kept, and shown with every digit.
    /// let yen = Money::parse("12.345", Currency::JPY)?;
    /// assert_eq!(yen.amount().to_string(), "12.345");
    /// assert_eq!(yen.to_string(), "JPY 12.345");
    /// assert_eq!(Money::parse("116.5", Currency::EUR)?.to_string(), "EUR 116.50");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn minor_units(self) -> Option<u32> {
        crate::minor_units::of(self.as_str())
    }

    /// The three-letter code.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Currency::JPY.as_str(), "JPY");
    /// ```
    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case codes are ever constructed.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Every active code, in alphabetical order.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert!(Currency::all().any(|c| c == Currency::UAH));
    /// assert!(Currency::all().all(|c| c.withdrawn_after().is_none()));
    /// ```
    pub fn all() -> impl Iterator<Item = Currency> {
        ACTIVE_CODES.iter().filter_map(|c| Currency::new(c).ok())
    }

    /// Every withdrawn (historical) code, in alphabetical order.
    ///
    /// ```
    /// use coalition_ledger::Currency;
    ///
    /// let codes: Vec<String> = Currency::withdrawn().map(|c| c.to_string()).collect();
    /// assert!(codes.iter().any(|c| c == "HRK"));
    /// assert!(Currency::withdrawn().all(|c| c.withdrawn_after().is_some()));
    /// ```
    pub fn withdrawn() -> impl Iterator<Item = Currency> {
        crate::withdrawn::codes().filter_map(|c| Currency::new(c).ok())
    }

    /// For a withdrawn code, the last day of the month ISO 4217 lists as its
    /// withdrawal; `None` for an active code. Amounts dated after it cannot
    /// be converted. `BGN` and `ANG`, withdrawn in 2025–2026, are still
    /// taken as active until their withdrawal months are settled, and a
    /// code withdrawn in one country but current in another is active.
    ///
    /// ```
    /// use coalition_ledger::{Currency, parse_date};
    ///
    /// assert_eq!(Currency::new("DEM")?.withdrawn_after(), Some(parse_date("2002-03-31")?));
    /// assert_eq!(Currency::EUR.withdrawn_after(), None);
    /// assert_eq!(Currency::new("BGN")?.withdrawn_after(), None); // not yet settled
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn withdrawn_after(&self) -> Option<chrono::NaiveDate> {
        crate::withdrawn::last_day(self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_str())
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(code: &str) -> Result<Currency> {
        Currency::new(code)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Currency, D::Error> {
        crate::spelling::from_str_with(d, "an ISO 4217 currency code", Currency::new)
    }
}

/// An exact amount of money in one currency.
///
/// # Example
///
/// ```
/// use coalition_ledger::{Currency, Money};
/// use rust_decimal::Decimal;
///
/// let a = Money::new(Decimal::new(50_000_000, 0), Currency::EUR);
/// let b = Money::parse("11900000.50", Currency::EUR)?;
/// let sum = a.checked_add(b)?;
/// assert_eq!(sum.to_string(), "EUR 61,900,000.50");
/// assert!(a.checked_add(Money::new(Decimal::ONE, Currency::USD)).is_err());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    #[serde(with = "amount")]
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// Makes an amount of money.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let m = Money::new(Decimal::new(1_250, 2), Currency::EUR);
    /// assert_eq!(m.to_string(), "EUR 12.50");
    /// ```
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// Parses the amount with [`parse_amount`].
    ///
    /// # Errors
    ///
    /// As [`parse_amount`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let m = Money::parse("61900000.00", Currency::EUR)?;
    /// assert_eq!(m.amount(), parse_amount("61900000")?);
    /// assert!(Money::parse("1e6", Currency::EUR).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn parse(amount: &str, currency: Currency) -> Result<Money> {
        Ok(Money::new(parse_amount(amount)?, currency))
    }

    /// The amount.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let m = Money::parse("250000000", Currency::GBP)?;
    /// assert_eq!(m.amount(), Decimal::from(250_000_000));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let m = Money::parse("100", Currency::USD)?;
    /// assert_eq!(m.currency(), Currency::USD);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Adds two amounts of the same currency.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] when the currencies differ,
    /// [`Error::Overflow`] when the sum does not fit.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let a = Money::parse("50000000", Currency::EUR)?;
    /// let b = Money::parse("11900000", Currency::EUR)?;
    /// assert_eq!(a.checked_add(b)?.to_string(), "EUR 61,900,000");
    /// // Different currencies do not add up: convert first.
    /// assert!(a.checked_add(Money::parse("1", Currency::USD)?).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn checked_add(self, other: Money) -> Result<Money> {
        if self.currency != other.currency {
            return Err(Error::invalid(
                "money",
                "currency",
                format!("cannot add {} to {}", other.currency, self.currency),
            ));
        }
        let amount = crate::exact::add(self.amount, other.amount).ok_or_else(|| {
            Error::overflow(format!(
                "adding {other} to {self}: the exact sum does not fit 28 significant digits"
            ))
        })?;
        Ok(Money::new(amount, self.currency))
    }
}

impl PartialOrd for Money {
    /// Amounts compare only within one currency; across currencies there is
    /// no order without an exchange rate.
    fn partial_cmp(&self, other: &Money) -> Option<std::cmp::Ordering> {
        (self.currency == other.currency).then(|| self.amount.cmp(&other.amount))
    }
}

impl fmt::Display for Money {
    /// `EUR 61,900,000`, `EUR 116.50` or `EUR 0.001`: the code, then the
    /// amount grouped in thousands, with every digit it holds: padded to
    /// the currency's minor unit, never rounded to it (a whole amount
    /// shows no fraction).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = show_amount(
            self.amount,
            Some(self.currency),
            crate::minor_units::Shown::Every,
        );
        write!(f, "{} {shown}", self.currency)
    }
}

/// An amount as people read it: for money (`currency` given) rounded to the
/// currency's minor unit the way `shown` says, then grouped in thousands;
/// a count is only grouped.
pub(crate) fn show_amount(
    value: Decimal,
    currency: Option<Currency>,
    shown: crate::minor_units::Shown,
) -> String {
    let value = match currency {
        Some(currency) => crate::minor_units::round(value, currency.minor_units(), shown),
        None => value,
    };
    group_thousands(value)
}

/// Writes a decimal with `,` between groups of three integer digits, keeping
/// every fractional digit.
pub(crate) fn group_thousands(value: Decimal) -> String {
    let text = value.to_string();
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let mut out = String::with_capacity(text.len().saturating_mul(2));
    out.push_str(sign);
    for (position, digit) in integer.chars().enumerate() {
        let remaining = integer.len().saturating_sub(position);
        if position > 0 && remaining.checked_rem(3) == Some(0) {
            out.push(',');
        }
        out.push(digit);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// Parses a decimal amount written as `-?DIGITS(.DIGITS)?`.
///
/// No exponent, sign `+`, underscores, spaces or thousands separators: one
/// amount has one spelling. At most 28 decimal places and 28 to 29
/// significant digits (what [`Decimal`] holds); anything that would need
/// rounding is an error, never silently rounded.
///
/// # Errors
///
/// [`Error::InvalidValue`] naming the text and the problem.
///
/// # Example
///
/// ```
/// use coalition_ledger::parse_amount;
/// assert_eq!(parse_amount("1250000.75")?.to_string(), "1250000.75");
/// assert!(parse_amount("1.5e6").is_err());
/// assert!(parse_amount("000123").is_err()); // one spelling per value
/// assert!(parse_amount("-0.00").is_err());
/// assert_eq!(parse_amount("0.50")?.to_string(), "0.50");
/// assert!(parse_amount("0.00000000000000000000000000001").is_err()); // 29 places
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn parse_amount(text: &str) -> Result<Decimal> {
    if let Some(plain) = plain_number(text) {
        return Ok(plain);
    }
    parse_general(text, true)
}

/// An amount as [`parse_amount`] reads it; with `canonical` false, also
/// with leading zeros or as a negative zero, as format version 1 read
/// amounts (the value is exact either way).
fn parse_general(text: &str, canonical: bool) -> Result<Decimal> {
    let problem = amount_shape_problem(text, canonical).or_else(|| {
        let places = text.split_once('.').map_or(0, |(_, f)| f.len());
        (places > MAX_DECIMAL_SCALE as usize)
            .then(|| format!("{places} decimal places, the limit is {MAX_DECIMAL_SCALE}"))
    });
    if let Some(reason) = problem {
        return Err(amount_error(text, reason));
    }
    Decimal::from_str_exact(text)
        .map_err(|_| amount_error(text, "too many significant digits to hold exactly".into()))
}

thread_local! {
    /// Set while a file of format version 1 is read on this thread.
    static VERSION_1_AMOUNTS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Files outlive rules: format version 1 read an amount with leading
/// zeros (`0061900000`) or a negative zero (`-0`), which later versions
/// refuse so that one value has one spelling. While a load is in this
/// scope and has said [`Version1Amounts::begin`], amounts read by serde
/// on this thread are read as version 1 read them; the scope ends when
/// dropped, whatever the load did.
pub(crate) struct Version1Amounts {
    before: bool,
}

impl Version1Amounts {
    /// A scope in which amounts are read strictly until `begin`.
    pub(crate) fn scope() -> Version1Amounts {
        Version1Amounts {
            before: VERSION_1_AMOUNTS.with(|flag| flag.replace(false)),
        }
    }

    /// From here on in this scope, the file being read is of version 1.
    pub(crate) fn begin() {
        VERSION_1_AMOUNTS.with(|flag| flag.set(true));
    }

    /// From here on in this scope, the file is of a later version after all.
    pub(crate) fn end() {
        VERSION_1_AMOUNTS.with(|flag| flag.set(false));
    }
}

impl Drop for Version1Amounts {
    fn drop(&mut self) {
        let before = self.before;
        VERSION_1_AMOUNTS.with(|flag| flag.set(before));
    }
}

/// An amount read from a file: strictly, or as version 1 read it inside a
/// [`Version1Amounts`] scope that began.
fn parse_file_amount(text: &str) -> Result<Decimal> {
    parse_amount(text).or_else(|strict| {
        if VERSION_1_AMOUNTS.with(std::cell::Cell::get) {
            parse_general(text, false)
        } else {
            Err(strict)
        }
    })
}

/// A plain amount, `digits` or `digits.digits`, of at most 19 digits in
/// all, without leading zeros (as nearly every amount of a ledger file is),
/// read in one pass as a `u64` and a scale: what
/// [`Decimal::from_str_exact`] gives for it, trailing zeros and all,
/// without the checks of its shape (a fifth of reading a row). `None` for
/// any other text, which takes the general path.
fn plain_number(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let mut mantissa = 0u64;
    let mut point = None;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            // Nineteen digits always fit in a `u64`; more take the general
            // path (`digits` below), so this never overflows before then.
            b'0'..=b'9' => {
                mantissa = mantissa
                    .checked_mul(10)?
                    .checked_add(u64::from(b.wrapping_sub(b'0')))?;
            }
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    let integer = bytes.get(..point.unwrap_or(bytes.len()))?;
    let fraction = point.map_or(0, |p| bytes.len().saturating_sub(p).saturating_sub(1));
    let canonical = matches!(integer, [b'0'] | [b'1'..=b'9', ..]);
    let digits = integer.len().saturating_add(fraction);
    if !canonical || digits > 19 || (point.is_some() && fraction == 0) {
        return None;
    }
    let lo = u32::try_from(mantissa & u64::from(u32::MAX)).ok()?;
    let mid = u32::try_from(mantissa >> 32).ok()?;
    Some(Decimal::from_parts(
        lo,
        mid,
        0,
        false,
        u32::try_from(fraction).ok()?,
    ))
}

fn amount_shape_problem(text: &str, canonical: bool) -> Option<String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (integer, fraction) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(integer) && fraction.is_none_or(all_digits)) {
        Some("expected digits with an optional `-` and `.`, such as `-1250.50`".into())
    } else if !canonical {
        None
    } else if integer.len() > 1 && integer.starts_with('0') {
        // One spelling per value: `123`, never `000123`.
        Some("leading zeros: write the amount without them".into())
    } else if text.starts_with('-') && digits.bytes().all(|b| matches!(b, b'0' | b'.')) {
        Some("negative zero: write `0`".into())
    } else {
        None
    }
}

#[cold]
fn amount_error(text: &str, reason: String) -> Error {
    let shown: String = text.chars().take(48).collect();
    Error::invalid(format!("`{}`", shown.escape_debug()), "amount", reason)
}

/// Serde adapter: a `Decimal` as a strict amount string.
pub(crate) mod amount {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount as a string such as \"1250.50\"")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Decimal, E> {
                parse_file_amount(text).map_err(E::custom)
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// An amount read as [`amount`] reads it: for maps and seeds that take a
/// type rather than an adapter.
#[derive(Deserialize)]
#[serde(transparent)]
pub(crate) struct Amount(#[serde(with = "amount")] pub(crate) Decimal);

/// Serde adapter: an optional `Decimal` as a strict amount string or `null`.
pub(crate) mod amount_option {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Decimal>, D::Error> {
        Ok(Option::<Amount>::deserialize(d)?.map(|a| a.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// The plain-number path gives what the general path gives, to the
        /// scale, and takes nothing the general path refuses.
        #[test]
        fn plain_numbers_read_as_the_general_path_reads_them(
            text in prop_oneof![
                "[0-9]{1,21}",
                "[0-9]{1,12}\\.[0-9]{0,12}",
                "-?[0-9]{1,3}(\\.[0-9]{0,3})?",
                "[0-9.]{1,6}",
                Just("0".to_string()),
                Just("18446744073709551615".to_string()),
                Just("9999999999999999999".to_string()),
            ]
        ) {
            let general = amount_shape_problem(&text, true)
                .map_or_else(|| Decimal::from_str_exact(&text).ok(), |_| None);
            match plain_number(&text) {
                Some(fast) => {
                    let general = general.expect("the general path accepts it");
                    prop_assert_eq!(fast.serialize(), general.serialize());
                }
                None => prop_assert!(
                    general.is_none()
                        || text.starts_with('-')
                        || text.bytes().filter(u8::is_ascii_digit).count() > 19,
                    "{} left to the general path", text
                ),
            }
            prop_assert_eq!(
                parse_amount(&text).ok().map(|d| d.serialize()),
                general.map(|d| d.serialize())
            );
        }
    }

    #[test]
    fn code_table_is_sorted_and_unique() {
        assert!(ACTIVE_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(
            ACTIVE_CODES
                .iter()
                .all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        );
    }

    /// Every active code is found, and every three uppercase letters that
    /// are not one (nor a withdrawn code) are refused: the packed search
    /// agrees with the table on all 17,576 of them.
    #[test]
    fn the_packed_search_finds_exactly_the_table() {
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                for c in b'A'..=b'Z' {
                    let bytes = [a, b, c];
                    let code = std::str::from_utf8(&bytes).unwrap();
                    let expected =
                        ACTIVE_CODES.contains(&code) || crate::withdrawn::is_withdrawn(code);
                    assert_eq!(Currency::new(code).is_ok(), expected, "{code}");
                }
            }
        }
        for bad in ["", "EU", "EURO", "eur", "EUR "] {
            assert!(Currency::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn grouping_keeps_sign_and_fraction() {
        let d = |s: &str| parse_amount(s).unwrap();
        assert_eq!(group_thousands(d("0")), "0");
        assert_eq!(group_thousands(d("999")), "999");
        assert_eq!(group_thousands(d("1000")), "1,000");
        assert_eq!(group_thousands(d("-1234567.891")), "-1,234,567.891");
    }

    #[test]
    fn amounts_have_one_spelling() {
        for bad in [
            "", "-", ".5", "5.", "+5", "1_000", "1,000", " 1", "1e3", "NaN", "--1",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_amount("-0.50").unwrap().to_string(), "-0.50");
        assert!(parse_amount("79228162514264337593543950335").is_ok());
        assert!(parse_amount("79228162514264337593543950336").is_err());
    }
}
