//! Typed values from a [`Document`] with serde, as serde_yaml deserialised them: a string
//! setting takes any scalar as written (`title: 2021` is the text `2021`), `null` or an empty
//! value is `None`. An error keeps the path of the value it is about, so it can be shown at
//! that value's line (an unknown setting at its key).

use super::value::key_segment;
use super::{join, Document, Number, Scanned, Value};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A value that does not fit the type, with the path of that value.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub message: String,
    /// The value's field path (`pdf_fonts.body`, `fields[0]`); `None` until known.
    pub path: Option<String>,
    /// The error is about the key at `path` (an unknown field), not its value.
    pub at_key: bool,
}

impl Error {
    /// (line, column) of the value (or key) the error is about.
    pub fn position(&self, scanned: &Scanned) -> (usize, usize) {
        let path = self.path.as_deref().unwrap_or_default();
        match scanned.keys.get(path) {
            Some(&at) if self.at_key => at,
            _ => scanned.position(path),
        }
    }
}

impl fmt::Display for Error {
    /// `path: message`, as serde_yaml wrote it; an error about a key names the key's mapping
    /// (`fields[0]: unknown field `lable``), since the message names the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.as_deref().unwrap_or_default();
        let context = match self.at_key {
            true => path.rfind('.').map_or("", |i| &path[..i]),
            false => path,
        };
        if context.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{context}: {}", self.message)
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error { message: msg.to_string(), path: None, at_key: false }
    }
}

/// `T` from the whole document.
pub fn from_document<T: DeserializeOwned>(doc: &Document) -> Result<T, Error> {
    T::deserialize(Node { value: &doc.value, path: String::new(), at_key: false, scanned: &doc.scanned })
}

/// One value being deserialised, with its path.
struct Node<'a> {
    value: &'a Value,
    path: String,
    at_key: bool,
    scanned: &'a Scanned,
}

/// Gives an error that has no path yet the path of `path`.
fn locate(e: Error, path: &str, at_key: bool) -> Error {
    if e.path.is_some() {
        return e;
    }
    Error { path: Some(path.to_string()), at_key, ..e }
}

impl<'a> Node<'a> {
    fn child(&self, value: &'a Value, path: String, at_key: bool) -> Node<'a> {
        Node { value, path, at_key, scanned: self.scanned }
    }

    /// A scalar's text as written, for string settings.
    fn text(&self) -> Option<String> {
        // A key's path is its value's: the raw text there is the value's.
        let raw = || if self.at_key { None } else { self.scanned.raw.get(&self.path).cloned() };
        match self.value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(raw().unwrap_or_else(|| n.to_string())),
            Value::Bool(b) => Some(raw().unwrap_or_else(|| b.to_string())),
            Value::Null => Some(raw().unwrap_or_default()),
            Value::Tagged(t) => self.child(&t.value, self.path.clone(), self.at_key).text(),
            Value::Sequence(_) | Value::Mapping(_) => None,
        }
    }

    fn any<'de, V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(Number::PosInt(u)) => visitor.visit_u64(*u),
            Value::Number(Number::NegInt(i)) => visitor.visit_i64(*i),
            Value::Number(Number::Float(f)) => visitor.visit_f64(*f),
            Value::String(s) => visitor.visit_str(s),
            Value::Sequence(items) => visitor.visit_seq(Items { items: items.iter().enumerate(), parent: self }),
            Value::Mapping(m) => visitor.visit_map(Entries { entries: m.iter(), value: None, parent: self }),
            Value::Tagged(t) => self.child(&t.value, self.path.clone(), self.at_key).any(visitor),
        }
    }
}

impl<'de> de::Deserializer<'de> for Node<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor).map_err(|e| locate(e, &self.path, self.at_key))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.text() {
            Some(text) => visitor.visit_str(&text),
            None => self.any(visitor),
        }
        .map_err(|e| locate(e, &self.path, self.at_key))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// Unit variants, written as their name (`pdf_style: formal`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.text() {
            Some(text) => visitor.visit_enum(text.into_deserializer()),
            None => self.any(visitor),
        }
        .map_err(|e| locate(e, &self.path, self.at_key))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

struct Items<'p, 'a> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
    parent: &'p Node<'a>,
}

impl<'de> SeqAccess<'de> for Items<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some((i, item)) = self.items.next() else {
            return Ok(None);
        };
        let path = format!("{}[{i}]", self.parent.path);
        seed.deserialize(self.parent.child(item, path.clone(), false)).map(Some).map_err(|e| locate(e, &path, false))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'p, 'a, I> {
    entries: I,
    /// The value of the key just read, with its path.
    value: Option<(&'a Value, String)>,
    parent: &'p Node<'a>,
}

impl<'de, 'a, I: Iterator<Item = (&'a Value, &'a Value)>> MapAccess<'de> for Entries<'_, 'a, I> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        let path = join(&self.parent.path, &key_segment(key));
        self.value = Some((value, path.clone()));
        seed.deserialize(self.parent.child(key, path.clone(), true)).map(Some).map_err(|e| locate(e, &path, true))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((value, path)) = self.value.take() else {
            return Err(de::Error::custom("a value without its key"));
        };
        seed.deserialize(self.parent.child(value, path.clone(), false)).map_err(|e| locate(e, &path, false))
    }
}
