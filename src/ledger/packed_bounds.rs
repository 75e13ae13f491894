//! [`PackedBounds`]: a pledge's bounds as its state keeps them, in 21 bytes
//! instead of the 40 of an `Option<Bounds>`.
//!
//! Each pledge state holds two bounds (its quantity and its value); at a
//! million pledges the two `Option<Bounds>` took 80 MB. Nearly every amount
//! has at most 18 significant digits, so a bound keeps its value as an
//! `i64` mantissa without trailing zeros, with its scale and how many
//! zeros to put back: the `Decimal` it was, scale and all, comes back
//! exactly. A bound that does not fit is not kept at all
//! ([`Stored::InEntry`]): the ledger reads it from the entry that sized the
//! pledge, which holds the very contribution it was computed from.
//!
//! Every field is a byte array, so the whole has alignment 1 and packs
//! into the state without padding.

use rust_decimal::Decimal;

use crate::estimate::Bounds;

/// A pledge's bounds, packed (see the module docs).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PackedBounds {
    low: Digits,
    high: Digits,
    flags: u8,
}

/// One bound: `mantissa × 10^-(scale - zeros)` is its value, and
/// `mantissa × 10^zeros` at `scale` the `Decimal` it was.
#[derive(Debug, Clone, Copy, Default)]
struct Digits {
    mantissa: [u8; 8],
    scale: u8,
    zeros: u8,
}

/// The pledge has bounds (`Some`).
const PRESENT: u8 = 1;
/// The high bound is known (not open-ended).
const HIGH: u8 = 2;
const UNSPECIFIED: u8 = 4;
const ROUNDED: u8 = 8;
/// A bound did not fit: read it from the sizing entry.
const IN_ENTRY: u8 = 16;
/// The low (high) bound is a negative zero, which a mantissa cannot say.
const LOW_NEGATIVE_ZERO: u8 = 32;
const HIGH_NEGATIVE_ZERO: u8 = 64;

/// Where a pledge's bounds are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stored {
    /// In the state: the bounds, or `None` for a pledge without them.
    Inline(Option<Bounds>),
    /// Too wide for the state: the contribution of the entry that sized
    /// the pledge gives them.
    InEntry,
}

impl PackedBounds {
    /// No bounds.
    pub(crate) const NONE: PackedBounds = PackedBounds {
        low: Digits {
            mantissa: [0; 8],
            scale: 0,
            zeros: 0,
        },
        high: Digits {
            mantissa: [0; 8],
            scale: 0,
            zeros: 0,
        },
        flags: 0,
    };

    /// Packs `bounds`, or marks them [`Stored::InEntry`] when a bound does
    /// not fit.
    pub(crate) fn pack(bounds: Option<Bounds>) -> PackedBounds {
        let Some(b) = bounds else {
            return PackedBounds::NONE;
        };
        let low = Digits::of(b.low);
        let high = match b.high {
            Some(high) => Digits::of(high).map(Some),
            None => Some(None),
        };
        let (Some(low), Some(high)) = (low, high) else {
            return PackedBounds {
                flags: PRESENT | IN_ENTRY,
                ..PackedBounds::NONE
            };
        };
        let flag = |on: bool, flag: u8| if on { flag } else { 0 };
        let negative_zero = |d: Decimal| d.is_zero() && d.is_sign_negative();
        PackedBounds {
            low,
            high: high.unwrap_or_default(),
            flags: PRESENT
                | flag(b.high.is_some(), HIGH)
                | flag(b.unspecified, UNSPECIFIED)
                | flag(b.rounded, ROUNDED)
                | flag(negative_zero(b.low), LOW_NEGATIVE_ZERO)
                | flag(b.high.is_some_and(negative_zero), HIGH_NEGATIVE_ZERO),
        }
    }

