//! What is pledged: [`Contribution`], [`Kind`], [`Capability`],
//! [`Condition`], the body of a new pledge ([`NewPledge`]) and the derived
//! current state of a pledge ([`Pledge`]).

use std::fmt;

use chrono::NaiveDate;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::estimate::{Bounds, Estimate};
use crate::ids::{Category, MemberId, PledgeId};
use crate::lifecycle::Stage;
use crate::limits::{MAX_CONDITIONS_PER_PLEDGE, MAX_NOTE_CHARS, MAX_TEXT_CHARS};
use crate::money::{Currency, Money};
use crate::thin_list::ThinList;
use crate::within_limits::check_text;

/// The four kinds of contribution, as a plain enum for filters and grouping.
///
/// Ordered `Troops < Equipment < Funding < Backstop`, the order of table rows.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// assert_eq!(Kind::ALL, [Kind::Troops, Kind::Equipment, Kind::Funding, Kind::Backstop]);
/// assert_eq!("funding".parse::<Kind>()?, Kind::Funding);
/// assert!(Kind::Troops < Kind::Backstop);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Personnel.
    Troops,
    /// Equipment, counted in units and valued in money.
    Equipment,
    /// Money.
    Funding,
    /// A backstop guarantee (air power, intelligence, ...).
    Backstop,
}

crate::spelling::spelled!(Kind, "kind", {
    Troops => "troops",
    Equipment => "equipment",
    Funding => "funding",
    Backstop => "backstop",
});

impl Kind {
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// What a backstop guarantee provides.
///
/// # Text form
///
/// One spelling, shared by `Display`, `FromStr` and the CSV `capability`
/// column: `air_power`, `air_defence`, `intelligence`, `logistics`,
/// `security_guarantee`, or `other:TEXT`. The JSON document keeps its
/// structured form (`"air_power"`, `{"other": "TEXT"}`).
///
/// # Example
///
/// ```
/// use coalition_ledger::Capability;
///
/// assert_eq!(Capability::AirPower.to_string(), "air_power");
/// assert_eq!("other:naval mine clearance".parse::<Capability>()?, Capability::Other("naval mine clearance".into()));
/// for text in ["air_defence", "other:lift"] {
///     assert_eq!(text.parse::<Capability>()?.to_string(), text);
/// }
/// let err = "air power".parse::<Capability>().unwrap_err();
/// assert_eq!(err.to_string(), "unknown capability `air power`: expected one of air_power, air_defence, intelligence, logistics, security_guarantee, other:TEXT");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Capability {
    /// Combat air power.
    AirPower,
    /// Air and missile defence.
    AirDefence,
    /// Intelligence, surveillance and reconnaissance.
    Intelligence,
    /// Logistics and lift.
    Logistics,
    /// A general security guarantee.
    SecurityGuarantee,
    /// Anything else, described in words. Recording refuses a text that
    /// is empty or blank, too long, or holds a bidirectional control.
    Other(String),
}

impl Capability {
    const SPELLINGS: [&'static str; 6] = [
        "air_power",
        "air_defence",
        "intelligence",
        "logistics",
        "security_guarantee",
        "other:TEXT",
    ];
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Capability::AirPower => f.write_str("air_power"),
            Capability::AirDefence => f.write_str("air_defence"),
            Capability::Intelligence => f.write_str("intelligence"),
            Capability::Logistics => f.write_str("logistics"),
            Capability::SecurityGuarantee => f.write_str("security_guarantee"),
            Capability::Other(text) => write!(f, "other:{text}"),
        }
    }
}

impl std::str::FromStr for Capability {
    type Err = Error;

    fn from_str(text: &str) -> Result<Capability> {
        Ok(match text {
            "air_power" => Capability::AirPower,
            "air_defence" => Capability::AirDefence,
            "intelligence" => Capability::Intelligence,
            "logistics" => Capability::Logistics,
            "security_guarantee" => Capability::SecurityGuarantee,
            other => match other.strip_prefix("other:") {
                Some(words) if !words.is_empty() => Capability::Other(words.to_string()),
                _ => {
                    return Err(Error::unknown_name(
                        "capability",
                        text,
                        &Capability::SPELLINGS,
                    ));
                }
            },
        })
    }
}

