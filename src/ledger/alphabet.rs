//! The spelling rules added after format version 1: ids hold no invisible
//! characters, bidirectional controls or formula starts; texts hold no
//! bidirectional controls; a named condition or other capability says
//! something; no amount is a negative zero. Each is needed so that what the
//! API accepts has one spelling that CSV, JSON and the journal carry back.
//!
//! Ids built through the API are checked when they are made
//! ([`MemberId::new`](crate::MemberId::new) and the others); ids and texts
//! read from a file are checked here, when their entry is recorded under the
//! current rules. Entries recorded under [`Rules::Version1`] skip the rule
//! (files written before it keep loading); `check` reports entries that
//! only older rules accept. Under [`Rules::CurrentWithCheckedIds`] (a CSV
//! import, whose ids are all made by their checked constructors) only the
//! texts are checked here.

use crate::entry::{Action, Provenance};
use crate::error::{Error, Result};
use crate::estimate::Estimate;
use crate::ids::{code_point, is_bidi_control};
use crate::money::Money;
use crate::pledge::{Capability, Condition, Contribution, NewPledge};
use rust_decimal::Decimal;

use super::Rules;

/// Checks every id and text of an entry against the alphabet, when `rules`
/// has it.
/// The cited sources are skipped when `sources_checked` (the same list was
/// checked for an earlier entry).
pub(crate) fn check(
    action: &Action,
    provenance: &Provenance,
    rules: Rules,
    sources_checked: bool,
) -> Result<()> {
    if rules.allows_any_alphabet() {
        return Ok(());
    }
    let ids = Ids(!rules.ids_checked());
    if !sources_checked {
        for source in provenance.sources() {
            ids.check(|| source.check_alphabet())?;
        }
    }
    check_entry(action, ids)
}

/// Whether ids are to be checked (they are not when they were made by their
/// checked constructors); texts always are.
#[derive(Clone, Copy)]
struct Ids(bool);

impl Ids {
    fn check(self, id: impl FnOnce() -> Result<()>) -> Result<()> {
        if self.0 { id() } else { Ok(()) }
    }
}

/// Checks every id and text of an action against the alphabet.
fn check_entry(action: &Action, ids: Ids) -> Result<()> {
    match action {
        Action::AddMember(member) | Action::AmendMember(member) => {
            ids.check(|| member.id().check_alphabet())?;
            for group in member.groups() {
                ids.check(|| group.check_alphabet())?;
            }
            text(
                || format!("member `{}`", member.id()),
                "name",
                member.name(),
            )
        }
        Action::AddSource(source) | Action::AmendSource(source) => {
            ids.check(|| source.id().check_alphabet())?;
            let subject = || format!("source `{}`", source.id());
            text(subject, "publisher", source.publisher())?;
            text(subject, "title", source.title().unwrap_or_default())?;
            text(subject, "url", source.url().unwrap_or_default())
        }
        Action::Pledge(spec) => pledge(spec, ids),
        Action::Revise {
            pledge,
            contribution,
        } => {
            ids.check(|| pledge.check_alphabet())?;
            self::contribution(&|| format!("pledge `{pledge}`"), contribution, ids)
        }
        Action::Withdraw { pledge, reason } | Action::Void { pledge, reason } => {
            ids.check(|| pledge.check_alphabet())?;
            text(|| format!("pledge `{pledge}`"), "reason", reason)
        }
        Action::Deliver {
            pledge, quantity, ..
        } => {
            ids.check(|| pledge.check_alphabet())?;
            amount(&|| format!("pledge `{pledge}`"), "quantity", *quantity)
        }
        Action::Advance { pledge, .. } | Action::Annotate { pledge } => {
            ids.check(|| pledge.check_alphabet())
        }
    }
}

fn pledge(spec: &NewPledge, ids: Ids) -> Result<()> {
    ids.check(|| spec.id().check_alphabet())?;
    ids.check(|| spec.member().check_alphabet())?;
    let subject = || format!("pledge `{}`", spec.id());
    contribution(&subject, spec.contribution(), ids)?;
    if let Some(category) = spec.category() {
        ids.check(|| category.check_alphabet())?;
    }
    for condition in spec.conditions() {
        match condition {
            Condition::Ceasefire => {}
            Condition::Backstop { by: m } | Condition::ParliamentaryApproval { member: m } => {
                ids.check(|| m.check_alphabet())?;
            }
            Condition::DependsOn(other) => ids.check(|| other.check_alphabet())?,
            Condition::Named(words) => named_condition(&subject, "conditions", words)?,
        }
    }
    text(subject, "location", spec.location().unwrap_or_default())?;
    text(subject, "notes", spec.notes().unwrap_or_default())
}

fn contribution(subject: &dyn Fn() -> String, contribution: &Contribution, ids: Ids) -> Result<()> {
    match contribution {
        Contribution::Equipment {
            category, value, ..
        } => {
            ids.check(|| category.check_alphabet())?;
            if let Some(value) = value {
                money(subject, value)?;
            }
            Ok(())
        }
        Contribution::Funding { amount } => money(subject, amount),
        Contribution::Backstop {
            capability: Capability::Other(words),
        } => {
            said(subject, "capability", words)?;
            text(subject, "capability", words)
        }
        _ => Ok(()),
    }
}

fn money(subject: &dyn Fn() -> String, estimate: &Estimate<Money>) -> Result<()> {
    let (low, high) = match estimate {
        Estimate::Exact(v) | Estimate::AtLeast(v) => (Some(v), None),
        Estimate::Range { low, high } => (Some(low), Some(high)),
        Estimate::Unspecified => (None, None),
    };
    for m in low.into_iter().chain(high) {
        amount(subject, "amount", m.amount())?;
    }
    Ok(())
}

/// Refuses a negative zero: `-0` would be written as `-0` and is not the
/// one spelling of zero.
fn amount(subject: &dyn Fn() -> String, field: &'static str, value: Decimal) -> Result<()> {
    if value.is_zero() && value.is_sign_negative() {
        return Err(Error::invalid(subject(), field, "negative zero: write `0`"));
    }
    Ok(())
}

/// The rules of a named condition's words (that a scenario shares): they
/// say something, within [`MAX_TEXT_CHARS`](crate::limits::MAX_TEXT_CHARS)
/// characters, without a bidirectional control.
pub(crate) fn named_condition(
    subject: &dyn Fn() -> String,
    field: &'static str,
    words: &str,
) -> Result<()> {
    said(subject, field, words)?;
    text(subject, field, words)?;
    crate::within_limits::check_text(subject, field, words, crate::limits::MAX_TEXT_CHARS)
}

/// Refuses an empty or blank named condition or capability: nothing in CSV
/// or words could tell it apart from another blank.
fn said(subject: &dyn Fn() -> String, field: &'static str, words: &str) -> Result<()> {
    if words.trim().is_empty() {
        return Err(Error::invalid(
            subject(),
            field,
            "must say something: empty or only spaces",
        ));
    }
    Ok(())
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
