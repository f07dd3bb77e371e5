use super::*;

fn scan(yaml: &str, first_line: usize) -> Scanned {
    parse_keyed(yaml, first_line).map(|d| d.scanned).unwrap_or_default()
}

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
    assert_eq!(s.keys.get("honours[1].year"), Some(&(7, 5)));
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
fn plain_scalars_resolve_as_serde_yaml_did() {
    use value::resolve_plain as r;
    let n = |v: Value| match v {
        Value::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    };
    assert_eq!(r(""), Value::Null);
    assert_eq!(r("~"), Value::Null);
    assert_eq!(r("NULL"), Value::Null);
    assert_eq!(r("True"), Value::Bool(true));
    assert_eq!(r("yes"), Value::String("yes".into()), "YAML 1.2: `yes` is text");
    assert_eq!(n(r("2021")), "2021");
    assert_eq!(n(r("+12")), "12");
    assert_eq!(n(r("-0x1F")), "-31");
    assert_eq!(n(r("0o17")), "15");
    assert_eq!(n(r("0b101")), "5");
    assert_eq!(n(r("-9223372036854775808")), "-9223372036854775808");
    assert_eq!(n(r("18446744073709551615")), "18446744073709551615");
    assert_eq!(n(r("1.50")), "1.5");
    assert_eq!(n(r("3.0")), "3.0");
    assert_eq!(n(r("1e3")), "1000.0");
    assert_eq!(n(r(".inf")), ".inf");
    assert_eq!(n(r("-.Inf")), "-.inf");
    assert_eq!(n(r(".nan")), ".nan");
    assert_eq!(r("007"), Value::String("007".into()), "a leading zero keeps digits text");
    assert_eq!(r("-012"), Value::String("-012".into()));
    assert_eq!(n(r("0")), "0");
    assert_eq!(r("0x"), Value::String("0x".into()));
    assert_eq!(r("++1"), Value::String("++1".into()));
    assert_eq!(r("inf"), Value::String("inf".into()));
    assert_eq!(r("2021-05-01"), Value::String("2021-05-01".into()));
}

#[test]
fn values_tags_and_aliases() {
    let doc = parse("a: &x [1, '2', !!str 3]\nb: *x\nc: !foo bar\nd: \"\"\ne:\n", 1).unwrap();
    let Value::Mapping(m) = &doc.value else { panic!("a mapping: {:?}", doc.value) };
    let list =
        Value::Sequence(vec![Value::Number(Number::PosInt(1)), Value::String("2".into()), Value::String("3".into())]);
    assert_eq!(m.get("a"), Some(&list));
    assert_eq!(m.get("b"), Some(&list), "an alias repeats its anchor");
    assert_eq!(
        m.get("c"),
        Some(&Value::Tagged(Box::new(Tagged { tag: "!foo".into(), value: Value::String("bar".into()) })))
    );
    assert_eq!(m.get("d"), Some(&Value::String(String::new())), "quoted empty text is text");
    assert_eq!(m.get("e"), Some(&Value::Null));
    assert_eq!(parse("", 1).unwrap().value, Value::Null);
}

#[test]
fn syntax_errors_give_the_yaml_line_and_column() {
    let e = parse("title: t\nbrand: b\ntitle: u\n", 2).unwrap_err();
    assert_eq!((e.line, e.column, e.message.as_str()), (3, 1, "duplicate entry with key \"title\""));
    assert_eq!(e.duplicate_key.as_deref(), Some("title"));
    assert!(parse("a: 1\n", 1).unwrap().scanned.keys.is_empty(), "front matter records no key positions");
    let e = parse("title: a: b\n", 2).unwrap_err();
    assert_eq!(e.line, 1, "lines are the YAML text's: {e:?}");
    assert!(e.message.contains("mapping values are not allowed"), "{e:?}");
    let e = parse("a:\n  b: 1\n\tc: 2\n", 1).unwrap_err();
    assert!(e.message.contains("tab"), "{e:?}");
}

#[test]
fn hostile_documents_are_refused_not_followed() {
    let deep = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
    assert!(parse(&deep, 1).is_err(), "nesting is bounded");
    let block_deep = format!("{}x\n", "- ".repeat(100));
    let e = parse(&block_deep, 1).unwrap_err();
    assert!(e.message.contains("nested more than"), "{e:?}");
    assert!(parse(&format!("{}x\n", "- ".repeat(20)), 1).is_ok(), "ordinary nesting is fine");
    // Ten times more values at each of eight levels.
    let mut laughs = format!("a: &a [{}]\n", ["x"; 10].join(", "));
    for pair in ["a", "b", "c", "d", "e", "f", "g", "h"].windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        laughs.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
    }
    let e = parse(&laughs, 1).unwrap_err();
    assert!(e.message.contains("aliases"), "{e:?}");
    let e = parse("a: 1\n---\nb: 2\n", 1).unwrap_err();
    assert_eq!(e.line, 2, "{e:?}");
}

mod de {
    use super::super::{de::from_document, parse_keyed};
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(default, deny_unknown_fields)]
    struct Settings {
        title: String,
        count: u32,
        ratio: f64,
        note: Option<String>,
        style: Style,
        list: Vec<Item>,
        extra: std::collections::BTreeMap<String, serde_json::Value>,
    }

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(rename_all = "lowercase")]
    enum Style {
        #[default]
        Plain,
        Formal,
    }

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(deny_unknown_fields)]
    struct Item {
        key: String,
    }

    fn read(yaml: &str) -> Result<Settings, (String, (usize, usize))> {
        let doc = parse_keyed(yaml, 1).unwrap();
        from_document::<Settings>(&doc).map_err(|e| (e.to_string(), e.position(&doc.scanned)))
    }

    #[test]
    fn scalars_read_as_written_into_text() {
        let s = read(
            "title: 2021\ncount: 3\nratio: 2\nnote:\nstyle: formal\nlist: [{key: 007}]\nextra: {1.50: x, n: 1.50}\n",
        )
        .unwrap();
        assert_eq!((s.title.as_str(), s.count, s.ratio, s.note, s.style), ("2021", 3, 2.0, None, Style::Formal));
        assert_eq!(s.list, [Item { key: "007".into() }]);
        assert_eq!(s.extra.get("1.5"), Some(&serde_json::json!("x")));
        assert_eq!(s.extra.get("n"), Some(&serde_json::json!(1.5)));
        assert_eq!(read("note: \"\"\n").unwrap().note.as_deref(), Some(""), "quoted empty text is text");
    }

    #[test]
    fn errors_name_the_path_and_its_position() {
        let (message, at) = read("title: x\ncount: many\n").unwrap_err();
        assert_eq!(at, (2, 8));
        assert!(message.starts_with("count: invalid type: string \"many\""), "{message}");
        let (message, at) = read("title: x\n  \nlist:\n  - key: a\n    kee: b\n").unwrap_err();
        assert_eq!(at, (5, 5), "an unknown field at its key: {message}");
        assert!(message.starts_with("list[0]: unknown field `kee`, expected `key`"), "{message}");
        let (message, at) = read("titel: x\n").unwrap_err();
        assert_eq!((message.starts_with("unknown field `titel`"), at), (true, (1, 1)), "{message}");
        let (message, _) = read("style: loud\n").unwrap_err();
        assert!(message.starts_with("style: unknown variant `loud`"), "{message}");
        let (message, at) = read("list:\n  - {}\n").unwrap_err();
        assert_eq!((message.as_str(), at.0), ("list[0]: missing field `key`", 2), "at the item");
    }
}
