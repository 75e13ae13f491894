//! A deliberately simple reference model of the ledger's rules, shared by
//! the state-machine property test and the `actions` fuzz target. It knows
//! nothing of the crate's internals: plain maps, plain loops.
#![allow(dead_code)]
// Nested `if let`s and `%` read plainly here; the lints arrived with the
// minimum Rust version 1.89.
#![allow(clippy::collapsible_if, clippy::manual_is_multiple_of)]

use std::collections::BTreeMap;

use coalition_ledger::io::json;
use coalition_ledger::*;

const MEMBERS: [&str; 3] = ["FRA", "GBR", "DEU"];
const PLEDGES: [&str; 5] = ["p0", "p1", "p2", "p3", "p4"];

/// One operation, decoded from bytes.
#[derive(Debug, Clone)]
pub enum Op {
    AddMember {
        member: usize,
        name: u8,
    },
    Open {
        pledge: usize,
        member: usize,
        funding: bool,
        estimate: u8,
        low: u16,
        span: u16,
        stage: u8,
    },
    Advance {
        pledge: usize,
        stage: u8,
    },
    Revise {
        pledge: usize,
        funding: bool,
        estimate: u8,
        low: u16,
        span: u16,
    },
    Deliver {
        pledge: usize,
        quantity: i16,
        tenths: bool,
        correction: bool,
    },
    Withdraw {
        pledge: usize,
        empty_reason: bool,
    },
    Annotate {
        pledge: usize,
        evidence: u8,
    },
}

