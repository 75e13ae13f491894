//! [`Scenario`]: assumptions about conditions, and which pledges stand
//! under them.
//!
//! The rule a scenario follows is on [`Scenario`].

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ledger::{ConditionCode, Ledger, NONE};
use crate::lifecycle::Stage;
use crate::pledge::{Condition, Kind};

/// Assumptions about which conditions hold and which fail.
///
/// # The rule
///
/// Each condition of a pledge *holds*, *fails*, or is *unknown* in a
/// scenario; a pledge *stands* when it is not withdrawn, the scenario does not
/// say it fails, and none of its conditions fails.
///
/// * A condition the scenario states ([`Scenario::holds`],
///   [`Scenario::fails`]) is what the scenario says.
/// * `Backstop { by }`, when not stated, is derived from the ledger, in the
///   same scenario: it **holds** when a backstop pledge of `by` at
///   `Committed` or later stands with every one of its own conditions
///   holding; it **fails** when `by` has backstop pledges and none of them
///   stands (each is withdrawn or has a failing condition); it is
///   **unknown** otherwise: no backstop pledge of `by` is known (none
///   recorded, or left out by `as_of`), or the ones that stand are only
///   considered, announced, or themselves conditional on something unknown.
/// * `DependsOn(p)`, when not stated, follows `p` the same way: it holds
///   when `p` stands with every condition holding, fails when `p` is
///   withdrawn or does not stand, and is unknown when `p` stands only
///   conditionally or is not known (not recorded, or left out by `as_of`).
///   Unknown is not failed: an absent pledge never makes its dependants fail.
/// * Saying `DependsOn(p)` fails removes `p` itself too, with everything that
///   depends on it. Saying `Backstop { by }` fails removes every backstop
///   pledge of `by` too, with everything that depends on them: "the US
///   backstop fails" leaves no US backstop standing, whichever way a pledge
///   names it (`Backstop { by: USA }` or `DependsOn` a US backstop pledge).
/// * Saying a condition holds is about that condition as written: it makes
///   no pledge firm. `holds(Backstop { by: USA })` makes the conditions
///   written `Backstop { by: USA }` hold, while a pledge `DependsOn` a US
///   backstop pledge follows that pledge, whose own conditions still count
///   (a failure removes the pledges, for a failed guarantee is gone; a
///   hold does not vouch for what a pledge is itself waiting on).
/// * Any other condition not stated is unknown.
///
/// `Backstop` and `DependsOn` conditions form one dependency graph (a French
/// backstop conditional on the US backstop and a US backstop conditional on
/// the French one is a cycle). Recording an entry that would close a cycle
/// is refused; a ledger loaded from a file written before that rule may
/// still hold one, and then the conditions inside the cycle are unknown:
/// only the pledges in it are affected, and tables count them in their note.
///
/// A pledge whose conditions all hold is *firm*; one with an unknown
/// condition (and none failing) is *conditional*. The default scenario counts
/// both; [`Scenario::firm_only`] counts only firm pledges.
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
/// assert_eq!(all.total().count(), 1); // the reassurance force
/// assert_eq!(without_us.total().count(), 0); // it needs the US backstop
/// assert_eq!(without_us.left_out().by_scenario(), 1);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Scenario {
    holds: BTreeSet<Condition>,
    fails: BTreeSet<Condition>,
    firm_only: bool,
}

impl<'de> Deserialize<'de> for Scenario {
    /// Reads a scenario as [`Scenario::to_json`] writes it: no condition
    /// listed twice or both holding and failing, and a named condition
    /// that says something, as recording one requires.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Scenario, D::Error> {
        crate::strict_maps::checked_object::<D, ScenarioIn, Scenario>(d, "a scenario")
    }
}

/// A deserialized scenario, checked: no condition both holds and fails.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioIn {
    #[serde(default, deserialize_with = "holding")]
    holds: BTreeSet<Condition>,
    #[serde(default, deserialize_with = "failing")]
    fails: BTreeSet<Condition>,
    #[serde(default)]
    firm_only: bool,
}

fn holding<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeSet<Condition>, D::Error> {
    conditions(d, "holds")
}

fn failing<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeSet<Condition>, D::Error> {
    conditions(d, "fails")
}

