//! Reading JSON from outside: the one parser every entry point uses.
//!
//! serde_json keeps the last of two members with the same key ("last one
//! wins"), so two readers of one text can disagree on what it says: an actor
//! `{"role":"pekerja_sosial","role":"ketua"}` is a social worker to one
//! program and a ketua to the next. lk3 refuses such a document instead of
//! choosing. [`parse`] reads bytes into a [`serde_json::Value`] exactly as
//! serde_json does (its syntax, its numbers, its nesting limit) and refuses
//! an object with a repeated key, at any depth, naming the object by its JSON
//! Pointer ([`JsonError::DuplicateKey`], `LK3-E066`). [`from_slice`] does
//! the same and then decodes a type. The validator, import, the CLI and the
//! Python package read every document and command through them.
//!
//! ```
//! use lk3_core::json::{parse, JsonError};
//! use lk3_core::{ErrorCode, Lk3Error};
//!
//! let doc = br#"{"actor":{"role":"pekerja_sosial","role":"ketua"}}"#;
//! let err = parse(doc).unwrap_err();
//! assert_eq!(err.code(), ErrorCode::DuplicateKey);
//! assert_eq!(err.pointer(), "/actor");
//! assert!(parse(br#"{"a":{"role":1},"b":{"role":2}}"#).is_ok());
//! ```

use std::cell::{Cell, RefCell};

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::{ErrorCode, Lk3Error};

/// JSON that lk3 will not read. Messages never repeat a value of the
/// document (a key is shown only when it holds no long run of digits).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
    /// Not JSON: a syntax error, the text ending early, nesting beyond the parser's limit.
    #[error("not valid JSON at line {line} column {column}: {reason}")]
    Malformed {
        /// The line of the error (1-based).
        line: usize,
        /// The column of the error (1-based).
        column: usize,
        /// What is wrong, as serde_json words it (it never quotes the input).
        reason: String,
        /// Which kind of problem it is.
        category: Category,
    },
    /// An object with two members of the same name.
    #[error(
        "the object at `{}` has {} more than once; lk3 refuses repeated keys instead of keeping one of them",
        display_pointer(pointer),
        key.as_ref().map_or_else(|| "a key (withheld: it holds a long run of digits)".to_owned(), |k| format!("the key `{k}`"))
    )]
    DuplicateKey {
        /// The JSON Pointer (RFC 6901) of the object.
        pointer: String,
        /// The repeated key, cut to 40 characters; `None` when it holds a
        /// long run of digits (a NIK or No. KK as a key is never repeated).
        key: Option<String>,
    },
    /// Arrays and objects nested deeper than the reader allows.
    #[error("the document nests deeper than {max_depth} levels (found at line {line} column {column})")]
    TooDeep {
        /// The deepest nesting allowed.
        max_depth: usize,
        /// The line of the array or object one level too deep (1-based).
        line: usize,
        /// Its column (1-based).
        column: usize,
    },
    /// JSON that does not have the shape of what was expected.
    #[error("the JSON does not have the shape of {what}: {reason}")]
    Decode {
        /// What was expected (`a partner`, `a command` ...).
        what: &'static str,
        /// Why, as serde words it, with long runs of digits withheld and cut to 200 characters.
        reason: String,
    },
}

/// The kinds of [`JsonError::Malformed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Category {
    /// A character that JSON does not allow there.
    Syntax,
    /// The text ends before the JSON does.
    Eof,
    /// Something else: a number out of range, nesting beyond the limit.
    Data,
}

fn display_pointer(p: &str) -> &str {
    if p.is_empty() { "/" } else { p }
}

impl JsonError {
    /// The JSON Pointer of what is wrong: the object with a repeated key,
    /// `""` (the whole document) otherwise.
    pub fn pointer(&self) -> &str {
        match self {
            Self::DuplicateKey { pointer, .. } => pointer,
            _ => "",
        }
    }

    fn malformed(e: &serde_json::Error) -> Self {
        let text = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let reason = text.strip_suffix(&suffix).unwrap_or(&text);
        let category = match e.classify() {
            serde_json::error::Category::Eof => Category::Eof,
            serde_json::error::Category::Syntax => Category::Syntax,
            _ => Category::Data,
        };
        JsonError::Malformed { line: e.line(), column: e.column(), reason: cut(reason, 200), category }
    }
}

