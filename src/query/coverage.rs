//! Gap analysis: how much of a required force or amount is covered, and how
//! firmly.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Prepared;
use super::left_out::LeftOut;
use super::measure::Measure;
use super::table::{DIVISION_ROUNDED, SHOWN_ROUNDED, Total};
use crate::error::{Error, Result};
use crate::exact::{self, Toward};
use crate::fx::FxRates;
use crate::lifecycle::{Evidence, Stage};
use crate::minor_units::Shown;
use crate::money::{Currency, Money, show_amount};

/// What is required: an amount of a measure, such as 25,000 personnel or
/// EUR 10bn.
///
/// # Example
///
/// ```
/// use coalition_ledger::{fixtures, Target};
///
/// let coverage = fixtures::paris_summit().query().coverage(&Target::personnel(25_000))?;
/// assert_eq!(coverage.firm().count(), 0);
/// // The reassurance force is conditional (a ceasefire, a US backstop) and unsized.
/// assert_eq!(coverage.conditional().unspecified(), 1);
/// assert_eq!(coverage.gap_after_all().high(), Some(25_000.into()));
/// println!("{coverage}");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    measure: Measure<'a>,
    required: Decimal,
}

impl<'a> Target<'a> {
    /// A number of troops.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let target = Target::personnel(25_000);
    /// assert_eq!(target.required(), Decimal::from(25_000));
    /// assert_eq!(target.measure(), Measure::Personnel);
    /// ```
    pub fn personnel(required: u64) -> Target<'static> {
        Target {
            measure: Measure::Personnel,
            required: Decimal::from(required),
        }
    }

    /// A number of equipment units.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let target = Target::units(12);
    /// assert_eq!(target.measure(), Measure::Units);
    /// ```
    pub fn units(required: u64) -> Target<'static> {
        Target {
            measure: Measure::Units,
            required: Decimal::from(required),
        }
    }

    /// An amount of money (funding and equipment value), converted with
    /// `fx`, whose base must be the amount's currency.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = fixtures::september_2025_rates();
    /// let target = Target::value(Money::parse("1000000000", Currency::EUR)?, &fx);
    /// assert_eq!(target.required(), Decimal::from(1_000_000_000));
    /// assert_eq!(target.measure().currency(), Some(Currency::EUR));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn value(required: Money, fx: &'a FxRates) -> Target<'a> {
        Target {
            measure: Measure::Value {
                currency: required.currency(),
                fx,
            },
            required: required.amount(),
        }
    }

    /// The measure the target is expressed in.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Target::personnel(1).measure().name(), "personnel");
    /// ```
    pub fn measure(&self) -> Measure<'a> {
        self.measure
    }

    /// The required amount.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Target::units(3).required(), Decimal::from(3));
    /// ```
    pub fn required(&self) -> Decimal {
        self.required
    }
}

/// How much of a [`Target`] the pledges cover, by firmness.
///
/// Every counted pledge falls in exactly one bucket:
///
/// * **firm**: committed or delivered, evidence `Verified`, and every
///   condition holds in the scenario (or it has none);
/// * **conditional**: some condition is not known to hold (it is counted
///   because none fails in the scenario);
/// * **likely**: the rest that are announced or later;
/// * **possible**: the rest, still under consideration.
///
/// The gaps are what remains of the target after the firm pledges, and
/// after everything counted. Where a bucket holds pledges of unspecified size,
/// the gap's low bound is zero: an unknown size might cover everything.
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
/// let coverage = ledger.query().coverage(&Target::personnel(10_000))?;
/// assert_eq!(coverage.firm().count(), 0); // announced and reported only
/// assert_eq!(coverage.gap_after_all().low(), Decimal::from(5_000));
/// println!("{coverage}");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    measure: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    currency: Option<Currency>,
    #[serde(with = "crate::money::amount")]
    required: Decimal,
    firm: Total,
    likely: Total,
    conditional: Total,
    possible: Total,
    gap_after_firm: Total,
    gap_after_all: Total,
    left_out: LeftOut,
}

impl Coverage {
    /// Counts the entries `as_of` left out because their month or year had
    /// not ended.
    pub(crate) fn with_pending(mut self, pending: u64) -> Coverage {
        self.left_out.set_pending(pending);
        self
    }

