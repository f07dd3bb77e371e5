//! Tests of the loader on small sites written to a temporary folder.

use super::*;
use crate::content::model::Meta;
use std::fs;

const CASE: &str = "---\ntitle: 让我先来\nbrand: 让我先来\norg: 珠海市财政局\ndate: 2021-05-01\n---\n正文\n";

fn site(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in files {
        let path = dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

fn rels(loaded: &Loaded) -> Vec<String> {
    loaded.files.iter().map(|f| f.rel_path.display().to_string()).collect()
}

#[test]
fn classify_by_location() {
    let rows: &[(&str, Kind, Option<&str>)] = &[
        ("cases/a.md", Kind::Case, None),
        ("cases/b/index.md", Kind::Case, Some("content/cases/b")),
        ("cases/_index.md", Kind::Section, None),
        ("cases/b/notes.md", Kind::Page, None),
        ("compilations/c.md", Kind::Compilation, None),
        ("compilations/d/index.md", Kind::Compilation, Some("content/compilations/d")),
        ("about.md", Kind::Page, None),
        ("_index.md", Kind::Section, None),
        ("docs/guide/x.md", Kind::Page, None),
    ];
    for (rel, kind, dir) in rows {
        let (k, d) = classify(Path::new(rel));
        assert_eq!((k, d.as_deref()), (*kind, dir.map(Path::new)), "{rel}");
    }
}

#[test]
fn loads_a_site_sorted_skipping_hidden_and_temp_files() {
    let dir = site(&[
        ("content/cases/z.md", CASE.as_bytes()),
        ("content/cases/a.md", CASE.as_bytes()),
        ("content/cases/b/index.md", CASE.as_bytes()),
        ("content/cases/b/photo.jpg", b"\xFF\xD8"),
        ("content/compilations/c.md", "---\ntitle: 汇编\ndate: 2021-05-01\n---\n".as_bytes()),
        ("content/about.md", "# 关于\n".as_bytes()),
        ("content/_index.md", b""),
        ("content/.hidden/x.md", b"garbage"),
        ("content/cases/.draft.md", b"garbage"),
        ("content/cases/a.md~", b"garbage"),
        ("content/cases/#a.md#", b"garbage"),
        ("content/cases/.a.md.swp", b"garbage"),
        ("content/cases/a.md.swp", b"garbage"),
    ]);
    let loaded = load_content(dir.path(), &[], None);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    assert_eq!(
        rels(&loaded),
        vec![
            "content/_index.md",
            "content/about.md",
            "content/cases/a.md",
            "content/cases/b/index.md",
            "content/cases/z.md",
            "content/compilations/c.md"
        ]
    );
    assert_eq!(loaded.assets, vec![PathBuf::from("cases/b/photo.jpg")]);
    let b = &loaded.files[3];
    assert_eq!(b.asset_dir.as_deref(), Some(Path::new("content/cases/b")));
    assert_eq!(b.hash, *blake3::hash(CASE.as_bytes()).as_bytes());
    assert!(b.path.is_absolute() && b.path.ends_with("content/cases/b/index.md"));
    assert!(matches!(&loaded.files[1].meta, Meta::Page(p) if p.title == "关于"));
}

#[test]
fn errors_of_all_files_come_together_sorted() {
    let dir = site(&[
        ("content/cases/b.md", b"---\ntitle: t\n---\n"),
        ("content/cases/a.md", "---\ntitle: 珠海: 让我先来\n---\n".as_bytes()),
        ("content/cases/ok.md", CASE.as_bytes()),
    ]);
    let loaded = load_content(dir.path(), &[], None);
    let got: Vec<_> = loaded.diagnostics.iter().map(|d| (d.file.display().to_string(), d.code, d.line)).collect();
    assert_eq!(
        got,
        vec![
            // Root cause first; the rest of a.md is read with the colon quoted.
            ("content/cases/a.md".to_string(), "yaml-unquoted-colon", 2),
            ("content/cases/a.md".to_string(), "missing-field", 1),
            ("content/cases/a.md".to_string(), "missing-field", 1),
            ("content/cases/a.md".to_string(), "missing-field", 1),
            ("content/cases/b.md".to_string(), "missing-field", 1),
            ("content/cases/b.md".to_string(), "missing-field", 1),
            ("content/cases/b.md".to_string(), "missing-field", 1),
        ]
    );
    assert_eq!(rels(&loaded), vec!["content/cases/ok.md"]);
}

#[test]
fn unknown_field_warned_once_listing_files() {
    let with_orgs = CASE.replace("date:", "orgs: 别处\ndate:");
    let dir = site(&[
        ("content/cases/a.md", with_orgs.as_bytes()),
        ("content/cases/b.md", with_orgs.as_bytes()),
        ("content/cases/c.md", CASE.replace("date:", "brnad: x\ndate:").as_bytes()),
    ]);
    let loaded = load_content(dir.path(), &[], None);
    let d = &loaded.diagnostics;
    assert_eq!(d.len(), 2, "{d:#?}");
    assert_eq!(d[0].message.en.as_str(), "unknown field `orgs` (in 2 files: content/cases/a.md, content/cases/b.md)");
    assert_eq!((d[0].file.to_str(), d[0].line), (Some("content/cases/a.md"), 5));
    assert!(d[0].hint.as_ref().map(|t| t.en.as_str()).unwrap().starts_with("did you mean `org`?"));
    assert_eq!(d[1].message.en.as_str(), "unknown field `brnad`");
    assert!(d[1].hint.as_ref().map(|t| t.en.as_str()).unwrap().starts_with("did you mean `brand`?"));
    assert!(loaded.files.iter().all(|f| matches!(&f.meta, Meta::Case(_))), "warnings never drop a file");
}

#[test]
fn gbk_file_is_reported_with_conversion_hint() {
    let (gbk, _, _) = encoding_rs::GB18030.encode("---\ntitle: 让我先来\n---\n");
    let dir = site(&[("content/cases/gbk.md", &gbk)]);
    let loaded = load_content(dir.path(), &[], None);
    let d = &loaded.diagnostics[0];
    assert_eq!((d.code, d.line, d.column), ("not-utf8", 2, 8));
    assert_eq!(d.file, Path::new("content/cases/gbk.md"));
    assert_eq!(
        d.hint.as_ref().map(|t| t.en.as_str()),
        Some(
            "looks like GBK/GB18030 (common from WPS/Word): convert with `iconv -f GB18030 -t UTF-8 gbk.md -o gbk.md` \
             or save as UTF-8"
        )
    );
}

#[test]
fn decode_edge_cases() {
    let f = Path::new("content/a.md");
    assert_eq!(decode(b"\xEF\xBB\xBFok", f).unwrap(), "\u{feff}ok");
    assert!(decode(b"\xFF\xFE-\x00", f).unwrap_err().message.en.contains("UTF-16"));
    let e = decode(b"ab\ncd\xFF", f).unwrap_err();
    assert_eq!((e.line, e.column, e.hint.as_ref().map(|t| t.en.as_str())), (2, 3, Some("save the file as UTF-8")));
}

#[test]
fn missing_content_folder_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load_content(dir.path(), &[], None);
    assert_eq!(loaded.diagnostics.len(), 1);
    assert_eq!(loaded.diagnostics[0].code, "missing-content-dir");
    assert!(loaded.files.is_empty());
}

#[test]
fn strip_indices_groups_paths() {
    assert_eq!(strip_indices("honours[12].yeer"), "honours[].yeer");
    assert_eq!(strip_indices("orgs"), "orgs");
}

#[cfg(unix)]
#[test]
fn symlinked_files_load_and_loops_are_reported() {
    let dir = site(&[("shared/x.md", CASE.as_bytes()), ("content/cases/a.md", CASE.as_bytes())]);
    std::os::unix::fs::symlink(dir.path().join("shared/x.md"), dir.path().join("content/cases/x.md")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("content"), dir.path().join("content/cases/loop")).unwrap();
    let loaded = load_content(dir.path(), &[], None);
    assert_eq!(rels(&loaded), vec!["content/cases/a.md", "content/cases/x.md"]);
    let d = &loaded.diagnostics;
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!((d[0].code, d[0].file.as_path()), ("symlink-loop", Path::new("content/cases/loop")));
}

#[test]
fn a_memoised_parse_is_made_again_when_the_declared_fields_change() {
    let text = CASE.replace("---\n正文", "member_count: 十二\n---\n正文");
    let dir = site(&[("content/cases/a.md", text.as_bytes())]);
    let memo = ParseMemo::default();
    let before = load_content(dir.path(), &[], Some(&memo));
    assert!(before.diagnostics.iter().any(|d| d.code == "unknown-field"), "{:?}", before.diagnostics);
    let declared = [FieldDecl {
        key: "member_count".into(),
        label: "党员人数".into(),
        type_name: "number".into(),
        ..FieldDecl::default()
    }];
    let after = load_content(dir.path(), &declared, Some(&memo));
    let codes: Vec<&str> = after.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["invalid-type"], "read against the new declaration, not the memo");
}