impl Lk3Error for JsonError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed { .. } => ErrorCode::MalformedJson,
            Self::TooDeep { .. } => ErrorCode::DocumentTooDeep,
            Self::DuplicateKey { .. } => ErrorCode::DuplicateKey,
            Self::Decode { .. } => ErrorCode::SchemaViolation,
        }
    }

    fn message_id(&self) -> String {
        match self {
            Self::Malformed { line, column, category, .. } => {
                let what = match category {
                    Category::Syntax => "karakter yang tidak diizinkan JSON di situ",
                    Category::Eof => "teks berakhir sebelum JSON-nya selesai",
                    Category::Data => "angka di luar jangkauan atau sarang terlalu dalam",
                };
                format!("bukan JSON yang sah pada baris {line} kolom {column}: {what}")
            }
            Self::DuplicateKey { pointer, key } => format!(
                "objek di `{}` memiliki {} lebih dari sekali; lk3 menolak kunci ganda dan tidak memilih salah satunya",
                display_pointer(pointer),
                key.as_ref().map_or_else(
                    || "sebuah kunci (disembunyikan: berisi deretan angka panjang)".to_owned(),
                    |k| format!("kunci `{k}`")
                )
            ),
            Self::TooDeep { max_depth, line, column } => {
                format!("dokumen bersarang lebih dari {max_depth} tingkat (ditemukan pada baris {line} kolom {column})")
            }
            Self::Decode { what, .. } => format!("JSON tidak berbentuk {}", what_id(what)),
        }
    }
}

fn what_id(what: &str) -> &str {
    match what {
        "a partner" => "mitra",
        "a list of partners" => "daftar mitra",
        "a command" => "perintah",
        "a client record" => "data klien",
        "a document's events" => "peristiwa dokumen",
        other => other,
    }
}

/// `text` cut to `max` characters, with runs of 12 or more digits withheld
/// (a NIK or No. KK inside a message).
pub(crate) fn cut(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if crate::ids::holds_personal_number(digits) {
            let run = digits.trim_end_matches([' ', '.', '-']);
            let separators = &digits[run.len()..];
            out.push_str("<withheld>");
            out.push_str(separators);
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || (!digits.is_empty() && matches!(c, ' ' | '.' | '-')) {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    if out.chars().count() > max {
        out = out.chars().take(max).collect();
        out.push('…');
    }
    out
}

/// Reads one JSON document, refusing repeated keys (see the module docs).
/// Everything else is serde_json's: the same syntax, the same numbers, the
/// same nesting limit, and nothing may follow the document but white space.
pub fn parse(bytes: &[u8]) -> Result<Value, JsonError> {
    parse_within(bytes, usize::MAX)
}

/// [`parse`], refusing arrays and objects nested deeper than `max_depth`
/// ([`JsonError::TooDeep`], `LK3-E063`), checked as the parser goes: no
/// pass over the bytes before it. serde_json's own limit (128) still holds.
///
/// ```
/// use lk3_core::json::{parse_within, JsonError};
/// assert!(parse_within(b"[[1]]", 2).is_ok());
/// assert!(matches!(parse_within(b"[[[1]]]", 2), Err(JsonError::TooDeep { max_depth: 2, line: 1, column: 3 })));
/// // Brackets inside strings are text, not nesting.
/// assert!(parse_within(br#"["[[[[", {"a": "{{{{"}]"#, 2).is_ok());
/// ```
pub fn parse_within(bytes: &[u8], max_depth: usize) -> Result<Value, JsonError> {
    let context = Context { max_depth, ..Context::default() };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = ValueSeed(&context).deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    result.map_err(|e| {
        if context.too_deep.get() {
            return JsonError::TooDeep { max_depth, line: e.line(), column: e.column() };
        }
        match context.duplicate.take() {
            Some(d) => d.into_error(),
            None => JsonError::malformed(&e),
        }
    })
}

/// [`parse`], then decodes a `T` (`what` names it in errors: `a partner`).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8], what: &'static str) -> Result<T, JsonError> {
    from_value(parse(bytes)?, what)
}

/// Decodes a `T` from a value [`parse`] gave.
pub fn from_value<T: DeserializeOwned>(value: Value, what: &'static str) -> Result<T, JsonError> {
    T::deserialize(value).map_err(|e| JsonError::Decode { what, reason: cut(&e.to_string(), 200) })
}

/// [`from_value`] reading the tree where it is (no copy of it is made).
pub fn from_tree<T: DeserializeOwned>(value: &Value, what: &'static str) -> Result<T, JsonError> {
    T::deserialize(value).map_err(|e| JsonError::Decode { what, reason: cut(&e.to_string(), 200) })
}

/// Where a repeated key was found, gathered while the error unwinds (the
/// path is only built for the error, never for a document that parses).
struct Context {
    duplicate: RefCell<Option<Duplicate>>,
    /// The deepest nesting allowed, the nesting now, and whether it went past.
    max_depth: usize,
    depth: Cell<usize>,
    too_deep: Cell<bool>,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            duplicate: RefCell::default(),
            max_depth: usize::MAX,
            depth: Cell::new(0),
            too_deep: Cell::new(false),
        }
    }
}