/// A list of conditions, each checked as it is read: a named condition
/// passes the rules recording one does, and none is listed twice.
fn conditions<'de, D: serde::Deserializer<'de>>(
    d: D,
    field: &'static str,
) -> std::result::Result<BTreeSet<Condition>, D::Error> {
    struct List(&'static str);

    impl<'de> serde::de::Visitor<'de> for List {
        type Value = BTreeSet<Condition>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of conditions")
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut out = BTreeSet::new();
            while let Some(condition) = seq.next_element_seed(Checked {
                field: self.0,
                seen: &out,
            })? {
                out.insert(condition);
            }
            Ok(out)
        }
    }

    d.deserialize_seq(List(field))
}

/// One condition of a list, checked while the parser still stands at its
/// end, so that an error's line and column are the condition's (checked
/// after it was read, the error was placed at the next token: the next
/// line of a list written one condition per line). A condition is a string
/// (`"ceasefire"`) or an object of one key, read as [`Condition`]'s own
/// `Deserialize` reads it.
struct Checked<'s> {
    field: &'static str,
    seen: &'s BTreeSet<Condition>,
}

impl Checked<'_> {
    /// A named condition passes the rules recording one does, and none is
    /// listed twice.
    fn check<E: serde::de::Error>(
        &self,
        condition: Condition,
    ) -> std::result::Result<Condition, E> {
        if let Condition::Named(words) = &condition {
            crate::ledger::named_condition(&|| "scenario".into(), self.field, words)
                .map_err(E::custom)?;
        }
        if self.seen.contains(&condition) {
            return Err(E::custom(Error::invalid(
                "scenario",
                self.field,
                format!("`{condition}` is listed twice"),
            )));
        }
        Ok(condition)
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Checked<'_> {
    type Value = Condition;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Condition, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Checked<'_> {
    type Value = Condition;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a condition")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> std::result::Result<Condition, E> {
        use serde::de::IntoDeserializer as _;
        let condition = Condition::deserialize(text.into_deserializer())?;
        self.check(condition)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        map: A,
    ) -> std::result::Result<Condition, A::Error> {
        let condition = Condition::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        self.check(condition)
    }
}

impl TryFrom<ScenarioIn> for Scenario {
    type Error = Error;

    fn try_from(input: ScenarioIn) -> Result<Scenario> {
        if let Some(both) = input.holds.intersection(&input.fails).next() {
            return Err(Error::invalid(
                "scenario",
                "holds",
                format!("`{both}` both holds and fails"),
            ));
        }
        Ok(Scenario {
            holds: input.holds,
            fails: input.fails,
            firm_only: input.firm_only,
        })
    }
}

impl Scenario {
    /// The default scenario: nothing stated, derived conditions from the
    /// ledger.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let scenario = Scenario::new();
    /// assert!(!scenario.is_firm_only());
    /// assert_eq!(scenario.holding().count() + scenario.failing().count(), 0);
    /// ```
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
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let firm = ledger.query().scenario(&Scenario::firm_only()).run()?;
    /// let all = ledger.query().run()?;
    /// assert!(firm.total().count() <= all.total().count());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn firm_only() -> Scenario {
        Scenario {
            firm_only: true,
            ..Scenario::default()
        }
    }

    /// Assumes `condition` holds (and no longer that it fails): the
    /// conditions written so hold. It makes no pledge firm: a pledge
    /// `DependsOn` a backstop pledge follows that pledge's own conditions
    /// even when the scenario says its member's `Backstop` holds (see
    /// [`Scenario`]).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let scenario = Scenario::new().holds(Condition::Ceasefire);
    /// assert_eq!(scenario.holding().collect::<Vec<_>>(), [&Condition::Ceasefire]);
    /// ```
    #[must_use]
    pub fn holds(mut self, condition: Condition) -> Scenario {
        self.fails.remove(&condition);
        self.holds.insert(condition);
        self
    }

    /// Assumes `condition` fails (and no longer that it holds).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let usa = MemberId::new("USA")?;
    /// let scenario = Scenario::new().fails(Condition::Backstop { by: usa.clone() });
    /// assert_eq!(scenario.failing().collect::<Vec<_>>(), [&Condition::Backstop { by: usa }]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn fails(mut self, condition: Condition) -> Scenario {
        self.holds.remove(&condition);
        self.fails.insert(condition);
        self
    }

    /// Refuses a named condition that recording refuses (blank, too long,
    /// with bidirectional controls): the builder takes any condition, and
    /// a query checks the scenario it runs with.
    pub(crate) fn check(&self) -> Result<()> {
        let stated = [("holds", &self.holds), ("fails", &self.fails)];
        for (field, conditions) in stated {
            for condition in conditions {
                if let Condition::Named(words) = condition {
                    crate::ledger::named_condition(&|| "scenario".into(), field, words)?;
                }
            }
        }
        Ok(())
    }

    /// The conditions assumed to hold.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let scenario = Scenario::new().holds(Condition::Ceasefire).holds(Condition::Named("UN mandate".into()));
    /// assert_eq!(scenario.holding().count(), 2);
    /// ```
    pub fn holding(&self) -> impl Iterator<Item = &Condition> {
        self.holds.iter()
    }

    /// The conditions assumed to fail.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert_eq!(Scenario::new().fails(Condition::Ceasefire).failing().count(), 1);
    /// ```
    pub fn failing(&self) -> impl Iterator<Item = &Condition> {
        self.fails.iter()
    }

    /// True for a [`Scenario::firm_only`] scenario.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// assert!(Scenario::firm_only().is_firm_only());
    /// assert!(!Scenario::new().is_firm_only());
    /// ```
    pub fn is_firm_only(&self) -> bool {
        self.firm_only
    }

    fn stated(&self, condition: &Condition) -> Option<Verdict> {
        if self.holds.contains(condition) {
            Some(Verdict::Holds)
        } else if self.fails.contains(condition) {
            Some(Verdict::Fails)
        } else {
            None
        }
    }
}