/// What is pledged, with its size as an [`Estimate`].
///
/// # Example
///
/// ```
/// use coalition_ledger::{Category, Contribution, Currency, Estimate, Kind, Money};
/// use rust_decimal::Decimal;
///
/// let troops = Contribution::Troops { personnel: Estimate::range(5_000, 10_000)? };
/// assert_eq!(troops.kind(), Kind::Troops);
/// let patriot = Contribution::Equipment {
///     category: Category::new("air-defence")?,
///     units: Estimate::Exact(2),
///     value: Some(Estimate::Exact(Money::new(Decimal::new(2_000_000_000, 0), Currency::EUR))),
/// };
/// assert_eq!(patriot.currency()?, Some(Currency::EUR));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Contribution {
    /// Personnel.
    Troops {
        /// Number of personnel.
        personnel: Estimate<u64>,
    },
    /// Equipment of one category.
    Equipment {
        /// The category, such as `air-defence`.
        category: Category,
        /// Number of units.
        units: Estimate<u64>,
        /// Value of all the units, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<Estimate<Money>>,
    },
    /// Money.
    Funding {
        /// The amount.
        amount: Estimate<Money>,
    },
    /// A backstop guarantee.
    Backstop {
        /// What it provides.
        capability: Capability,
    },
}

impl fmt::Display for Contribution {
    /// `troops 2,000–5,000`, `equipment air-defence 4 units worth EUR 1,200,000,000`, ...
    ///
    /// ```
    /// use coalition_ledger::{Contribution, Estimate};
    /// let c = Contribution::Troops { personnel: Estimate::AtLeast(3_000) };
    /// assert_eq!(c.to_string(), "troops ≥ 3,000");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Contribution::Troops { personnel } => write!(f, "troops {personnel}"),
            Contribution::Equipment {
                category,
                units,
                value: Some(value),
            } => {
                write!(f, "equipment {category} {units} units worth {value}")
            }
            Contribution::Equipment {
                category,
                units,
                value: None,
            } => {
                write!(f, "equipment {category} {units} units")
            }
            Contribution::Funding { amount } => write!(f, "funding {amount}"),
            Contribution::Backstop { capability } => write!(f, "backstop {capability}"),
        }
    }
}

impl Contribution {
    /// The kind of the contribution.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let troops = Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? };
    /// assert_eq!(troops.kind(), Kind::Troops);
    /// assert_eq!(Contribution::Backstop { capability: Capability::AirPower }.kind(), Kind::Backstop);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn kind(&self) -> Kind {
        match self {
            Contribution::Troops { .. } => Kind::Troops,
            Contribution::Equipment { .. } => Kind::Equipment,
            Contribution::Funding { .. } => Kind::Funding,
            Contribution::Backstop { .. } => Kind::Backstop,
        }
    }

    /// The currency of the money in the contribution, if any.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] when a range mixes currencies.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let troops = Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? };
    /// assert_eq!(troops.currency()?, None);
    /// let fund = Contribution::Funding { amount: Estimate::Exact(Money::parse("1000", Currency::GBP)?) };
    /// assert_eq!(fund.currency()?, Some(Currency::GBP));
    /// // A range whose two ends are in different currencies has no one currency.
    /// let mixed = Contribution::Funding { amount: Estimate::Range { low: Money::parse("1", Currency::GBP)?, high: Money::parse("2", Currency::EUR)? } };
    /// assert!(mixed.currency().is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn currency(&self) -> Result<Option<Currency>> {
        match self {
            Contribution::Equipment { value: Some(v), .. } => v.currency(),
            Contribution::Funding { amount } => amount.currency(),
            _ => Ok(None),
        }
    }

    /// The equipment category, for equipment.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let patriot = Contribution::Equipment { category: Category::new("air-defence")?, units: Estimate::Exact(2), value: None };
    /// assert_eq!(patriot.category().map(|c| c.as_str()), Some("air-defence"));
    /// assert_eq!(Contribution::Troops { personnel: Estimate::Unspecified }.category(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn category(&self) -> Option<&Category> {
        match self {
            Contribution::Equipment { category, .. } => Some(category),
            _ => None,
        }
    }

    /// Bounds of the quantity deliveries are counted in: personnel, units or
    /// money. `None` for a backstop.
    pub(crate) fn quantity_bounds(&self) -> Option<Bounds> {
        match self {
            Contribution::Troops { personnel } => Some(personnel.bounds()),
            Contribution::Equipment { units, .. } => Some(units.bounds()),
            Contribution::Funding { amount } => Some(amount.bounds()),
            Contribution::Backstop { .. } => None,
        }
    }

    /// Bounds of the money value: the funding amount or the equipment value.
    /// Equipment without a value is unspecified in money.
    pub(crate) fn value_bounds(&self) -> Option<Bounds> {
        match self {
            Contribution::Equipment { value: Some(v), .. } => Some(v.bounds()),
            Contribution::Equipment { value: None, .. } => Some(Bounds::UNSPECIFIED),
            Contribution::Funding { amount } => Some(amount.bounds()),
            _ => None,
        }
    }

    /// Checks ranges, signs, currencies and text limits.
    pub(crate) fn validate(&self, pledge: &PledgeId) -> Result<Option<Currency>> {
        let subject = || format!("pledge `{pledge}`");
        let check_range = |field: &'static str, ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(Error::invalid(
                    subject(),
                    field,
                    "range low bound exceeds its high bound",
                ))
            }
        };
        match self {
            Contribution::Troops { personnel } => check_range("personnel", ordered(personnel))?,
            Contribution::Equipment { units, value, .. } => {
                check_range("units", ordered(units))?;
                if let Some(value) = value {
                    check_money(value, "value", &subject)?;
                }
            }
            Contribution::Funding { amount } => check_money(amount, "amount", &subject)?,
            Contribution::Backstop {
                capability: Capability::Other(text),
            } => {
                check_text(subject, "capability", text, MAX_TEXT_CHARS)?;
            }
            Contribution::Backstop { .. } => {}
        }
        self.currency()
            .map_err(|_| Error::invalid(subject(), "currency", "a range mixes currencies"))
    }
}

