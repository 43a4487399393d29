//! Bilingual labels for every vocabulary value.
//!
//! Regulation vocabulary stays Indonesian: each enum value serialises as its
//! Indonesian id (`"konseling"`, `"rencana_intervensi"`) and carries a label in
//! Indonesian (`label_id`) and in English (`label_en`).

/// A closed vocabulary whose values have a stable id and two labels.
pub trait Labelled: Sized + Copy + 'static {
    /// Every value, in the order the vocabulary is presented to users.
    const ALL: &'static [Self];

    /// The stable id used in JSON and in the rule-set table (`"rencana_intervensi"`).
    fn id(self) -> &'static str;
    /// The Indonesian label (`"Rencana intervensi"`).
    fn label_id(self) -> &'static str;
    /// The English label (`"Intervention planning"`).
    fn label_en(self) -> &'static str;

    /// The value's position in [`Labelled::ALL`], for table indexes.
    fn index(self) -> usize;

    /// Looks a value up by its id.
    fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.id() == id)
    }
}

/// Declares a vocabulary enum: serde uses the id, `Labelled` gives the labels,
/// `Display` prints the id and `FromStr` parses it.
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($id:literal, $label_id:literal, $label_en:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $id)] $variant, )+
        }

        impl $crate::label::Labelled for $name {
            const ALL: &'static [Self] = &[ $( Self::$variant ),+ ];
            fn index(self) -> usize { self as usize }
            fn id(self) -> &'static str { match self { $( Self::$variant => $id ),+ } }
            fn label_id(self) -> &'static str { match self { $( Self::$variant => $label_id ),+ } }
            fn label_en(self) -> &'static str { match self { $( Self::$variant => $label_en ),+ } }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str($crate::label::Labelled::id(*self))
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                // Every value with its Indonesian label (title) and English label (description).
                let values: Vec<::serde_json::Value> = [$( ($id, $label_id, $label_en) ),+]
                    .iter()
                    .map(|(id, label_id, label_en)| ::serde_json::json!({
                        "const": id,
                        "title": label_id,
                        "description": label_en,
                        "x-label-id": label_id,
                        "x-label-en": label_en,
                    }))
                    .collect();
                ::schemars::json_schema!({ "type": "string", "oneOf": values })
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::label::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <Self as $crate::label::Labelled>::from_id(s).ok_or_else(|| $crate::label::UnknownValue {
                    vocabulary: stringify!($name),
                    value: s.to_owned(),
                })
            }
        }
    };
}
pub(crate) use labelled_enum;

/// A string that is not an id of the named vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a known {vocabulary} value")]
pub struct UnknownValue {
    /// The vocabulary's Rust name, e.g. `Stage`.
    pub vocabulary: &'static str,
    /// The string that was given.
    pub value: String,
}

impl crate::error::Lk3Error for UnknownValue {
    fn code(&self) -> crate::error::ErrorCode {
        crate::error::ErrorCode::UnknownValue
    }

    fn message_id(&self) -> String {
        format!("`{}` bukan nilai {} yang dikenal", self.value, self.vocabulary)
    }
}

/// The ids of `items`, comma-separated, or `-` when there are none: how
/// errors list allowed commands and roles.
pub(crate) fn id_list<T: Labelled>(items: &[T]) -> String {
    if items.is_empty() {
        return "-".to_owned();
    }
    items.iter().map(|c| c.id()).collect::<Vec<_>>().join(", ")
}