/// What a pledge's conditions come to, or whether a pledge stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
#[repr(u8)]
enum Verdict {
    /// Every condition holds (or there is none).
    #[default]
    Holds = 0,
    /// None fails, but some is not known to hold.
    Unknown = 1,
    /// Some condition fails.
    Fails = 2,
}

/// The verdict on every pledge under one scenario.
#[derive(Debug, Clone)]
pub(crate) struct Evaluation {
    /// What each pledge's conditions come to (a pledge the scenario says
    /// fails, through `DependsOn`, fails here too). Withdrawal is not in it.
    conditions: Vec<Verdict>,
    /// Pledges in a dependency cycle (possible only in files written before
    /// cycles were refused): the conditions inside the cycle are unknown.
    in_cycle: Vec<bool>,
    /// The pledges not known to stand firm or in a cycle, in index order:
    /// the only ones a table's notes can be about.
    noted: Vec<u32>,
    firm_only: bool,
    /// Tells evaluations apart: set afresh by [`evaluate`], kept by
    /// [`Evaluation::catch_up`] (which moves no verdict), so that what was
    /// derived from the verdicts can tell whether it still holds.
    generation: u64,
}

/// The next [`Evaluation::generation`].
static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Evaluation {
    /// True when the scenario counts the pledge as far as its conditions go
    /// (withdrawal is filtered separately).
    pub(crate) fn conditions_allow(&self, ix: usize) -> bool {
        match self.conditions.get(ix).copied().unwrap_or_default() {
            Verdict::Holds => true,
            Verdict::Unknown => !self.firm_only,
            Verdict::Fails => false,
        }
    }

    /// True when some condition of the pledge is not known to hold.
    pub(crate) fn is_conditional(&self, ix: usize) -> bool {
        self.conditions.get(ix).copied().unwrap_or_default() != Verdict::Holds
    }

    /// True when some pledge is not known to stand firm or sits in a cycle,
    /// so that a table may have something to note.
    pub(crate) fn has_notes(&self) -> bool {
        !self.noted.is_empty()
    }

    /// The pledges a note may be about (see [`Evaluation::has_notes`]).
    pub(crate) fn noted(&self) -> &[u32] {
        &self.noted
    }

    /// Which evaluation this is: equal only for evaluations whose verdicts
    /// agree on every pledge both know.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// True when the pledge is part of a dependency cycle.
    pub(crate) fn is_in_cycle(&self, ix: usize) -> bool {
        self.in_cycle.get(ix).copied().unwrap_or(false)
    }
}