    /// The bounds, or where to find them.
    pub(crate) fn stored(&self) -> Stored {
        let on = |flag: u8| self.flags & flag != 0;
        if !on(PRESENT) {
            return Stored::Inline(None);
        }
        if on(IN_ENTRY) {
            return Stored::InEntry;
        }
        let low = self.low.decimal(on(LOW_NEGATIVE_ZERO));
        let high = if on(HIGH) {
            self.high.decimal(on(HIGH_NEGATIVE_ZERO)).map(Some)
        } else {
            Some(None)
        };
        match (low, high) {
            (Some(low), Some(high)) => Stored::Inline(Some(Bounds {
                low,
                high,
                unspecified: on(UNSPECIFIED),
                rounded: on(ROUNDED),
            })),
            // `pack` only keeps what comes back: not reached.
            _ => Stored::InEntry,
        }
    }
}

/// Equal bounds, whatever their scales, as `Bounds` compares them. Any two
/// bounds kept in their entries are equal here, whatever their values:
/// that is sound only because the one comparison of states, `Ledger`'s
/// equality, compares the entries too, which decide. A value fits or not
/// whatever its scale (the mantissa kept has no trailing zeros), so equal
/// bounds are both kept or both in their entries.
impl PartialEq for PackedBounds {
    fn eq(&self, other: &PackedBounds) -> bool {
        self.stored() == other.stored()
    }
}

impl Eq for PackedBounds {}

/// `mantissa` without its trailing zeros, at most `scale` of them, and how
/// many it lost; `tenth` gives a mantissa divided by ten when it ends in a
/// zero.
fn strip_zeros<M: Copy>(mut mantissa: M, scale: u32, tenth: impl Fn(M) -> Option<M>) -> (M, u32) {
    let mut zeros = 0u32;
    while zeros < scale {
        let Some(shorter) = tenth(mantissa) else {
            break;
        };
        mantissa = shorter;
        zeros = zeros.saturating_add(1);
    }
    (mantissa, zeros)
}

impl Digits {
    /// `value` packed, or `None` when its digits do not fit an `i64`.
    ///
    /// Trailing zeros are stripped by hand rather than by
    /// `Decimal::normalize`, whose 96-bit division the recording thread
    /// paid four times per opening even for an amount without any: here a
    /// whole number or a last digit that is not zero costs one remainder
    /// at most (a zero, one per decimal place).
    fn of(value: Decimal) -> Option<Digits> {
        let scale = value.scale();
        // Nearly every amount fits an `i64`, whose remainder is one
        // instruction; an `i128` remainder is a call into the compiler's
        // runtime (1.4% of an import's instructions).
        let (mantissa, zeros) = if let Ok(mantissa) = i64::try_from(value.mantissa()) {
            strip_zeros(mantissa, scale, |m: i64| (m % 10 == 0).then_some(m / 10))
        } else {
            let tenth = |m: i128| (m % 10 == 0).then_some(m / 10);
            let (mantissa, zeros) = strip_zeros(value.mantissa(), scale, tenth);
            (i64::try_from(mantissa).ok()?, zeros)
        };
        Some(Digits {
            mantissa: mantissa.to_le_bytes(),
            scale: u8::try_from(scale).ok()?,
            zeros: u8::try_from(zeros).ok()?,
        })
    }

    /// The `Decimal` packed, scale and all.
    fn decimal(self, negative_zero: bool) -> Option<Decimal> {
        let mantissa = i128::from(i64::from_le_bytes(self.mantissa));
        let digits = match self.zeros {
            0 => mantissa,
            zeros => crate::exact::scaled_mantissa(mantissa, u32::from(zeros))?,
        };
        let mut value = Decimal::try_from_i128_with_scale(digits, u32::from(self.scale)).ok()?;
        if negative_zero {
            value.set_sign_negative(true);
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The bounds exactly as given: value, scale and sign of every bound,
    /// and both flags.
    fn same(a: Option<Bounds>, b: Option<Bounds>) -> bool {
        let bits = |d: Decimal| d.serialize();
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                bits(a.low) == bits(b.low)
                    && a.high.map(bits) == b.high.map(bits)
                    && a.unspecified == b.unspecified
                    && a.rounded == b.rounded
            }
            _ => false,
        }
    }