fn ordered<T: Copy + PartialOrd>(estimate: &Estimate<T>) -> bool {
    match estimate {
        Estimate::Range { low, high } => low <= high,
        _ => true,
    }
}

fn check_money(
    estimate: &Estimate<Money>,
    field: &'static str,
    subject: &dyn Fn() -> String,
) -> Result<()> {
    let negative = [estimate.low(), estimate.high()]
        .into_iter()
        .flatten()
        .any(|m| m.amount().is_sign_negative() && !m.amount().is_zero());
    if negative {
        return Err(Error::invalid(subject(), field, "must not be negative"));
    }
    if let Estimate::Range { low, high } = estimate {
        if low.currency() != high.currency() {
            return Err(Error::invalid(
                subject(),
                "currency",
                format!("range mixes {} and {}", low.currency(), high.currency()),
            ));
        }
        if low.amount() > high.amount() {
            return Err(Error::invalid(
                subject(),
                field,
                "range low bound exceeds its high bound",
            ));
        }
    }
    Ok(())
}

/// A condition a pledge depends on.
///
/// Conditions order by variant, then by content, which is the order they are
/// stored and printed in.
///
/// # Text form
///
/// One spelling, shared by `Display`, `FromStr` and the CSV `conditions`
/// column: `ceasefire`, `backstop:MEMBER`, `parliamentary_approval:MEMBER`,
/// `depends_on:PLEDGE` and `named:TEXT`, each tag the name the JSON document
/// gives the condition in its structured form (`"ceasefire"`,
/// `{"backstop": {"by": "USA"}}`, `{"depends_on": "FRA-1"}`, ...).
/// `FromStr` also reads `parliament:MEMBER` and `depends:PLEDGE`, the
/// spellings earlier builds of this crate wrote; nothing writes them now.
///
/// # Example
///
/// ```
/// use coalition_ledger::{Condition, MemberId};
///
/// let backstop = Condition::Backstop { by: MemberId::new("USA")? };
/// assert_eq!(backstop.to_string(), "backstop:USA");
/// assert_eq!("backstop:USA".parse::<Condition>()?, backstop);
/// for text in ["ceasefire", "parliamentary_approval:DEU", "depends_on:FRA-1", "named:UN mandate"] {
///     assert_eq!(text.parse::<Condition>()?.to_string(), text);
/// }
/// // The earlier spellings still read.
/// assert_eq!("depends:FRA-1".parse::<Condition>()?.to_string(), "depends_on:FRA-1");
/// assert!("backstop by USA".parse::<Condition>().is_err());
/// assert!("backstop:".parse::<Condition>().is_err()); // an empty member id
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Condition {
    /// A ceasefire is agreed.
    Ceasefire,
    /// A member provides a backstop (the US security backstop).
    Backstop {
        /// The member expected to provide it.
        by: MemberId,
    },
    /// A member's parliament approves.
    ParliamentaryApproval {
        /// The member whose parliament must approve.
        member: MemberId,
    },
    /// Another pledge stands. It fails when that pledge is withdrawn or
    /// fails; it is unknown while the pledge is not recorded (or `as_of`
    /// leaves it out) and once it is voided, since a voided pledge was
    /// recorded in error.
    DependsOn(PledgeId),
    /// Any other condition, in words. Recording refuses a text that is
    /// empty or blank, too long, or holds a bidirectional control (a
    /// scenario naming one is refused by its query likewise).
    Named(String),
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Ceasefire => f.write_str("ceasefire"),
            Condition::Backstop { by } => write!(f, "backstop:{by}"),
            Condition::ParliamentaryApproval { member } => {
                write!(f, "parliamentary_approval:{member}")
            }
            Condition::DependsOn(pledge) => write!(f, "depends_on:{pledge}"),
            Condition::Named(words) => write!(f, "named:{words}"),
        }
    }
}