/// Reads operations from arbitrary bytes, 8 bytes each.
pub fn ops_from_bytes(data: &[u8]) -> Vec<Op> {
    data.chunks_exact(8)
        .map(|c| {
            let pledge = usize::from(c[1]) % PLEDGES.len();
            let member = usize::from(c[2]) % (MEMBERS.len() + 1);
            let low = u16::from_le_bytes([c[4], c[5]]) % 5_000;
            let span = u16::from(c[6]) * 10;
            match c[0] % 7 {
                0 => Op::AddMember {
                    member: member % MEMBERS.len(),
                    name: c[3] % 2,
                },
                1 => Op::Open {
                    pledge,
                    member,
                    funding: c[3] & 1 == 1,
                    estimate: c[3] >> 1,
                    low,
                    span,
                    stage: c[7] % 5,
                },
                2 => Op::Advance {
                    pledge,
                    stage: c[3] % 5,
                },
                3 => Op::Revise {
                    pledge,
                    funding: c[3] & 1 == 1,
                    estimate: c[3] >> 1,
                    low,
                    span,
                },
                4 => Op::Deliver {
                    pledge,
                    quantity: i16::from_le_bytes([c[4], c[5]]) % 3_000,
                    tenths: c[3] & 1 == 1,
                    correction: c[3] & 2 == 2,
                },
                5 => Op::Withdraw {
                    pledge,
                    empty_reason: c[3] % 8 == 0,
                },
                _ => Op::Annotate {
                    pledge,
                    evidence: c[3] % 3,
                },
            }
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
struct ModelPledge {
    member: usize,
    funding: bool,
    /// Low, high (None = open), unspecified.
    size: (i64, Option<i64>, bool),
    stage: Stage,
    delivered: Decimal,
    spec: (usize, Contribution, u8),
}

/// The model's state.
#[derive(Debug, Default)]
pub struct Model {
    members: BTreeMap<usize, u8>,
    pledges: BTreeMap<usize, ModelPledge>,
}

fn estimate_of(estimate: u8, low: u16, span: u16) -> (i64, Option<i64>, bool) {
    let (low, high) = (i64::from(low), i64::from(low) + i64::from(span));
    match estimate % 5 {
        0 => (low, Some(low), false),
        1 => (low, Some(high), false),
        // A reversed range: the ledger must refuse it.
        2 => (high, Some(low), false),
        3 => (low, None, false),
        _ => (0, Some(0), true),
    }
}

fn contribution(funding: bool, estimate: u8, low: u16, span: u16) -> Contribution {
    let (l, h, unspecified) = estimate_of(estimate, low, span);
    let l64 = u64::try_from(l).unwrap_or(0);
    let estimate = match (h, unspecified) {
        (_, true) => Estimate::Unspecified,
        (Some(h), _) if h == l && estimate % 5 == 0 => Estimate::Exact(l64),
        (Some(h), _) => Estimate::Range {
            low: l64,
            high: u64::try_from(h).unwrap_or(0),
        },
        (None, _) => Estimate::AtLeast(l64),
    };
    if funding {
        Contribution::Funding {
            amount: estimate.map(|v| Money::new(Decimal::from(v), Currency::EUR)),
        }
    } else {
        Contribution::Troops {
            personnel: estimate,
        }
    }
}

fn valid_size(size: (i64, Option<i64>, bool)) -> bool {
    size.1.is_none_or(|h| size.0 <= h)
}

impl Model {
    /// Applies an operation; `Ok(true)` appended, `Ok(false)` already
    /// present, `Err(())` rejected.
    fn apply(&mut self, op: &Op) -> Result<bool, ()> {
        match *op {
            // Every operation is dated by its step, so a re-submission
            // always carries another date: the same body with another
            // provenance is a conflict, not silently "already present".
            Op::AddMember { member, name } => match self.members.get(&member) {
                Some(_) => Err(()),
                None => {
                    self.members.insert(member, name);
                    Ok(true)
                }
            },
            Op::Open {
                pledge,
                member,
                funding,
                estimate,
                low,
                span,
                stage,
            } => {
                let spec = (member, contribution(funding, estimate, low, span), stage);
                if self.pledges.contains_key(&pledge) {
                    // A different body, or the same body re-sent on a later
                    // day (another provenance): both are conflicts.
                    return Err(());
                }
                let size = estimate_of(estimate, low, span);
                let stage = Stage::ALL[usize::from(stage)];
                if member >= MEMBERS.len()
                    || !self.members.contains_key(&member)
                    || !valid_size(size)
                    || stage >= Stage::Delivered
                {
                    return Err(());
                }
                self.pledges.insert(
                    pledge,
                    ModelPledge {
                        member,
                        funding,
                        size,
                        stage,
                        delivered: Decimal::ZERO,
                        spec,
                    },
                );
                Ok(true)
            }
            Op::Advance { pledge, stage } => {
                let p = self.live(pledge)?;
                let to = Stage::ALL[usize::from(stage)];
                if to == Stage::Withdrawn || p.stage == Stage::Delivered || to <= p.stage {
                    return Err(());
                }
                p.stage = to;
                Ok(true)
            }
            Op::Revise {
                pledge,
                funding,
                estimate,
                low,
                span,
            } => {
                let p = self.live(pledge)?;
                let size = estimate_of(estimate, low, span);
                if p.funding != funding || !valid_size(size) {
                    return Err(());
                }
                p.size = size;
                Ok(true)
            }
            Op::Deliver {
                pledge,
                quantity,
                tenths,
                correction,
            } => {
                let p = self.live(pledge)?;
                let quantity = delivery(quantity, tenths);
                let fractional = !quantity.fract().is_zero();
                if quantity.is_zero()
                    || (fractional && !p.funding)
                    || (quantity.is_sign_negative() && !correction)
                {
                    return Err(());
                }
                let delivered = p.delivered + quantity;
                if delivered.is_sign_negative() && !delivered.is_zero() {
                    return Err(());
                }
                p.delivered = delivered;
                Ok(true)
            }
            Op::Withdraw {
                pledge,
                empty_reason,
            } => {
                let p = self.live(pledge)?;
                if p.stage == Stage::Delivered || empty_reason {
                    return Err(());
                }
                p.stage = Stage::Withdrawn;
                Ok(true)
            }
            Op::Annotate { pledge, .. } => self.live(pledge).map(|_| true),
        }
    }

    fn live(&mut self, pledge: usize) -> Result<&mut ModelPledge, ()> {
        match self.pledges.get_mut(&pledge) {
            Some(p) if p.stage != Stage::Withdrawn => Ok(p),
            _ => Err(()),
        }
    }

    /// Pledged and delivered personnel of live troop pledges:
    /// (low, high, count, unspecified, delivered).
    fn totals(&self) -> (Decimal, Option<Decimal>, u64, u64, Decimal) {
        let mut out = (Decimal::ZERO, Some(Decimal::ZERO), 0, 0, Decimal::ZERO);
        for p in self
            .pledges
            .values()
            .filter(|p| !p.funding && p.stage != Stage::Withdrawn)
        {
            out.2 += 1;
            out.4 += p.delivered;
            if p.size.2 {
                // An unspecified size has no upper bound.
                out.3 += 1;
                out.1 = None;
                continue;
            }
            out.0 += Decimal::from(p.size.0);
            out.1 = match (out.1, p.size.1) {
                (Some(a), Some(b)) => Some(a + Decimal::from(b)),
                _ => None,
            };
        }
        out
    }
}

fn delivery(quantity: i16, tenths: bool) -> Decimal {
    if tenths {
        Decimal::new(i64::from(quantity), 1)
    } else {
        Decimal::from(quantity)
    }
}

fn day(step: usize) -> NaiveDate {
    // Only what the crate re-exports, so the fuzz crate needs no chrono.
    let start = parse_date("2025-01-01").expect("valid").num_days_from_ce();
    NaiveDate::from_num_days_from_ce_opt(start + step as i32).expect("in range")
}

fn to_action(op: &Op) -> (Action, Provenance) {
    let pid = |i: usize| PledgeId::new(PLEDGES[i]).expect("valid");
    let member = |i: usize| MemberId::new(MEMBERS.get(i).copied().unwrap_or("XYZ")).expect("valid");
    let prov = Provenance::new(Evidence::Reported);
    let action = match *op {
        Op::AddMember { member: m, name } => Action::AddMember(Box::new(Member::new(
            member(m),
            if name == 0 { "One" } else { "Other" },
        ))),
        Op::Open {
            pledge,
            member: m,
            funding,
            estimate,
            low,
            span,
            stage,
        } => Action::Pledge(Box::new(
            NewPledge::new(
                pid(pledge),
                member(m),
                contribution(funding, estimate, low, span),
            )
            .with_stage(Stage::ALL[usize::from(stage)]),
        )),
        Op::Advance { pledge, stage } => Action::Advance {
            pledge: pid(pledge),
            stage: Stage::ALL[usize::from(stage)],
        },
        Op::Revise {
            pledge,
            funding,
            estimate,
            low,
            span,
        } => Action::Revise {
            pledge: pid(pledge),
            contribution: Box::new(contribution(funding, estimate, low, span)),
        },
        Op::Deliver {
            pledge,
            quantity,
            tenths,
            correction,
        } => Action::Deliver {
            pledge: pid(pledge),
            quantity: delivery(quantity, tenths),
            currency: None,
            correction,
        },
        Op::Withdraw {
            pledge,
            empty_reason,
        } => Action::Withdraw {
            pledge: pid(pledge),
            reason: if empty_reason {
                " ".into()
            } else {
                "recalled".into()
            },
        },
        Op::Annotate { pledge, evidence } => {
            return (
                Action::Annotate {
                    pledge: pid(pledge),
                },
                Provenance::new(Evidence::ALL[usize::from(evidence)]),
            );
        }
    };
    (action, prov)
}

/// Records one operation, dated `step` days after the start. Funding
/// deliveries carry the pledge's currency (EUR).
pub fn apply_op(ledger: &mut Ledger, op: &Op, step: usize) -> Result<Recorded> {
    let (mut action, provenance) = to_action(op);
    if let Action::Deliver {
        currency, pledge, ..
    } = &mut action
    {
        if ledger
            .pledge(pledge)
            .is_some_and(|p| p.kind() == Kind::Funding)
        {
            *currency = Some(Currency::EUR);
        }
    }
    ledger.record(action, provenance.on(day(step)))
}

/// Applies the operations to a ledger and to the model, checking after
/// every one that they agree and that the ledger's invariants hold.
pub fn run(ops: &[Op]) -> Result<Ledger, String> {
    let mut ledger = Ledger::new();
    let mut model = Model::default();
    for (step, op) in ops.iter().enumerate() {
        let stages: Vec<(PledgeId, Stage)> = ledger
            .pledges()
            .map(|p| (p.id().clone(), p.stage()))
            .collect();
        let before = ledger.clone();
        let expected = model.apply(op);
        let got = apply_op(&mut ledger, op, step);
        match (&expected, &got) {
            (Ok(true), Ok(r)) if r.is_appended() => {}
            (Ok(false), Ok(r)) if !r.is_appended() => {}
            (Err(()), Err(_)) => {
                if ledger != before {
                    return Err(format!("step {step}: a rejected {op:?} changed the ledger"));
                }
            }
            _ => {
                return Err(format!(
                    "step {step}: {op:?}: model says {expected:?}, ledger says {got:?}"
                ));
            }
        }
        check_invariants(&ledger, &model, &stages, step)?;
        if step % 16 == 15 || step + 1 == ops.len() {
            check_history(&ledger, step)?;
        }
    }
    Ok(ledger)
}

fn check_invariants(
    ledger: &Ledger,
    model: &Model,
    stages: &[(PledgeId, Stage)],
    step: usize,
) -> Result<(), String> {
    for (id, old) in stages {
        let new = ledger.pledge(id).map(|p| p.stage());
        if new.is_none_or(|s| s < *old) {
            return Err(format!(
                "step {step}: pledge {id} went from {old} to {new:?}"
            ));
        }
    }
    for p in ledger.pledges() {
        if p.delivered().is_sign_negative() && !p.delivered().is_zero() {
            return Err(format!(
                "step {step}: pledge {} delivered {}",
                p.id(),
                p.delivered()
            ));
        }
    }
    let pledged = *ledger
        .query()
        .measure(Measure::Personnel)
        .run()
        .map_err(|e| e.to_string())?
        .total();
    let delivered = *ledger
        .query()
        .measure(Measure::Personnel)
        .basis(Basis::Delivered)
        .run()
        .map_err(|e| e.to_string())?
        .total();
    let got = (
        pledged.low(),
        pledged.high(),
        pledged.count(),
        pledged.unspecified(),
        delivered.low(),
    );
    let want = model.totals();
    if got != want {
        return Err(format!("step {step}: totals {got:?}, model {want:?}"));
    }
    Ok(())
}

fn check_history(ledger: &Ledger, step: usize) -> Result<(), String> {
    let last = ledger
        .entries()
        .filter_map(|e| e.date())
        .max()
        .unwrap_or_else(|| day(0));
    let snapshot = ledger.as_of_with(last, Undated::Include);
    if snapshot.ledger() != ledger || !snapshot.left_out().is_empty() {
        return Err(format!(
            "step {step}: as_of the last date differs from the current state"
        ));
    }
    let text = json::to_string(ledger);
    let loaded = json::from_str(&text).map_err(|e| format!("step {step}: reload failed: {e}"))?;
    if json::to_string(&loaded) != text {
        return Err(format!("step {step}: save/load/save differs"));
    }
    let view = |l: &Ledger| -> Vec<String> {
        l.pledges()
            .map(|p| {
                format!(
                    "{} {:?} {} {} {}",
                    p.id(),
                    p.contribution(),
                    p.stage(),
                    p.evidence(),
                    p.delivered()
                )
            })
            .collect()
    };
    if view(&loaded) != view(ledger) {
        return Err(format!("step {step}: save/load changed the pledges"));
    }
    Ok(())
}
