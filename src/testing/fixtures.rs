//! Ready-made ledgers for tests, docs and demos.
//!
//! [`paris_summit`] is the "coalition of the willing" meeting in Paris as a
//! Reuters report described it. The fixture invents nothing: each sentence
//! of the report it relies on is a [`Source`] whose title is the sentence
//! word for word, and each fact cites the sentences that say it. The two
//! public facts taken from outside the report (the summit's date and the EU
//! and NATO membership of the named countries) cite their own source,
//! `public-record`.
//!
//! | fact in the ledger | cites | the report's sentence |
//! |---|---|---|
//! | members Turkey, Australia, Canada | `reuters-paris` | "The summit in Paris brought together leaders from mostly European countries plus Turkey, Australia and Canada" |
//! | member Ukraine, the beneficiary | `reuters-lede`, `macron-zelenskiy` | "Around 30 leaders gathered in Paris on Thursday with Ukrainian President Volodymyr Zelenskiy to present plans for security guarantees that would protect Kyiv" |
//! | France coordinates | `macron-zelenskiy`, `concept-note` | "French President Emmanuel Macron and President Volodymyr Zelenskiy opened discussions and presented the coalition's work on security guarantees." |
//! | the United Kingdom coordinates | `concept-note` | "the British and French army chiefs held detailed meetings last week with coalition counterparts and were due to brief leaders on operational planning during the summit" |
//! | member United States | `european-leaders`, `trump-promises` | "European leaders have repeatedly said a credible multinational reassurance force will require U.S. backing as a backstop." |
//! | the coalition as a member whose contributors are not named | `french-briefing`, `contributors-unconfirmed` | "A French briefing declined to name which countries would contribute to any reassurance force." and "Which specific countries will commit troops, equipment or financial support to a reassurance force has not been publicly confirmed." |
//! | a reassurance force of unspecified size, announced, conditional on a ceasefire | `reuters-lede`, `french-briefing` | "present plans for security guarantees that would protect Kyiv if a ceasefire with Russia is agreed" |
//! | ... in Ukraine and neighbouring states | `coordinators` | "combining enduring military assistance with an international reassurance presence in Ukraine and neighbouring states" |
//! | ... conditional on a US backstop | `european-leaders` | "a credible multinational reassurance force will require U.S. backing as a backstop" |
//! | technical plans complete but undisclosed | `eu-officials` | "Two European officials told attendees that the detailed \"technical\" plans prepared by participating militaries are complete, but they did not provide a public inventory of forces, locations or timelines." |
//! | European security guarantees, on the record, conditional on a ceasefire | `macron-statement`, `reuters-lede` | Macron: "We are ready, us Europeans, to provide security guarantees to Ukraine." and "security guarantees that would protect Kyiv if a ceasefire with Russia is agreed" |
//! | a US backstop only considered, unconfirmed, undated, undefined | `trump-promises`, `us-contribution-undefined` | "President Donald Trump has made general promises of support but has not spelled out concrete security guarantees." and "The exact nature and scale of any U.S. contribution or legal guarantees remain undefined." |
//!
//! No figure was published, so every size is [`Estimate::Unspecified`].
//! The coalition stands as one member (`COW`) for the contributors the
//! report does not name, as trackers list "EU institutions" or SIPRI lists
//! "unknown" suppliers: it is not a country, and its name says so.

use crate::dates::parse_date;
use crate::entry::{Action, Provenance};
use crate::error::Result;
use crate::estimate::Estimate;
use crate::fx::{FxRates, RatePolicy};
use crate::ids::{Category, GroupId, MemberId, PledgeId, SourceId};
use crate::ledger::Ledger;
use crate::ledger::Record;
use crate::lifecycle::{Evidence, Stage};
use crate::member::{Member, Role};
use crate::money::{Currency, parse_amount};
use crate::pledge::{Capability, Condition, Contribution, NewPledge};
use crate::source::{Source, SourceKind};