impl std::str::FromStr for Condition {
    type Err = Error;

    fn from_str(text: &str) -> Result<Condition> {
        let (tag, value) = text.split_once(':').unwrap_or((text, ""));
        match tag {
            "ceasefire" if !text.contains(':') => Ok(Condition::Ceasefire),
            "backstop" => Ok(Condition::Backstop {
                by: MemberId::new(value)?,
            }),
            // `parliament` and `depends`: as files written before the
            // spelling followed the JSON names hold them.
            "parliamentary_approval" | "parliament" => Ok(Condition::ParliamentaryApproval {
                member: MemberId::new(value)?,
            }),
            "depends_on" | "depends" => Ok(Condition::DependsOn(PledgeId::new(value)?)),
            // Blank words are refused, as recording refuses them.
            "named" if !value.trim().is_empty() => Ok(Condition::Named(value.to_string())),
            _ => Err(Error::unknown_name(
                "condition",
                text,
                &[
                    "ceasefire",
                    "backstop:MEMBER",
                    "parliamentary_approval:MEMBER",
                    "depends_on:PLEDGE",
                    "named:TEXT",
                ],
            )),
        }
    }
}

/// Which total an adjustment changes: what was pledged or what was
/// delivered.
///
/// Published trackers correct earlier rows with new, sometimes negative,
/// rows that name no pledge (−61.97m EUR of commitments, say). An
/// adjustment records such a row as it is: see [`NewPledge::adjustment`].
///
/// ```
/// use coalition_ledger::AdjustmentBasis;
/// assert_eq!("delivered".parse::<AdjustmentBasis>()?, AdjustmentBasis::Delivered);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AdjustmentBasis {
    /// Changes the pledged (committed) total.
    Pledged,
    /// Changes the delivered (allocated) total.
    Delivered,
}

crate::spelling::spelled!(AdjustmentBasis, "adjustment basis", {
    Pledged => "pledged",
    Delivered => "delivered",
});

/// The body of a new pledge: the [`Action::Pledge`](crate::Action::Pledge)
/// that opens it.
///
/// The opening stage may be `Considering`, `Announced` or `Committed`;
/// delivery and withdrawal are later entries. Conditions are kept sorted and
/// unique.
///
/// # Example
///
/// ```
/// use coalition_ledger::{Condition, Contribution, Estimate, MemberId, NewPledge, PledgeId, Stage};
///
/// let pledge = NewPledge::new(
///     PledgeId::new("GBR-troops")?,
///     MemberId::new("GBR")?,
///     Contribution::Troops { personnel: Estimate::Unspecified },
/// )
/// .with_stage(Stage::Announced)
/// .with_condition(Condition::Ceasefire)
/// .with_location("Ukraine");
/// assert_eq!(pledge.conditions(), &[Condition::Ceasefire]);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NewPledge {
    // A pledge body a million times over is most of a ledger's memory: it
    // is held in 128 bytes (the id inline, see `ids::IdText`), the rarely
    // set texts boxed together and the conditions in one pointer.
    id: PledgeId,
    member: MemberId,
    contribution: Contribution,
    stage: Stage,
    // One pointer, null when empty (see `ThinList`).
    conditions: ThinList<Condition>,
    /// The label, location and notes; `None` when the pledge has none of
    /// them (a box is never made empty, so equal pledges hold equal boxes).
    extras: Option<Box<Extras>>,
    /// Set for an adjustment: a change to a member's total on one basis
    /// that names no pledge (format version 3).
    adjusts: Option<AdjustmentBasis>,
}

