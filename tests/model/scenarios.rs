//! A brute-force reference for scenarios: which pledges stand, what the
//! totals are, and which entries would close a dependency cycle, decided
//! from the rules in the `Scenario` docs by the simplest means (fixpoint
//! iteration and plain graph walks), independently of the crate's search.

use std::collections::{BTreeMap, BTreeSet};

use coalition_ledger::prelude::*;

/// Members of the generated ledgers.
pub const MEMBERS: [&str; 3] = ["FRA", "GBR", "USA"];

/// A condition, by index into the generated world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cond {
    Ceasefire,
    Named,
    Backstop(usize),
    /// May name a pledge never opened (an index past the last).
    DependsOn(usize),
}

/// One generated pledge.
#[derive(Debug, Clone)]
pub struct Spec {
    pub member: usize,
    pub backstop: bool,
    pub stage: Stage,
    /// (low, high, open, unspecified)
    pub size: (u64, u64, bool, bool),
    pub conditions: Vec<Cond>,
    /// Day of the opening; `None` for undated.
    pub day: Option<u32>,
    /// Day of a withdrawal, if any (`Some(None)` for an undated one).
    pub withdrawn: Option<Option<u32>>,
}

/// A generated scenario.
#[derive(Debug, Clone)]
pub struct Assumptions {
    pub holds: Vec<Cond>,
    pub fails: Vec<Cond>,
    pub firm_only: bool,
}

pub fn pid(i: usize) -> PledgeId {
    PledgeId::new(format!("P{i}")).expect("valid id")
}

fn mid(i: usize) -> MemberId {
    MemberId::new(MEMBERS[i % MEMBERS.len()]).expect("valid id")
}

pub fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).expect("date") + chrono::Days::new(u64::from(day))
}

pub fn condition(c: Cond) -> Condition {
    match c {
        Cond::Ceasefire => Condition::Ceasefire,
        Cond::Named => Condition::Named("vote".into()),
        Cond::Backstop(m) => Condition::Backstop { by: mid(m) },
        Cond::DependsOn(p) => Condition::DependsOn(pid(p)),
    }
}

pub fn scenario(a: &Assumptions) -> Scenario {
    let mut s = if a.firm_only {
        Scenario::firm_only()
    } else {
        Scenario::new()
    };
    for c in &a.holds {
        s = s.holds(condition(*c));
    }
    for c in &a.fails {
        s = s.fails(condition(*c));
    }
    s
}

fn new_pledge(i: usize, spec: &Spec) -> NewPledge {
    let contribution = if spec.backstop {
        Contribution::Backstop {
            capability: Capability::AirPower,
        }
    } else {
        let (low, high, open, unspecified) = spec.size;
        let personnel = if unspecified {
            Estimate::Unspecified
        } else if open {
            Estimate::AtLeast(low)
        } else if low == high {
            Estimate::Exact(low)
        } else {
            Estimate::range(low.min(high), low.max(high)).expect("ordered")
        };
        Contribution::Troops { personnel }
    };
    let mut pledge = NewPledge::new(pid(i), mid(spec.member), contribution).with_stage(spec.stage);
    for c in &spec.conditions {
        pledge = pledge.with_condition(condition(*c));
    }
    pledge
}

/// Whether opening pledge `new` (with the pledges `opened` already in the
/// ledger) would close a cycle: a plain depth-first walk over the
/// structural graph, the new pledge included.
pub fn closes_cycle(specs: &[Spec], opened: &BTreeSet<usize>, new: usize) -> bool {
    let present = |p: usize| p == new || opened.contains(&p);
    let successors =
        |p: usize| -> Vec<usize> {
            let mut out = Vec::new();
            for c in &specs[p].conditions {
                match *c {
                    Cond::DependsOn(q) if q < specs.len() && present(q) => out.push(q),
                    Cond::Backstop(m) => out.extend((0..specs.len()).filter(|&q| {
                        present(q) && specs[q].backstop && specs[q].member % 3 == m % 3
                    })),
                    _ => {}
                }
            }
            out
        };
    let mut seen = BTreeSet::new();
    let mut stack = successors(new);
    while let Some(p) = stack.pop() {
        if p == new {
            return true;
        }
        if seen.insert(p) {
            stack.extend(successors(p));
        }
    }
    false
}

/// Builds the ledger, returning it and which openings were refused as
/// cycles (and checking each refusal against [`closes_cycle`]).
pub fn build(specs: &[Spec]) -> Result<(Ledger, BTreeSet<usize>), String> {
    let mut ledger = Ledger::new();
    for m in MEMBERS {
        ledger
            .add_member(Member::new(MemberId::new(m).expect("id"), m))
            .map_err(|e| e.to_string())?;
    }
    let mut opened = BTreeSet::new();
    for (i, spec) in specs.iter().enumerate() {
        let provenance = match spec.day {
            Some(day) => Provenance::new(Evidence::Verified).on(date(day)),
            None => Provenance::new(Evidence::Verified),
        };
        let expected_cycle = closes_cycle(specs, &opened, i);
        match ledger.open_pledge(new_pledge(i, spec), provenance) {
            Ok(_) if expected_cycle => return Err(format!("P{i} closes a cycle but was accepted")),
            Ok(_) => {
                opened.insert(i);
            }
            Err(coalition_ledger::Error::DependencyCycle { .. }) if expected_cycle => {}
            Err(e) => return Err(format!("P{i} refused: {e}")),
        }
    }
    for (i, spec) in specs.iter().enumerate() {
        if let (Some(withdrawn), true) = (spec.withdrawn, opened.contains(&i)) {
            let provenance = match withdrawn {
                Some(day) => Provenance::new(Evidence::Verified).on(date(day)),
                None => Provenance::new(Evidence::Verified),
            };
            ledger
                .withdraw(&pid(i), "test", provenance)
                .map_err(|e| format!("withdrawing P{i}: {e}"))?;
        }
    }
    Ok((ledger, opened))
}