/// The report's sentences the fixture records, as sources: (id, who said
/// it, kind, the sentence word for word, or its part a fact needs when it
/// is longer than a title may be). Each fact cites the sentences
/// that say it (and `public-record` for what the report leaves out).
const SENTENCES: [(&str, &str, SourceKind, &str); 12] = [
    (
        "reuters-lede",
        "Reuters",
        SourceKind::Media,
        // The first half of the sentence: titles hold at most 256
        // characters.
        "Around 30 leaders gathered in Paris on Thursday with Ukrainian President Volodymyr \
         Zelenskiy to present plans for security guarantees that would protect Kyiv if a \
         ceasefire with Russia is agreed",
    ),
    (
        "reuters-paris",
        "Reuters",
        SourceKind::Media,
        "The summit in Paris brought together leaders from mostly European countries plus \
         Turkey, Australia and Canada to set out how they would deter a renewed Russian attack \
         if a formal truce were reached.",
    ),
    (
        "macron-zelenskiy",
        "Reuters",
        SourceKind::Media,
        "French President Emmanuel Macron and President Volodymyr Zelenskiy opened discussions \
         and presented the coalition\u{2019}s work on security guarantees.",
    ),
    (
        "eu-officials",
        "Two European officials, reported by Reuters",
        SourceKind::Briefing,
        "Two European officials told attendees that the detailed \u{201c}technical\u{201d} plans \
         prepared by participating militaries are complete, but they did not provide a public \
         inventory of forces, locations or timelines.",
    ),
    (
        "french-briefing",
        "French briefing, reported by Reuters",
        SourceKind::Briefing,
        "A French briefing declined to name which countries would contribute to any \
         reassurance force.",
    ),
    (
        "european-leaders",
        "Reuters",
        SourceKind::Media,
        "European leaders have repeatedly said a credible multinational reassurance force will \
         require U.S. backing as a backstop.",
    ),
    (
        "trump-promises",
        "Reuters",
        SourceKind::Media,
        "President Donald Trump has made general promises of support but has not spelled out \
         concrete security guarantees.",
    ),
    (
        "concept-note",
        "Concept note seen by Reuters",
        SourceKind::Leak,
        "According to a concept note seen by Reuters, the British and French army chiefs held \
         detailed meetings last week with coalition counterparts and were due to brief leaders \
         on operational planning during the summit.",
    ),
    (
        "coordinators",
        "Coordinators, reported by Reuters",
        SourceKind::Briefing,
        "Coordinators say the goal is to deter any future aggression once \u{2014} and if \
         \u{2014} a ceasefire is secured, by combining enduring military assistance with an \
         international reassurance presence in Ukraine and neighbouring states.",
    ),
    (
        "macron-statement",
        "Emmanuel Macron, quoted by Reuters",
        SourceKind::Official,
        "We are ready, us Europeans, to provide security guarantees to Ukraine.",
    ),
    (
        "contributors-unconfirmed",
        "Reuters (unconfirmed)",
        SourceKind::Media,
        "Which specific countries will commit troops, equipment or financial support to a \
         reassurance force has not been publicly confirmed.",
    ),
    (
        "us-contribution-undefined",
        "Reuters (unconfirmed)",
        SourceKind::Media,
        "The exact nature and scale of any U.S. contribution or legal guarantees remain \
         undefined.",
    ),
];

/// A member of the roster: id, name, groups (from the public record),
/// roles, and the sentences that name it (and give its roles).
type MemberFacts = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [Role],
    &'static [&'static str],
);

/// The roster, each member with the sentences that name it.
const MEMBERS: [MemberFacts; 8] = [
    (
        "FRA",
        "France",
        &["EU", "NATO"],
        &[Role::Coordinator],
        &["macron-zelenskiy", "concept-note"],
    ),
    (
        "GBR",
        "United Kingdom",
        &["NATO"],
        &[Role::Coordinator],
        &["concept-note"],
    ),
    ("TUR", "Turkey", &["NATO"], &[], &["reuters-paris"]),
    ("AUS", "Australia", &[], &[], &["reuters-paris"]),
    ("CAN", "Canada", &["NATO"], &[], &["reuters-paris"]),
    (
        "UKR",
        "Ukraine",
        &[],
        &[Role::Beneficiary],
        &["reuters-lede", "macron-zelenskiy"],
    ),
    (
        "USA",
        "United States",
        &["NATO"],
        &[],
        &["european-leaders", "trump-promises"],
    ),
    (
        "COW",
        "Coalition of the willing (contributors not named)",
        &[],
        &[Role::Contributor],
        &["french-briefing", "contributors-unconfirmed"],
    ),
];

