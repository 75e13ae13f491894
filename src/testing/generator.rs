//! A seeded generator of large, realistic ledgers (feature `testing`).
//!
//! The same seed and settings always give the same ledger, so downstream
//! tests and benchmarks can share data without shipping files.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use crate::entry::{Action, Provenance};
use crate::error::{Error, Result};
use crate::estimate::Estimate;
use crate::fx::{FxRates, RatePolicy};
use crate::ids::{Category, GroupId, MemberId, PledgeId, SourceId};
use crate::ledger::Ledger;
use crate::lifecycle::{Evidence, Stage};
use crate::member::{Member, Role};
use crate::money::{Currency, Money};
use crate::pledge::{Capability, Condition, Contribution, NewPledge};
use crate::source::{Source, SourceKind};

/// `SplitMix64`: small, fast, and good enough for test data.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next().checked_rem(n).unwrap_or(0)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }
}

const GROUPS: [&str; 5] = ["EU", "NATO", "G7", "Nordic", "CoW"];
const CURRENCIES: [(Currency, u64); 8] = [
    (Currency::EUR, 60),
    (Currency::USD, 14),
    (Currency::GBP, 10),
    (Currency::CAD, 4),
    (Currency::NOK, 4),
    (Currency::SEK, 3),
    (Currency::PLN, 3),
    (Currency::JPY, 2),
];
const CATEGORIES: [&str; 8] = [
    "air-defence",
    "artillery",
    "armour",
    "ammunition",
    "drones",
    "demining",
    "vehicles",
    "medical",
];
const FIRST_DAY: &str = "2022-03-01";
const DAYS: u64 = 1_400;

/// Generates ledgers.
///
/// # Example
///
/// ```
/// use coalition_ledger::testing::Generator;
///
/// let a = Generator::seeded(7).pledges(500).ledger()?;
/// let b = Generator::seeded(7).pledges(500).ledger()?;
/// assert_eq!(a, b);
/// assert_eq!(a.pledge_count(), 500);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    seed: u64,
    members: usize,
    sources: usize,
    pledges: usize,
    lifecycle_percent: u64,
}

/// One generated entry with the day it happens, for sorting.
struct Event {
    day: u64,
    order: u64,
    action: Action,
    provenance: Provenance,
}

impl Generator {
    /// A generator with 40 members, 50 sources, 1,000 pledges and about two
    /// lifecycle entries per pledge.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::testing::Generator;
    ///
    /// let a = Generator::seeded(7).pledges(50).ledger()?;
    /// let b = Generator::seeded(7).pledges(50).ledger()?;
    /// assert_eq!(a.to_json(), b.to_json()); // same seed, same ledger
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn seeded(seed: u64) -> Generator {
        Generator {
            seed,
            members: 40,
            sources: 50,
            pledges: 1_000,
            lifecycle_percent: 100,
        }
    }