/// The texts few pledges carry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct Extras {
    category: Option<Category>,
    // Shared texts (one pointer, the length kept with the text).
    location: Option<arcstr::ArcStr>,
    notes: Option<arcstr::ArcStr>,
}

#[allow(
    clippy::missing_fields_in_debug,
    reason = "the boxed texts are shown one by one, as `category`, `location` and `notes`"
)]
impl fmt::Debug for NewPledge {
    /// The fields as the pledge reads them, whatever box holds the texts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewPledge")
            .field("id", &self.id)
            .field("member", &self.member)
            .field("contribution", &self.contribution)
            .field("stage", &self.stage)
            .field("conditions", &self.conditions)
            .field("category", &self.label())
            .field("location", &self.location())
            .field("notes", &self.notes())
            .field("adjusts", &self.adjusts)
            .finish()
    }
}

/// A pledge body's serde forms, with the fields it has always had: the
/// boxed texts are written and read as the fields they were. The form
/// read is itself named `NewPledge`, because serde's messages (`expected
/// struct NewPledge`) take the Rust name, not the renamed one.
mod form {
    use super::{AdjustmentBasis, Category, Condition, Contribution, Stage, ThinList};
    use crate::ids::{MemberId, PledgeId};
    use serde::{Deserialize, Serialize};

    #[derive(Serialize)]
    #[serde(rename = "NewPledge")]
    pub(super) struct Out<'a> {
        pub(super) id: &'a PledgeId,
        pub(super) member: &'a MemberId,
        pub(super) contribution: &'a Contribution,
        pub(super) stage: Stage,
        #[serde(skip_serializing_if = "<[Condition]>::is_empty")]
        pub(super) conditions: &'a [Condition],
        #[serde(skip_serializing_if = "Option::is_none")]
        pub(super) category: Option<&'a Category>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub(super) location: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub(super) notes: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub(super) adjusts: Option<AdjustmentBasis>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct NewPledge {
        pub(super) id: PledgeId,
        #[serde(deserialize_with = "crate::ids::kept_member")]
        pub(super) member: MemberId,
        pub(super) contribution: Contribution,
        pub(super) stage: Stage,
        #[serde(default, deserialize_with = "bounded_conditions")]
        pub(super) conditions: ThinList<Condition>,
        #[serde(default)]
        pub(super) category: Option<Category>,
        #[serde(default)]
        pub(super) location: Option<arcstr::ArcStr>,
        #[serde(default)]
        pub(super) notes: Option<arcstr::ArcStr>,
        #[serde(default)]
        pub(super) adjusts: Option<AdjustmentBasis>,
    }

    /// Serde: a pledge's conditions, at most
    /// [`MAX_CONDITIONS_PER_PLEDGE`](crate::limits::MAX_CONDITIONS_PER_PLEDGE),
    /// as the `Vec` they were read into was.
    fn bounded_conditions<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<ThinList<Condition>, D::Error> {
        crate::limits::bounded_conditions(deserializer).map(ThinList::from_vec)
    }
}

impl Serialize for NewPledge {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        form::Out {
            id: &self.id,
            member: &self.member,
            contribution: &self.contribution,
            stage: self.stage,
            conditions: &self.conditions,
            category: self.label(),
            location: self.location(),
            notes: self.notes(),
            adjusts: self.adjusts,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for NewPledge {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<NewPledge, D::Error> {
        let form::NewPledge {
            id,
            member,
            contribution,
            stage,
            conditions,
            category,
            location,
            notes,
            adjusts,
        } = form::NewPledge::deserialize(d)?;
        let extras = Extras {
            category,
            location,
            notes,
        };
        Ok(NewPledge {
            id,
            member,
            contribution,
            stage,
            conditions,
            extras: (extras != Extras::default()).then(|| Box::new(extras)),
            adjusts,
        })
    }
}

impl NewPledge {
    /// A pledge at stage `Announced` with no conditions.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) });
    /// assert_eq!(spec.stage(), Stage::Announced); // the default opening stage
    /// assert!(spec.conditions().is_empty());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn new(id: PledgeId, member: MemberId, contribution: Contribution) -> NewPledge {
        NewPledge {
            id,
            member,
            contribution,
            stage: Stage::Announced,
            conditions: ThinList::default(),
            extras: None,
            adjusts: None,
        }
    }

