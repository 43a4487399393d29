//! A serde serializer that writes canonical JSON directly: object keys sorted
//! (by UTF-16 code units, as RFC 8785 says), no white space, strings escaped
//! as serde_json escapes them. It replaces a round trip through
//! `serde_json::Value` on the hot path of every decided event: values are
//! written once into the output buffer and only the members of each object
//! are reordered, in place.
//!
//! Floating-point numbers are refused: their canonical form needs the
//! ECMAScript number algorithm, and no event holds one.

use std::fmt::{self, Display};

use serde::ser::{self, Serialize};
use smallvec::SmallVec;

/// Why a value has no canonical JSON here.
#[derive(Debug)]
pub struct CanonicalError(String);

impl Display for CanonicalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CanonicalError {}

impl ser::Error for CanonicalError {
    fn custom<T: Display>(msg: T) -> Self {
        CanonicalError(msg.to_string())
    }
}

/// Writes `value` as canonical JSON at the end of `out`. Map keys must be
/// strings (serde_json would also accept integers and write them as strings;
/// canonical JSON here refuses them rather than guess).
pub fn write_canonical<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), CanonicalError> {
    value.serialize(Canonical { out })
}

struct Canonical<'a> {
    out: &'a mut Vec<u8>,
}

fn json_err(e: serde_json::Error) -> CanonicalError {
    CanonicalError(e.to_string())
}

impl<'a> Canonical<'a> {
    fn plain<T: Serialize + ?Sized>(self, v: &T) -> Result<(), CanonicalError> {
        serde_json::to_writer(&mut *self.out, v).map_err(json_err)
    }
}

/// Writes a string that needs no escaping: struct field names and unit
/// variant names of our own types, which are Rust identifiers or snake_case
/// renames (the tests compare every event with serde_json's own output).
fn write_static(out: &mut Vec<u8>, s: &'static str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// Writes a JSON string. Most strings in an event (ids, hashes, times,
/// vocabulary ids, keys) need no escaping and are copied as they are; the
/// rest go through serde_json's escaping.
fn write_str(out: &mut Vec<u8>, s: &str) -> Result<(), CanonicalError> {
    // A fold without early exit, so that the compiler vectorises the scan.
    let needs_escape = s.bytes().fold(false, |acc, b| acc | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if !needs_escape {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(out, s).map_err(json_err)
    }
}

/// An object being written: members go to the buffer as they come, with
/// their key and byte range noted, and are put in key order at the end.
/// Everything stays on the stack for objects of up to 12 members.
struct Object<'a> {
    out: &'a mut Vec<u8>,
    /// Where the first member starts (just after `{`).
    body: usize,
    /// (key, start, end) of each member's `"key":value` bytes.
    members: SmallVec<[(Key, usize, usize); 12]>,
    /// Keys of map entries (struct keys are static).
    owned_keys: Vec<String>,
    /// A map key waiting for its value.
    pending: Option<Key>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Static(&'static str),
    /// An index into `owned_keys`.
    Owned(usize),
}

/// RFC 8785 orders keys by UTF-16 code units. That is byte order wherever
/// the first difference is between ASCII bytes, which is almost always.
fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    match x.iter().zip(y).position(|(p, q)| p != q) {
        None => x.len().cmp(&y.len()),
        Some(i) if x[i] < 0x80 && y[i] < 0x80 => x[i].cmp(&y[i]),
        Some(_) => a.encode_utf16().cmp(b.encode_utf16()),
    }
}

impl<'a> Object<'a> {
    fn open(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        let body = out.len();
        Object { out, body, members: SmallVec::new(), owned_keys: Vec::new(), pending: None }
    }

    fn key_str(&self, key: Key) -> &str {
        match key {
            Key::Static(s) => s,
            Key::Owned(i) => self.owned_keys.get(i).map_or("", String::as_str),
        }
    }

    fn member<T: Serialize + ?Sized>(&mut self, key: Key, value: &T) -> Result<(), CanonicalError> {
        if !self.members.is_empty() {
            self.out.push(b',');
        }
        let start = self.out.len();
        match key {
            Key::Static(s) => write_static(self.out, s),
            Key::Owned(i) => write_str(self.out, self.owned_keys.get(i).map_or("", String::as_str))?,
        }
        self.out.push(b':');
        value.serialize(Canonical { out: self.out })?;
        self.members.push((key, start, self.out.len()));
        Ok(())
    }

    /// Puts the members in key order (usually they already are) and closes
    /// the object; returns the buffer for the caller to go on writing.
    fn finish(mut self) -> Result<&'a mut Vec<u8>, CanonicalError> {
        let n = self.members.len();
        let order = |a: usize, b: usize| key_order(self.key_str(self.members[a].0), self.key_str(self.members[b].0));
        if let Some(first_bad) = (1..n).find(|&i| !order(i - 1, i).is_lt()) {
            let rest_sorted = (first_bad + 1..n).all(|i| order(i - 1, i).is_lt());
            // The fast path only when the first key differs from every other one.
            let first_unique = (1..n).all(|i| order(0, i).is_ne());
            if first_bad == 1 && rest_sorted && first_unique {
                self.move_first_member_into_place();
            } else {
                self.sort_members()?;
            }
        }
        self.out.push(b'}');
        Ok(self.out)
    }

    /// The common case, an internally tagged enum: `type` comes first and the
    /// other members are in order. Rotates the first member into place.
    fn move_first_member_into_place(&mut self) {
        let first = self.key_str(self.members[0].0);
        let n = self.members.len();
        // Members 1..=last_before go before the first one.
        let last_before =
            (1..n).take_while(|&i| key_order(self.key_str(self.members[i].0), first).is_lt()).last().unwrap_or(1);
        let first_len = self.members[0].2 - self.members[0].1;
        let region_start = self.members[0].1;
        let trailing = last_before + 1 == n;
        if trailing {
            self.out.push(b',');
        }
        let region_end = if trailing { self.out.len() } else { self.members[last_before + 1].1 };
        self.out[region_start..region_end].rotate_left(first_len + 1);
        if trailing {
            self.out.pop();
        }
    }

    fn sort_members(&mut self) -> Result<(), CanonicalError> {
        let mut members = std::mem::take(&mut self.members);
        members.sort_by(|a, b| key_order(self.key_str(a.0), self.key_str(b.0)));
        if members.windows(2).any(|w| self.key_str(w[0].0) == self.key_str(w[1].0)) {
            return Err(CanonicalError("duplicate object key".to_owned()));
        }
        let body: SmallVec<[u8; 512]> = SmallVec::from_slice(&self.out[self.body..]);
        self.out.truncate(self.body);
        for (i, (_, start, end)) in members.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.out.extend_from_slice(&body[start - self.body..end - self.body]);
        }
        Ok(())
    }

    fn close(self) -> Result<(), CanonicalError> {
        self.finish().map(|_| ())
    }
}