/// Verdicts: 0 holds, 1 unknown, 2 fails.
type Verdict = u8;

/// What the rules say, for the pledges known as of a date (`None`: all).
pub struct Reference {
    /// For each known pledge.
    pub pledges: BTreeMap<usize, Known>,
}

/// What the rules say of one known pledge.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    pub troops: bool,
    pub withdrawn: bool,
    pub counted: bool,
    pub conditional: bool,
    pub stage: Stage,
    pub size: (u64, u64, bool, bool),
}

pub fn evaluate(
    specs: &[Spec],
    opened: &BTreeSet<usize>,
    a: &Assumptions,
    as_of: Option<u32>,
) -> Reference {
    let applies = |day: Option<u32>| match as_of {
        None => true,
        Some(limit) => day.is_some_and(|d| d <= limit),
    };
    let known: BTreeSet<usize> = opened
        .iter()
        .copied()
        .filter(|&i| applies(specs[i].day))
        .collect();
    let withdrawn = |i: usize| specs[i].withdrawn.is_some_and(&applies);
    let stated = |c: Cond| -> Option<Verdict> {
        if a.fails.contains(&c) {
            Some(2)
        } else if a.holds.contains(&c) {
            Some(0)
        } else {
            None
        }
    };
    // Conditions' verdict per known pledge, by fixpoint iteration from
    // "unknown" for every conditional pledge.
    let mut verdict: BTreeMap<usize, Verdict> = known
        .iter()
        .map(|&i| (i, if specs[i].conditions.is_empty() { 0 } else { 1 }))
        .collect();
    // A pledge the scenario removes: one it says `DependsOn` fails on, and
    // every backstop pledge of a member whose backstop it says fails.
    let stated_to_fail = |i: usize| {
        stated(Cond::DependsOn(i)) == Some(2)
            || (specs[i].backstop && stated(Cond::Backstop(specs[i].member % 3)) == Some(2))
    };
    for &i in &known {
        if stated_to_fail(i) {
            verdict.insert(i, 2);
        }
    }
    let standing = |verdict: &BTreeMap<usize, Verdict>, i: usize| -> Verdict {
        if withdrawn(i) { 2 } else { verdict[&i] }
    };
    for _ in 0..=specs.len() + 1 {
        let mut next = verdict.clone();
        for &i in &known {
            if specs[i].conditions.is_empty() || stated_to_fail(i) {
                continue;
            }
            let mut worst = 0;
            for &c in &specs[i].conditions {
                let v = match (stated(c), c) {
                    (Some(v), _) => v,
                    (None, Cond::DependsOn(q)) if known.contains(&q) => standing(&verdict, q),
                    (None, Cond::DependsOn(_)) => 1,
                    (None, Cond::Backstop(m)) => {
                        let backstops: Vec<usize> = known
                            .iter()
                            .copied()
                            .filter(|&q| specs[q].backstop && specs[q].member % 3 == m % 3)
                            .collect();
                        if backstops.is_empty() {
                            1
                        } else if backstops.iter().any(|&q| {
                            specs[q].stage >= Stage::Committed && standing(&verdict, q) == 0
                        }) {
                            0
                        } else if backstops.iter().all(|&q| standing(&verdict, q) == 2) {
                            2
                        } else {
                            1
                        }
                    }
                    (None, _) => 1,
                };
                worst = worst.max(v);
            }
            next.insert(i, worst);
        }
        if next == verdict {
            break;
        }
        verdict = next;
    }
    let pledges = known
        .iter()
        .map(|&i| {
            let v = verdict[&i];
            let counted = !withdrawn(i) && (v == 0 || (v == 1 && !a.firm_only));
            (
                i,
                Known {
                    troops: !specs[i].backstop,
                    withdrawn: withdrawn(i),
                    counted,
                    conditional: v == 1,
                    stage: specs[i].stage,
                    size: specs[i].size,
                },
            )
        })
        .collect();
    Reference { pledges }
}

impl Reference {
    /// Personnel total of the counted troop pledges (withdrawn ones are
    /// filtered out by the query): ((low, high, count, unspecified), troop
    /// pledges the scenario left out).
    pub fn personnel(&self) -> ((u64, Option<u64>, u64, u64), u64) {
        let (mut low, mut high, mut count, mut unspecified, mut left_out) =
            (0, Some(0u64), 0, 0, 0);
        for known in self.pledges.values() {
            if !known.troops || known.withdrawn {
                continue;
            }
            if !known.counted {
                left_out += 1;
                continue;
            }
            count += 1;
            let (l, h, open, unspec) = known.size;
            if unspec {
                unspecified += 1;
                high = None;
                continue;
            }
            let (l, h) = if open {
                (l, None)
            } else {
                (l.min(h), Some(l.max(h)))
            };
            low += l;
            high = match (high, h) {
                (Some(a), Some(b)) => Some(a + b),
                _ => None,
            };
        }
        ((low, high, count, unspecified), left_out)
    }

    /// Counts of counted troop pledges per coverage bucket: firm, likely,
    /// conditional, possible (every entry here is `Verified`).
    pub fn buckets(&self) -> [u64; 4] {
        let mut out = [0u64; 4];
        for known in self.pledges.values() {
            if !known.troops || known.withdrawn || !known.counted {
                continue;
            }
            let bucket = if known.conditional {
                2
            } else if known.stage >= Stage::Committed {
                0
            } else if known.stage >= Stage::Announced {
                1
            } else {
                3
            };
            out[bucket] += 1;
        }
        out
    }
}