impl Evaluation {
    /// Brings the evaluation up to date with pledges opened or changed
    /// since it was made, when none of them can move a verdict: each has no
    /// conditions (its own verdict holds), is not a backstop (no member's
    /// backstop changes) and is named by no `DependsOn` (no other verdict
    /// follows it), and the scenario states no `DependsOn` (which could
    /// name it). False when the evaluation must be computed afresh.
    pub(crate) fn catch_up(
        &mut self,
        ledger: &Ledger,
        scenario: &Scenario,
        changed: &[u32],
    ) -> bool {
        if scenario
            .fails
            .iter()
            .any(|c| matches!(c, Condition::DependsOn(_)))
        {
            return false;
        }
        let states = ledger.states();
        let inert = changed.iter().all(|&ix| {
            states
                .get(ix as usize)
                .is_some_and(|s| !s.conditional && s.kind != Kind::Backstop && !s.depended_on)
        });
        if !inert {
            return false;
        }
        // New pledges hold; pledges already evaluated keep their verdict.
        self.conditions.resize(states.len(), Verdict::Holds);
        if !self.in_cycle.is_empty() {
            self.in_cycle.resize(states.len(), false);
        }
        true
    }
}

/// Evaluates every pledge of the ledger under the scenario.
///
/// The conditions form a graph: a pledge points at the pledges it depends
/// on, and at a node per member standing for "`by`'s backstop", which points
/// at that member's backstop pledges. Strongly connected components are
/// found with Tarjan's algorithm, which finishes each component after every
/// component it points at, so each verdict is decided once, from final
/// verdicts, in time linear in the pledges and conditions visited. The
/// conditions are read as the ledger coded them when each pledge was
/// opened ([`ConditionCode`]), not from the pledges' bodies; a pledge
/// without conditions, or stated to fail, is decided without a visit.
pub(crate) fn evaluate(ledger: &Ledger, scenario: &Scenario) -> Result<Evaluation> {
    let pledges = ledger.states().len();
    let mut eval = Evaluation {
        conditions: vec![Verdict::Holds; pledges],
        in_cycle: Vec::new(),
        noted: Vec::new(),
        firm_only: scenario.firm_only,
        generation: GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
    };
    for condition in &scenario.fails {
        if let Condition::DependsOn(id) = condition {
            if let Some(slot) = ledger
                .pledge_ix(id)
                .and_then(|ix| eval.conditions.get_mut(ix as usize))
            {
                *slot = Verdict::Fails;
            }
        }
    }
    fail_stated_backstops(ledger, scenario, &mut eval);
    let graph = Graph::new(ledger, scenario);
    let mut search = Tarjan::new(pledges.saturating_add(ledger.members().len()));
    for &ix in ledger.conditional_pledges() {
        if !graph.is_settled(&eval, ix as usize) {
            search.run(&graph, &mut eval, ix as usize)?;
        }
    }
    eval.noted = (0..pledges)
        .filter(|&ix| eval.is_conditional(ix) || eval.is_in_cycle(ix))
        .filter_map(|ix| u32::try_from(ix).ok())
        .collect();
    Ok(eval)
}

/// Marks the backstop pledges of every member whose backstop the scenario
/// says fails as failing, as a stated `DependsOn(p)` failure marks `p`:
/// "the US backstop fails" cannot leave a US backstop pledge standing, nor
/// a pledge that depends on it by id firm. (A new backstop pledge makes
/// [`Evaluation::catch_up`] decline, so it is marked too.)
fn fail_stated_backstops(ledger: &Ledger, scenario: &Scenario, eval: &mut Evaluation) {
    let members: Vec<u32> = scenario
        .fails
        .iter()
        .filter_map(|c| match c {
            Condition::Backstop { by } => ledger.member_ix(by),
            _ => None,
        })
        .collect();
    if members.is_empty() {
        return;
    }
    let states = ledger.states();
    for &ix in ledger.pledge_ixs_of_kind(Kind::Backstop) {
        let of_failing = states
            .get(ix as usize)
            .is_some_and(|state| members.contains(&state.member));
        if let (true, Some(slot)) = (of_failing, eval.conditions.get_mut(ix as usize)) {
            *slot = Verdict::Fails;
        }
    }
}