    /// An **adjustment**: a change of `amount` (negative, zero or positive)
    /// to `member`'s total on one basis, naming no pledge, as published
    /// trackers record corrections. Give it the category it corrects with
    /// [`NewPledge::with_category`].
    ///
    /// Its rules:
    ///
    /// * it is funding of an exact amount, which may be negative, and has
    ///   no conditions; it opens `Committed` (pledged basis) or `Delivered`
    ///   (delivered basis), and has no lifecycle after that: advancing,
    ///   revising, delivering on or withdrawing it is refused (record
    ///   another adjustment to correct it);
    /// * a value query counts it on its own basis only: a pledged
    ///   adjustment adds to the pledged and outstanding totals, a delivered
    ///   one to the delivered total and (negated) to the outstanding one; it
    ///   is not a pledge for [`Measure::Count`](crate::Measure::Count), and
    ///   coverage leaves it out of its firmness buckets (and says so);
    /// * [`Query::adjustments`](crate::Query::adjustments)`(false)` filters
    ///   adjustments out; a total they drive below zero shows its negative
    ///   low bound and the table says so in a note;
    /// * `check` lists each adjustment (CL016).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("DEU")?, "Germany"))?;
    /// let on = Provenance::new(Evidence::Reported).on(parse_date("2024-03-01")?);
    /// let amount = Estimate::Exact(Money::parse("100000000", Currency::EUR)?);
    /// let spec = NewPledge::new(PledgeId::new("DEU-1")?, MemberId::new("DEU")?, Contribution::Funding { amount });
    /// ledger.open_pledge(spec.with_stage(Stage::Committed), on.clone())?;
    /// let fix = NewPledge::adjustment(PledgeId::new("DEU-fix")?, MemberId::new("DEU")?,
    ///     AdjustmentBasis::Pledged, Money::parse("-61970000", Currency::EUR)?);
    /// ledger.open_pledge(fix, on)?;
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// let value = Measure::Value { currency: Currency::EUR, fx: &fx };
    /// assert_eq!(ledger.query().measure(value).run()?.total().low(), Decimal::from(38_030_000));
    /// assert_eq!(ledger.query().measure(value).adjustments(false).run()?.total().low(), Decimal::from(100_000_000));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn adjustment(
        id: PledgeId,
        member: MemberId,
        basis: AdjustmentBasis,
        amount: Money,
    ) -> NewPledge {
        let stage = match basis {
            AdjustmentBasis::Pledged => Stage::Committed,
            AdjustmentBasis::Delivered => Stage::Delivered,
        };
        NewPledge {
            stage,
            adjusts: Some(basis),
            ..NewPledge::new(
                id,
                member,
                Contribution::Funding {
                    amount: Estimate::Exact(amount),
                },
            )
        }
    }

