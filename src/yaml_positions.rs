//! Where each field of a YAML text sits: front matter in a .md file, or site.yaml.
//!
//! serde gives values without positions, so the YAML is read a second time with
//! yaml-rust2's event parser, whose markers carry lines and columns. The result maps field
//! paths (`title`, `honours[1].year`, `chapters[0].cases[2]`) to 1-based (line, column) in
//! the file, and keeps the raw text of plain scalars so numbers can be kept as written
//! (`value: 1.50` stays `1.50`).

use std::collections::BTreeMap;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Positions and raw plain-scalar text by field path.
#[derive(Debug, Default, Clone)]
pub struct Scanned {
    pub positions: BTreeMap<String, (usize, usize)>,
    pub raw: BTreeMap<String, String>,
}

/// One open collection while walking the events.
enum Frame {
    /// A mapping at `path`; `key` is the key whose value comes next, if any.
    Map { path: String, key: Option<(String, Marker)> },
    /// A sequence at `path`; `index` is the next item's index.
    Seq { path: String, index: usize },
    /// A collection used as a mapping key (rare): walked over, not recorded.
    Skip,
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Reads `yaml`, whose first line is line `first_line` of the file.
///
/// Best effort: on a YAML error the positions found so far are returned (serde reports the
/// error itself).
pub fn scan(yaml: &str, first_line: usize) -> Scanned {
    let mut out = Scanned::default();
    let to_file = |m: Marker| (m.line() + first_line - 1, m.col() + 1);
    let mut stack: Vec<Frame> = Vec::new();
    // A mapping that started as a sequence item gets the position of its first key.
    let mut pending_item: Option<String> = None;
    let mut parser = Parser::new_from_str(yaml);
    while let Ok((event, marker)) = parser.next_token() {
        let is_start = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
        let is_node = is_start || matches!(event, Event::Scalar(..) | Event::Alias(..));
        if is_node {
            // Where does this node go?
            let slot = match stack.last_mut() {
                None => Some((String::new(), marker)),
                Some(Frame::Skip) => None,
                Some(Frame::Map { path, key }) => match key.take() {
                    Some((k, key_marker)) => {
                        let p = join(path, &k);
                        // A collection under a key is located at its key (its own marker is
                        // unreliable), and so is an empty value (`brand:`), whose marker is
                        // where the next line starts; a scalar at the value itself.
                        let empty = matches!(&event, Event::Scalar(t, TScalarStyle::Plain, ..) if t.is_empty());
                        Some((p, if is_start || empty { key_marker } else { marker }))
                    }
                    None => {
                        // This node is a key.
                        if let Event::Scalar(ref k, ..) = event {
                            if let Some(item) = pending_item.take() {
                                out.positions.entry(item).or_insert(to_file(marker));
                            }
                            *key = Some((k.clone(), marker));
                        } else if is_start {
                            *key = Some(("?".to_string(), marker));
                            stack.push(Frame::Skip);
                        }
                        continue;
                    }
                },
                Some(Frame::Seq { path, index }) => {
                    let p = format!("{path}[{index}]");
                    *index += 1;
                    Some((p, marker))
                }
            };
            match (slot, &event) {
                (None, _) if is_start => stack.push(Frame::Skip),
                (None, _) => {}
                (Some((path, m)), Event::MappingStart(..)) => {
                    if path.ends_with(']') {
                        pending_item = Some(path.clone());
                    } else {
                        out.positions.insert(path.clone(), to_file(m));
                    }
                    stack.push(Frame::Map { path, key: None });
                }
                (Some((path, m)), Event::SequenceStart(..)) => {
                    out.positions.insert(path.clone(), to_file(m));
                    stack.push(Frame::Seq { path, index: 0 });
                }
                (Some((path, m)), Event::Scalar(text, style, ..)) => {
                    out.positions.insert(path.clone(), to_file(m));
                    if *style == TScalarStyle::Plain {
                        out.raw.insert(path, text.clone());
                    }
                }
                (Some((path, m)), _) => {
                    out.positions.insert(path, to_file(m));
                }
            }
            continue;
        }
        match event {
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(item) = pending_item.take() {
                    // An empty `{}` item: use its end.
                    out.positions.entry(item).or_insert(to_file(marker));
                }
                stack.pop();
            }
            Event::StreamEnd => break,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_file_lines_and_char_columns() {
        let yaml =
            "title: \"珠海\"\nregion: [广东省, 珠海市]\nhonours:\n  - 先进\n  - name: x\n    year: 2021\nvalue: 1.50\n";
        let s = scan(yaml, 2);
        let p = |k: &str| s.positions.get(k).copied();
        assert_eq!(p("title"), Some((2, 8)));
        assert_eq!(p("region"), Some((3, 1)));
        assert_eq!(p("region[1]"), Some((3, 15)));
        assert_eq!(p("honours"), Some((4, 1)));
        assert_eq!(p("honours[0]"), Some((5, 5)));
        assert_eq!(p("honours[1]"), Some((6, 5)));
        assert_eq!(p("honours[1].year"), Some((7, 11)));
        assert_eq!(s.raw.get("value").map(String::as_str), Some("1.50"));
        assert_eq!(s.raw.get("title"), None, "quoted scalars are not raw");
    }

    #[test]
    fn nested_chapters() {
        let yaml = "chapters:\n  - title: 一\n    cases:\n      - a\n      - slug: b\n        note: 存目\n";
        let s = scan(yaml, 2);
        assert_eq!(s.positions.get("chapters[0].cases[0]"), Some(&(5, 9)));
        assert_eq!(s.positions.get("chapters[0].cases[1]"), Some(&(6, 9)));
        assert_eq!(s.positions.get("chapters[0].cases[1].note"), Some(&(7, 15)));
    }

    #[test]
    fn an_empty_value_is_located_at_its_key() {
        let s = scan("title: 标题\nbrand:\norg: 示例单位\n", 2);
        assert_eq!(s.positions.get("brand"), Some(&(3, 1)));
        let s = scan("title: 标题\nbrand:", 2);
        assert_eq!(s.positions.get("brand"), Some(&(3, 1)));
    }

    #[test]
    fn broken_yaml_gives_what_it_can() {
        let s = scan("title: a\nbrand: [x\n", 2);
        assert_eq!(s.positions.get("title"), Some(&(2, 8)));
    }
}