    /// Number of members (at least 2).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::testing::Generator;
    ///
    /// let ledger = Generator::seeded(1).members(12).pledges(20).ledger()?;
    /// assert_eq!(ledger.members().count(), 12);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn members(mut self, members: usize) -> Generator {
        self.members = members.max(2);
        self
    }

    /// Number of sources (at least 1).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::testing::Generator;
    ///
    /// let ledger = Generator::seeded(1).sources(5).pledges(20).ledger()?;
    /// assert_eq!(ledger.sources().count(), 5);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn sources(mut self, sources: usize) -> Generator {
        self.sources = sources.max(1);
        self
    }

    /// Number of pledges.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::testing::Generator;
    ///
    /// let ledger = Generator::seeded(1).pledges(100).ledger()?;
    /// assert_eq!(ledger.pledge_count(), 100);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn pledges(mut self, pledges: usize) -> Generator {
        self.pledges = pledges;
        self
    }

    /// How busy pledges are after opening: 100 (the default) gives about two
    /// lifecycle entries per pledge (advances, deliveries, corrections,
    /// revisions, withdrawals, annotations), 0 none, 200 about four.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::testing::Generator;
    ///
    /// // No lifecycle entries: every pledge keeps its opening entry only.
    /// let ledger = Generator::seeded(1).pledges(30).lifecycle_percent(0).ledger()?;
    /// assert_eq!(ledger.len(), ledger.members().len() + ledger.sources().len() + 30);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn lifecycle_percent(mut self, percent: u64) -> Generator {
        self.lifecycle_percent = percent;
        self
    }

    /// Every action with its provenance, in sequence order: the roster first,
    /// then pledge entries sorted by date.
    ///
    /// # Errors
    ///
    /// None in practice: every generated id is valid.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::testing::Generator;
    /// use coalition_ledger::prelude::*;
    ///
    /// let generator = Generator::seeded(3).pledges(10);
    /// let mut ledger = Ledger::new();
    /// for (action, provenance) in generator.actions()? {
    ///     ledger.record(action, provenance)?;
    /// }
    /// assert_eq!(ledger.to_json(), generator.ledger()?.to_json());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn actions(&self) -> Result<Vec<(Action, Provenance)>> {
        let mut rng = Rng(self.seed);
        // One shared string per id, as a ledger holds them.
        let ids = Ids {
            members: (0..self.members).map(member_id).collect::<Result<_>>()?,
            sources: (0..self.sources).map(source_id).collect::<Result<_>>()?,
        };
        let mut out = self.roster(&mut rng, &ids)?;
        let mut events = Vec::with_capacity(self.pledges.saturating_mul(3));
        for index in 0..self.pledges {
            self.pledge_events(&mut rng, &ids, index, &mut events)?;
        }
        events.sort_by_key(|e| (e.day, e.order));
        out.extend(events.into_iter().map(|e| (e.action, e.provenance)));
        Ok(out)
    }

    /// Records the actions into a new ledger.
    ///
    /// # Errors
    ///
    /// None in practice: the generator only makes valid actions.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::testing::Generator;
    ///
    /// let ledger = Generator::seeded(2025).members(10).pledges(40).ledger()?;
    /// assert_eq!(ledger.pledge_count(), 40);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn ledger(&self) -> Result<Ledger> {
        let mut ledger = Ledger::new();
        for (action, provenance) in self.actions()? {
            ledger.record(action, provenance)?;
        }
        Ok(ledger)
    }

    /// Monthly rates into EUR for every generated currency over the whole
    /// period, looked up as the latest on or before a date.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::testing::Generator;
    /// use coalition_ledger::prelude::*;
    ///
    /// let generator = Generator::seeded(1).pledges(40);
    /// let fx = generator.fx_rates();
    /// let table = generator.ledger()?.query().measure(Measure::Value { currency: fx.base(), fx: &fx }).run()?;
    /// assert!(table.total().count() > 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn fx_rates(&self) -> FxRates {
        let mut fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore);
        let mut rng = Rng(self.seed ^ 0xF00D);
        let start = first_day();
        for (currency, _) in CURRENCIES.iter().filter(|(c, _)| *c != Currency::EUR) {
            let base: i64 = match *currency {
                Currency::USD => 9_200,
                Currency::GBP => 11_700,
                Currency::CAD => 6_800,
                Currency::JPY => 65,
                _ => 900,
            };
            for month in 0..(DAYS / 30 + 2) {
                let date = start
                    .checked_add_days(Days::new(month.saturating_mul(30)))
                    .unwrap_or(start);
                let wiggle = i64::try_from(rng.below(200))
                    .unwrap_or(0)
                    .saturating_sub(100);
                // base × (1 + wiggle/10,000), at six decimal places.
                let rate = Decimal::new(
                    base.saturating_mul(100)
                        .saturating_add(base.saturating_mul(wiggle) / 100),
                    6,
                );
                let _ = fx.insert(*currency, date, rate);
            }
        }
        fx
    }

    fn roster(&self, rng: &mut Rng, ids: &Ids) -> Result<Vec<(Action, Provenance)>> {
        let verified = Provenance::new(Evidence::Verified);
        let mut out = Vec::with_capacity(self.members.saturating_add(self.sources));
        for m in 0..self.members {
            let mut member = Member::new(ids.member(m)?, format!("Member {m}"));
            for (g, name) in GROUPS.iter().enumerate() {
                if rng.below(5) <= g as u64 % 3 {
                    if let Ok(group) = GroupId::new(name) {
                        member = member.with_group(group);
                    }
                }
            }
            member = member.with_role(if m % 10 == 0 {
                Role::Guarantor
            } else {
                Role::Contributor
            });
            out.push((Action::AddMember(Box::new(member)), verified.clone()));
        }
        let kinds = [
            SourceKind::Official,
            SourceKind::Briefing,
            SourceKind::Media,
            SourceKind::Leak,
            SourceKind::Dataset,
        ];
        for s in 0..self.sources {
            let kind = kinds
                .get(s.checked_rem(kinds.len()).unwrap_or(0))
                .copied()
                .unwrap_or(SourceKind::Media);
            let source = Source::new(ids.source(s)?, format!("Publisher {s}"), kind);
            out.push((Action::AddSource(Box::new(source)), verified.clone()));
        }
        Ok(out)
    }

    fn pledge_events(
        &self,
        rng: &mut Rng,
        ids: &Ids,
        index: usize,
        events: &mut Vec<Event>,
    ) -> Result<()> {
        let id = pledge_id(index)?;
        let member = rng.below(self.members as u64) as usize;
        let contribution = contribution(rng)?;
        let kind = contribution.kind();
        let mut stage = *rng
            .pick(&[
                Stage::Considering,
                Stage::Announced,
                Stage::Announced,
                Stage::Committed,
            ])
            .unwrap_or(&Stage::Announced);
        let mut spec =
            NewPledge::new(id.clone(), ids.member(member)?, contribution.clone()).with_stage(stage);
        if rng.chance(15) {
            let condition = match self.condition(rng, ids, index)? {
                // A backstop that needs another backstop or pledge could
                // close a dependency cycle, which the ledger refuses: keep
                // backstops' conditions external.
                Condition::Backstop { .. } | Condition::DependsOn(_)
                    if kind == crate::pledge::Kind::Backstop =>
                {
                    Condition::Ceasefire
                }
                condition => condition,
            };
            spec = spec.with_condition(condition);
        }
        let mut day = rng.below(DAYS - 200);
        let order = (index as u64).saturating_mul(16);
        events.push(self.event(rng, ids, day, order, Action::Pledge(Box::new(spec)))?);
        let mut delivered = 0u64;
        let steps = rng
            .below(3)
            .saturating_add(rng.below(3))
            .saturating_mul(self.lifecycle_percent)
            / 100;
        for step in 0..steps {
            day = day.saturating_add(1).saturating_add(rng.below(60));
            let order = order.saturating_add(1).saturating_add(step);
            let roll = rng.below(100);
            let action = match roll {
                _ if stage == Stage::Withdrawn => break,
                0..=39 if stage < Stage::Delivered => {
                    stage = if stage == Stage::Committed {
                        Stage::Delivered
                    } else {
                        Stage::Committed
                    };
                    Action::Advance {
                        pledge: id.clone(),
                        stage,
                    }
                }
                40..=69 if kind != crate::pledge::Kind::Backstop => {
                    let units = rng.below(50).saturating_add(1);
                    delivered = delivered.saturating_add(units);
                    let (quantity, currency) = if kind == crate::pledge::Kind::Funding {
                        let currency = contribution
                            .currency()
                            .ok()
                            .flatten()
                            .unwrap_or(Currency::EUR);
                        (
                            Decimal::from(units.saturating_mul(1_000_000)),
                            Some(currency),
                        )
                    } else {
                        (Decimal::from(units), None)
                    };
                    Action::Deliver {
                        pledge: id.clone(),
                        quantity,
                        currency,
                        correction: false,
                    }
                }
                70..=74 if delivered > 1 && kind != crate::pledge::Kind::Funding => {
                    delivered = delivered.saturating_sub(1);
                    Action::Deliver {
                        pledge: id.clone(),
                        quantity: Decimal::NEGATIVE_ONE,
                        currency: None,
                        correction: true,
                    }
                }
                75..=79 if stage < Stage::Delivered => {
                    stage = Stage::Withdrawn;
                    Action::Withdraw {
                        pledge: id.clone(),
                        reason: "priorities changed".into(),
                    }
                }
                80..=84 => Action::Revise {
                    pledge: id.clone(),
                    contribution: Box::new(revised(rng, &contribution)),
                },
                _ => Action::Annotate { pledge: id.clone() },
            };
            events.push(self.event(rng, ids, day, order, action)?);
        }
        Ok(())
    }

    fn event(
        &self,
        rng: &mut Rng,
        ids: &Ids,
        day: u64,
        order: u64,
        action: Action,
    ) -> Result<Event> {
        let evidence = *rng
            .pick(&[
                Evidence::Unconfirmed,
                Evidence::Reported,
                Evidence::Reported,
                Evidence::Verified,
            ])
            .unwrap_or(&Evidence::Reported);
        let date = first_day()
            .checked_add_days(Days::new(day))
            .unwrap_or_else(first_day);
        let mut provenance = Provenance::new(evidence).on(date);
        if rng.chance(90) {
            provenance = provenance.cite(ids.source(rng.below(self.sources as u64) as usize)?);
        }
        Ok(Event {
            day,
            order,
            action,
            provenance,
        })
    }

    fn condition(&self, rng: &mut Rng, ids: &Ids, index: usize) -> Result<Condition> {
        Ok(match rng.below(4) {
            0 => Condition::Ceasefire,
            // Members 0, 10, 20, ... are guarantors.
            1 => Condition::Backstop {
                by: ids.member(
                    (rng.below(self.members.div_ceil(10) as u64) as usize).saturating_mul(10),
                )?,
            },
            2 => Condition::ParliamentaryApproval {
                member: ids.member(rng.below(self.members as u64) as usize)?,
            },
            _ if index > 0 => Condition::DependsOn(pledge_id(rng.below(index as u64) as usize)?),
            _ => Condition::Ceasefire,
        })
    }
}

