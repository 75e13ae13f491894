//! Dated member attributes supplied by the caller: population, GDP and
//! defence budget, each for a year ([`MemberAttributes`]).
//!
//! Relative measures (per capita, share of GDP) divide by them; a member
//! or year without the attribute is an error naming both, never a silent
//! skip.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::MemberId;
use crate::money::Money;

/// A member attribute a relative measure divides by.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// assert_eq!("gdp".parse::<Attribute>()?, Attribute::Gdp);
/// assert_eq!(Attribute::DefenceBudget.to_string(), "defence_budget");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attribute {
    /// Number of inhabitants.
    Population,
    /// Gross domestic product, money of a year.
    Gdp,
    /// Defence budget, money of a year.
    DefenceBudget,
}

crate::spelling::spelled!(Attribute, "attribute", {
    Population => "population",
    Gdp => "gdp",
    DefenceBudget => "defence_budget",
});

/// Population, GDP and defence budget of members, by year.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let fra = MemberId::new("FRA")?;
/// let attributes = MemberAttributes::new()
///     .with_population(&fra, 2025, 68_600_000)?
///     .with_gdp(&fra, 2025, Money::parse("2900000000000", Currency::EUR)?)?;
/// assert_eq!(attributes.population(&fra, 2025)?, Decimal::from(68_600_000));
/// let err = attributes.gdp(&fra, 2024).unwrap_err();
/// assert_eq!(err.to_string(), "member `FRA` has no gdp for 2024");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct MemberAttributes {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    population: BTreeMap<MemberId, BTreeMap<i32, u64>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    gdp: BTreeMap<MemberId, BTreeMap<i32, Money>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    defence_budget: BTreeMap<MemberId, BTreeMap<i32, Money>>,
}

impl<'de> Deserialize<'de> for MemberAttributes {
    /// Reads attributes as they are written, each checked as the builders
    /// check it, each year in digits without leading zeros, no member or
    /// year twice.
    fn deserialize<D: serde::Deserializer<'de>>(
        d: D,
    ) -> std::result::Result<MemberAttributes, D::Error> {
        crate::strict_maps::checked_object::<D, AttributesIn, MemberAttributes>(
            d,
            "member attributes",
        )
    }
}

/// Deserialized attributes, each checked as it is read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttributesIn {
    #[serde(default, deserialize_with = "deserialize_population")]
    population: BTreeMap<MemberId, BTreeMap<i32, u64>>,
    #[serde(default, deserialize_with = "deserialize_gdp")]
    gdp: BTreeMap<MemberId, BTreeMap<i32, Money>>,
    #[serde(default, deserialize_with = "deserialize_defence_budget")]
    defence_budget: BTreeMap<MemberId, BTreeMap<i32, Money>>,
}

/// One attribute's values by member and year: no member or year twice,
/// each value checked by `check` as it is read.
fn by_member_and_year<'de, D, V>(
    d: D,
    check: fn(&MemberId, i32, V) -> Result<()>,
) -> std::result::Result<BTreeMap<MemberId, BTreeMap<i32, V>>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de> + Copy,
{
    use crate::strict_maps::{Checked, UniqueMap};
    use serde::de::DeserializeSeed;
    UniqueMap::new("member ids", MemberId::legacy, |member: &MemberId| {
        let member = member.clone();
        UniqueMap::new(
            "years such as 2025",
            crate::dates::parse_year,
            move |year: &i32| {
                let (member, year) = (member.clone(), *year);
                Checked::new(move |value: V| check(&member, year, value).map(|()| value))
            },
        )
    })
    .deserialize(d)
}

fn deserialize_population<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<MemberId, BTreeMap<i32, u64>>, D::Error> {
    by_member_and_year(d, check_population)
}

fn deserialize_gdp<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<MemberId, BTreeMap<i32, Money>>, D::Error> {
    by_member_and_year(d, |member, year, money| {
        check_money(Attribute::Gdp, member, year, money)
    })
}

fn deserialize_defence_budget<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<MemberId, BTreeMap<i32, Money>>, D::Error> {
    by_member_and_year(d, |member, year, money| {
        check_money(Attribute::DefenceBudget, member, year, money)
    })
}

/// The checks of a population: a year of four digits at most, at least one
/// person.
fn check_population(member: &MemberId, year: i32, people: u64) -> Result<()> {
    let subject = || format!("population of `{member}` in {year}");
    crate::within_limits::check_year(subject, year)?;
    if people == 0 {
        return Err(Error::invalid(subject(), "population", "must be positive"));
    }
    Ok(())
}

/// The checks of a GDP or defence budget: a year of four digits at most, a
/// positive amount.
fn check_money(attribute: Attribute, member: &MemberId, year: i32, money: Money) -> Result<()> {
    let subject = || format!("{attribute} of `{member}` in {year}");
    crate::within_limits::check_year(subject, year)?;
    if money.amount() <= Decimal::ZERO {
        return Err(Error::invalid(
            subject(),
            attribute.as_str(),
            format!("must be positive, got {money}"),
        ));
    }
    Ok(())
}

impl TryFrom<AttributesIn> for MemberAttributes {
    type Error = Error;

    fn try_from(input: AttributesIn) -> Result<MemberAttributes> {
        let mut attributes = MemberAttributes::new();
        for (member, by_year) in input.population {
            for (year, people) in by_year {
                attributes.insert_population(&member, year, people)?;
            }
        }
        for (attribute, map) in [
            (Attribute::Gdp, input.gdp),
            (Attribute::DefenceBudget, input.defence_budget),
        ] {
            for (member, by_year) in map {
                for (year, money) in by_year {
                    attributes.insert_money(attribute, &member, year, money)?;
                }
            }
        }
        Ok(attributes)
    }
}