struct Duplicate {
    key: String,
    /// Innermost first.
    path: Vec<Segment>,
}

enum Segment {
    Key(String),
    Index(usize),
}

impl Context {
    /// Enters an array or object: an error when that is one level too deep.
    fn enter<E: de::Error>(&self) -> Result<(), E> {
        let depth = self.depth.get() + 1;
        if depth > self.max_depth {
            self.too_deep.set(true);
            return Err(E::custom("nested too deep"));
        }
        self.depth.set(depth);
        Ok(())
    }

    fn leave_level(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }

    /// Notes the member or element an error came out of, if it is a repeated key's.
    fn leave(&self, segment: impl FnOnce() -> Segment) {
        if let Some(d) = self.duplicate.borrow_mut().as_mut() {
            d.path.push(segment());
        }
    }
}

impl Duplicate {
    fn into_error(self) -> JsonError {
        let mut pointer = String::new();
        for segment in self.path.iter().rev() {
            pointer.push('/');
            match segment {
                Segment::Key(k) => pointer.push_str(&k.replace('~', "~0").replace('/', "~1")),
                Segment::Index(i) => pointer.push_str(&i.to_string()),
            }
        }
        let key = (!crate::ids::holds_personal_number(&self.key)).then(|| crate::ids::echo(&self.key));
        JsonError::DuplicateKey { pointer, key }
    }
}

struct ValueSeed<'c>(&'c Context);

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor(self.0))
    }
}

struct ValueVisitor<'c>(&'c Context);