fn first_day() -> NaiveDate {
    crate::dates::parse_date(FIRST_DAY).unwrap_or_default()
}

/// The ids of the roster, made once and shared.
struct Ids {
    members: Vec<MemberId>,
    sources: Vec<SourceId>,
}

impl Ids {
    /// Member `m` of the roster.
    fn member(&self, m: usize) -> Result<MemberId> {
        self.members
            .get(m)
            .cloned()
            .ok_or_else(|| Error::internal("the generator's member index"))
    }

    /// Source `s` of the roster.
    fn source(&self, s: usize) -> Result<SourceId> {
        self.sources
            .get(s)
            .cloned()
            .ok_or_else(|| Error::internal("the generator's source index"))
    }
}

fn member_id(m: usize) -> Result<MemberId> {
    MemberId::new(format!("M{m:03}"))
}

fn source_id(s: usize) -> Result<SourceId> {
    SourceId::new(format!("S{s:03}"))
}

fn pledge_id(p: usize) -> Result<PledgeId> {
    PledgeId::new(format!("P{p:07}"))
}

fn currency(rng: &mut Rng) -> Currency {
    let mut roll = rng.below(100);
    for (currency, weight) in CURRENCIES {
        if roll < weight {
            return currency;
        }
        roll = roll.saturating_sub(weight);
    }
    Currency::EUR
}