impl MemberAttributes {
    /// No attributes yet.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let attributes = MemberAttributes::new();
    /// assert!(attributes.population(&MemberId::new("FRA")?, 2025).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn new() -> MemberAttributes {
        MemberAttributes::default()
    }

    /// Sets a member's population in a year.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a population of zero or a year outside 0
    /// to 9999 (the years of a ledger's dates).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = MemberId::new("FRA")?;
    /// assert!(MemberAttributes::new().with_population(&fra, 2025, 0).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn with_population(
        mut self,
        member: &MemberId,
        year: i32,
        people: u64,
    ) -> Result<MemberAttributes> {
        self.insert_population(member, year, people)?;
        Ok(self)
    }

    /// Sets a member's GDP in a year.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a GDP that is not positive or a year
    /// outside 0 to 9999.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = MemberId::new("FRA")?;
    /// assert!(MemberAttributes::new().with_gdp(&fra, 2025, Money::parse("0", Currency::EUR)?).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn with_gdp(
        mut self,
        member: &MemberId,
        year: i32,
        gdp: Money,
    ) -> Result<MemberAttributes> {
        self.insert_money(Attribute::Gdp, member, year, gdp)?;
        Ok(self)
    }

    /// Sets a member's defence budget in a year.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a budget that is not positive or a year
    /// outside 0 to 9999.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = MemberId::new("FRA")?;
    /// let attributes = MemberAttributes::new()
    ///     .with_defence_budget(&fra, 2025, Money::parse("50500000000", Currency::EUR)?)?;
    /// assert_eq!(attributes.defence_budget(&fra, 2025)?.to_string(), "EUR 50,500,000,000");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn with_defence_budget(
        mut self,
        member: &MemberId,
        year: i32,
        budget: Money,
    ) -> Result<MemberAttributes> {
        self.insert_money(Attribute::DefenceBudget, member, year, budget)?;
        Ok(self)
    }

    fn insert_population(&mut self, member: &MemberId, year: i32, people: u64) -> Result<()> {
        check_population(member, year, people)?;
        self.population
            .entry(member.clone())
            .or_default()
            .insert(year, people);
        Ok(())
    }

    fn insert_money(
        &mut self,
        attribute: Attribute,
        member: &MemberId,
        year: i32,
        money: Money,
    ) -> Result<()> {
        check_money(attribute, member, year, money)?;
        let map = match attribute {
            Attribute::DefenceBudget => &mut self.defence_budget,
            _ => &mut self.gdp,
        };
        map.entry(member.clone()).or_default().insert(year, money);
        Ok(())
    }

    /// A member's population in a year.
    ///
    /// # Errors
    ///
    /// [`Error::MissingAttribute`] naming the member and the year.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = MemberId::new("FRA")?;
    /// let attributes = MemberAttributes::new().with_population(&fra, 2025, 68_600_000)?;
    /// assert!(attributes.population(&fra, 2025).is_ok());
    /// assert!(attributes.population(&fra, 2026).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn population(&self, member: &MemberId, year: i32) -> Result<Decimal> {
        self.population
            .get(member)
            .and_then(|by_year| by_year.get(&year))
            .map(|people| Decimal::from(*people))
            .ok_or_else(|| missing(member, Attribute::Population, year))
    }

    /// A member's GDP in a year.
    ///
    /// # Errors
    ///
    /// [`Error::MissingAttribute`] naming the member and the year.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = MemberId::new("FRA")?;
    /// let attributes = MemberAttributes::new().with_gdp(&fra, 2025, Money::parse("2900000000000", Currency::EUR)?)?;
    /// assert_eq!(attributes.gdp(&fra, 2025)?.currency(), Currency::EUR);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn gdp(&self, member: &MemberId, year: i32) -> Result<Money> {
        self.money(Attribute::Gdp, member, year)
    }

    /// A member's defence budget in a year.
    ///
    /// # Errors
    ///
    /// [`Error::MissingAttribute`] naming the member and the year.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let attributes = MemberAttributes::new();
    /// let err = attributes.defence_budget(&MemberId::new("DEU")?, 2025).unwrap_err();
    /// assert_eq!(err.to_string(), "member `DEU` has no defence_budget for 2025");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn defence_budget(&self, member: &MemberId, year: i32) -> Result<Money> {
        self.money(Attribute::DefenceBudget, member, year)
    }

    fn money(&self, attribute: Attribute, member: &MemberId, year: i32) -> Result<Money> {
        let map = match attribute {
            Attribute::DefenceBudget => &self.defence_budget,
            _ => &self.gdp,
        };
        map.get(member)
            .and_then(|by_year| by_year.get(&year))
            .copied()
            .ok_or_else(|| missing(member, attribute, year))
    }
}

#[cold]
fn missing(member: &MemberId, attribute: Attribute, year: i32) -> Error {
    Error::MissingAttribute {
        member: member.to_string(),
        attribute: attribute.to_string(),
        year,
    }
}

impl fmt::Display for MemberAttributes {
    /// One line per member, year and attribute.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (member, by_year) in &self.population {
            for (year, people) in by_year {
                writeln!(f, "{member} {year} population {people}")?;
            }
        }
        for (name, map) in [("gdp", &self.gdp), ("defence_budget", &self.defence_budget)] {
            for (member, by_year) in map {
                for (year, money) in by_year {
                    writeln!(f, "{member} {year} {name} {money}")?;
                }
            }
        }
        Ok(())
    }
}
