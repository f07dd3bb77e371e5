//! The one pass: yaml-rust2 events to a [`Value`] and its [`Scanned`] positions.

use super::value::{key_segment, resolve_plain, Mapping, Tagged, Value};
use super::{join, Scanned};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deeper nesting than this is refused: no front matter needs it, and a deeply nested value
/// would overflow the stack when dropped.
const MAX_DEPTH: usize = 64;
/// Values an alias may copy in all, against "billion laughs" documents.
const MAX_ALIASED_NODES: usize = 100_000;

/// A YAML text read: its value and where each part of it sits.
#[derive(Debug, Clone)]
pub struct Document {
    pub value: Value,
    pub scanned: Scanned,
}

/// Why a YAML text could not be read, at a 1-based line and character column of the YAML
/// text itself (not of the file it came from).
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    /// In English, as the parser says it (`mapping values are not allowed in this context`).
    pub message: String,
    /// The key, when the error is a key given twice in one mapping.
    pub duplicate_key: Option<String>,
}

impl SyntaxError {
    fn at(m: Marker, message: impl Into<String>) -> Self {
        SyntaxError { line: m.line().max(1), column: m.col() + 1, message: message.into(), duplicate_key: None }
    }
}

/// Reads `yaml`, whose first line is line `first_line` of the file (positions are the file's).
/// An empty text is `null`. Key positions ([`Scanned::keys`]) are not recorded: see [`parse_keyed`].
pub fn parse(yaml: &str, first_line: usize) -> Result<Document, SyntaxError> {
    read(yaml, Loader { first_line, ..Loader::default() })
}

/// [`parse`], also recording where each key sits, for errors about a key (site.yaml's unknown
/// settings). Front matter does without: it is read for every case of every build.
pub fn parse_keyed(yaml: &str, first_line: usize) -> Result<Document, SyntaxError> {
    read(yaml, Loader { first_line, record_keys: true, ..Loader::default() })
}

fn read(yaml: &str, mut loader: Loader) -> Result<Document, SyntaxError> {
    let mut parser = Parser::new_from_str(yaml);
    loop {
        let (event, marker) = parser.next_token().map_err(|e| SyntaxError::at(*e.marker(), e.info()))?;
        if loader.event(event, marker)? {
            break;
        }
    }
    Ok(Document { value: loader.root.unwrap_or(Value::Null), scanned: loader.scanned })
}

/// Where a finished node goes.
enum Slot {
    /// The document itself.
    Root,
    /// A key of the mapping on top of the stack.
    Key,
    /// The value of the mapping's pending key.
    MapValue,
    /// The next item of the sequence on top of the stack.
    Item,
}

/// One open collection.
struct Frame {
    /// Its field path; `None` inside a mapping key (`? [a, b]: x`), where nothing is recorded.
    path: Option<String>,
    anchor: usize,
    tag: Option<String>,
    body: Body,
}

enum Body {
    /// `key`: the key whose value comes next, with its path segment and marker.
    Map {
        map: Mapping,
        key: Option<(Value, String, Marker)>,
    },
    Seq {
        items: Vec<Value>,
    },
}

#[derive(Default)]
struct Loader {
    first_line: usize,
    record_keys: bool,
    stack: Vec<Frame>,
    root: Option<Value>,
    documents: usize,
    /// Anchored values with their node counts.
    anchors: HashMap<usize, (Value, usize)>,
    aliased_nodes: usize,
    /// A mapping that is a sequence item is located at its first key.
    pending_item: Option<String>,
    scanned: Scanned,
}

impl Loader {
    fn to_file(&self, m: Marker) -> (usize, usize) {
        (m.line() + self.first_line - 1, m.col() + 1)
    }

