//! [`Scenario`]: assumptions about conditions, and which pledges stand
//! under them.
//!
//! Each condition of a pledge holds, fails, or is unknown in a scenario:
//!
//! * a condition the scenario states ([`Scenario::holds`],
//!   [`Scenario::fails`]) is what the scenario says;
//! * `Backstop { by }`, when not stated, is derived from the ledger: it
//!   holds when `by` has a non-withdrawn backstop pledge at `Committed` or
//!   later, fails when `by` has no non-withdrawn backstop pledge at all, and
//!   is unknown otherwise (a backstop only announced or considered);
//! * `DependsOn(p)`, when not stated, holds when `p` stands in the same
//!   scenario and fails otherwise (also when `p` is withdrawn or was never
//!   recorded), so failures propagate along chains of dependencies; a cycle
//!   is an [`Error::DependencyCycle`];
//! * any other condition not stated is unknown.
//!
//! A pledge *stands* when it is not withdrawn and none of its conditions
//! fails; under [`Scenario::firm_only`] it stands only when every condition
//! holds.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::ledger::{Ledger, NONE};
use crate::lifecycle::Stage;
use crate::pledge::{Condition, Kind};

/// Assumptions about which conditions hold and which fail.
///
/// # Example
///
/// ```
/// use coalition_ledger::{fixtures, Condition, Kind, Measure, MemberId, Scenario};
///
/// let ledger = fixtures::paris_summit();
/// let us_fails = Scenario::new().fails(Condition::Backstop { by: MemberId::new("USA")? });
/// let all = ledger.query().kind(Kind::Troops).measure(Measure::Count).run()?;
/// let without_us = ledger.query().kind(Kind::Troops).measure(Measure::Count).scenario(&us_fails).run()?;
/// assert_eq!(all.total().count(), 14);
/// assert_eq!(without_us.total().count(), 0); // every troop pledge needs the US backstop
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Scenario {
    holds: BTreeSet<Condition>,
    fails: BTreeSet<Condition>,
    firm_only: bool,
}

/// What a condition is in a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Holds,
    Fails,
    Unknown,
}

impl Scenario {
    /// The default scenario: nothing stated, derived conditions from the
    /// ledger.
    pub fn new() -> Scenario {
        Scenario::default()
    }

    pub(crate) const fn const_default() -> Scenario {
        Scenario {
            holds: BTreeSet::new(),
            fails: BTreeSet::new(),
            firm_only: false,
        }
    }

    /// Only pledges whose every condition holds count.
    pub fn firm_only() -> Scenario {
        Scenario {
            firm_only: true,
            ..Scenario::default()
        }
    }

    /// Assumes `condition` holds (and no longer that it fails).
    #[must_use]
    pub fn holds(mut self, condition: Condition) -> Scenario {
        self.fails.remove(&condition);
        self.holds.insert(condition);
        self
    }

    /// Assumes `condition` fails (and no longer that it holds).
    #[must_use]
    pub fn fails(mut self, condition: Condition) -> Scenario {
        self.holds.remove(&condition);
        self.fails.insert(condition);
        self
    }

    /// The conditions assumed to hold.
    pub fn holding(&self) -> impl Iterator<Item = &Condition> {
        self.holds.iter()
    }

    /// The conditions assumed to fail.
    pub fn failing(&self) -> impl Iterator<Item = &Condition> {
        self.fails.iter()
    }

    /// True for a [`Scenario::firm_only`] scenario.
    pub fn is_firm_only(&self) -> bool {
        self.firm_only
    }

    fn stated(&self, condition: &Condition) -> Option<Status> {
        if self.holds.contains(condition) {
            Some(Status::Holds)
        } else if self.fails.contains(condition) {
            Some(Status::Fails)
        } else {
            None
        }
    }

    fn accepts(&self, status: Status) -> bool {
        match status {
            Status::Holds => true,
            Status::Fails => false,
            Status::Unknown => !self.firm_only,
        }
    }
}

/// Bit set in [`Evaluation`] flags when a condition fails (or, under
/// `firm_only`, is not known to hold).
const FAILS: u8 = 1;
/// Bit set when some condition is not known to hold.
const CONDITIONAL: u8 = 2;

/// The verdict on every pledge's conditions. Only pledges that have
/// conditions are evaluated; the others have no flags.
#[derive(Debug)]
pub(crate) struct Evaluation {
    flags: Vec<u8>,
}

impl Evaluation {
    /// True when the pledge's conditions let it stand (withdrawal aside).
    pub(crate) fn conditions_allow(&self, ix: usize) -> bool {
        self.flags.get(ix).is_none_or(|f| f & FAILS == 0)
    }

    /// True when some condition of the pledge is not known to hold.
    pub(crate) fn is_conditional(&self, ix: usize) -> bool {
        self.flags.get(ix).is_some_and(|f| f & CONDITIONAL != 0)
    }

    /// True when the pledge stands: not withdrawn and allowed by its
    /// conditions.
    fn stands(&self, ledger: &Ledger, ix: usize) -> bool {
        let live = ledger
            .states()
            .get(ix)
            .is_some_and(|s| s.stage != Stage::Withdrawn);
        live && self.conditions_allow(ix)
    }
}

