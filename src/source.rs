//! Where facts come from: [`Source`] and [`SourceKind`].

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::SourceId;
use crate::limits::{MAX_NOTE_CHARS, MAX_TEXT_CHARS};
use crate::within_limits::check_text;

/// The kind of a source, which says something about how far to trust it.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// assert_eq!("briefing".parse::<SourceKind>()?, SourceKind::Briefing);
/// assert_eq!(SourceKind::ALL.len(), 5);
/// assert!("rumour".parse::<SourceKind>().is_err());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// An official statement or document.
    Official,
    /// A briefing by officials (often anonymous).
    Briefing,
    /// A media report.
    Media,
    /// A leaked document.
    Leak,
    /// A curated dataset (Kiel tracker, OCHA FTS, IATI).
    Dataset,
}

crate::spelling::spelled!(SourceKind, "source kind", {
    Official => "official",
    Briefing => "briefing",
    Media => "media",
    Leak => "leak",
    Dataset => "dataset",
});

/// A source of facts: a briefing, an article, a dataset.
///
/// # Example
///
/// ```
/// use coalition_ledger::{Source, SourceId, SourceKind, parse_date};
///
/// let src = Source::new(SourceId::new("reuters-paris")?, "Reuters", SourceKind::Media)
///     .with_title("Coalition leaders meet in Paris")
///     .with_published(parse_date("2025-09-04")?);
/// assert_eq!(src.publisher(), "Reuters");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    id: SourceId,
    publisher: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    kind: SourceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::dates::strict_option"
    )]
    published: Option<NaiveDate>,
}

impl fmt::Display for Source {
    /// `Reuters (media): Coalition leaders meet in Paris`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.publisher, self.kind)?;
        match &self.title {
            Some(title) => write!(f, ": {title}"),
            None => Ok(()),
        }
    }
}

impl Source {
    /// A source with a publisher and a kind.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let src = Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official);
    /// assert_eq!(src.kind(), SourceKind::Official);
    /// assert_eq!(src.title(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn new(id: SourceId, publisher: impl Into<String>, kind: SourceKind) -> Source {
        Source {
            id,
            publisher: publisher.into(),
            title: None,
            kind,
            url: None,
            published: None,
        }
    }

    /// Sets the title.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let src = Source::new(SourceId::new("reuters")?, "Reuters", SourceKind::Media)
    ///     .with_title("Coalition leaders meet in Paris");
    /// assert_eq!(src.title(), Some("Coalition leaders meet in Paris"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Source {
        self.title = Some(title.into());
        self
    }

    /// Sets the URL.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let src = Source::new(SourceId::new("reuters")?, "Reuters", SourceKind::Media)
    ///     .with_url("https://example.org/paris");
    /// assert_eq!(src.url(), Some("https://example.org/paris"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn with_url(mut self, url: impl Into<String>) -> Source {
        self.url = Some(url.into());
        self
    }

    /// Sets the publication date.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let src = Source::new(SourceId::new("reuters")?, "Reuters", SourceKind::Media)
    ///     .with_published(parse_date("2025-09-04")?);
    /// assert_eq!(src.published(), Some(parse_date("2025-09-04")?));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn with_published(mut self, date: NaiveDate) -> Source {
        self.published = Some(date);
        self
    }

    /// The id.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let src = Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official);
    /// assert_eq!(src.id().as_str(), "elysee");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn id(&self) -> &SourceId {
        &self.id
    }

    /// The publisher (or author).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let src = Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official);
    /// assert_eq!(src.publisher(), "Élysée");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn publisher(&self) -> &str {
        &self.publisher
    }

    /// The title, if known.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let src = Source::new(SourceId::new("kiel")?, "Kiel Institute", SourceKind::Dataset);
    /// assert_eq!(src.title(), None);
    /// assert_eq!(src.with_title("Ukraine Support Tracker").title(), Some("Ukraine Support Tracker"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The kind.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let src = Source::new(SourceId::new("leak-1")?, "Unknown", SourceKind::Leak);
    /// assert_eq!(src.kind(), SourceKind::Leak);
    /// assert_eq!(src.kind().to_string(), "leak");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn kind(&self) -> SourceKind {
        self.kind
    }

    /// The URL, if known.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let src = Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official);
    /// assert_eq!(src.url(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The publication date, if known.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let src = Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official);
    /// assert_eq!(src.published(), None);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn published(&self) -> Option<NaiveDate> {
        self.published
    }

    pub(crate) fn validate(&self) -> Result<()> {
        let subject = || format!("source `{}`", self.id);
        if self.publisher.trim().is_empty() {
            return Err(Error::invalid(subject(), "publisher", "must not be empty"));
        }
        check_text(subject, "publisher", &self.publisher, MAX_TEXT_CHARS)?;
        if let Some(title) = &self.title {
            check_text(subject, "title", title, MAX_TEXT_CHARS)?;
        }
        if let Some(url) = &self.url {
            check_text(subject, "url", url, MAX_NOTE_CHARS)?;
        }
        if let Some(date) = self.published {
            crate::within_limits::check_date(subject, "published", date)?;
        }
        Ok(())
    }

    pub(crate) fn first_difference(&self, other: &Source) -> Option<&'static str> {
        if self.id != other.id {
            Some("id")
        } else if self.publisher != other.publisher {
            Some("publisher")
        } else if self.title != other.title {
            Some("title")
        } else if self.kind != other.kind {
            Some("kind")
        } else if self.url != other.url {
            Some("url")
        } else if self.published != other.published {
            Some("published")
        } else {
            None
        }
    }
}