    /// Handles one event; true at the end of the stream.
    fn event(&mut self, event: Event, marker: Marker) -> Result<bool, SyntaxError> {
        match event {
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(SyntaxError::at(
                        marker,
                        "more than one YAML document (a second `---`) is not supported",
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let (path, at) = self.node_path(marker, style == TScalarStyle::Plain && text.is_empty());
                let value = scalar(&text, style, tag);
                if let Some(path) = path {
                    if style == TScalarStyle::Plain {
                        self.scanned.raw.insert(path.clone(), text);
                    }
                    self.scanned.positions.insert(path, at);
                }
                self.finish(value, anchor, marker)?;
            }
            Event::Alias(id) => {
                let (path, at) = self.node_path(marker, false);
                if let Some(path) = path {
                    self.scanned.positions.insert(path, at);
                }
                let Some((value, nodes)) = self.anchors.get(&id).cloned() else {
                    return Err(SyntaxError::at(marker, "unknown anchor"));
                };
                self.aliased_nodes += nodes;
                if self.aliased_nodes > MAX_ALIASED_NODES {
                    return Err(SyntaxError::at(marker, "aliases repeat too many values"));
                }
                self.finish(value, 0, marker)?;
            }
            Event::SequenceStart(anchor, tag) => self.open(false, anchor, tag, marker)?,
            Event::MappingStart(anchor, tag) => self.open(true, anchor, tag, marker)?,
            Event::SequenceEnd | Event::MappingEnd => self.close(marker)?,
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
        }
        Ok(false)
    }

    /// A mapping or sequence starts.
    fn open(&mut self, is_map: bool, anchor: usize, tag: Option<Tag>, marker: Marker) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError::at(marker, format!("nested more than {MAX_DEPTH} levels deep")));
        }
        let (path, at) = self.node_path(marker, true);
        if let Some(p) = &path {
            if is_map && p.ends_with(']') {
                self.pending_item = Some(p.clone());
            } else {
                self.scanned.positions.insert(p.clone(), at);
            }
        }
        let body = if is_map { Body::Map { map: Mapping::new(), key: None } } else { Body::Seq { items: Vec::new() } };
        self.stack.push(Frame { path, anchor, tag: tag.and_then(custom_tag), body });
        Ok(())
    }

    /// The collection on top of the stack ends.
    fn close(&mut self, marker: Marker) -> Result<(), SyntaxError> {
        if let Some(item) = self.pending_item.take() {
            // An empty `{}` item: located at its end.
            let at = self.to_file(marker);
            self.scanned.positions.entry(item).or_insert(at);
        }
        let Some(frame) = self.stack.pop() else {
            return Err(SyntaxError::at(marker, "unbalanced collection end"));
        };
        let value = match frame.body {
            Body::Map { map, .. } => Value::Mapping(map),
            Body::Seq { items } => Value::Sequence(items),
        };
        let value = match frame.tag {
            Some(tag) => Value::Tagged(Box::new(Tagged { tag, value })),
            None => value,
        };
        self.finish(value, frame.anchor, marker)
    }

    /// Where the node starting at `marker` goes: its path (None where nothing is recorded)
    /// and its position. A collection under a key is located at its key (its own marker is
    /// unreliable), and so is an empty value (`brand:`), whose marker is where the next line
    /// starts (`at_key` for both). A key itself records nothing here.
    fn node_path(&self, marker: Marker, at_key: bool) -> (Option<String>, (usize, usize)) {
        let at = self.to_file(marker);
        let Some(frame) = self.stack.last() else {
            return (Some(String::new()), at);
        };
        match (&frame.body, &frame.path) {
            (_, None) => (None, at),
            (Body::Seq { items }, Some(path)) => (Some(format!("{path}[{}]", items.len())), at),
            (Body::Map { key: Some((_, segment, key_marker)), .. }, Some(path)) => {
                (Some(join(path, segment)), if at_key { self.to_file(*key_marker) } else { at })
            }
            // This node is a key: nothing recorded under it.
            (Body::Map { key: None, .. }, Some(_)) => (None, at),
        }
    }

    /// Puts a finished node where it belongs.
    fn finish(&mut self, value: Value, anchor: usize, marker: Marker) -> Result<(), SyntaxError> {
        if anchor > 0 {
            let nodes = count_nodes(&value);
            self.anchors.insert(anchor, (value.clone(), nodes));
        }
        let slot = match self.stack.last() {
            None => Slot::Root,
            Some(Frame { body: Body::Seq { .. }, .. }) => Slot::Item,
            Some(Frame { body: Body::Map { key: None, .. }, .. }) => Slot::Key,
            Some(Frame { body: Body::Map { key: Some(_), .. }, .. }) => Slot::MapValue,
        };
        match slot {
            Slot::Root => self.root = Some(value),
            Slot::Item => {
                if let Some(Frame { body: Body::Seq { items }, .. }) = self.stack.last_mut() {
                    items.push(value);
                }
            }
            Slot::Key => self.key(value, marker)?,
            Slot::MapValue => {
                if let Some(Frame { body: Body::Map { map, key }, .. }) = self.stack.last_mut() {
                    if let Some((k, _, _)) = key.take() {
                        map.push(k, value);
                    }
                }
            }
        }
        Ok(())
    }

    /// A mapping's key: refused if the mapping has it already; remembered until its value.
    fn key(&mut self, key: Value, marker: Marker) -> Result<(), SyntaxError> {
        let at = self.to_file(marker);
        let Some(Frame { body: Body::Map { map, key: pending }, path, .. }) = self.stack.last_mut() else {
            return Ok(());
        };
        let segment = key_segment(&key);
        if map.contains_key(&key) {
            let message = format!("duplicate entry with key {segment:?}");
            return Err(SyntaxError { duplicate_key: Some(segment), ..SyntaxError::at(marker, message) });
        }
        if let Some(path) = path.as_deref() {
            // The first key of a mapping in a sequence gives the item's position.
            if let Some(item) = self.pending_item.take() {
                self.scanned.positions.entry(item).or_insert(at);
            }
            if self.record_keys {
                self.scanned.keys.insert(join(path, &segment), at);
            }
        }
        *pending = Some((key, segment, marker));
        Ok(())
    }
}

/// A scalar's value: plain ones resolve (`2021` is a number), quoted and block ones are text;
/// YAML's own tags (`!!str 2021`) decide the type, any other tag is kept.
fn scalar(text: &str, style: TScalarStyle, tag: Option<Tag>) -> Value {
    let core = tag.as_ref().and_then(core_tag);
    let value = match core {
        Some("str") => Value::String(text.to_string()),
        Some(_) => resolve_plain(text),
        None if style == TScalarStyle::Plain => resolve_plain(text),
        None => Value::String(text.to_string()),
    };
    match tag.and_then(custom_tag) {
        Some(tag) => Value::Tagged(Box::new(Tagged { tag, value })),
        None => value,
    }
}

/// `!!str` and the other tags of YAML's core schema, by suffix.
fn core_tag(tag: &Tag) -> Option<&str> {
    (tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:").then_some(tag.suffix.as_str())
}

/// A tag that is not YAML's own, as written (`!foo`).
fn custom_tag(tag: Tag) -> Option<String> {
    if core_tag(&tag).is_some() {
        return None;
    }
    Some(format!("{}{}", tag.handle, tag.suffix))
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Sequence(items) => items.iter().map(count_nodes).sum(),
        Value::Mapping(m) => m.iter().map(|(k, v)| count_nodes(k) + count_nodes(v)).sum(),
        Value::Tagged(t) => count_nodes(&t.value),
        _ => 0,
    }
}
