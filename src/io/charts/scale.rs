//! Axes: a linear scale from zero (or from below it, when a total is),
//! "nice" ticks, and compact labels.
//!
//! Pixel positions are computed in `f64`: a chart is a picture of exact
//! totals, not a place where they are added up. Every number a chart writes
//! as text comes from the totals themselves, rounded from their exact
//! `Decimal` (a bound outward), or from these tick values.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::exact::Toward;
use crate::money::Currency;
use crate::query::Total;

/// A value as a plotting coordinate.
pub(crate) fn to_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// A linear scale from `min..=max` onto `start..=end` pixels, `min` zero
/// unless a value lies below it (adjustments can take a total below
/// zero, and drawing it on the zero line would show it as nothing).
#[derive(Clone, Copy)]
pub(crate) struct Scale {
    min: f64,
    max: f64,
    step: f64,
    start: f64,
    end: f64,
}

impl Scale {
    /// A scale from zero whose top is the first nice tick at or above
    /// `max`.
    pub(crate) fn new(max: f64, start: f64, end: f64) -> Scale {
        Scale::spanning(0.0, max, start, end)
    }

    /// A scale from the nice tick at or below `min` (zero when `min` is
    /// not below it) to the first at or above `max` (zero when no value is
    /// above it), its ticks one step apart on both sides of zero.
    pub(crate) fn spanning(min: f64, max: f64, start: f64, end: f64) -> Scale {
        let low = if min.is_finite() { min.min(0.0) } else { 0.0 };
        let high = if max.is_finite() { max.max(0.0) } else { 0.0 };
        let span = high - low;
        let step = if span > 0.0 { nice_step(span) } else { 1.0 };
        let below = (-low / step).ceil();
        let above = (high / step).ceil();
        // An axis with nothing above zero ends at zero, unless nothing is
        // below it either (an empty chart still gets a step).
        let above = if above == 0.0 && below == 0.0 {
            1.0
        } else {
            above
        };
        Scale {
            min: -below * step,
            max: above * step,
            step,
            start,
            end,
        }
    }

    pub(crate) fn at(&self, value: f64) -> f64 {
        let span = self.max - self.min;
        let share = if span > 0.0 {
            (value - self.min) / span
        } else {
            0.0
        };
        self.start + (self.end - self.start) * share.clamp(0.0, 1.05)
    }

    /// A tick's label: [`compact`], with as many decimals as the step
    /// needs (`0.025`, not `0.03`), so that labels are the ticks' values.
    pub(crate) fn label(&self, tick: f64, currency: Option<Currency>) -> String {
        let factor = suffix_of(tick).0;
        compact_places(tick, currency, None, decimals_of(self.step / factor))
    }

    /// Ticks one step apart from `min` to `max`, zero among them.
    pub(crate) fn ticks(&self) -> Vec<f64> {
        let mut out = Vec::new();
        let mut n = (self.min / self.step).round();
        while n * self.step <= self.max + self.step * 1e-9 && out.len() < 24 {
            // `n * step`, not a running sum, so that zero is exactly zero.
            out.push(n * self.step);
            n += 1.0;
        }
        out
    }
}

/// A 1-2-2.5-5 step that cuts `span` into about five.
fn nice_step(span: f64) -> f64 {
    let rough = span / 5.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude)
}

/// Ticks from 0 to the first multiple of a 1-2-5 step at or above `max`,
/// about five of them.
#[cfg(test)]
pub(crate) fn ticks(max: f64) -> Vec<f64> {
    Scale::new(max, 0.0, 1.0).ticks()
}

/// `1.5bn`, `250m`, `12k`, `900`: short labels for axes, with the currency
/// code in front for money.
pub(crate) fn compact(value: f64, currency: Option<Currency>) -> String {
    compact_to(value, currency, None)
}

/// [`compact`] for a bound: a low bound rounded down, a high bound up, so
/// that a label never claims more certainty than the total (`≥ 4,999` is
/// `≥ 4.99k`, not `≥ 5k`).
pub(crate) fn compact_bound(value: f64, currency: Option<Currency>, toward: Toward) -> String {
    compact_to(value, currency, Some(toward))
}

