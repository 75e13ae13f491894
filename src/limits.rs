//! Limits on everything the ledger accepts, in one place.
//!
//! Every limit is enforced with an [`Error::Limit`](crate::Error::Limit) or
//! [`Error::InvalidValue`](crate::Error::InvalidValue) that names what was too
//! large. The values are deliberately generous for real coalition data and
//! small enough that no single input can exhaust memory.
//!
//! | limit | value |
//! |---|---|
//! | identifier length (member, pledge, source, group, category) | [`MAX_ID_CHARS`] characters |
//! | display names, titles, locations, reasons, named conditions | [`MAX_TEXT_CHARS`] characters |
//! | notes and URLs | [`MAX_NOTE_CHARS`] characters |
//! | groups per member | [`MAX_GROUPS_PER_MEMBER`] |
//! | roles listed for a member in a file | [`MAX_ROLES_PER_MEMBER`] |
//! | conditions per pledge | [`MAX_CONDITIONS_PER_PLEDGE`] |
//! | sources cited by one entry | [`MAX_SOURCES_PER_ENTRY`] |
//! | decimal places of an amount | [`MAX_DECIMAL_SCALE`] (the most `rust_decimal` holds; never rounded) |
//! | JSON document size | [`MAX_DOCUMENT_BYTES`] bytes |
//! | JSON nesting depth | [`MAX_JSON_DEPTH`] levels |
//! | CSV record length, enforced while reading (quotes and delimiters count) | [`MAX_CSV_RECORD_BYTES`] bytes |
//! | errors an importer collects (the rest are counted) | [`MAX_COLLECTED_ERRORS`] |
//! | journal line length | [`MAX_JOURNAL_LINE_BYTES`] bytes |
//! | journal file size read on open | [`MAX_JOURNAL_BYTES`] bytes |
//! | entries in one journal batch | [`MAX_BATCH_ENTRIES`] |
//! | client idempotency key | [`MAX_KEY_CHARS`] characters |
//! | dates (entries, sources) | [`EARLIEST_DATE`] to [`LATEST_DATE`]: every date a four-digit `YYYY-MM-DD` can spell |
//! | pledges named in one dependency-cycle diagnostic (CL004) | [`MAX_CYCLE_PLEDGES_SHOWN`] |
//! | diagnostics of one code in a check report | [`MAX_DIAGNOSTICS_PER_CODE`] (the rest are counted) |
//! | rows one query may produce (lower per query with `Query::max_rows`) | [`MAX_QUERY_ROWS`] |
//! | periods of one running-totals answer | [`MAX_RUNNING_PERIODS`] |

/// Most characters in an identifier.
pub const MAX_ID_CHARS: usize = 64;
/// Most characters in a short text (names, titles, locations, reasons).
pub const MAX_TEXT_CHARS: usize = 256;
/// Most characters in a note or URL.
pub const MAX_NOTE_CHARS: usize = 4096;
/// Most groups a member can belong to.
pub const MAX_GROUPS_PER_MEMBER: usize = 32;
/// Most roles listed for one member when reading a file (there are four
/// roles; a list may not repeat them endlessly).
pub const MAX_ROLES_PER_MEMBER: usize = 4;
/// Most conditions one pledge can carry.
pub const MAX_CONDITIONS_PER_PLEDGE: usize = 16;
/// Most sources one entry can cite.
pub const MAX_SOURCES_PER_ENTRY: usize = 16;
/// Most decimal places of an amount (28, the precision of `rust_decimal`).
pub const MAX_DECIMAL_SCALE: u32 = 28;
/// Largest JSON document the loader accepts (1 GiB).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 30;
/// Deepest JSON nesting the loader accepts.
pub const MAX_JSON_DEPTH: usize = 64;
/// Longest CSV record the importer accepts (64 KiB), counted in raw bytes
/// (quotes and delimiters included) while reading, so no longer record is
/// ever held in memory.
pub const MAX_CSV_RECORD_BYTES: usize = 64 * 1024;
/// Most errors an importer keeps ([`Error::CsvErrors`](crate::Error::CsvErrors)
/// holds the first ones and the total count).
pub const MAX_COLLECTED_ERRORS: usize = 1_000;
/// Longest journal line accepted on open (1 MiB).
pub const MAX_JOURNAL_LINE_BYTES: usize = 1 << 20;