    /// The basis an adjustment changes; `None` for a pledge.
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    /// let fix = NewPledge::adjustment(PledgeId::new("x")?, MemberId::new("FRA")?,
    ///     AdjustmentBasis::Delivered, Money::parse("-5", Currency::EUR)?);
    /// assert_eq!(fix.adjusts(), Some(AdjustmentBasis::Delivered));
    /// assert_eq!(fix.stage(), Stage::Delivered);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn adjusts(&self) -> Option<AdjustmentBasis> {
        self.adjusts
    }

    /// Sets the opening stage.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) }).with_stage(Stage::Committed);
    /// assert_eq!(spec.stage(), Stage::Committed);
    /// // Opening at Delivered or Withdrawn is refused when recorded.
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// let delivered = spec.clone().with_stage(Stage::Delivered);
    /// assert!(ledger.open_pledge(delivered, Provenance::new(Evidence::Verified)).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn with_stage(mut self, stage: Stage) -> NewPledge {
        self.stage = stage;
        self
    }

    /// Adds a condition (kept sorted, duplicates ignored).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) })
    ///     .with_condition(Condition::Backstop { by: MemberId::new("USA")? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_condition(Condition::Ceasefire);
    /// // Sorted and unique.
    /// assert_eq!(spec.conditions(), [Condition::Ceasefire, Condition::Backstop { by: MemberId::new("USA")? }]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn with_condition(mut self, condition: Condition) -> NewPledge {
        if let Err(at) = self.conditions.binary_search(&condition) {
            self.conditions.insert(at, condition);
        }
        self
    }

    /// Sets a category label for a pledge that is not equipment (equipment
    /// carries its category in the contribution).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) }).with_category(Category::new("reassurance-force")?);
    /// assert_eq!(spec.category().map(|c| c.as_str()), Some("reassurance-force"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn with_category(mut self, category: Category) -> NewPledge {
        self.extras_mut().category = Some(category);
        self
    }

    /// Sets where the contribution would be deployed or delivered.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) }).with_location("Ukraine");
    /// assert_eq!(spec.location(), Some("Ukraine"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn with_location(mut self, location: impl Into<String>) -> NewPledge {
        self.extras_mut().location = Some(arcstr::ArcStr::from(location.into()));
        self
    }

    /// Sets free-text notes.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) }).with_notes("contributors not named");
    /// assert_eq!(spec.notes(), Some("contributors not named"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn with_notes(mut self, notes: impl Into<String>) -> NewPledge {
        self.extras_mut().notes = Some(arcstr::ArcStr::from(notes.into()));
        self
    }

    /// The box of texts, made when the first is set.
    fn extras_mut(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Box::default)
    }

    /// The category label set with [`NewPledge::with_category`] (not the
    /// equipment category).
    fn label(&self) -> Option<&Category> {
        self.extras.as_ref().and_then(|e| e.category.as_ref())
    }

    /// The id.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) });
    /// assert_eq!(spec.id().as_str(), "FRA-1");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn id(&self) -> &PledgeId {
        &self.id
    }

    /// The pledging member.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) });
    /// assert_eq!(spec.member().as_str(), "FRA");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn member(&self) -> &MemberId {
        &self.member
    }

    /// What is pledged.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) });
    /// assert_eq!(spec.contribution().kind(), Kind::Troops);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn contribution(&self) -> &Contribution {
        &self.contribution
    }

    /// The opening stage.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) });
    /// assert_eq!(spec.with_stage(Stage::Considering).stage(), Stage::Considering);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The conditions, sorted.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) }).with_condition(Condition::Named("UN mandate".into()));
    /// assert_eq!(spec.conditions().len(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// The category: the equipment category or the label.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) });
    /// assert_eq!(spec.category(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn category(&self) -> Option<&Category> {
        self.contribution.category().or(self.label())
    }

    /// The location, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) });
    /// assert_eq!(spec.location(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn location(&self) -> Option<&str> {
        self.extras.as_ref().and_then(|e| e.location.as_deref())
    }

    /// The notes, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) });
    /// assert_eq!(spec.notes(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn notes(&self) -> Option<&str> {
        self.extras.as_ref().and_then(|e| e.notes.as_deref())
    }

    /// The member id, to swap in the ledger's shared copy.
    pub(crate) fn member_mut(&mut self) -> &mut MemberId {
        &mut self.member
    }

    /// Checks an adjustment's own rules; returns its currency.
    fn validate_adjustment(&self, basis: AdjustmentBasis) -> Result<Option<Currency>> {
        let subject = || format!("adjustment `{}`", self.id);
        let expected = match basis {
            AdjustmentBasis::Pledged => Stage::Committed,
            AdjustmentBasis::Delivered => Stage::Delivered,
        };
        if self.stage != expected {
            return Err(Error::invalid(
                subject(),
                "stage",
                format!("an adjustment of the {basis} total opens as {expected}"),
            ));
        }
        if !self.conditions.is_empty() {
            return Err(Error::invalid(
                subject(),
                "conditions",
                "an adjustment corrects a total; it has no conditions",
            ));
        }
        let Contribution::Funding {
            amount: Estimate::Exact(money),
        } = &self.contribution
        else {
            return Err(Error::invalid(
                subject(),
                "contribution",
                "an adjustment is funding of an exact amount",
            ));
        };
        for (field, text) in [("location", self.location()), ("notes", self.notes())] {
            if let Some(text) = text {
                let max = if field == "notes" {
                    MAX_NOTE_CHARS
                } else {
                    MAX_TEXT_CHARS
                };
                check_text(subject, field, text, max)?;
            }
        }
        Ok(Some(money.currency()))
    }

    /// Checks everything that does not need the ledger; returns the currency.
    pub(crate) fn validate(&self) -> Result<Option<Currency>> {
        if let Some(basis) = self.adjusts {
            return self.validate_adjustment(basis);
        }
        let subject = || format!("pledge `{}`", self.id);
        if !matches!(
            self.stage,
            Stage::Considering | Stage::Announced | Stage::Committed
        ) {
            return Err(Error::invalid(
                subject(),
                "stage",
                format!(
                    "a pledge opens as considering, announced or committed, not {}",
                    self.stage
                ),
            ));
        }
        if self.conditions.len() > MAX_CONDITIONS_PER_PLEDGE {
            return Err(Error::limit(
                format!("number of conditions of pledge `{}`", self.id),
                MAX_CONDITIONS_PER_PLEDGE,
                self.conditions.len(),
            ));
        }
        if !self
            .conditions
            .windows(2)
            .all(|w| matches!(w, [a, b] if a < b))
        {
            return Err(Error::invalid(
                subject(),
                "conditions",
                "must be sorted and unique",
            ));
        }
        for condition in self.conditions.iter() {
            match condition {
                Condition::Named(text) => check_text(subject, "conditions", text, MAX_TEXT_CHARS)?,
                Condition::DependsOn(other) if *other == self.id => {
                    return Err(Error::invalid(
                        subject(),
                        "conditions",
                        "a pledge cannot depend on itself",
                    ));
                }
                _ => {}
            }
        }
        if self.label().is_some() && self.contribution.kind() == Kind::Equipment {
            return Err(Error::invalid(
                subject(),
                "category",
                "equipment carries its category in the contribution",
            ));
        }
        if let Some(location) = self.location() {
            check_text(subject, "location", location, MAX_TEXT_CHARS)?;
        }
        if let Some(notes) = self.notes() {
            check_text(subject, "notes", notes, MAX_NOTE_CHARS)?;
        }
        self.contribution.validate(&self.id)
    }

    pub(crate) fn first_difference(&self, other: &NewPledge) -> Option<&'static str> {
        if self.id != other.id {
            Some("id")
        } else if self.member != other.member {
            Some("member")
        } else if self.contribution != other.contribution {
            Some("contribution")
        } else if self.stage != other.stage {
            Some("stage")
        } else if self.conditions != other.conditions {
            Some("conditions")
        } else if self.label() != other.label() {
            Some("category")
        } else if self.location() != other.location() {
            Some("location")
        } else if self.notes() != other.notes() {
            Some("notes")
        } else if self.adjusts != other.adjusts {
            Some("adjusts")
        } else {
            None
        }
    }
}