struct Array<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl Array<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        value.serialize(Canonical { out: self.out })
    }

    fn close(self) -> Result<(), CanonicalError> {
        self.out.push(b']');
        Ok(())
    }
}

/// A struct variant `{"Variant": {...}}`: the outer object has one member.
struct VariantObject<'a> {
    inner: Object<'a>,
}

macro_rules! plain {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<(), CanonicalError> {
            self.plain(&v)
        }
    )*};
}

impl<'a> ser::Serializer for Canonical<'a> {
    type Ok = ();
    type Error = CanonicalError;
    type SerializeSeq = Array<'a>;
    type SerializeTuple = Array<'a>;
    type SerializeTupleStruct = Array<'a>;
    type SerializeTupleVariant = ser::Impossible<(), CanonicalError>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = VariantObject<'a>;

    plain!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
        serialize_u128: u128, serialize_char: char);

    fn serialize_str(self, v: &str) -> Result<(), CanonicalError> {
        write_str(self.out, v)
    }

    fn serialize_f32(self, _: f32) -> Result<(), CanonicalError> {
        Err(CanonicalError("floating-point numbers have no canonical form here".to_owned()))
    }
    fn serialize_f64(self, _: f64) -> Result<(), CanonicalError> {
        Err(CanonicalError("floating-point numbers have no canonical form here".to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), CanonicalError> {
        self.plain(v)
    }
    fn serialize_none(self) -> Result<(), CanonicalError> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), CanonicalError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), CanonicalError> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), CanonicalError> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), CanonicalError> {
        write_static(self.out, variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<(), CanonicalError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), CanonicalError> {
        let mut o = Object::open(self.out);
        o.member(Key::Static(variant), v)?;
        o.close()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Array<'a>, CanonicalError> {
        self.out.push(b'[');
        Ok(Array { out: self.out, first: true })
    }
    fn serialize_tuple(self, len: usize) -> Result<Array<'a>, CanonicalError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Array<'a>, CanonicalError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, CanonicalError> {
        Err(CanonicalError("tuple variants are not used in lk3 documents".to_owned()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'a>, CanonicalError> {
        Ok(Object::open(self.out))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'a>, CanonicalError> {
        Ok(Object::open(self.out))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<VariantObject<'a>, CanonicalError> {
        self.out.push(b'{');
        write_str(self.out, variant)?;
        self.out.push(b':');
        Ok(VariantObject { inner: Object::open(self.out) })
    }
    fn collect_str<T: Display + ?Sized>(self, v: &T) -> Result<(), CanonicalError> {
        write_str(self.out, &v.to_string())
    }
}

impl ser::SerializeSeq for Array<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CanonicalError> {
        self.element(v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeTuple for Array<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CanonicalError> {
        self.element(v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Array<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CanonicalError> {
        self.element(v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeStruct for Object<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<(), CanonicalError> {
        self.member(Key::Static(key), v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeStructVariant for VariantObject<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<(), CanonicalError> {
        self.inner.member(Key::Static(key), v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        // Close the inner object, then the one-member outer one.
        self.inner.finish()?.push(b'}');
        Ok(())
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), CanonicalError> {
        let mut buf = Vec::new();
        key.serialize(Canonical { out: &mut buf })?;
        let key: String =
            serde_json::from_slice(&buf).map_err(|_| CanonicalError("object keys must be strings".to_owned()))?;
        self.owned_keys.push(key);
        self.pending = Some(Key::Owned(self.owned_keys.len() - 1));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CanonicalError> {
        let key = self.pending.take().ok_or_else(|| CanonicalError("map value without a key".to_owned()))?;
        self.member(key, v)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::write_canonical;

    fn canonical<T: serde::Serialize>(v: &T) -> String {
        let mut out = Vec::new();
        write_canonical(v, &mut out).expect("canonical");
        String::from_utf8(out).expect("utf-8")
    }

    #[derive(serde::Serialize)]
    struct Unsorted {
        zeta: u8,
        alpha: Vec<Inner>,
        mid: Option<&'static str>,
    }

    #[derive(serde::Serialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Tagged {
        Thing { reason: &'static str, amount: u32 },
    }

    #[derive(serde::Serialize)]
    struct Inner {
        y: bool,
        x: Tagged,
    }

    #[test]
    fn members_are_sorted_at_every_depth() {
        let v = Unsorted {
            zeta: 1,
            alpha: vec![Inner { y: true, x: Tagged::Thing { reason: "a\"b\n\u{1}", amount: 7 } }],
            mid: None,
        };
        assert_eq!(
            canonical(&v),
            r#"{"alpha":[{"x":{"amount":7,"reason":"a\"b\n\u0001","type":"thing"},"y":true}],"mid":null,"zeta":1}"#
        );
        assert_eq!(canonical(&v), serde_json::to_string(&serde_json::to_value(&v).expect("value")).expect("json"));
    }

    #[test]
    fn keys_sort_by_utf16_code_units() {
        let mut m = BTreeMap::new();
        m.insert("\u{e000}", 1);
        m.insert("\u{1f600}", 2);
        m.insert("a", 0);
        // RFC 8785 compares UTF-16 code units: the surrogate pair of U+1F600 (0xD83D) comes before U+E000.
        assert_eq!(canonical(&m), "{\"a\":0,\"\u{1f600}\":2,\"\u{e000}\":1}");
    }

    #[derive(serde::Serialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Shapes {
        /// `type` goes last.
        Last { a: u8, b: u8 },
        /// `type` goes in the middle.
        Middle { a: u8, z: u8 },
        /// `type` stays first.
        First { u: u8, w: u8 },
        /// Only `type`.
        Alone {},
        /// Unsorted fields: the general sort.
        Mixed { z: u8, a: u8 },
    }

    #[test]
    fn tagged_enums_of_every_shape() {
        for v in [
            Shapes::Last { a: 1, b: 2 },
            Shapes::Middle { a: 1, z: 2 },
            Shapes::First { u: 1, w: 2 },
            Shapes::Alone {},
            Shapes::Mixed { z: 1, a: 2 },
        ] {
            assert_eq!(canonical(&v), serde_json::to_string(&serde_json::to_value(&v).expect("value")).expect("json"));
        }
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let mut out = Vec::new();
        assert!(write_canonical(&MapOf(vec![("b", 2), ("b", 1)]), &mut out).is_err());
        let mut out = Vec::new();
        assert!(write_canonical(&MapOf(vec![("b", 1), ("b", 2), ("a", 0)]), &mut out).is_err());
    }

    /// A map with possibly repeated keys, in the given order.
    struct MapOf(Vec<(&'static str, u8)>);

    impl serde::Serialize for MapOf {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                m.serialize_entry(k, v)?;
            }
            m.end()
        }
    }

    #[test]
    fn floats_are_refused() {
        let mut out = Vec::new();
        assert!(write_canonical(&1.5f64, &mut out).is_err());
    }
}