fn compact_to(value: f64, currency: Option<Currency>, toward: Option<Toward>) -> String {
    compact_places(value, currency, toward, 2)
}

/// The divisor and suffix of a compact label for `value`.
fn suffix_of(value: f64) -> (f64, &'static str) {
    let abs = value.abs();
    if abs >= 1e12 {
        (1e12, "tn")
    } else if abs >= 1e9 {
        (1e9, "bn")
    } else if abs >= 1e6 {
        (1e6, "m")
    } else if abs >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    }
}

/// The decimals a step of the 1-2-2.5-5 series needs: `0.025` three,
/// `0.5` one, `20` none (at most 28, the most a `Decimal` amount has).
fn decimals_of(step: f64) -> usize {
    (0..28)
        .find(|&places| {
            let scaled = step * 10f64.powi(places);
            (scaled - scaled.round()).abs() <= scaled.abs() * 1e-9
        })
        .and_then(|places| usize::try_from(places).ok())
        .unwrap_or(28)
}

/// A compact label with `places` decimals at most (trailing zeros
/// dropped); a bound's last one rounded `toward` its side (see
/// [`hundredths`], for two places).
fn compact_places(
    value: f64,
    currency: Option<Currency>,
    toward: Option<Toward>,
    places: usize,
) -> String {
    let (factor, suffix) = suffix_of(value);
    let scaled = value / factor;
    let number = if places == 2 || toward.is_some() {
        format!("{:.2}", hundredths(scaled, toward))
    } else {
        format!("{scaled:.places$}")
    };
    let number = if number.contains('.') {
        number.trim_end_matches('0').trim_end_matches('.')
    } else {
        &number
    };
    let number = if number == "-0" { "0" } else { number };
    match currency {
        Some(c) => format!("{c} {number}{suffix}"),
        None => format!("{number}{suffix}"),
    }
}

/// `value` to two decimals: to the nearest, or outward. A value that is a
/// whole number of hundredths but for the error of binary floating point
/// (1.15 × 100 = 114.999…) keeps its hundredths; the allowance is a few
/// units of the last place of the value itself, so that a bound a real
/// amount away (4,999,999,999.99 is 499.999999999 hundredths of a
/// billion) is still rounded outward.
fn hundredths(value: f64, toward: Option<Toward>) -> f64 {
    let scaled = value * 100.0;
    let nearest = scaled.round();
    let noise = nearest.abs().max(1.0) * 8.0 * f64::EPSILON;
    let rounded = match toward {
        _ if (scaled - nearest).abs() <= noise => nearest,
        None => nearest,
        Some(Toward::Down) => scaled.floor(),
        Some(Toward::Up) => scaled.ceil(),
    };
    rounded / 100.0
}

/// A total's bounds in short form: `EUR 1.2bn–1.6bn`, `≥ 3k`, `5k`,
/// `unspecified`. Rounded from the exact amounts, a low bound down and a
/// high bound up, at any size (an `f64` holds too few digits to tell
/// EUR 9,999,999,999,999.99 from EUR 10tn).
pub(crate) fn compact_range(total: &Total, currency: Option<Currency>) -> String {
    if total.count() > 0 && total.unspecified() == total.count() {
        return "unspecified".to_string();
    }
    let low = total.low();
    match total.high() {
        Some(high) if high > low => format!(
            "{}–{}",
            compact_exact(low, currency, Some(Toward::Down)),
            compact_exact(high, None, Some(Toward::Up))
        ),
        Some(_) => compact_exact(low, currency, None),
        None => format!("≥ {}", compact_exact(low, currency, Some(Toward::Down))),
    }
}

