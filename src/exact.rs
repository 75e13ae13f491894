//! Exact decimal arithmetic: a sum or product is exact or `None`.
//!
//! `rust_decimal`'s `checked_add` and `checked_mul` do not fail when the
//! exact result needs more than 28 significant digits: they round it. Money
//! must never be rounded silently, so every sum and product of amounts goes
//! through these functions, which compute the exact result with integer
//! arithmetic and return `None` when `Decimal` cannot hold it. The one
//! operation that cannot always be exact, division, is rounded *outward*
//! (a low bound down, a high bound up) and says that it rounded.

use rust_decimal::Decimal;

/// Largest `Decimal` mantissa: 2^96 − 1.
const MAX_MANTISSA: u128 = (1 << 96) - 1;

/// `a + b`, exactly, or `None` when the exact sum does not fit a `Decimal`.
///
/// Both operands are normalized first (trailing zeros dropped), so the scale
/// of the sum is the larger of their scales, and its last digit is the
/// non-zero last digit of the operand with that scale: if the mantissa at
/// that scale needs more than 96 bits, no `Decimal` holds the sum.
pub(crate) fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let natural = a.scale().max(b.scale());
    // `Decimal` adds at the larger scale and lowers the scale only when it
    // rounds: a sum that kept it is exact (the common case, kept cheap).
    if let Some(sum) = a.checked_add(b) {
        if sum.scale() == natural {
            return Some(sum);
        }
    }
    add_by_integers(a, b, natural)
}

/// The sum computed on integer mantissas (the reference the fast path is
/// tested against).
fn add_by_integers(a: Decimal, b: Decimal, natural: u32) -> Option<Decimal> {
    let (a, b) = (a.normalize(), b.normalize());
    let scale = a.scale().max(b.scale());
    let ma = scaled_mantissa(a.mantissa(), scale.checked_sub(a.scale())?)?;
    let mb = scaled_mantissa(b.mantissa(), scale.checked_sub(b.scale())?)?;
    from_mantissa(ma.checked_add(mb)?, scale).map(|sum| at_natural_scale(sum, natural))
}

/// `a − b`, exactly, or `None`.
pub(crate) fn sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    add(a, Decimal::ZERO.checked_sub(b)?)
}

/// `a × b`, exactly, or `None` when the exact product does not fit a
/// `Decimal` (more than 28 fractional digits that are not zeros, or a
/// magnitude beyond `Decimal::MAX`).
pub(crate) fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let natural = a.scale().saturating_add(b.scale());
    // A product at the sum of the scales was not rounded.
    if let Some(product) = a.checked_mul(b) {
        if product.scale() == natural {
            return Some(product);
        }
    }
    mul_by_integers(a, b, natural)
}

/// The product computed on integer mantissas (the reference the fast path
/// is tested against).
fn mul_by_integers(a: Decimal, b: Decimal, natural: u32) -> Option<Decimal> {
    let (a, b) = (a.normalize(), b.normalize());
    let scale = a.scale().checked_add(b.scale())?;
    let negative = a.is_sign_negative() != b.is_sign_negative() && !a.is_zero() && !b.is_zero();
    let wide = Wide::product(a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs())?;
    let (magnitude, scale) = wide.shrink(scale)?;
    let mantissa = i128::try_from(magnitude).ok()?;
    let signed = if negative {
        mantissa.checked_neg()?
    } else {
        mantissa
    };
    from_mantissa(signed, scale).map(|product| at_natural_scale(product, natural))
}

/// The exact result at the scale `Decimal`'s own operation would have given
/// it (trailing zeros kept, as `1.50 + 1.50 = 3.00`), when that scale holds
/// it; otherwise as computed. The value is the same either way.
fn at_natural_scale(value: Decimal, natural: u32) -> Decimal {
    let natural = natural.min(28);
    if value.scale() >= natural {
        return value;
    }
    let widened = natural
        .checked_sub(value.scale())
        .and_then(pow10)
        .and_then(|factor| value.mantissa().checked_mul(factor))
        .and_then(|mantissa| Decimal::try_from_i128_with_scale(mantissa, natural).ok());
    widened.unwrap_or(value)
}

/// Which way an inexact quotient is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Toward {
    /// Toward negative infinity: for a low bound.
    Down,
    /// Toward positive infinity: for a high bound.
    Up,
}

/// `a + b` when either operand is already a rounded bound: exact when it
/// fits, else rounded one unit of the last digit outward, with `true` when
/// it had to be rounded; `None` on overflow.
pub(crate) fn add_outward(a: Decimal, b: Decimal, toward: Toward) -> Option<(Decimal, bool)> {
    if let Some(sum) = add(a, b) {
        return Some((sum, false));
    }
    let nearest = a.checked_add(b)?;
    Some((step(nearest, toward)?, true))
}

