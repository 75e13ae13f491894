//! Which validation rules an entry is recorded under.
//!
//! Files outlive rules: a JSON document or journal written by an earlier
//! format version keeps loading even after a rule became stricter. Readers of
//! such files record their entries under the rules of the version that wrote
//! them; every entry recorded through the public API uses [`Rules::Current`].
//! An entry that an older version accepted and a current rule refuses is
//! reported by `check`, never refused at load.

/// The rule set an entry is validated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Rules {
    /// The rules of this version of the crate: what the public API enforces.
    #[default]
    Current,
    /// The rules of format version 1 (crate 0.1.0): for loading files that
    /// version wrote. Each stricter rule added since says here what it
    /// relaxes.
    ///
    /// * a `DependsOn` condition may close a dependency cycle.
    /// * ids may break the id alphabet (invisible characters, bidirectional
    ///   controls, a formula start) and texts may hold bidirectional
    ///   controls (see [`crate::ids`]).
    /// * a named condition or other capability may be blank, and an amount
    ///   may be a negative zero.
    ///
    /// The date range (`0000-01-01` to `9999-12-31`, format version 2) needs
    /// no relaxing: version 1 read only four-digit years, so no file it
    /// accepted holds a date outside that range.
    Version1,
    /// The current rules except that a dependency cycle is not searched
    /// for: used only to tell which entries of an older file the current
    /// rules refuse (CL015). Cycles are left to CL004, which finds them all
    /// in linear time, where searching at every entry of an old dense web
    /// would be quadratic.
    CurrentExceptCycles,
    /// The current rules, for an action whose every id was made by its
    /// checked constructor ([`PledgeId::new`](crate::PledgeId::new) and
    /// the others), as a CSV import makes them: such an id keeps the id
    /// alphabet, so it is not checked again (texts still are). Checking
    /// them a second time was 88M of the 1,563M instructions an import of
    /// 100k generated rows took (callgrind), 5.6%. Its source lists were
    /// built sorted and unique (`Provenance::with_sources`), so their order
    /// is not compared again either.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    CurrentWithCheckedIds,
}

impl Rules {
    /// The rules files of format `version` were written under; `None` for
    /// a version this crate does not know.
    pub(crate) fn for_format_version(version: u32) -> Option<Rules> {
        match version {
            1 => Some(Rules::Version1),
            // Version 3 added values, not rules.
            2 | 3 => Some(Rules::Current),
            _ => None,
        }
    }

    /// The format version whose rules these are, as every entry recorded
    /// under them records it (`accepted_under`, so that a newer file keeps
    /// loading it under the same rules); `None` for the current rules.
    pub(crate) fn format_version(self) -> Option<u32> {
        match self {
            Rules::Current | Rules::CurrentExceptCycles | Rules::CurrentWithCheckedIds => None,
            Rules::Version1 => Some(1),
        }
    }

    /// True when a `DependsOn` condition may close a dependency cycle.
    pub(crate) fn allows_cycles(self) -> bool {
        matches!(self, Rules::Version1 | Rules::CurrentExceptCycles)
    }

    /// True when ids and texts may break the alphabet of [`crate::ids`].
    pub(crate) fn allows_any_alphabet(self) -> bool {
        matches!(self, Rules::Version1)
    }

    /// True when the action's ids are known to keep the alphabet, so that
    /// only its texts need checking.
    pub(crate) fn ids_checked(self) -> bool {
        matches!(self, Rules::CurrentWithCheckedIds)
    }
}