    /// The required amount.
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
    /// let troops = |n| Contribution::Troops { personnel: Estimate::Exact(n) };
    /// let reported = Provenance::new(Evidence::Reported);
    /// let open = |id: &str, member: &str, n: u64, stage: Stage| -> coalition_ledger::Result<NewPledge> {
    ///     Ok(NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, troops(n)).with_stage(stage))
    /// };
    /// ledger.open_pledge(open("FRA-1", "FRA", 2_000, Stage::Committed)?, Provenance::new(Evidence::Verified))?; // firm
    /// ledger.open_pledge(open("GBR-1", "GBR", 3_000, Stage::Announced)?, reported.clone())?; // likely
    /// ledger.open_pledge(open("FRA-2", "FRA", 1_000, Stage::Announced)?.with_condition(Condition::Ceasefire), reported.clone())?; // conditional
    /// ledger.open_pledge(open("GBR-2", "GBR", 500, Stage::Considering)?, reported)?; // possible
    /// let coverage = ledger.query().coverage(&Target::personnel(10_000))?;
    /// assert_eq!(coverage.required(), Decimal::from(10_000));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn required(&self) -> Decimal {
        self.required
    }

    /// The measure the target is in, as [`Measure`]'s `Display` writes it:
    /// `personnel`, `units`, or a value with its currency (`value (EUR)`).
    /// Unlike [`Table::measure`](crate::Table::measure), which names the
    /// measure alone (`value`) and leaves the currency to
    /// [`Table::currency`](crate::Table::currency), it reads on its own
    /// in a printed coverage (`target: 5,000 value (EUR)`).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let coverage = fixtures::paris_summit().query().coverage(&Target::personnel(25_000))?;
    /// assert_eq!(coverage.measure(), "personnel");
    /// assert_eq!(coverage.currency(), None);
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore);
    /// let target = Target::value(Money::parse("5000", Currency::EUR)?, &fx);
    /// let coverage = fixtures::paris_summit().query().leave_out_unconvertible(true).coverage(&target)?;
    /// assert_eq!(coverage.measure(), "value (EUR)");
    /// assert_eq!(coverage.currency(), Some(Currency::EUR));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn measure(&self) -> &str {
        &self.measure
    }

    /// The currency of a value target.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    /// let target = Target::value(Money::parse("1000", Currency::EUR)?, &fx);
    /// let coverage = fixtures::paris_summit().query().coverage(&target)?;
    /// assert_eq!(coverage.currency(), Some(Currency::EUR));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn currency(&self) -> Option<Currency> {
        self.currency
    }

    /// Committed or delivered, evidence `Verified`, and every condition
    /// holding in the scenario (or none at all).
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
    /// let troops = |n| Contribution::Troops { personnel: Estimate::Exact(n) };
    /// let reported = Provenance::new(Evidence::Reported);
    /// let open = |id: &str, member: &str, n: u64, stage: Stage| -> coalition_ledger::Result<NewPledge> {
    ///     Ok(NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, troops(n)).with_stage(stage))
    /// };
    /// ledger.open_pledge(open("FRA-1", "FRA", 2_000, Stage::Committed)?, Provenance::new(Evidence::Verified))?; // firm
    /// ledger.open_pledge(open("GBR-1", "GBR", 3_000, Stage::Announced)?, reported.clone())?; // likely
    /// ledger.open_pledge(open("FRA-2", "FRA", 1_000, Stage::Announced)?.with_condition(Condition::Ceasefire), reported.clone())?; // conditional
    /// ledger.open_pledge(open("GBR-2", "GBR", 500, Stage::Considering)?, reported)?; // possible
    /// let coverage = ledger.query().coverage(&Target::personnel(10_000))?;
    /// // Committed, verified and unconditional.
    /// assert_eq!(coverage.firm().low(), Decimal::from(2_000));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn firm(&self) -> &Total {
        &self.firm
    }

    /// Announced or later, every condition holding in the scenario (or
    /// none), and not firm: not yet committed, or committed on evidence
    /// weaker than `Verified`.
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
    /// let troops = |n| Contribution::Troops { personnel: Estimate::Exact(n) };
    /// let reported = Provenance::new(Evidence::Reported);
    /// let open = |id: &str, member: &str, n: u64, stage: Stage| -> coalition_ledger::Result<NewPledge> {
    ///     Ok(NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, troops(n)).with_stage(stage))
    /// };
    /// ledger.open_pledge(open("FRA-1", "FRA", 2_000, Stage::Committed)?, Provenance::new(Evidence::Verified))?; // firm
    /// ledger.open_pledge(open("GBR-1", "GBR", 3_000, Stage::Announced)?, reported.clone())?; // likely
    /// ledger.open_pledge(open("FRA-2", "FRA", 1_000, Stage::Announced)?.with_condition(Condition::Ceasefire), reported.clone())?; // conditional
    /// ledger.open_pledge(open("GBR-2", "GBR", 500, Stage::Considering)?, reported)?; // possible
    /// let coverage = ledger.query().coverage(&Target::personnel(10_000))?;
    /// // Announced, not yet firm, not waiting on a condition.
    /// assert_eq!(coverage.likely().low(), Decimal::from(3_000));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn likely(&self) -> &Total {
        &self.likely
    }

    /// Some condition is not known to hold in the scenario (unknown is not
    /// failed: the pledge is counted here because none of its conditions
    /// fails).
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
    /// let troops = |n| Contribution::Troops { personnel: Estimate::Exact(n) };
    /// let reported = Provenance::new(Evidence::Reported);
    /// let open = |id: &str, member: &str, n: u64, stage: Stage| -> coalition_ledger::Result<NewPledge> {
    ///     Ok(NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, troops(n)).with_stage(stage))
    /// };
    /// ledger.open_pledge(open("FRA-1", "FRA", 2_000, Stage::Committed)?, Provenance::new(Evidence::Verified))?; // firm
    /// ledger.open_pledge(open("GBR-1", "GBR", 3_000, Stage::Announced)?, reported.clone())?; // likely
    /// ledger.open_pledge(open("FRA-2", "FRA", 1_000, Stage::Announced)?.with_condition(Condition::Ceasefire), reported.clone())?; // conditional
    /// ledger.open_pledge(open("GBR-2", "GBR", 500, Stage::Considering)?, reported)?; // possible
    /// let coverage = ledger.query().coverage(&Target::personnel(10_000))?;
    /// // The ceasefire is not known to hold.
    /// assert_eq!(coverage.conditional().low(), Decimal::from(1_000));
    /// let with_ceasefire = Scenario::new().holds(Condition::Ceasefire);
    /// let assumed = ledger.query().scenario(&with_ceasefire).coverage(&Target::personnel(10_000))?;
    /// assert_eq!(assumed.conditional().count(), 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn conditional(&self) -> &Total {
        &self.conditional
    }

    /// Still under consideration, every condition holding in the scenario
    /// (or none).
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
    /// let troops = |n| Contribution::Troops { personnel: Estimate::Exact(n) };
    /// let reported = Provenance::new(Evidence::Reported);
    /// let open = |id: &str, member: &str, n: u64, stage: Stage| -> coalition_ledger::Result<NewPledge> {
    ///     Ok(NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, troops(n)).with_stage(stage))
    /// };
    /// ledger.open_pledge(open("FRA-1", "FRA", 2_000, Stage::Committed)?, Provenance::new(Evidence::Verified))?; // firm
    /// ledger.open_pledge(open("GBR-1", "GBR", 3_000, Stage::Announced)?, reported.clone())?; // likely
    /// ledger.open_pledge(open("FRA-2", "FRA", 1_000, Stage::Announced)?.with_condition(Condition::Ceasefire), reported.clone())?; // conditional
    /// ledger.open_pledge(open("GBR-2", "GBR", 500, Stage::Considering)?, reported)?; // possible
    /// let coverage = ledger.query().coverage(&Target::personnel(10_000))?;
    /// // Still under consideration.
    /// assert_eq!(coverage.possible().low(), Decimal::from(500));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn possible(&self) -> &Total {
        &self.possible
    }

    /// What the firm pledges leave uncovered.
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
    /// let troops = |n| Contribution::Troops { personnel: Estimate::Exact(n) };
    /// let reported = Provenance::new(Evidence::Reported);
    /// let open = |id: &str, member: &str, n: u64, stage: Stage| -> coalition_ledger::Result<NewPledge> {
    ///     Ok(NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, troops(n)).with_stage(stage))
    /// };
    /// ledger.open_pledge(open("FRA-1", "FRA", 2_000, Stage::Committed)?, Provenance::new(Evidence::Verified))?; // firm
    /// ledger.open_pledge(open("GBR-1", "GBR", 3_000, Stage::Announced)?, reported.clone())?; // likely
    /// ledger.open_pledge(open("FRA-2", "FRA", 1_000, Stage::Announced)?.with_condition(Condition::Ceasefire), reported.clone())?; // conditional
    /// ledger.open_pledge(open("GBR-2", "GBR", 500, Stage::Considering)?, reported)?; // possible
    /// let coverage = ledger.query().coverage(&Target::personnel(10_000))?;
    /// assert_eq!(coverage.gap().low(), Decimal::from(8_000)); // after the firm pledges
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn gap(&self) -> &Total {
        &self.gap_after_firm
    }

    /// What remains if every counted pledge is delivered in full.
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
    /// let troops = |n| Contribution::Troops { personnel: Estimate::Exact(n) };
    /// let reported = Provenance::new(Evidence::Reported);
    /// let open = |id: &str, member: &str, n: u64, stage: Stage| -> coalition_ledger::Result<NewPledge> {
    ///     Ok(NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, troops(n)).with_stage(stage))
    /// };
    /// ledger.open_pledge(open("FRA-1", "FRA", 2_000, Stage::Committed)?, Provenance::new(Evidence::Verified))?; // firm
    /// ledger.open_pledge(open("GBR-1", "GBR", 3_000, Stage::Announced)?, reported.clone())?; // likely
    /// ledger.open_pledge(open("FRA-2", "FRA", 1_000, Stage::Announced)?.with_condition(Condition::Ceasefire), reported.clone())?; // conditional
    /// ledger.open_pledge(open("GBR-2", "GBR", 500, Stage::Considering)?, reported)?; // possible
    /// let coverage = ledger.query().coverage(&Target::personnel(10_000))?;
    /// assert_eq!(coverage.gap_after_all().low(), Decimal::from(3_500)); // after everything counted
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn gap_after_all(&self) -> &Total {
        &self.gap_after_all
    }

    /// What the coverage did not count, and why (see [`LeftOut`]); its
    /// `Display` prints it as notes.
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
    /// let troops = |n| Contribution::Troops { personnel: Estimate::Exact(n) };
    /// let reported = Provenance::new(Evidence::Reported);
    /// let open = |id: &str, member: &str, n: u64, stage: Stage| -> coalition_ledger::Result<NewPledge> {
    ///     Ok(NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, troops(n)).with_stage(stage))
    /// };
    /// ledger.open_pledge(open("FRA-1", "FRA", 2_000, Stage::Committed)?, Provenance::new(Evidence::Verified))?; // firm
    /// ledger.open_pledge(open("GBR-1", "GBR", 3_000, Stage::Announced)?, reported.clone())?; // likely
    /// ledger.open_pledge(open("FRA-2", "FRA", 1_000, Stage::Announced)?.with_condition(Condition::Ceasefire), reported.clone())?; // conditional
    /// ledger.open_pledge(open("GBR-2", "GBR", 500, Stage::Considering)?, reported)?; // possible
    /// let coverage = ledger.query().coverage(&Target::personnel(10_000))?;
    /// assert!(coverage.left_out().is_empty());
    /// let no_ceasefire = Scenario::new().fails(Condition::Ceasefire);
    /// let without = ledger.query().scenario(&no_ceasefire).coverage(&Target::personnel(10_000))?;
    /// assert_eq!(without.left_out().by_scenario(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn left_out(&self) -> &LeftOut {
        &self.left_out
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let required = show_amount(self.required, self.currency, Shown::Every);
        writeln!(f, "target: {required} {}", self.measure)?;
        let lines = [
            ("firm", &self.firm),
            ("likely", &self.likely),
            ("conditional", &self.conditional),
            ("possible", &self.possible),
        ];
        for (label, total) in lines {
            writeln!(f, "  {label:<15} {total}")?;
        }
        for (label, gap) in [
            ("gap after firm", &self.gap_after_firm),
            ("gap after all", &self.gap_after_all),
        ] {
            writeln!(f, "  {label:<15} {}", gap.bounds_text())?;
        }
        if self.totals().iter().any(|t| t.is_shown_rounded()) {
            writeln!(f, "note: {SHOWN_ROUNDED}")?;
        }
        for note in self.notes() {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}