    fn round_trip(bounds: Option<Bounds>) {
        match PackedBounds::pack(bounds).stored() {
            Stored::Inline(back) => assert!(same(bounds, back), "{bounds:?} came back {back:?}"),
            Stored::InEntry => {
                // Only what does not fit goes to the entry.
                let b = bounds.expect("bounds");
                let wide = |d: Decimal| i64::try_from(d.normalize().mantissa()).is_err();
                assert!(wide(b.low) || b.high.is_some_and(wide), "{bounds:?}");
            }
        }
    }

    fn bounds(low: Decimal, high: Option<Decimal>) -> Bounds {
        Bounds {
            low,
            high,
            unspecified: false,
            rounded: false,
        }
    }

    #[test]
    fn packed_bounds_are_small() {
        assert_eq!(size_of::<PackedBounds>(), 21);
    }

    #[test]
    fn bounds_come_back_exactly() {
        let d = |s: &str| s.parse::<Decimal>().expect("a decimal");
        round_trip(None);
        round_trip(Some(Bounds::UNSPECIFIED));
        round_trip(Some(bounds(d("2668000000.25"), Some(d("2668000000.25")))));
        round_trip(Some(bounds(d("1.500"), None)));
        round_trip(Some(bounds(d("-0.00"), Some(d("0")))));
        round_trip(Some(bounds(
            d("-12.3400"),
            Some(d("79228162514264337593543950335")),
        )));
        round_trip(Some(bounds(
            d("1.0000000000000000000000000000"),
            Some(d("9223372036854775807")),
        )));
        round_trip(Some(bounds(
            d("-9223372036854775808"),
            Some(d("9223372036854775808")),
        )));
        let rounded = Bounds {
            rounded: true,
            ..Bounds::UNSPECIFIED
        };
        round_trip(Some(rounded));
    }

    #[test]
    fn wide_bounds_are_read_from_the_entry() {
        let d = |s: &str| s.parse::<Decimal>().expect("a decimal");
        let wide = Some(bounds(d("0"), Some(d("79228162514264337593543950335"))));
        assert_eq!(PackedBounds::pack(wide).stored(), Stored::InEntry);
        // Trailing zeros do not make a bound wide.
        let long = Some(bounds(d("1.0000000000000000000000000000"), None));
        assert!(matches!(
            PackedBounds::pack(long).stored(),
            Stored::Inline(Some(_))
        ));
    }

    #[test]
    fn equal_values_at_other_scales_are_equal() {
        let d = |s: &str| s.parse::<Decimal>().expect("a decimal");
        let a = PackedBounds::pack(Some(bounds(d("1.0"), Some(d("2")))));
        let b = PackedBounds::pack(Some(bounds(d("1.00"), Some(d("2.000")))));
        let c = PackedBounds::pack(Some(bounds(d("1.01"), Some(d("2")))));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, PackedBounds::NONE);
    }

    proptest! {
        #[test]
        fn any_bounds_come_back_or_go_to_the_entry(
            low in any::<i128>(),
            low_scale in 0u32..=28,
            high in proptest::option::of((any::<i128>(), 0u32..=28)),
            unspecified in any::<bool>(),
            rounded in any::<bool>(),
            narrow in any::<bool>(),
        ) {
            // Half the cases with mantissas that fit, half with any.
            let fit = |m: i128| if narrow { m % 1_000_000_000_000 } else { m % (1i128 << 96) };
            let decimal = |m: i128, s: u32| Decimal::try_from_i128_with_scale(fit(m), s).ok();
            let Some(low) = decimal(low, low_scale) else { return Ok(()); };
            let high = match high {
                Some((m, s)) => match decimal(m, s) {
                    Some(h) => Some(h),
                    None => return Ok(()),
                },
                None => None,
            };
            round_trip(Some(Bounds { low, high, unspecified, rounded }));
        }
    }
}
