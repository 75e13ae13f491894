//! The fixture's docs quote the sentences it relies on, and cite nothing
//! outside the repository.

const FIXTURES: &str = include_str!("../src/testing/fixtures.rs");

/// The quoted passages (longer than a few words) of the module docs.
fn quotes() -> Vec<String> {
    let docs: String = FIXTURES
        .lines()
        .filter_map(|l| l.strip_prefix("//! "))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("\\\"", "\u{1}");
    docs.split('"')
        .skip(1)
        .step_by(2)
        .map(|q| q.replace('\u{1}', "\""))
        .filter(|q| q.len() > 25)
        .collect()
}

fn normalised(text: &str) -> String {
    text.replace(['\u{201c}', '\u{201d}'], "\"")
        .replace('\u{2019}', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_fixture_docs_cite_no_path_outside_the_repository() {
    for outside in ["seeds/", "shared/", "../", ".txt"] {
        assert!(
            !FIXTURES.contains(outside),
            "the fixture docs cite `{outside}`"
        );
    }
    assert!(quotes().len() >= 8, "the docs quote the report's sentences");
}

/// Where the article is at hand (beside the repository, as in this
/// project's CI), every quoted passage is in it word for word.
#[test]
fn the_quoted_sentences_are_the_articles() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seeds/paris-summit-article.txt"
    );
    let Ok(article) = std::fs::read_to_string(path) else {
        eprintln!("article not beside the repository: quotes not compared");
        return;
    };
    let article = normalised(&article);
    for quote in quotes() {
        assert!(
            article.contains(&normalised(&quote)),
            "not in the article: {quote}"
        );
    }
}

/// What a fact of the fixture cites, and words one of those sentences
/// must hold for it to say that fact.
fn cited_titles(
    ledger: &coalition_ledger::Ledger,
    sources: &[&coalition_ledger::SourceId],
) -> String {
    sources
        .iter()
        .filter_map(|id| ledger.source(id))
        .filter_map(|s| s.title())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Every source of the fixture but the public record is a sentence of the
/// report word for word (where the report is at hand), and each fact cites
/// a sentence that says it: a member's own name, the US backstop's
/// promises, a condition's ceasefire or backstop, a location.
#[test]
fn every_fact_cites_a_sentence_that_says_it() {
    use coalition_ledger::prelude::*;
    let ledger = fixtures::paris_summit();
    let article = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seeds/paris-summit-article.txt"
    ))
    .ok()
    .map(|a| normalised(&a));
    for source in ledger.sources() {
        if source.id().as_str() == "public-record" {
            continue;
        }
        let title = source.title().expect("each source holds its sentence");
        if let Some(article) = &article {
            assert!(
                article.contains(&normalised(title)),
                "{}: not the report's sentence: {title}",
                source.id()
            );
        }
    }
    // How the report names each member.
    let named = [
        ("FRA", "French"),
        ("GBR", "British"),
        ("TUR", "Turkey"),
        ("AUS", "Australia"),
        ("CAN", "Canada"),
        ("UKR", "Ukrain"),
        ("USA", "U.S."),
        ("COW", "which countries"),
    ];
    for entry in ledger.entries() {
        let sources: Vec<&SourceId> = entry.sources().iter().collect();
        let titles = cited_titles(&ledger, &sources);
        let must_say: Vec<String> = match entry.action() {
            Action::AddMember(member) => named
                .iter()
                .filter(|(id, _)| *id == member.id().as_str())
                .map(|(_, words)| (*words).to_string())
                .collect(),
            Action::Pledge(spec) => {
                let mut words: Vec<String> = spec
                    .conditions()
                    .iter()
                    .map(|c| match c {
                        Condition::Ceasefire => "ceasefire".to_string(),
                        Condition::Backstop { .. } => "backstop".to_string(),
                        other => other.to_string(),
                    })
                    .collect();
                if let Some(location) = spec.location() {
                    words.push(location.to_string());
                }
                if spec.member().as_str() == "USA" {
                    words.push("U.S.".into());
                }
                words
            }
            _ => Vec::new(),
        };
        for words in must_say {
            assert!(
                titles.contains(&words),
                "entry {} cites nothing saying `{words}`: {titles}",
                entry.sequence()
            );
        }
    }
}