/// The condition graph of one ledger under one scenario.
struct Graph<'a> {
    ledger: &'a Ledger,
    scenario: &'a Scenario,
    pledges: usize,
    /// The backstop pledges of each member.
    backstops: Vec<Vec<u32>>,
    /// Where each conditional pledge's conditions start in `targets`
    /// ([`NONE`] for the others): each condition is resolved once, not at
    /// every step of the search (a `DependsOn` costs a lookup by id).
    first: Vec<u32>,
    /// What each condition of a conditional pledge points at, in order,
    /// ending with [`Target::End`].
    targets: Vec<Target>,
    /// Every conditional pledge has its conditions in `targets`.
    complete: bool,
}

/// One condition of a pledge, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Stated by the scenario.
    Stated(Verdict),
    /// `DependsOn` a recorded pledge.
    Pledge(u32),
    /// `Backstop` by a known member.
    Member(u32),
    /// Any other condition, or one naming what the ledger does not hold.
    Unknown,
    /// Past the pledge's last condition.
    End,
}

/// A node of the condition graph: a pledge index, or the number of pledges
/// plus a member index for "that member's backstop".
type Node = usize;

impl<'a> Graph<'a> {
    fn new(ledger: &'a Ledger, scenario: &'a Scenario) -> Graph<'a> {
        // From the ledger's list of backstop pledges: reading every
        // pledge's state to find them cost a tenth of an evaluation.
        let mut backstops = vec![Vec::new(); ledger.members().len()];
        for &ix in ledger.pledge_ixs_of_kind(Kind::Backstop) {
            let Some(state) = ledger.states().get(ix as usize) else {
                continue;
            };
            if state.kind == Kind::Backstop && !state.voided {
                if let Some(list) = backstops.get_mut(state.member as usize) {
                    list.push(ix);
                }
            }
        }
        for list in &mut backstops {
            list.sort_unstable();
        }
        let mut first = vec![NONE; ledger.states().len()];
        let mut targets = Vec::new();
        let mut complete = true;
        // The conditions as the ledger coded them when each pledge was
        // opened, read front to back alongside the list of conditional
        // pledges; a pledge with a condition coded `Other` has its
        // conditions read from its body instead.
        let stated = StatedCodes::new(ledger, scenario);
        let mut codes = ledger.condition_codes().iter().copied();
        for &ix in ledger.conditional_pledges() {
            let start = targets.len();
            let (mut from_body, mut ended) = (false, false);
            for code in codes.by_ref() {
                match code {
                    ConditionCode::End => {
                        ended = true;
                        break;
                    }
                    ConditionCode::Other => from_body = true,
                    code => targets.push(stated.target(code)),
                }
            }
            // Codes that ran out before their end would be a bug: the
            // body still answers.
            let from_body = from_body || !ended;
            let Some(slot) = first.get_mut(ix as usize) else {
                targets.truncate(start);
                continue;
            };
            let Ok(at) = u32::try_from(start) else {
                // Past u32 conditions: the rest are resolved step by step.
                targets.truncate(start);
                complete = false;
                break;
            };
            *slot = at;
            if from_body {
                targets.truncate(start);
                let conditions = ledger
                    .states()
                    .get(ix as usize)
                    .and_then(|state| ledger.spec_of(state))
                    .map_or(&[][..], |spec| spec.conditions());
                targets.extend(conditions.iter().map(|c| resolve(ledger, scenario, c)));
            }
            targets.push(Target::End);
        }
        Graph {
            ledger,
            scenario,
            pledges: ledger.states().len(),
            backstops,
            first,
            targets,
            complete,
        }
    }

    /// Whether a pledge has conditions: every conditional pledge has its
    /// conditions resolved in `first` (looked up there, not in the pledge's
    /// state, which is far bigger and seldom in cache).
    fn is_conditional(&self, node: Node) -> bool {
        match self.first.get(node) {
            Some(&start) if start != NONE => true,
            // The ledger lists every conditional pledge: one it does not
            // list has no conditions (a dependency's target, mostly).
            Some(_) if self.complete => false,
            _ => self
                .ledger
                .states()
                .get(node)
                .is_some_and(|s| s.conditional),
        }
    }

    /// The `i`-th condition of a pledge, resolved.
    fn target(&self, node: Node, i: usize) -> Target {
        let start = self.first.get(node).copied().unwrap_or(NONE);
        if start != NONE {
            return (start as usize)
                .checked_add(i)
                .and_then(|at| self.targets.get(at))
                .copied()
                .unwrap_or(Target::End);
        }
        match self.conditions(node).get(i) {
            Some(condition) => resolve(self.ledger, self.scenario, condition),
            None => Target::End,
        }
    }

    /// True for a pledge whose verdict needs no search: no conditions, or
    /// stated to fail.
    fn is_settled(&self, eval: &Evaluation, node: Node) -> bool {
        node < self.pledges
            && (eval.conditions.get(node) == Some(&Verdict::Fails) || !self.is_conditional(node))
    }

    fn conditions(&self, node: Node) -> &'a [Condition] {
        self.ledger
            .states()
            .get(node)
            .and_then(|state| self.ledger.spec_of(state))
            .map_or(&[][..], |spec| spec.conditions())
    }

    /// The `i`-th successor of a node, with `None` past the last. A pledge's
    /// successors follow its conditions (a stated or unrelated condition
    /// leads nowhere and is skipped by the caller); a member's are its
    /// backstop pledges.
    fn successor(&self, eval: &Evaluation, node: Node, i: usize) -> Next {
        if node < self.pledges {
            if self.is_settled(eval, node) {
                return Next::End;
            }
            match self.target(node, i) {
                Target::End => Next::End,
                Target::Stated(_) | Target::Unknown => Next::NoEdge,
                Target::Pledge(ix) => Next::Edge(ix as usize),
                Target::Member(m) => Next::Edge(self.pledges.saturating_add(m as usize)),
            }
        } else {
            node.checked_sub(self.pledges)
                .and_then(|member| self.backstops.get(member))
                .and_then(|list| list.get(i))
                .map_or(Next::End, |&ix| Next::Edge(ix as usize))
        }
    }
}