/// `a − b` when either operand is already a rounded bound, as
/// [`add_outward`] adds.
pub(crate) fn sub_outward(a: Decimal, b: Decimal, toward: Toward) -> Option<(Decimal, bool)> {
    add_outward(a, Decimal::ZERO.checked_sub(b)?, toward)
}

/// `a × b` when the exact product needs more digits than a `Decimal`
/// holds: exact when it fits, else `Decimal`'s rounded product one unit of
/// its last digit outward, with `true` when it had to be rounded; `None`
/// on overflow.
pub(crate) fn mul_outward(a: Decimal, b: Decimal, toward: Toward) -> Option<(Decimal, bool)> {
    if let Some(product) = mul(a, b) {
        return Some((product, false));
    }
    let nearest = a.checked_mul(b)?;
    Some((step(nearest, toward)?, true))
}

/// Whether `value < a × n` exactly, however many digits the product needs
/// (a comparison is a yes or a no: rounding the product either way would
/// answer wrongly for the values between it and the exact product).
pub(crate) fn is_below_product(value: Decimal, a: Decimal, n: u64) -> bool {
    let value_negative = value.is_sign_negative() && !value.is_zero();
    let product_negative = a.is_sign_negative() && !a.is_zero() && n != 0;
    if value_negative != product_negative {
        return value_negative;
    }
    // Both sides times 10^(the larger scale), on integers: the mantissas
    // need at most 96 bits, the power of ten 94 and `n` 64, so every side
    // fits in 256 bits.
    let common = value.scale().min(a.scale());
    let left = pow10(a.scale().saturating_sub(common))
        .and_then(|power| Wide::product(value.mantissa().unsigned_abs(), power.unsigned_abs()));
    let right = pow10(value.scale().saturating_sub(common))
        .and_then(|power| Wide::product(a.mantissa().unsigned_abs(), power.unsigned_abs()))
        .and_then(|w| w.times(n));
    match (left, right) {
        (Some(left), Some(right)) if value_negative => left.order(right).is_gt(),
        (Some(left), Some(right)) => left.order(right).is_lt(),
        // Cannot happen (see above); reporting is the side that hides nothing.
        _ => true,
    }
}

/// One unit of `value`'s last digit toward the given side.
fn step(value: Decimal, toward: Toward) -> Option<Decimal> {
    let unit = Decimal::new(1, value.scale());
    match toward {
        Toward::Down => value.checked_sub(unit),
        Toward::Up => value.checked_add(unit),
    }
}

/// `a ÷ b` rounded outward in the given direction, with `true` when it had
/// to be rounded; `None` when `b` is zero or the quotient does not fit.
///
/// `Decimal` rounds a quotient to its last representable digit; stepping
/// one unit of that digit outward gives a bound on the exact quotient.
pub(crate) fn div(a: Decimal, b: Decimal, toward: Toward) -> Option<(Decimal, bool)> {
    let quotient = a.checked_div(b)?;
    if mul(quotient, b) == Some(a) {
        return Some((quotient, false));
    }
    if quotient.is_zero() {
        // The quotient underflowed: bound it by the smallest step there is.
        let tiny = Decimal::new(1, 28);
        let positive = a.is_sign_negative() == b.is_sign_negative();
        let bound = match (toward, positive) {
            (Toward::Up, true) => tiny,
            (Toward::Down, false) => Decimal::ZERO.checked_sub(tiny)?,
            _ => Decimal::ZERO,
        };
        return Some((bound, true));
    }
    Some((step(quotient, toward)?, true))
}

/// A `Decimal` from a mantissa and scale, dropping trailing zeros while the
/// mantissa or the scale is too large; `None` when no exact `Decimal` holds
/// it.
fn from_mantissa(mut mantissa: i128, mut scale: u32) -> Option<Decimal> {
    loop {
        if let Ok(value) = Decimal::try_from_i128_with_scale(mantissa, scale) {
            return Some(value);
        }
        if scale == 0 || mantissa.checked_rem(10)? != 0 {
            return None;
        }
        mantissa = mantissa.checked_div(10)?;
        scale = scale.checked_sub(1)?;
    }
}

/// `10^n` as an `i128`, for `n <= 38`; `None` past it.
///
/// Read from a table: `checked_pow` squared its way there in `i128`
/// products, each a library call, and the query cache raises two bounds a
/// pledge to the column's scale.
pub(crate) fn pow10(n: u32) -> Option<i128> {
    POWERS_OF_TEN.get(usize::try_from(n).ok()?).copied()
}

