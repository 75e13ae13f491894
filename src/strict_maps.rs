//! Strict reading of the small JSON files beside a ledger (exchange rates,
//! deflators, member attributes, scenarios): an object's key given twice is
//! an error, not the last value silently kept; each value is checked as it
//! is read; and a check made once the whole object is read fails inside the
//! object, so the JSON reader gives the error its line and column (an error
//! raised after the reader has returned has none, and `serde_json` then gives
//! line 0, column 0).

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, Visitor};

use crate::error::Result;

/// A JSON object read into a map: each key read by `key` (one spelling),
/// each value by the seed `value` makes for its key; a key given twice is
/// refused.
pub(crate) struct UniqueMap<K, F> {
    /// What a key is, for an error: `"a date written YYYY-MM-DD"`.
    expecting: &'static str,
    key: fn(&str) -> Result<K>,
    value: F,
}

impl<K, F> UniqueMap<K, F> {
    pub(crate) fn new(expecting: &'static str, key: fn(&str) -> Result<K>, value: F) -> Self {
        UniqueMap {
            expecting,
            key,
            value,
        }
    }
}

impl<'de, K, S, F> DeserializeSeed<'de> for UniqueMap<K, F>
where
    K: Ord + fmt::Display,
    S: DeserializeSeed<'de>,
    F: FnMut(&K) -> S,
{
    type Value = BTreeMap<K, S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, K, S, F> Visitor<'de> for UniqueMap<K, F>
where
    K: Ord + fmt::Display,
    S: DeserializeSeed<'de>,
    F: FnMut(&K) -> S,
{
    type Value = BTreeMap<K, S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object whose keys are {}", self.expecting)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key_seed(Key(self.expecting, self.key))? {
            if out.contains_key(&key) {
                return Err(A::Error::custom(format!(
                    "duplicate key `{key}`: each may be given once"
                )));
            }
            let value = map.next_value_seed((self.value)(&key))?;
            out.insert(key, value);
        }
        Ok(out)
    }
}

/// One key of a [`UniqueMap`], read from the string with its own parser.
struct Key<K>(&'static str, fn(&str) -> Result<K>);

impl<'de, K> DeserializeSeed<'de> for Key<K> {
    type Value = K;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<K, D::Error> {
        crate::spelling::from_str_with(d, self.0, self.1)
    }
}

/// A value read as `V`, then checked and converted by `check` while the
/// reader still knows where it is.
pub(crate) struct Checked<V, G>(G, PhantomData<fn() -> V>);

impl<V, G> Checked<V, G> {
    pub(crate) fn new(check: G) -> Self {
        Checked(check, PhantomData)
    }
}

impl<'de, V, T, G> DeserializeSeed<'de> for Checked<V, G>
where
    V: Deserialize<'de>,
    G: FnOnce(V) -> Result<T>,
{
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        let value = V::deserialize(d)?;
        (self.0)(value).map_err(D::Error::custom)
    }
}

/// Reads a JSON object as `In`, then makes an `Out` of it with its checks
/// (`TryFrom`), failing inside the object so that the error has the
/// position of the object's end.
pub(crate) fn checked_object<'de, D, In, Out>(
    d: D,
    expecting: &'static str,
) -> Result<Out, D::Error>
where
    D: Deserializer<'de>,
    In: Deserialize<'de>,
    Out: TryFrom<In, Error = crate::error::Error>,
{
    struct Object<In, Out>(&'static str, PhantomData<fn() -> (In, Out)>);

    impl<'de, In, Out> Visitor<'de> for Object<In, Out>
    where
        In: Deserialize<'de>,
        Out: TryFrom<In, Error = crate::error::Error>,
    {
        type Value = Out;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Out, A::Error> {
            let input = In::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
            Out::try_from(input).map_err(A::Error::custom)
        }
    }

    d.deserialize_map(Object::<In, Out>(expecting, PhantomData))
}

/// An object of currencies, each an object of keys (`expecting` says what
/// a key is, `key` reads one) to amounts, each amount checked by `check`
/// while the reader knows where it is: the shape of rate and deflator files.
pub(crate) fn amounts_by_currency<'de, D, K>(
    d: D,
    expecting: &'static str,
    key: fn(&str) -> Result<K>,
    check: fn(crate::money::Currency, K, rust_decimal::Decimal) -> Result<()>,
) -> Result<BTreeMap<crate::money::Currency, BTreeMap<K, rust_decimal::Decimal>>, D::Error>
where
    D: Deserializer<'de>,
    K: Ord + Copy + fmt::Display + 'static,
{
    UniqueMap::new(
        "ISO 4217 currency codes",
        crate::money::Currency::new,
        |currency: &crate::money::Currency| {
            let currency = *currency;
            UniqueMap::new(expecting, key, move |at: &K| {
                let at = *at;
                Checked::new(move |crate::money::Amount(amount)| {
                    check(currency, at, amount).map(|()| amount)
                })
            })
        },
    )
    .deserialize(d)
}