/// Largest journal file `io::journal::Journal::open`
/// replays (64 GiB); replay streams the file, so memory does not grow with it.
pub const MAX_JOURNAL_BYTES: u64 = 64 << 30;
/// Most entries in one atomic journal batch: a batch is held in memory until
/// its last line is read back.
pub const MAX_BATCH_ENTRIES: usize = 100_000;
/// Most characters in a client idempotency key.
pub const MAX_KEY_CHARS: usize = 128;
/// Earliest date an entry or source may carry: `0000-01-01`.
pub const EARLIEST_DATE: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(0, 1, 1) {
    Some(date) => date,
    None => chrono::NaiveDate::MIN,
};
/// Latest date an entry or source may carry: `9999-12-31`.
pub const LATEST_DATE: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(date) => date,
    None => chrono::NaiveDate::MAX,
};

/// Most pledges a dependency-cycle diagnostic (CL004) names: a longer cycle
/// is shown as its length and its first pledges.
pub const MAX_CYCLE_PLEDGES_SHOWN: usize = 5;
/// Most diagnostics of one code a check report lists; the others are counted
/// ([`Report::omitted`](crate::Report::omitted)), so a report's size is
/// bounded whatever the ledger holds.
pub const MAX_DIAGNOSTICS_PER_CODE: usize = 10_000;

/// Deserializes a list of at most `MAX` items, failing at item `MAX + 1`
/// before reading it: a document listing 300,000 sources costs no more than
/// one listing 17.
fn bounded_seq<'de, D, T, const MAX: usize>(
    deserializer: D,
    what: &'static str,
) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct Visitor<T, const MAX: usize>(&'static str, std::marker::PhantomData<T>);

    impl<'de, T: serde::Deserialize<'de>, const MAX: usize> serde::de::Visitor<'de>
        for Visitor<T, MAX>
    {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "a list of at most {MAX} {}", self.0)
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX));
            loop {
                if items.len() == MAX {
                    seq.next_element_seed(TooMany {
                        what: self.0,
                        max: MAX,
                    })?;
                    return Ok(items);
                }
                match seq.next_element()? {
                    Some(item) => items.push(item),
                    None => return Ok(items),
                }
            }
        }
    }

    deserializer.deserialize_seq(Visitor::<T, MAX>(what, std::marker::PhantomData))
}

/// The item after the last one a list may hold, if there is one: an error
/// raised before the item is read, so that the parser is still at its
/// first character and the error's line and column are the item's. (Raised
/// after reading it, the error was placed at the token after the item: the
/// next line of a document with one item per line.)
pub(crate) struct TooMany {
    /// What the list holds, as the message names it.
    pub(crate) what: &'static str,
    /// How many it may hold.
    pub(crate) max: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for TooMany {
    type Value = std::convert::Infallible;

    fn deserialize<D: serde::Deserializer<'de>>(self, _: D) -> Result<Self::Value, D::Error> {
        Err(serde::de::Error::custom(format!(
            "number of {} exceeds the limit of {}",
            self.what, self.max
        )))
    }
}

/// Serde: the sources an entry cites, at most [`MAX_SOURCES_PER_ENTRY`].
pub(crate) fn bounded_sources<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    bounded_seq::<D, T, MAX_SOURCES_PER_ENTRY>(d, "sources cited by one entry")
}

/// Serde: a member's groups, at most [`MAX_GROUPS_PER_MEMBER`].
pub(crate) fn bounded_groups<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    bounded_seq::<D, T, MAX_GROUPS_PER_MEMBER>(d, "groups of one member")
}

/// Serde: a pledge's conditions, at most [`MAX_CONDITIONS_PER_PLEDGE`].
pub(crate) fn bounded_conditions<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    bounded_seq::<D, T, MAX_CONDITIONS_PER_PLEDGE>(d, "conditions of one pledge")
}

/// Serde: a member's roles, at most [`MAX_ROLES_PER_MEMBER`].
pub(crate) fn bounded_roles<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    bounded_seq::<D, T, MAX_ROLES_PER_MEMBER>(d, "roles of one member")
}

/// Most rows one query may produce; a query that would produce more is an
/// error, found while the rows are being built (a `group_by` dimension may
/// appear once, so a pledge lands in at most as many rows as its member has
/// groups).
pub const MAX_QUERY_ROWS: usize = 1_000_000;

/// Most periods (months, quarters or years) one running-totals answer may
/// hold: a century of months. Each period is a full table.
pub const MAX_RUNNING_PERIODS: usize = 1_200;