/// Evaluates every conditional pledge of the ledger under the scenario.
pub(crate) fn evaluate(ledger: &Ledger, scenario: &Scenario) -> Result<Evaluation> {
    let conditional = ledger.conditional_pledges();
    if conditional.is_empty() {
        return Ok(Evaluation { flags: Vec::new() });
    }
    let count = ledger.states().len();
    let backstops = backstop_levels(ledger);
    let mut eval = Evaluation {
        flags: vec![0; count],
    };
    // 0 = not visited, 1 = on the stack, 2 = done.
    let mut mark = vec![0u8; count];
    for &ix in conditional {
        let ix = ix as usize;
        if mark.get(ix) == Some(&0) {
            resolve(ledger, scenario, &backstops, ix, &mut mark, &mut eval)?;
        }
    }
    Ok(eval)
}

/// Per member: 0 no live backstop pledge, 1 one below `Committed`, 2 one at
/// `Committed` or later.
fn backstop_levels(ledger: &Ledger) -> Vec<u8> {
    let mut levels = vec![0u8; ledger.members().len()];
    for state in ledger.states_of_kind(Kind::Backstop) {
        let level = match state.stage {
            Stage::Withdrawn => 0,
            Stage::Committed | Stage::Delivered => 2,
            _ => 1,
        };
        if let Some(slot) = levels.get_mut(state.member as usize) {
            *slot = (*slot).max(level);
        }
    }
    levels
}

/// Resolves pledge `root` and every pledge it depends on, without recursion
/// so that long chains cannot exhaust the stack.
fn resolve(
    ledger: &Ledger,
    scenario: &Scenario,
    backstops: &[u8],
    root: usize,
    mark: &mut [u8],
    eval: &mut Evaluation,
) -> Result<()> {
    // Each frame: a pledge, its conditions (looked up once), and the index
    // of the next condition to decide.
    let mut stack: Vec<Frame<'_>> = vec![Frame::new(ledger, root)];
    set(mark, root, 1);
    while let Some(&Frame {
        ix,
        next,
        conditions,
    }) = stack.last()
    {
        let Some(condition) = conditions.get(next) else {
            set(mark, ix, 2);
            stack.pop();
            continue;
        };
        let status = match (scenario.stated(condition), condition) {
            (Some(status), _) => status,
            (None, Condition::Backstop { by }) => backstop_status(ledger, backstops, by),
            (None, Condition::DependsOn(other)) => match ledger.pledge_ix(other) {
                None => Status::Fails,
                Some(dep) => {
                    let dep = dep as usize;
                    match mark.get(dep).copied().unwrap_or(2) {
                        1 => return Err(cycle(ledger, &stack, dep)),
                        0 if ledger.states().get(dep).is_some_and(|s| s.conditional) => {
                            // Decide the dependency first; this condition is
                            // looked at again when its frame is back on top.
                            set(mark, dep, 1);
                            stack.push(Frame::new(ledger, dep));
                            continue;
                        }
                        _ if eval.stands(ledger, dep) => Status::Holds,
                        _ => Status::Fails,
                    }
                }
            },
            (None, _) => Status::Unknown,
        };
        if let Some(top) = stack.last_mut() {
            top.next = top.next.saturating_add(1);
        }
        if let Some(flags) = eval.flags.get_mut(ix) {
            if status != Status::Holds {
                *flags |= CONDITIONAL;
            }
            if !scenario.accepts(status) {
                *flags |= FAILS;
            }
        }
    }
    Ok(())
}

fn set(mark: &mut [u8], ix: usize, value: u8) {
    if let Some(m) = mark.get_mut(ix) {
        *m = value;
    }
}

/// A pledge being resolved.
#[derive(Clone, Copy)]
struct Frame<'a> {
    ix: usize,
    next: usize,
    conditions: &'a [Condition],
}

impl<'a> Frame<'a> {
    fn new(ledger: &'a Ledger, ix: usize) -> Frame<'a> {
        let conditions = ledger
            .states()
            .get(ix)
            .and_then(|state| ledger.spec_of(state))
            .map_or(&[][..], |spec| spec.conditions());
        Frame {
            ix,
            next: 0,
            conditions,
        }
    }
}

fn backstop_status(ledger: &Ledger, backstops: &[u8], by: &crate::MemberId) -> Status {
    let level = ledger
        .member_ix(by)
        .filter(|&m| m != NONE)
        .and_then(|m| backstops.get(m as usize).copied())
        .unwrap_or(0);
    match level {
        2 => Status::Holds,
        0 => Status::Fails,
        _ => Status::Unknown,
    }
}

#[cold]
fn cycle(ledger: &Ledger, stack: &[Frame<'_>], back_to: usize) -> Error {
    let id = |ix: usize| {
        u32::try_from(ix)
            .ok()
            .and_then(|i| ledger.pledge_at(i))
            .map_or_else(|| format!("#{ix}"), |p| p.id().to_string())
    };
    let start = stack.iter().position(|f| f.ix == back_to).unwrap_or(0);
    let mut cycle: Vec<String> = stack.iter().skip(start).map(|f| id(f.ix)).collect();
    cycle.push(id(back_to));
    Error::DependencyCycle { cycle }
}
