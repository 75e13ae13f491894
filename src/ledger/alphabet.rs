//! The alphabet rule: ids hold no invisible characters, bidirectional
//! controls or formula starts, and texts hold no bidirectional controls.
//!
//! Ids built through the API are checked when they are made
//! ([`MemberId::new`](crate::MemberId::new) and the others); ids and texts
//! read from a file are checked here, when their entry is recorded under the
//! current rules. Entries recorded under [`Rules::Version1`] skip the rule
//! (files written before it keep loading); `check` reports entries that
//! only older rules accept.

use crate::entry::{Action, Provenance};
use crate::error::{Error, Result};
use crate::ids::{code_point, is_bidi_control};
use crate::pledge::{Capability, Condition, Contribution, NewPledge};

use super::Rules;

/// Checks every id and text of an entry against the alphabet, when `rules`
/// has it.
pub(crate) fn check(action: &Action, provenance: &Provenance, rules: Rules) -> Result<()> {
    if rules.allows_any_alphabet() {
        return Ok(());
    }
    check_entry(action, provenance)
}

/// Checks every id and text of an entry against the alphabet.
fn check_entry(action: &Action, provenance: &Provenance) -> Result<()> {
    for source in provenance.sources() {
        source.check_alphabet()?;
    }
    match action {
        Action::AddMember(member) => {
            member.id().check_alphabet()?;
            for group in member.groups() {
                group.check_alphabet()?;
            }
            text(
                || format!("member `{}`", member.id()),
                "name",
                member.name(),
            )
        }
        Action::AddSource(source) => {
            source.id().check_alphabet()?;
            let subject = || format!("source `{}`", source.id());
            text(subject, "publisher", source.publisher())?;
            text(subject, "title", source.title().unwrap_or_default())?;
            text(subject, "url", source.url().unwrap_or_default())
        }
        Action::Pledge(spec) => pledge(spec),
        Action::Revise {
            pledge,
            contribution,
        } => {
            pledge.check_alphabet()?;
            self::contribution(&|| format!("pledge `{pledge}`"), contribution)
        }
        Action::Withdraw { pledge, reason } => {
            pledge.check_alphabet()?;
            text(|| format!("pledge `{pledge}`"), "reason", reason)
        }
        Action::Advance { pledge, .. }
        | Action::Deliver { pledge, .. }
        | Action::Annotate { pledge } => pledge.check_alphabet(),
    }
}

fn pledge(spec: &NewPledge) -> Result<()> {
    spec.id().check_alphabet()?;
    spec.member().check_alphabet()?;
    let subject = || format!("pledge `{}`", spec.id());
    contribution(&subject, spec.contribution())?;
    if let Some(category) = spec.category() {
        category.check_alphabet()?;
    }
    for condition in spec.conditions() {
        match condition {
            Condition::Ceasefire => {}
            Condition::Backstop { by: m } | Condition::ParliamentaryApproval { member: m } => {
                m.check_alphabet()?;
            }
            Condition::DependsOn(other) => other.check_alphabet()?,
            Condition::Named(words) => text(subject, "conditions", words)?,
        }
    }
    text(subject, "location", spec.location().unwrap_or_default())?;
    text(subject, "notes", spec.notes().unwrap_or_default())
}

fn contribution(subject: &dyn Fn() -> String, contribution: &Contribution) -> Result<()> {
    match contribution {
        Contribution::Equipment { category, .. } => category.check_alphabet(),
        Contribution::Backstop {
            capability: Capability::Other(words),
        } => text(subject, "capability", words),
        _ => Ok(()),
    }
}

/// Refuses a bidirectional control in a text, naming its code point.
pub(crate) fn text(
    subject: impl FnOnce() -> String,
    field: &'static str,
    text: &str,
) -> Result<()> {
    if text.is_ascii() {
        return Ok(());
    }
    match text.chars().find(|&c| is_bidi_control(c)) {
        None => Ok(()),
        Some(c) => Err(Error::invalid(
            subject(),
            field,
            format!("contains {}, a bidirectional control", code_point(c)),
        )),
    }
}
