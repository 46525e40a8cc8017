//! Reading an object's members without building a tree: names (borrowed when
//! unescaped) and values as borrowed raw JSON, in order, repeats included.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// The members of one JSON object, in order, repeats included.
pub(crate) struct Members<'a>(pub Vec<(Cow<'a, str>, &'a RawValue)>);

struct Name<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Name(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(4).min(16));
                while let Some(Name(name)) = map.next_key()? {
                    let value: &'de RawValue = map.next_value()?;
                    members.push((name, value));
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(V)
    }
}

/// The members of the object `text` (which must be valid JSON), or `None`
/// when it is not an object.
pub(crate) fn members(text: &str) -> Option<Members<'_>> {
    serde_json::from_str(text).ok()
}

/// Byte offset of `inner` (a sub-slice of `outer`) within `outer`.
pub(crate) fn offset_in(outer: &str, inner: &str) -> usize {
    let start = outer.as_ptr() as usize;
    let at = inner.as_ptr() as usize;
    at.checked_sub(start)
        .filter(|o| *o <= outer.len())
        .unwrap_or(0)
}