/// [`compact`] of an exact amount: scaled to k, m, bn or tn by moving its
/// decimal point, then rounded to two places (outward for a bound).
fn compact_exact(value: Decimal, currency: Option<Currency>, toward: Option<Toward>) -> String {
    let abs = value.abs();
    let (scale, suffix) = [(12, "tn"), (9, "bn"), (6, "m"), (3, "k")]
        .into_iter()
        .find(|&(digits, _)| abs >= pow10(digits))
        .unwrap_or((0, ""));
    // Dividing by a power of ten moves the point: exact while the scale
    // stays within 28, which an amount this large leaves room for.
    let scaled = value.checked_div(pow10(scale)).unwrap_or(value);
    let strategy = match toward {
        None => RoundingStrategy::MidpointAwayFromZero,
        Some(Toward::Down) => RoundingStrategy::ToNegativeInfinity,
        Some(Toward::Up) => RoundingStrategy::ToPositiveInfinity,
    };
    let rounded = scaled.round_dp_with_strategy(2, strategy).normalize();
    let number = if rounded.is_zero() {
        "0".to_string()
    } else {
        rounded.to_string()
    };
    match currency {
        Some(c) => format!("{c} {number}{suffix}"),
        None => format!("{number}{suffix}"),
    }
}

/// 10 to the power `digits` (at most 12 here).
fn pow10(digits: u32) -> Decimal {
    crate::exact::pow10(digits).map_or(Decimal::ONE, |p| Decimal::from_i128_with_scale(p, 0))
}

/// A total in short form for labels: `EUR 1.2bn–1.6bn`, `≥ 3k`,
/// `unspecified`, with its pledge count and unspecified sizes.
pub(crate) fn compact_total(total: &Total, currency: Option<Currency>) -> String {
    let range = compact_range(total, currency);
    let plural = if total.count() == 1 { "" } else { "s" };
    if total.unspecified() > 0 {
        format!(
            "{range} ({} pledge{plural}, {} unspecified)",
            total.count(),
            total.unspecified()
        )
    } else {
        format!("{range} ({} pledge{plural})", total.count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers_covering_the_maximum() {
        assert_eq!(ticks(23.0), [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]);
        assert_eq!(ticks(1.0).len(), 6);
        assert_eq!(ticks(0.0), [0.0, 1.0]);
        assert_eq!(compact(1_500_000_000.0, Some(Currency::EUR)), "EUR 1.5bn");
        assert_eq!(compact(25_000.0, None), "25k");
        assert_eq!(compact(0.0, None), "0");
        assert_eq!(compact(4_999.0, None), "5k");
        assert_eq!(compact_bound(4_999.0, None, Toward::Down), "4.99k");
        assert_eq!(compact_bound(4_991.0, None, Toward::Up), "5k");
        assert_eq!(compact_bound(1_150.0, None, Toward::Down), "1.15k");
        assert_eq!(compact_bound(1_150.0, None, Toward::Up), "1.15k");
        assert_eq!(compact_bound(-1_234.0, None, Toward::Down), "-1.24k");
        assert_eq!(
            compact_bound(4_999_999_999.99, None, Toward::Down),
            "4.99bn"
        );
        assert_eq!(compact_bound(5_000_000_000.01, None, Toward::Up), "5.01bn");
    }

    /// A tick's label is its value, with the decimals its step needs.
    #[test]
    fn tick_labels_are_the_ticks_values() {
        let labels = |min: f64, max: f64| {
            let scale = Scale::spanning(min, max, 0.0, 1.0);
            let ticks = scale.ticks();
            ticks
                .iter()
                .map(|&t| scale.label(t, None))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            labels(0.0, 0.12),
            ["0", "0.025", "0.05", "0.075", "0.1", "0.125"]
        );
        assert_eq!(
            labels(0.0, 0.004),
            ["0", "0.001", "0.002", "0.003", "0.004"]
        );
        assert_eq!(
            labels(-0.11, 0.0),
            ["-0.125", "-0.1", "-0.075", "-0.05", "-0.025", "0"]
        );
        assert_eq!(
            labels(0.0, 1_200.0),
            ["0", "250", "500", "750", "1k", "1.25k"]
        );
        assert_eq!(labels(0.0, 23.0), ["0", "5", "10", "15", "20", "25"]);
        assert_eq!(
            labels(0.0, 1e-12),
            [
                "0",
                "0.0000000000002",
                "0.0000000000004",
                "0.0000000000006",
                "0.0000000000008",
                "0.000000000001"
            ]
        );
        assert_eq!(labels(0.0, 1.1e9)[1], "250m");
    }
}