fn estimate<T: Copy>(rng: &mut Rng, value: impl Fn(u64) -> T) -> Estimate<T> {
    let base = rng.below(5_000).saturating_add(1);
    match rng.below(10) {
        0..=5 => Estimate::Exact(value(base)),
        6 | 7 => Estimate::Range {
            low: value(base),
            high: value(base.saturating_add(rng.below(2_000))),
        },
        8 => Estimate::AtLeast(value(base)),
        _ => Estimate::Unspecified,
    }
}

fn contribution(rng: &mut Rng) -> Result<Contribution> {
    Ok(match rng.below(100) {
        0..=29 => Contribution::Troops {
            personnel: estimate(rng, |v| v),
        },
        30..=59 => {
            let name = CATEGORIES
                .get(rng.below(CATEGORIES.len() as u64) as usize)
                .copied()
                .unwrap_or("drones");
            let c = currency(rng);
            let value = rng.chance(80).then(|| {
                estimate(rng, |v| {
                    Money::new(Decimal::from(v.saturating_mul(100_000)), c)
                })
            });
            Contribution::Equipment {
                category: Category::new(name)?,
                units: estimate(rng, |v| (v / 10).saturating_add(1)),
                value,
            }
        }
        60..=94 => {
            let c = currency(rng);
            Contribution::Funding {
                amount: funding_estimate(rng, c),
            }
        }
        _ => Contribution::Backstop {
            capability: Capability::AirDefence,
        },
    })
}

/// Millions with a few cents, so amounts carry a scale.
fn funding_estimate(rng: &mut Rng, c: Currency) -> Estimate<Money> {
    estimate(rng, |v| {
        Money::new(
            Decimal::new(
                i64::try_from(v)
                    .unwrap_or(1)
                    .saturating_mul(100_000_000)
                    .saturating_add(25),
                2,
            ),
            c,
        )
    })
}

/// A revision of the same kind, category and currency.
fn revised(rng: &mut Rng, contribution: &Contribution) -> Contribution {
    match contribution {
        Contribution::Troops { .. } => Contribution::Troops {
            personnel: estimate(rng, |v| v),
        },
        Contribution::Equipment {
            category,
            units,
            value,
        } => Contribution::Equipment {
            category: category.clone(),
            units: *units,
            value: *value,
        },
        Contribution::Funding {
            amount: Estimate::Unspecified,
        } => Contribution::Funding {
            amount: Estimate::Unspecified,
        },
        Contribution::Funding { amount } => {
            let c = amount.low().map_or(Currency::EUR, |m| m.currency());
            Contribution::Funding {
                amount: funding_estimate(rng, c),
            }
        }
        other @ Contribution::Backstop { .. } => other.clone(),
    }
}