/// The dates a pledge reached each stage, as recorded by dated entries.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let mut ledger = Ledger::new();
/// for id in ["FRA", "GBR"] {
///     ledger.add_member(Member::new(MemberId::new(id)?, id))?;
/// }
/// for (id, member, n) in [("FRA-1", "FRA", 2_000), ("GBR-1", "GBR", 3_000)] {
///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel: Estimate::Exact(n) });
///     ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
/// }
/// ledger.advance(&PledgeId::new("FRA-1")?, Stage::Committed, Provenance::new(Evidence::Verified).on(parse_date("2025-10-01")?))?;
/// let dates = ledger.pledge(&PledgeId::new("FRA-1")?).map(|p| p.dates()).unwrap_or_default();
/// assert_eq!(dates.announced, Some(parse_date("2025-09-04")?));
/// assert_eq!(dates.committed, Some(parse_date("2025-10-01")?));
/// assert_eq!(dates.delivered, None);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StageDates {
    /// When the pledge was opened.
    pub opened: Option<NaiveDate>,
    /// When it was first announced (or opened at a later stage).
    pub announced: Option<NaiveDate>,
    /// When it was committed.
    pub committed: Option<NaiveDate>,
    /// When it reached the `Delivered` stage.
    pub delivered: Option<NaiveDate>,
    /// When it was withdrawn.
    pub withdrawn: Option<NaiveDate>,
    /// The date of the most recent dated delivery (or correction).
    pub last_delivery: Option<NaiveDate>,
}

impl StageDates {
    /// The date a pledge is placed at in time: its announcement, or when it
    /// was opened if it was never announced. Values are converted at this
    /// date, and `Year`/`Month` rows use it.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
    /// let id = PledgeId::new("FRA-1")?;
    /// let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? })
    ///     .with_condition(Condition::Ceasefire)
    ///     .with_location("Ukraine");
    /// ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?).cite(SourceId::new("elysee")?))?;
    /// let pledge = ledger.pledge(&id).ok_or(coalition_ledger::Error::UnknownPledge { pledge: id.to_string() })?;
    /// assert_eq!(pledge.dates().pledge_date(), Some(parse_date("2025-09-04")?));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn pledge_date(&self) -> Option<NaiveDate> {
        self.announced.or(self.opened)
    }
}
