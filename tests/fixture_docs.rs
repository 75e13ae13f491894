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
