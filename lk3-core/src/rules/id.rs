//! Rule sets by name: the registry every [`RuleSetId`] comes from. The rule
//! sets lk3 ships are registered from the start; a caller adds its own with
//! [`register`] (a province's variant, a test's), and from then on it is
//! found by name in documents and stores like the shipped ones.

use std::fmt;
use std::sync::{LazyLock, RwLock};

use chrono::NaiveDate;

use super::RuleSet;
use crate::error::{ErrorCode, Lk3Error};

/// A registered rule set, by reference: cheap to copy, compared by name.
/// It comes from the registry ([`RuleSetId::parse`], [`RuleSetId::in_force_on`],
/// [`register`], or a shipped one's constructor), so it always names a rule
/// set that exists. In JSON it is the rule set's name.
#[derive(Clone, Copy)]
pub struct RuleSetId(&'static RuleSet);

static REGISTRY: LazyLock<RwLock<Vec<&'static RuleSet>>> = LazyLock::new(|| {
    RwLock::new(vec![
        Box::leak(Box::new(super::permensos_16_2013::rule_set())),
        Box::leak(Box::new(super::permensos_25_2017::rule_set())),
    ])
});

fn registered() -> Vec<&'static RuleSet> {
    REGISTRY.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
}

fn shipped(name: &str) -> RuleSetId {
    // The shipped rule sets are registered before anything can read the registry.
    RuleSetId::parse(name).unwrap_or_else(|| unreachable!("shipped rule set {name} is registered"))
}

impl RuleSetId {
    /// The rule set's data.
    pub fn rules(self) -> &'static RuleSet {
        self.0
    }

    /// Its name, as documents carry it (`permensos-16-2013`).
    pub fn id(self) -> &'static str {
        &self.0.name
    }

    /// Its Indonesian title.
    pub fn label_id(self) -> &'static str {
        &self.0.title_id
    }

    /// Its English title.
    pub fn label_en(self) -> &'static str {
        &self.0.title_en
    }

    /// The registered rule set named `name`.
    pub fn parse(name: &str) -> Option<RuleSetId> {
        // Every event read names its rule set: look it up under the lock, without copying the registry.
        let registry = REGISTRY.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        registry.iter().find(|r| r.name == name).copied().map(RuleSetId)
    }

    /// Permensos 16/2013, in force for cases opened before Permensos 25/2017 replaced it.
    pub fn permensos_16_2013() -> RuleSetId {
        shipped(super::permensos_16_2013::NAME)
    }

    /// Permensos 25/2017, which replaced 16/2013.
    pub fn permensos_25_2017() -> RuleSetId {
        shipped(super::permensos_25_2017::NAME)
    }

    /// The rule set in force on a local date: the registered one whose
    /// effective period holds it (rule sets without a period are never
    /// chosen by date, only pinned). `None` before the first.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lk3_core::rules::RuleSetId;
    /// let on = |y, m, d| RuleSetId::in_force_on(NaiveDate::from_ymd_opt(y, m, d).unwrap());
    /// assert_eq!(on(2017, 6, 1), Some(RuleSetId::permensos_16_2013()));
    /// assert_eq!(on(2019, 3, 4), Some(RuleSetId::permensos_25_2017()));
    /// assert_eq!(on(2010, 1, 1), None);
    /// ```
    pub fn in_force_on(date: NaiveDate) -> Option<RuleSetId> {
        registered()
            .into_iter()
            .filter(|r| r.effective.as_ref().is_some_and(|p| p.holds(date)))
            .max_by_key(|r| r.effective.as_ref().map(|p| p.from))
            .map(RuleSetId)
    }

    /// Every registered rule set, shipped ones first, in registration order.
    pub fn all() -> Vec<RuleSetId> {
        registered().into_iter().map(RuleSetId).collect()
    }
}

impl PartialEq for RuleSetId {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for RuleSetId {}

impl std::hash::Hash for RuleSetId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name.hash(state)
    }
}