/// The Paris summit coalition as publicly reported (see the [module
/// docs](self) for each fact and its sentence).
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let ledger = fixtures::paris_summit();
/// let names: Vec<&str> = ledger.members().map(|m| m.name()).collect();
/// assert!(names.contains(&"Turkey") && names.contains(&"Canada"));
/// // One reassurance force, its contributors and size undisclosed.
/// let force = ledger.pledge(&PledgeId::new("COW-reassurance-force")?).expect("recorded");
/// assert_eq!(force.contribution(), &Contribution::Troops { personnel: Estimate::Unspecified });
/// // The US backstop is only considered, and unconfirmed.
/// let us = ledger.pledge(&PledgeId::new("USA-backstop")?).expect("recorded");
/// assert_eq!((us.stage(), us.evidence()), (Stage::Considering, Evidence::Unconfirmed));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn paris_summit() -> Ledger {
    // The data is constant and valid (a test asserts it builds); an empty
    // ledger is returned rather than panicking should that ever change.
    build_paris_summit().unwrap_or_default()
}

/// Builds [`paris_summit`], reporting any error instead of hiding it.
///
/// # Errors
///
/// None in practice; the function exists so tests can see a failure.
///
/// # Example
///
/// ```
/// let ledger = coalition_ledger::fixtures::build_paris_summit()?;
/// assert_eq!(ledger.members().count(), 8);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn build_paris_summit() -> Result<Ledger> {
    let mut ledger = Ledger::new();
    add_sources(&mut ledger)?;
    for (id, name, groups, roles, named_in) in MEMBERS {
        let mut member = Member::new(MemberId::new(id)?, name);
        for group in groups {
            member = member.with_group(GroupId::new(group)?);
        }
        for role in roles {
            member = member.with_role(*role);
        }
        // Named in the report's sentences; groups from the public record.
        let mut provenance = citing(Provenance::new(Evidence::Verified), named_in)?;
        if !groups.is_empty() {
            provenance = provenance.cite(SourceId::new("public-record")?);
        }
        ledger.record(Action::AddMember(Box::new(member)), provenance)?;
    }
    add_pledges(&mut ledger)?;
    Ok(ledger)
}

/// `provenance` citing each of `sources`.
fn citing(provenance: Provenance, sources: &[&str]) -> Result<Provenance> {
    sources
        .iter()
        .try_fold(provenance, |p, id| Ok(p.cite(SourceId::new(id)?)))
}

fn add_sources(ledger: &mut Ledger) -> Result<()> {
    let summit = parse_date("2025-09-04")?;
    for (id, publisher, kind, sentence) in SENTENCES {
        let source = Source::new(SourceId::new(id)?, publisher, kind).with_title(sentence);
        // The concept note is from before the summit; the report does not
        // date it.
        let source = if id == "concept-note" {
            source
        } else {
            source.with_published(summit)
        };
        ledger.add_source(source)?;
    }
    // Outside the report by design: what it leaves out.
    ledger.add_source(
        Source::new(
            SourceId::new("public-record")?,
            "Public record (outside the report)",
            SourceKind::Official,
        )
        .with_title(
            "The Paris summit was held on Thursday 4 September 2025; EU and NATO membership \
             of the named countries",
        ),
    )?;
    Ok(())
}

