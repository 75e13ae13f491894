//! Coalition participants: [`Member`] and [`Role`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{GroupId, MemberId};
use crate::limits::{MAX_GROUPS_PER_MEMBER, MAX_TEXT_CHARS};
use crate::within_limits::check_text;

/// What a member does in the coalition. A member may hold several roles.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// assert_eq!("guarantor".parse::<Role>()?, Role::Guarantor);
/// assert_eq!(Role::Beneficiary.to_string(), "beneficiary");
/// assert!("ally".parse::<Role>().is_err());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Offers troops, equipment or money.
    Contributor,
    /// Offers a guarantee or backstop.
    Guarantor,
    /// Receives the guarantees (Ukraine, in the Paris coalition).
    Beneficiary,
    /// Leads planning or convenes the coalition.
    Coordinator,
}

crate::spelling::spelled!(Role, "role", {
    Contributor => "contributor",
    Guarantor => "guarantor",
    Beneficiary => "beneficiary",
    Coordinator => "coordinator",
});

/// A coalition participant: an id, a display name, the groups it belongs to
/// and its roles. Groups and roles are kept sorted and free of duplicates, so
/// two members built in a different order compare equal.
///
/// # Example
///
/// ```
/// use coalition_ledger::{GroupId, Member, MemberId, Role};
///
/// let fra = Member::new(MemberId::new("FRA")?, "France")
///     .with_group(GroupId::new("NATO")?)
///     .with_group(GroupId::new("EU")?)
///     .with_role(Role::Coordinator);
/// assert_eq!(fra.groups()[0].as_str(), "EU");
/// assert!(fra.has_role(Role::Coordinator));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    id: MemberId,
    name: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::limits::bounded_groups"
    )]
    groups: Vec<GroupId>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::limits::bounded_roles"
    )]
    roles: Vec<Role>,
}

impl fmt::Display for Member {
    /// `France (FRA)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.id)
    }
}

impl Member {
    /// A member with no groups and no roles.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = Member::new(MemberId::new("FRA")?, "France");
    /// assert_eq!(fra.name(), "France");
    /// assert!(fra.groups().is_empty() && fra.roles().is_empty());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn new(id: MemberId, name: impl Into<String>) -> Member {
        Member {
            id,
            name: name.into(),
            groups: Vec::new(),
            roles: Vec::new(),
        }
    }

    /// Adds a group (kept sorted, duplicates ignored).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = Member::new(MemberId::new("FRA")?, "France")
    ///     .with_group(GroupId::new("NATO")?)
    ///     .with_group(GroupId::new("EU")?)
    ///     .with_group(GroupId::new("EU")?);
    /// // Sorted, without duplicates.
    /// assert_eq!(fra.groups(), [GroupId::new("EU")?, GroupId::new("NATO")?]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn with_group(mut self, group: GroupId) -> Member {
        if let Err(at) = self.groups.binary_search(&group) {
            self.groups.insert(at, group);
        }
        self
    }

    /// Adds a role (kept sorted, duplicates ignored).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = Member::new(MemberId::new("FRA")?, "France").with_role(Role::Coordinator).with_role(Role::Contributor);
    /// assert_eq!(fra.roles(), [Role::Contributor, Role::Coordinator]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn with_role(mut self, role: Role) -> Member {
        if let Err(at) = self.roles.binary_search(&role) {
            self.roles.insert(at, role);
        }
        self
    }

    /// Leaves a group: for an amendment ([`Action::AmendMember`](crate::Action::AmendMember)).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let gbr = Member::new(MemberId::new("GBR")?, "United Kingdom").with_group(GroupId::new("EU")?);
    /// assert!(gbr.without_group(&GroupId::new("EU")?).groups().is_empty());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn without_group(mut self, group: &GroupId) -> Member {
        self.groups.retain(|g| g != group);
        self
    }

    /// Drops a role: for an amendment.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = Member::new(MemberId::new("FRA")?, "France").with_role(Role::Coordinator);
    /// assert!(fra.without_role(Role::Coordinator).roles().is_empty());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn without_role(mut self, role: Role) -> Member {
        self.roles.retain(|r| *r != role);
        self
    }

    /// Renames the member: for an amendment.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let tur = Member::new(MemberId::new("TUR")?, "Turkey").with_name("Türkiye");
    /// assert_eq!(tur.name(), "Türkiye");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Member {
        self.name = name.into();
        self
    }

    /// The member's id.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = Member::new(MemberId::new("FRA")?, "France");
    /// assert_eq!(fra.id().as_str(), "FRA");
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn id(&self) -> &MemberId {
        &self.id
    }

    /// The display name.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = Member::new(MemberId::new("FRA")?, "France");
    /// assert_eq!(fra.name(), "France");
    /// // An empty name is refused when the member is added.
    /// let mut ledger = Ledger::new();
    /// assert!(ledger.add_member(Member::new(MemberId::new("XXX")?, "")).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The groups, sorted.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?);
    /// assert_eq!(fra.groups().len(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn groups(&self) -> &[GroupId] {
        &self.groups
    }

    /// The roles, sorted.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = Member::new(MemberId::new("FRA")?, "France").with_role(Role::Guarantor);
    /// assert_eq!(fra.roles(), [Role::Guarantor]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// True when the member belongs to `group`.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?);
    /// assert!(fra.in_group(&GroupId::new("EU")?));
    /// assert!(!fra.in_group(&GroupId::new("NATO")?));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn in_group(&self, group: &GroupId) -> bool {
        self.groups.binary_search(group).is_ok()
    }

    /// True when the member holds `role`.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let fra = Member::new(MemberId::new("FRA")?, "France").with_role(Role::Contributor);
    /// assert!(fra.has_role(Role::Contributor));
    /// assert!(!fra.has_role(Role::Beneficiary));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Checks the limits and the sorted, duplicate-free form (which a
    /// deserialized member might not have).
    pub(crate) fn validate(&self) -> Result<()> {
        let subject = || format!("member `{}`", self.id);
        if self.name.trim().is_empty() {
            return Err(Error::invalid(subject(), "name", "must not be empty"));
        }
        check_text(subject, "name", &self.name, MAX_TEXT_CHARS)?;
        if self.groups.len() > MAX_GROUPS_PER_MEMBER {
            return Err(Error::limit(
                format!("number of groups of member `{}`", self.id),
                MAX_GROUPS_PER_MEMBER,
                self.groups.len(),
            ));
        }
        if !self.groups.windows(2).all(|w| matches!(w, [a, b] if a < b)) {
            return Err(Error::invalid(
                subject(),
                "groups",
                "must be sorted and unique",
            ));
        }
        if !self.roles.windows(2).all(|w| matches!(w, [a, b] if a < b)) {
            return Err(Error::invalid(
                subject(),
                "roles",
                "must be sorted and unique",
            ));
        }
        Ok(())
    }

    /// The first field that differs from `other`, for conflict errors.
    pub(crate) fn first_difference(&self, other: &Member) -> Option<&'static str> {
        if self.id != other.id {
            Some("id")
        } else if self.name != other.name {
            Some("name")
        } else if self.groups != other.groups {
            Some("groups")
        } else if self.roles != other.roles {
            Some("roles")
        } else {
            None
        }
    }
}