impl PartialOrd for RuleSetId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RuleSetId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.name.cmp(&other.0.name)
    }
}

impl fmt::Debug for RuleSetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RuleSetId({})", self.0.name)
    }
}

impl fmt::Display for RuleSetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.name)
    }
}

impl std::str::FromStr for RuleSetId {
    type Err = RuleSetError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuleSetId::parse(s).ok_or_else(|| RuleSetError::Unknown { name: crate::json::cut(s, 64) })
    }
}

impl serde::Serialize for RuleSetId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.name)
    }
}

impl<'de> serde::Deserialize<'de> for RuleSetId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for RuleSetId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RuleSetId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let known: Vec<&str> = registered().iter().map(|r| r.name.as_str()).collect();
        schemars::json_schema!({
            "type": "string",
            "pattern": NAME_PATTERN,
            "description": "The rule set a case or outreach is opened and replayed under: a registered rule set's name.",
            "examples": known,
        })
    }
}

/// What a rule set's name looks like: lowercase words and digits joined by `-`.
pub const NAME_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

fn name_is_valid(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Registers a rule set; returns its id. Refused when its name is taken or
/// malformed, or its data is inconsistent ([`RuleSet::check`]). Registered
/// rule sets stay for the life of the process.
pub fn register(rule_set: RuleSet) -> Result<RuleSetId, RuleSetError> {
    if !name_is_valid(&rule_set.name) {
        return Err(RuleSetError::Invalid {
            name: crate::json::cut(&rule_set.name, 64),
            reason: format!("a name is lowercase words and digits joined by '-' ({NAME_PATTERN})"),
            reason_id: format!("nama terdiri atas kata huruf kecil dan angka yang digabung '-' ({NAME_PATTERN})"),
        });
    }
    rule_set.check()?;
    let mut registry = REGISTRY.write().unwrap_or_else(|poisoned| poisoned.into_inner());
    if registry.iter().any(|r| r.name == rule_set.name) {
        return Err(RuleSetError::Invalid {
            name: rule_set.name.clone(),
            reason: "a rule set of that name is already registered".to_owned(),
            reason_id: "aturan dengan nama itu sudah terdaftar".to_owned(),
        });
    }
    let leaked: &'static RuleSet = Box::leak(Box::new(rule_set));
    registry.push(leaked);
    Ok(RuleSetId(leaked))
}

/// A rule set that is not registered, or that cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleSetError {
    /// No registered rule set has the name.
    #[error("no rule set named {name:?} is registered")]
    Unknown {
        /// The name asked for (cut for messages).
        name: String,
    },
    /// A rule set's data that is inconsistent, or a name that is malformed or taken.
    #[error("rule set {name:?}: {reason}")]
    Invalid {
        /// The rule set's name.
        name: String,
        /// Why, in English.
        reason: String,
        /// Why, in Indonesian.
        reason_id: String,
    },
}

impl Lk3Error for RuleSetError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Unknown { .. } => ErrorCode::UnknownRuleSet,
            Self::Invalid { .. } => ErrorCode::RuleSetInvalid,
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::Unknown { name } => format!("tidak ada aturan bernama {name:?} yang terdaftar"),
            Self::Invalid { name, reason_id, .. } => format!("aturan {name:?}: {reason_id}"),
        }
    }
}

/// The local dates a rule set is in force, first and last included (`until`
/// open while it is the law).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// The first local date in force.
    pub from: NaiveDate,
    /// The last local date in force, if it was replaced.
    pub until: Option<NaiveDate>,
    /// Where the dates come from, tagged `\[R\]`, `\[I\]` or `\[M\]`.
    pub source: String,
}

impl Period {
    /// Whether `date` is in the period.
    pub fn holds(&self, date: NaiveDate) -> bool {
        date >= self.from && self.until.is_none_or(|u| date <= u)
    }
}