/// `10^0` to `10^38`, the powers of ten an `i128` holds.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "evaluated at compile time, where a panic would fail the build (none can: 10^38 < 2^127)"
)]
const POWERS_OF_TEN: [i128; 39] = {
    let mut powers = [1i128; 39];
    let mut n = 1;
    while n < powers.len() {
        powers[n] = powers[n - 1] * 10;
        n += 1;
    }
    powers
};

/// `mantissa × 10^up`, exactly, or `None` when an `i128` cannot hold it.
/// When both factors fit 64 bits, as nearly every amount and rescaling
/// does, their product fits 127 bits and is one multiplication; a checked
/// `i128` product is a library call.
pub(crate) fn scaled_mantissa(mantissa: i128, up: u32) -> Option<i128> {
    product(mantissa, pow10(up)?)
}

/// `a × b`, or `None` when an `i128` cannot hold it: one multiplication
/// when both fit 64 bits (a checked `i128` product is a library call).
pub(crate) fn product(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        // |a × b| <= 2^126 for 64-bit a and b: it cannot wrap.
        (Ok(a), Ok(b)) => Some(i128::from(a).wrapping_mul(i128::from(b))),
        _ => a.checked_mul(b),
    }
}

/// Whether `value` is exactly one, at any scale (`1`, `1.00`): a
/// comparison with `Decimal::ONE` brings both to one scale first.
pub(crate) fn is_one(value: Decimal) -> bool {
    pow10(value.scale()) == Some(value.mantissa())
}

/// An unsigned 256-bit integer as four 64-bit limbs, least significant
/// first: wide enough for the product of two 96-bit mantissas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Wide([u64; 4]);

impl Wide {
    fn product(a: u128, b: u128) -> Option<Wide> {
        let split = |v: u128| -> Option<[u64; 2]> {
            Some([
                u64::try_from(v & u128::from(u64::MAX)).ok()?,
                u64::try_from(v >> 64).ok()?,
            ])
        };
        let (a, b) = (split(a)?, split(b)?);
        let mut limbs = [0u64; 4];
        for (i, &x) in a.iter().enumerate() {
            let mut carry: u128 = 0;
            for (j, &y) in b.iter().enumerate() {
                let slot = limbs.get_mut(i.checked_add(j)?)?;
                let sum = u128::from(x)
                    .checked_mul(u128::from(y))?
                    .checked_add(u128::from(*slot))?
                    .checked_add(carry)?;
                *slot = u64::try_from(sum & u128::from(u64::MAX)).ok()?;
                carry = sum >> 64;
            }
            let slot = limbs.get_mut(i.checked_add(2)?)?;
            *slot = u64::try_from(carry).ok()?;
        }
        Some(Wide(limbs))
    }

    /// Divides by 10 while the value does not fit a `Decimal` mantissa or
    /// the scale exceeds 28, as long as the division is exact; returns the
    /// value and its new scale, or `None` when it cannot be made to fit.
    fn shrink(mut self, mut scale: u32) -> Option<(u128, u32)> {
        loop {
            let fits = self.as_u128().filter(|v| *v <= MAX_MANTISSA);
            if let Some(value) = fits {
                if scale <= 28 {
                    return Some((value, scale));
                }
            }
            if scale == 0 {
                return None;
            }
            let (quotient, remainder) = self.div_rem_10()?;
            if remainder != 0 {
                return None;
            }
            self = quotient;
            scale = scale.checked_sub(1)?;
        }
    }

    /// `self × factor`, or `None` past 256 bits.
    fn times(self, factor: u64) -> Option<Wide> {
        let mut limbs = self.0;
        let mut carry: u128 = 0;
        for limb in &mut limbs {
            // At most (2^64 − 1)^2 + 2^64 − 1 < 2^128.
            let product = u128::from(*limb)
                .checked_mul(u128::from(factor))?
                .checked_add(carry)?;
            *limb = u64::try_from(product & u128::from(u64::MAX)).ok()?;
            carry = product >> 64;
        }
        (carry == 0).then_some(Wide(limbs))
    }

    /// The numbers' order (the limbs are least significant first).
    fn order(self, other: Wide) -> std::cmp::Ordering {
        self.0.iter().rev().cmp(other.0.iter().rev())
    }

    fn as_u128(self) -> Option<u128> {
        let [l0, l1, l2, l3] = self.0;
        (l2 == 0 && l3 == 0).then(|| u128::from(l0) | (u128::from(l1) << 64))
    }