/// The conditions a scenario states, coded as the ledger codes the
/// pledges' conditions, with what it states of each.
struct StatedCodes(std::collections::BTreeMap<ConditionCode, Verdict>);

impl StatedCodes {
    fn new(ledger: &Ledger, scenario: &Scenario) -> StatedCodes {
        // A condition the ledger cannot code (a named one, or one naming
        // a pledge or member it does not hold) is no pledge's code either:
        // a pledge with a named condition, or one on a pledge recorded
        // after it, is resolved from its body. `holds` goes in
        // last, as `Scenario::stated` asks it first (no condition is in
        // both).
        let stated = [
            (&scenario.fails, Verdict::Fails),
            (&scenario.holds, Verdict::Holds),
        ];
        StatedCodes(
            stated
                .into_iter()
                .flat_map(|(conditions, verdict)| conditions.iter().map(move |c| (c, verdict)))
                .filter_map(|(c, verdict)| Some((ledger.condition_code(c)?, verdict)))
                .collect(),
        )
    }

    /// What a coded condition points at under the scenario, as [`resolve`]
    /// gives it for the condition.
    fn target(&self, code: ConditionCode) -> Target {
        match self.0.get(&code) {
            Some(&verdict) => Target::Stated(verdict),
            None => unstated(code),
        }
    }
}

/// What a condition points at under the scenario.
fn resolve(ledger: &Ledger, scenario: &Scenario, condition: &Condition) -> Target {
    if let Some(verdict) = scenario.stated(condition) {
        return Target::Stated(verdict);
    }
    ledger
        .condition_code(condition)
        .map_or(Target::Unknown, unstated)
}

/// What a coded condition the scenario does not state points at: a
/// member's backstop, a recorded pledge, or nothing the ledger can judge.
fn unstated(code: ConditionCode) -> Target {
    match code {
        ConditionCode::Backstop(member) if member != NONE => Target::Member(member),
        ConditionCode::DependsOn(pledge) => Target::Pledge(pledge),
        ConditionCode::Ceasefire
        | ConditionCode::Backstop(_)
        | ConditionCode::Parliament(_)
        | ConditionCode::Other
        | ConditionCode::End => Target::Unknown,
    }
}

/// The next successor of a node in the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// An edge to this node.
    Edge(Node),
    /// A condition with no edge (stated by the scenario, or unrelated).
    NoEdge,
    /// No more successors.
    End,
}

/// Iterative Tarjan search (no recursion, so that long chains cannot
/// exhaust the stack).
struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    done: Vec<bool>,
    /// Verdicts of member backstop nodes (pledge verdicts live in the
    /// evaluation).
    members: Vec<Verdict>,
    stack: Vec<Node>,
    next_index: u32,
    /// The search's path, kept from one root to the next (a search from
    /// each conditional pledge allocated its own), as are the two below.
    frames: Vec<(Node, usize)>,
    /// The component being finished.
    component: Vec<Node>,
    /// Its verdicts, decided before any is set.
    verdicts: Vec<Verdict>,
}