fn add_pledges(ledger: &mut Ledger) -> Result<()> {
    let summit = parse_date("2025-09-04")?;
    let usa = MemberId::new("USA")?;
    let cow = MemberId::new("COW")?;
    // Dated the summit's day: the report says "Thursday"; the date is from
    // the public record.
    let on_summit = |evidence: Evidence, sources: &[&str]| -> Result<Provenance> {
        Ok(citing(Provenance::new(evidence).on(summit), sources)?
            .cite(SourceId::new("public-record")?))
    };

    // "President Donald Trump has made general promises of support but has
    // not spelled out concrete security guarantees." / Unconfirmed: "The
    // exact nature and scale of any U.S. contribution or legal guarantees
    // remain undefined." No date is given for the promises.
    let us_backstop = NewPledge::new(
        PledgeId::new("USA-backstop")?,
        usa.clone(),
        Contribution::Backstop {
            capability: Capability::SecurityGuarantee,
        },
    )
    .with_stage(Stage::Considering)
    .with_notes(
        "General promises of support; concrete security guarantees not spelled out; \
         nature and scale of any U.S. contribution undefined",
    );
    ledger.open_pledge(
        us_backstop,
        citing(
            Provenance::new(Evidence::Unconfirmed),
            &["trump-promises", "us-contribution-undefined"],
        )?,
    )?;

    // "...to present plans for security guarantees that would protect Kyiv if
    // a ceasefire with Russia is agreed" / "a credible multinational
    // reassurance force will require U.S. backing as a backstop" / "an
    // international reassurance presence in Ukraine and neighbouring
    // states" / "A French briefing declined to name which countries would
    // contribute to any reassurance force."
    let force_id = PledgeId::new("COW-reassurance-force")?;
    let force = NewPledge::new(
        force_id.clone(),
        cow.clone(),
        Contribution::Troops {
            personnel: Estimate::Unspecified,
        },
    )
    .with_stage(Stage::Announced)
    .with_category(Category::new("reassurance-force")?)
    .with_condition(Condition::Ceasefire)
    .with_condition(Condition::Backstop { by: usa })
    .with_location("Ukraine and neighbouring states")
    .with_notes(
        "Contributors not named (French briefing); which countries will commit troops \
         has not been publicly confirmed",
    );
    // Each sentence above, cited: contributors, ceasefire, backstop, place.
    let said = [
        "french-briefing",
        "reuters-lede",
        "european-leaders",
        "coordinators",
    ];
    ledger.open_pledge(force, on_summit(Evidence::Reported, &said)?)?;
    // "Two European officials told attendees that the detailed technical
    // plans prepared by participating militaries are complete, but they did
    // not provide a public inventory of forces, locations or timelines."
    ledger.annotate(&force_id, on_summit(Evidence::Reported, &["eu-officials"])?)?;

    // Macron: "We are ready, us Europeans, to provide security guarantees to
    // Ukraine." The guarantees would protect Kyiv "if a ceasefire with
    // Russia is agreed".
    let guarantees = NewPledge::new(
        PledgeId::new("COW-security-guarantees")?,
        cow,
        Contribution::Backstop {
            capability: Capability::SecurityGuarantee,
        },
    )
    .with_stage(Stage::Announced)
    .with_condition(Condition::Ceasefire);
    ledger.open_pledge(
        guarantees,
        on_summit(Evidence::Verified, &["macron-statement", "reuters-lede"])?,
    )?;
    Ok(())
}

/// A small table of rates into EUR dated 2025-09-01 (GBP, USD, CAD),
/// looked up as the latest on or before a date: enough to convert the
/// examples' figures. The rates are illustrative, close to the market at the
/// time, not an official fixing.
///
/// # Example
///
/// ```
/// use coalition_ledger::{fixtures, Currency, Money, parse_date};
///
/// let fx = fixtures::september_2025_rates();
/// let gbp = Money::parse("100", Currency::GBP)?;
/// assert_eq!(fx.convert(gbp, parse_date("2025-09-04")?)?.to_string(), "EUR 116.50");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn september_2025_rates() -> FxRates {
    // Constant, valid data; should that change, the missing rate shows up as
    // an error in the first conversion, not a panic here.
    let mut fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore);
    if let Ok(date) = parse_date("2025-09-01") {
        for (currency, rate) in [
            (Currency::GBP, "1.1650"),
            (Currency::USD, "0.8580"),
            (Currency::CAD, "0.6230"),
        ] {
            if let Ok(rate) = parse_amount(rate) {
                let _ = fx.insert(currency, date, rate);
            }
        }
    }
    fx
}