impl<'de> Visitor<'de> for ValueVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // As serde_json's own Value: a float without a JSON form is null.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        ValueSeed(self.0).deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.enter()?;
        let mut items = Vec::new();
        loop {
            match seq.next_element_seed(ValueSeed(self.0)) {
                Ok(Some(v)) => items.push(v),
                Ok(None) => {
                    self.0.leave_level();
                    return Ok(Value::Array(items));
                }
                Err(e) => {
                    let index = items.len();
                    self.0.leave(|| Segment::Index(index));
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.enter()?;
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // One search of the map per member: the slot found is the one filled.
            let slot = match members.entry(key) {
                serde_json::map::Entry::Vacant(slot) => slot,
                serde_json::map::Entry::Occupied(taken) => {
                    *self.0.duplicate.borrow_mut() = Some(Duplicate { key: taken.key().clone(), path: Vec::new() });
                    return Err(de::Error::custom("a repeated key"));
                }
            };
            match map.next_value_seed(ValueSeed(self.0)) {
                Ok(v) => {
                    slot.insert(v);
                }
                Err(e) => {
                    let key = slot.key().clone();
                    self.0.leave(|| Segment::Key(key));
                    return Err(e);
                }
            }
        }
        self.0.leave_level();
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_as_serde_json_does() {
        let samples: &[&[u8]] = &[
            br#"{"a":[1,-2,3.5,1e3,true,null,"x\u0041"],"b":{},"c":[]}"#,
            b"  [ ]  ",
            b"18446744073709551615",
            b"-9223372036854775808",
            b"1.0",
            br#""\ud83d\ude00""#,
        ];
        for s in samples {
            let ours = parse(s).expect("parses");
            let theirs: Value = serde_json::from_slice(s).expect("parses");
            assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(s));
        }
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        for s in [&b"{"[..], b"[1,]", b"{\"a\":1}x", b"", b"nul", b"\"\x01\""] {
            let err = parse(s).expect_err("malformed");
            assert_eq!(err.code(), ErrorCode::MalformedJson, "{}", String::from_utf8_lossy(s));
            assert!(serde_json::from_slice::<Value>(s).is_err());
        }
    }

    #[test]
    fn nesting_beyond_serde_json_limit_is_malformed_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse(deep.as_bytes()).expect_err("too deep").code(), ErrorCode::MalformedJson);
    }

    #[test]
    fn a_repeated_key_is_refused_with_the_pointer_of_its_object() {
        let cases: &[(&str, &str, &str)] = &[
            (r#"{"a":1,"a":2}"#, "", "a"),
            (r#"{"a":1,"b":{"c":[0,{"d":1,"d":1}]}}"#, "/b/c/1", "d"),
            (r#"[{"x":{}},{"x":{"y":1,"z":2,"y":3}}]"#, "/1/x", "y"),
            (r#"{"a/b":{"~":{"k":1,"k":1}}}"#, "/a~1b/~0", "k"),
            (r#"{"":{"":1,"":2}}"#, "/", ""),
        ];
        for (text, pointer, key) in cases {
            match parse(text.as_bytes()) {
                Err(JsonError::DuplicateKey { pointer: p, key: k }) => {
                    assert_eq!((p.as_str(), k.as_deref()), (*pointer, Some(*key)), "{text}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_repeated_key_that_is_a_nik_is_withheld() {
        let err = parse(br#"{"3374015505850003":1,"3374015505850003":2}"#).expect_err("repeated");
        assert!(!err.message_en().contains("3374015505850003") && err.message_en().contains("withheld"));
        assert!(!err.message_id().contains("3374015505850003") && err.message_id().contains("disembunyikan"));
        assert!(!err.message_id().contains("withheld"));
    }

    #[test]
    fn nesting_is_refused_past_the_limit_and_only_there() {
        for depth in 1..=70usize {
            let arrays = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
            let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
            // Brackets inside strings are text: they never count.
            let texts = format!(r#"["{}", "{}"]"#, "[".repeat(depth), "{".repeat(depth));
            for max in [1usize, 8, 64, 127] {
                for doc in [&arrays, &objects] {
                    match parse_within(doc.as_bytes(), max) {
                        Ok(v) => assert!(depth <= max && v == parse(doc.as_bytes()).expect("parses"), "{depth} {max}"),
                        Err(JsonError::TooDeep { max_depth, line, column }) => {
                            assert!(depth > max && max_depth == max && line == 1, "{depth} {max}");
                            // The column of the bracket one level too deep.
                            let width = if doc == &arrays { 1 } else { 5 };
                            assert_eq!(column, max * width + 1, "{depth} {max}");
                        }
                        Err(e) => panic!("{depth} {max}: {e}"),
                    }
                }
                assert!(parse_within(texts.as_bytes(), max).is_ok());
            }
        }
        let e = parse_within(b"[[[1]]]", 2).expect_err("too deep");
        assert_eq!(e.code(), ErrorCode::DocumentTooDeep);
        assert!(e.message_id().contains("lebih dari 2 tingkat") && e.to_string().contains("deeper than 2 levels"));
    }

    #[test]
    fn cut_withholds_long_digit_runs_and_cuts() {
        assert_eq!(cut("nik 3374 0155 0585 0003 bad", 200), "nik <withheld> bad");
        assert_eq!(cut("seq 12 of 2019", 200), "seq 12 of 2019");
        assert_eq!(cut(&"x".repeat(300), 10), format!("{}…", "x".repeat(10)));
    }
}