impl Coverage {
    /// The buckets and the gaps.
    fn totals(&self) -> [&Total; 6] {
        [
            &self.firm,
            &self.likely,
            &self.conditional,
            &self.possible,
            &self.gap_after_firm,
            &self.gap_after_all,
        ]
    }

    /// What the answer's figures need said next to them, without the
    /// `note: ` a printed coverage puts before each: a division rounded a
    /// bucket, and what the answer left out.
    pub(crate) fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.totals().iter().any(|t| t.is_rounded()) {
            notes.push(DIVISION_ROUNDED.to_string());
        }
        notes.extend(self.left_out.notes());
        notes
    }
}

pub(crate) fn compute(prepared: &Prepared<'_>, target: &Target<'_>) -> Result<Coverage> {
    if target.required.is_sign_negative() && !target.required.is_zero() {
        return Err(Error::invalid(
            "coverage",
            "target",
            format!(
                "a required amount must not be negative (got {})",
                target.required
            ),
        ));
    }
    let currency = target.measure.currency();
    let mut buckets = [
        Total::default(),
        Total::default(),
        Total::default(),
        Total::default(),
    ];
    let mut adjustments = 0u64;
    let mut left_out = prepared.for_each(|ix, state, bounds, _| {
        // An adjustment corrects a total; it is no pledge of any firmness.
        if state.adjusts.is_some() {
            adjustments = adjustments.saturating_add(1);
            return Ok(());
        }
        let bucket = if prepared.conditional(ix) {
            2
        } else if state.stage >= Stage::Committed && state.evidence == Evidence::Verified {
            0
        } else if state.stage >= Stage::Announced {
            1
        } else {
            3
        };
        match buckets.get_mut(bucket) {
            Some(total) => total.add(bounds),
            None => Ok(()),
        }
    })?;
    left_out.set_adjustments(adjustments);
    let [firm, likely, conditional, possible] = buckets.map(|t| t.in_currency(currency));
    let mut all = firm;
    for other in [&likely, &conditional, &possible] {
        all.merge(other)?;
    }
    Ok(Coverage {
        measure: target.measure.to_string(),
        currency,
        required: target.required,
        gap_after_firm: gap(target.required, &firm)?.in_currency(currency),
        gap_after_all: gap(target.required, &all)?.in_currency(currency),
        firm,
        likely,
        conditional,
        possible,
        left_out,
    })
}

/// `required − covered`, clamped at zero, as bounds: exact, or an error.
/// A covered total with a rounded bound leaves the gap rounded too: its
/// bounds are then taken outward (the low gap down, the high gap up) when
/// the exact difference needs more digits than a `Decimal` holds, as the
/// covered total's own bounds were.
fn gap(required: Decimal, covered: &Total) -> Result<Total> {
    let rounded = covered.is_rounded();
    let remaining = |c: Decimal, toward: Toward| {
        let difference = if rounded {
            exact::sub_outward(required, c, toward).map(|(d, _)| d)
        } else {
            exact::sub(required, c)
        };
        difference.map(|d| d.max(Decimal::ZERO)).ok_or_else(|| {
            Error::overflow(format!(
                "subtracting {c} from the target {required}: the exact difference does not fit 28 significant digits"
            ))
        })
    };
    let low = match covered.high() {
        Some(high) if covered.unspecified() == 0 => remaining(high, Toward::Down)?,
        _ => Decimal::ZERO,
    };
    let high = remaining(covered.low(), Toward::Up)?;
    Ok(
        Total::from_parts(low, Some(high), covered.count(), covered.unspecified())
            .with_rounded(rounded),
    )
}