const UNVISITED: u32 = u32::MAX;

impl Tarjan {
    fn new(nodes: usize) -> Tarjan {
        Tarjan {
            index: vec![UNVISITED; nodes],
            low: vec![0; nodes],
            on_stack: vec![false; nodes],
            done: vec![false; nodes],
            members: Vec::new(),
            stack: Vec::new(),
            next_index: 0,
            frames: Vec::new(),
            component: Vec::new(),
            verdicts: Vec::new(),
        }
    }

    fn run(&mut self, graph: &Graph<'_>, eval: &mut Evaluation, root: Node) -> Result<()> {
        if self.index.get(root) != Some(&UNVISITED) {
            return Ok(());
        }
        // Each frame: a node and the index of its next successor.
        let mut frames = std::mem::take(&mut self.frames);
        frames.clear();
        self.visit(root)?;
        frames.push((root, 0));
        while let Some(&(node, next)) = frames.last() {
            if let Some(top) = frames.last_mut() {
                top.1 = next.saturating_add(1);
            }
            match graph.successor(eval, node, next) {
                // A pledge without conditions, or one the scenario says
                // fails, is decided already: its own component, with no
                // edge on, which `standing` reads as settled. Visiting it
                // only finished a component of one (50,000 backstop
                // pledges a first query at a million pledges).
                Next::Edge(succ) if graph.is_settled(eval, succ) => {}
                Next::Edge(succ) => {
                    let succ_index = self.index.get(succ).copied().unwrap_or(0);
                    if succ_index == UNVISITED {
                        self.visit(succ)?;
                        frames.push((succ, 0));
                    } else if self.on_stack.get(succ).copied().unwrap_or(false) {
                        self.lower(node, succ_index);
                    }
                }
                Next::NoEdge => {}
                Next::End => {
                    frames.pop();
                    if let Some(&(parent, _)) = frames.last() {
                        let low = self.low.get(node).copied().unwrap_or(0);
                        self.lower(parent, low);
                    }
                    if self.low.get(node) == self.index.get(node) {
                        self.finish_component(graph, eval, node);
                    }
                }
            }
        }
        self.frames = frames;
        Ok(())
    }

    fn visit(&mut self, node: Node) -> Result<()> {
        let index = self.next_index;
        self.next_index = index
            .checked_add(1)
            .ok_or_else(|| Error::overflow("evaluating conditions"))?;
        if let (Some(i), Some(l), Some(s)) = (
            self.index.get_mut(node),
            self.low.get_mut(node),
            self.on_stack.get_mut(node),
        ) {
            *i = index;
            *l = index;
            *s = true;
        }
        self.stack.push(node);
        Ok(())
    }

    fn lower(&mut self, node: Node, to: u32) {
        if let Some(low) = self.low.get_mut(node) {
            *low = (*low).min(to);
        }
    }

    /// Pops the component rooted at `root` and decides its verdicts: every
    /// component it points at is already decided. Inside a cycle, the
    /// conditions pointing into the cycle are unknown.
    fn finish_component(&mut self, graph: &Graph<'_>, eval: &mut Evaluation, root: Node) {
        let mut component = std::mem::take(&mut self.component);
        component.clear();
        while let Some(node) = self.stack.pop() {
            if let Some(s) = self.on_stack.get_mut(node) {
                *s = false;
            }
            component.push(node);
            if node == root {
                break;
            }
        }
        let cyclic = component.len() > 1
            || component.first().is_some_and(|&n| {
                (0..usize::MAX)
                    .map(|i| graph.successor(eval, n, i))
                    .take_while(|next| *next != Next::End)
                    .any(|next| next == Next::Edge(n))
            });
        if cyclic {
            if eval.in_cycle.is_empty() {
                eval.in_cycle = vec![false; graph.pledges];
            }
            for &node in &component {
                if let Some(flag) = eval.in_cycle.get_mut(node) {
                    *flag = true;
                }
            }
        }
        // Decide the nodes with the cycle's members still undecided
        // (unknown), then mark them all done.
        let mut verdicts = std::mem::take(&mut self.verdicts);
        verdicts.clear();
        verdicts.extend(component.iter().map(|&node| self.decide(graph, eval, node)));
        for (&node, &verdict) in component.iter().zip(&verdicts) {
            self.set(graph, eval, node, verdict);
            if let Some(done) = self.done.get_mut(node) {
                *done = true;
            }
        }
        self.component = component;
        self.verdicts = verdicts;
    }