    fn div_rem_10(self) -> Option<(Wide, u64)> {
        let mut limbs = self.0;
        let mut remainder: u128 = 0;
        for limb in limbs.iter_mut().rev() {
            let current = (remainder << 64) | u128::from(*limb);
            *limb = u64::try_from(current.checked_div(10)?).ok()?;
            remainder = current.checked_rem(10)?;
        }
        Some((Wide(limbs), u64::try_from(remainder).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("a decimal")
    }

    /// `value < a × n` as an exact product decides it where `Decimal`
    /// holds the product, at every sign and scale, and past 28 digits on
    /// the products of 3 and thirds.
    #[test]
    fn below_a_product_is_decided_exactly() {
        let values = [
            "-8",
            "-0.5",
            "0",
            "0.5",
            "7.99",
            "8",
            "8.01",
            "1e20",
            "79228162514264337593543950335",
        ];
        let factors = [
            "-2.67",
            "-1",
            "0",
            "1",
            "2.6666",
            "2.67",
            "0.0000000000000000000000000001",
        ];
        for value in values.map(d) {
            for a in factors.map(d) {
                for n in [0u64, 1, 3, u64::MAX] {
                    if let Some(product) = mul(a, Decimal::from(n)) {
                        assert_eq!(
                            is_below_product(value, a, n),
                            value < product,
                            "{value} < {a} × {n}"
                        );
                    }
                }
            }
        }
        let third = d("2.6666666666666666666666666669"); // × 3 = 8.0000000000000000000000000007
        assert!(is_below_product(d("8"), third, 3));
        assert!(!is_below_product(
            d("8.000000000000000000000000001"),
            third,
            3
        ));
        assert!(!is_below_product(d("-8"), -third, 3));
        assert!(is_below_product(
            d("-8.000000000000000000000000001"),
            -third,
            3
        ));
        assert!(!is_below_product(Decimal::MAX, Decimal::MAX, 1));
        assert!(is_below_product(Decimal::MAX, Decimal::MAX, 2));
        assert!(is_below_product(Decimal::MAX, Decimal::MAX, u64::MAX));
        assert!(is_below_product(Decimal::MIN, Decimal::MAX, 0));
    }

    /// The table holds what `checked_pow` computes, and ends where it
    /// fails.
    #[test]
    fn powers_of_ten_are_read_from_the_table() {
        for n in 0..=45 {
            assert_eq!(pow10(n), 10i128.checked_pow(n), "10^{n}");
        }
    }

    /// One is one at every scale, and nothing else is.
    #[test]
    fn one_is_recognised_at_every_scale() {
        for scale in 0..=28 {
            let one = Decimal::from_i128_with_scale(10i128.pow(scale), scale);
            assert!(is_one(one), "{one}");
            assert!(!is_one(-one), "{}", -one);
            let next = Decimal::from_i128_with_scale(10i128.pow(scale) + 1, scale);
            assert!(!is_one(next), "{next}");
        }
        for other in [
            "0",
            "-0",
            "10",
            "0.1",
            "0.999",
            "1.0000000000000000000000000001",
        ] {
            assert!(!is_one(d(other)), "{other}");
        }
    }

    /// The one-multiplication path gives the checked product, and the
    /// rest fail where it fails: mantissas at the edges of 64 and 96 bits
    /// and of `i128`, raised by every power of ten and one past the last.
    #[test]
    fn a_scaled_mantissa_is_the_checked_product() {
        let wide = (1i128 << 96) - 1;
        let edges = [
            0,
            1,
            -1,
            7,
            i128::from(i64::MAX),
            i128::from(i64::MIN),
            i128::from(i64::MAX) + 1,
            i128::from(i64::MIN) - 1,
            wide,
            -wide,
            i128::MAX / 10,
            i128::MIN / 10,
            i128::MAX,
            i128::MIN,
        ];
        for mantissa in edges {
            for up in 0..=40 {
                let expected = 10i128
                    .checked_pow(up)
                    .and_then(|factor| mantissa.checked_mul(factor));
                assert_eq!(
                    scaled_mantissa(mantissa, up),
                    expected,
                    "{mantissa} × 10^{up}"
                );
            }
        }
    }

    #[test]
    fn sums_that_decimal_would_round_are_refused() {
        let big = d("79228162514264337593543950");
        // ...950.335 is exactly Decimal::MAX / 10^3; one more thousandth
        // needs a 97-bit mantissa, which checked_add rounds to ...950.34.
        assert_eq!(
            add(big, d("0.335")),
            Some(d("79228162514264337593543950.335"))
        );
        assert!(big.checked_add(d("0.336")).is_some());
        assert_eq!(add(big, d("0.336")), None);
        assert_eq!(add(d("10000000000000000000000000000"), d("0.1")), None);
        assert_eq!(add(d("1.5"), d("2.25")), Some(d("3.75")));
        assert_eq!(add(d("0.1"), d("-0.1")), Some(Decimal::ZERO));
        assert_eq!(sub(d("10"), d("0.001")), Some(d("9.999")));
    }

    #[test]
    fn sums_at_the_edges_of_the_mantissa_are_exact_when_they_fit() {
        let max = Decimal::MAX;
        assert_eq!(add(max, Decimal::ZERO), Some(max));
        assert_eq!(add(max, Decimal::ONE), None);
        assert_eq!(add(max, -Decimal::ONE), max.checked_sub(Decimal::ONE));
        let tiny = Decimal::new(1, 28);
        assert_eq!(add(tiny, tiny), Some(Decimal::new(2, 28)));
        assert_eq!(
            add(Decimal::ONE, tiny),
            Some(d("1.0000000000000000000000000001"))
        );
        assert_eq!(add(d("10"), tiny), None);
    }

    #[test]
    fn products_are_exact_or_refused() {
        assert_eq!(mul(d("0.001"), d("1000")), Some(Decimal::ONE));
        assert_eq!(mul(Decimal::new(1, 28), Decimal::new(1, 28)), None);
        assert_eq!(mul(d("1.5"), d("-2")), Some(d("-3")));
        // 96-bit mantissas whose product overflows an i128 but has trailing
        // zeros enough to fit.
        let a = Decimal::from_i128_with_scale(5i128.pow(40), 28);
        let b = Decimal::from_i128_with_scale(2i128.pow(40), 28);
        assert_eq!(mul(a, b), Some(Decimal::new(1, 16)));
        assert_eq!(mul(Decimal::MAX, d("2")), None);
        assert_eq!(mul(Decimal::MAX, Decimal::ONE), Some(Decimal::MAX));
    }

    #[test]
    fn products_too_precise_to_fit_round_outward_and_say_so() {
        let third = d("0.3333333333333333333333333333");
        let (low, rounded) = mul_outward(third, d("299"), Toward::Down).expect("fits");
        let (high, _) = mul_outward(third, d("299"), Toward::Up).expect("fits");
        assert!(rounded && low < high);
        // The exact product, 99.6666666666666666666666666567, needs 30
        // digits; it lies between these neighbours of 26 decimals, so
        // bounds beyond them hold it.
        let (below, above) = (
            d("99.66666666666666666666666665"),
            d("99.66666666666666666666666666"),
        );
        assert!(low <= below && above <= high, "{low} {high}");
        assert_eq!(
            mul_outward(d("1.5"), d("2"), Toward::Up),
            Some((d("3.0"), false))
        );
        assert_eq!(mul_outward(Decimal::MAX, d("2"), Toward::Down), None);
    }

    #[test]
    fn quotients_round_outward_and_say_so() {
        let (low, rounded) = div(Decimal::ONE, d("3"), Toward::Down).expect("fits");
        let (high, _) = div(Decimal::ONE, d("3"), Toward::Up).expect("fits");
        assert!(rounded);
        assert!(mul(low, d("3")).expect("fits") < Decimal::ONE);
        assert!(mul(high, d("3")).expect("fits") > Decimal::ONE);
        assert_eq!(div(d("3"), d("4"), Toward::Down), Some((d("0.75"), false)));
        assert_eq!(div(Decimal::ONE, Decimal::ZERO, Toward::Up), None);
    }

    fn decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        (any::<u128>(), 0u32..=28, any::<bool>(), 0u32..4).prop_map(
            |(m, scale, negative, width)| {
                // Mantissas of every width up to 96 bits.
                let bits = [8, 40, 80, 96][width as usize];
                let m = m & ((1u128 << bits) - 1);
                let m = i128::try_from(m).expect("below 2^96");
                Decimal::from_i128_with_scale(if negative { -m } else { m }, scale)
            },
        )
    }

    proptest::proptest! {
        #[test]
        fn the_fast_paths_agree_with_the_integer_reference(a in decimal(), b in decimal()) {
            // Same value and same scale, or both refused.
            let with_scale = |d: Option<Decimal>| d.map(|d| (d, d.scale()));
            let natural = a.scale().max(b.scale());
            proptest::prop_assert_eq!(with_scale(add(a, b)), with_scale(add_by_integers(a, b, natural)));
            let natural = a.scale() + b.scale();
            proptest::prop_assert_eq!(with_scale(mul(a, b)), with_scale(mul_by_integers(a, b, natural)));
        }
    }
}