    fn set(&mut self, graph: &Graph<'_>, eval: &mut Evaluation, node: Node, verdict: Verdict) {
        if node < graph.pledges {
            if let Some(slot) = eval.conditions.get_mut(node) {
                *slot = verdict;
            }
        } else if let Some(member) = node.checked_sub(graph.pledges) {
            if self.members.len() <= member {
                self.members
                    .resize(member.saturating_add(1), Verdict::Unknown);
            }
            if let Some(slot) = self.members.get_mut(member) {
                *slot = verdict;
            }
        }
    }

    /// Whether a pledge stands, as its dependants see it: a withdrawn pledge
    /// does not; a voided one was recorded in error, so it is as unknown
    /// as a pledge never recorded (as a voided backstop leaves its
    /// member's backstop unknown); an undecided one (inside a cycle) is
    /// unknown.
    fn standing(&self, graph: &Graph<'_>, eval: &Evaluation, pledge: Node) -> Verdict {
        // From the dense column, not the state: a search reads this for
        // every edge it follows, and only an ended pledge needs its state.
        let states = graph.ledger.states();
        let ended = states.has_ended(pledge).unwrap_or(true);
        if ended && states.get(pledge).is_some_and(|state| state.voided) {
            return Verdict::Unknown;
        }
        let settled = graph.is_settled(eval, pledge) || self.done.get(pledge) == Some(&true);
        match eval.conditions.get(pledge).copied().unwrap_or_default() {
            _ if ended => Verdict::Fails,
            Verdict::Fails => Verdict::Fails,
            _ if !settled => Verdict::Unknown,
            verdict => verdict,
        }
    }

    fn decide(&self, graph: &Graph<'_>, eval: &Evaluation, node: Node) -> Verdict {
        if graph.is_settled(eval, node) {
            // No conditions, or stated to fail: already decided.
            return eval.conditions.get(node).copied().unwrap_or_default();
        }
        if node < graph.pledges {
            let mut verdict = Verdict::Holds;
            for i in 0..usize::MAX {
                let status = match graph.target(node, i) {
                    Target::End => break,
                    Target::Stated(status) => status,
                    Target::Pledge(dep) => self.standing(graph, eval, dep as usize),
                    Target::Member(m) => {
                        let done = self
                            .done
                            .get(graph.pledges.saturating_add(m as usize))
                            .copied()
                            .unwrap_or(false);
                        match self.members.get(m as usize) {
                            Some(&v) if done => v,
                            _ => Verdict::Unknown,
                        }
                    }
                    // Not recorded, or left out by `as_of`, or a condition
                    // the ledger cannot judge: unknown.
                    Target::Unknown => Verdict::Unknown,
                };
                verdict = verdict.max(status);
            }
            verdict
        } else {
            let member = node.saturating_sub(graph.pledges);
            self.backstop_verdict(graph, eval, member)
        }
    }

    /// `Backstop { by: member }` holds when one of the member's backstop
    /// pledges at `Committed` or later stands, fails when the member has
    /// backstop pledges and none of them can stand, and is unknown otherwise
    /// (no backstop pledge known, or only conditional or uncommitted ones).
    fn backstop_verdict(&self, graph: &Graph<'_>, eval: &Evaluation, member: usize) -> Verdict {
        let Some(list) = graph.backstops.get(member) else {
            return Verdict::Unknown;
        };
        if list.is_empty() {
            return Verdict::Unknown;
        }
        let mut verdict = Verdict::Fails;
        for &ix in list {
            let committed = graph
                .ledger
                .states()
                .get(ix as usize)
                .is_some_and(|s| s.stage >= Stage::Committed);
            match self.standing(graph, eval, ix as usize) {
                Verdict::Holds if committed => return Verdict::Holds,
                Verdict::Fails => {}
                _ => verdict = Verdict::Unknown,
            }
        }
        verdict
    }
}
