//! Tests of `parse_file`: one per class of problem, asserting where it is reported and what
//! the editor is told.

use super::*;
use crate::content::model::{Lang, Numbering};
use crate::diagnostics::Severity;

const CASE_HEAD: &str = "title: 让我先来\nbrand: 让我先来\norg: 珠海市财政局\ndate: 2021-05-01\n";

fn file() -> &'static Path {
    Path::new("content/cases/a.md")
}

fn parse(kind: Kind, text: &str) -> (Option<ParsedFile>, Vec<Diagnostic>) {
    parse_file(kind, file(), text, &[])
}

/// A case with `extra_yaml` after valid required fields.
fn case_with(extra_yaml: &str) -> (Option<ParsedFile>, Vec<Diagnostic>) {
    parse(Kind::Case, &format!("---\n{CASE_HEAD}{extra_yaml}---\n正文\n"))
}

fn case_meta(p: &Option<ParsedFile>) -> &crate::content::model::CaseMeta {
    match &p.as_ref().expect("parsed").meta {
        Meta::Case(c) => c,
        other => panic!("not a case: {other:?}"),
    }
}

fn only(diags: &[Diagnostic]) -> &Diagnostic {
    assert_eq!(diags.len(), 1, "{diags:#?}");
    &diags[0]
}

#[test]
fn valid_case_reads_every_field() {
    let (p, d) = case_with(
        "slug: rang-wo-xian-lai\nyear: 2020\ntype: [品牌, 工作法]\nregion: [广东省, 珠海市]\nlevel: 市级\n\
         tags: 党建+业务\nfeatured: true\nweight: 3\nrelated: [b, c]\nlang: zh-TW\n",
    );
    assert!(d.is_empty(), "{d:#?}");
    let c = case_meta(&p);
    assert_eq!(c.title, "让我先来");
    assert_eq!(c.org, vec!["珠海市财政局"]);
    assert_eq!(c.date.to_string(), "2021-05-01");
    assert_eq!(c.slug.as_deref(), Some("rang-wo-xian-lai"));
    assert_eq!(c.year, 2020);
    assert_eq!(c.types, vec!["品牌", "工作法"]);
    assert_eq!(c.region, vec!["广东省", "珠海市"]);
    assert_eq!(c.level, vec!["市级"]);
    assert_eq!(c.tags, vec!["党建+业务"]);
    assert!(c.featured);
    assert_eq!(c.weight, 3);
    assert_eq!(c.related, vec!["b", "c"]);
    assert_eq!(c.lang, Lang::Hant);
    let p = p.unwrap();
    assert_eq!((p.body.as_str(), p.body_line), ("正文\n", 7 + 10));
    assert_eq!(p.positions.get("related[1]"), (14, 14));
    assert_eq!(p.positions.get("slug"), (6, 7));
}

#[test]
fn year_defaults_to_dates_year_and_datetime_is_accepted() {
    let (p, d) = parse(Kind::Case, "---\ntitle: t\nbrand: b\norg: o\ndate: 2019-12-31T20:00:00+08:00\n---\n");
    assert!(d.is_empty(), "{d:#?}");
    let c = case_meta(&p);
    assert_eq!((c.date.to_string().as_str(), c.year), ("2019-12-31", 2019));
}

#[test]
fn unquoted_colon_in_title() {
    let text = "---\ntitle: 珠海市财政局: 让我先来\nbrand: b\norg: o\ndate: 2021-05-01\n---\n";
    let (p, d) = parse(Kind::Case, text);
    assert!(p.is_none());
    let e = only(&d);
    assert_eq!(e.code, "yaml-unquoted-colon");
    assert_eq!((e.line, e.column), (2, 14));
    assert_eq!(e.field.as_deref(), Some("title"));
    assert_eq!(e.file, file());
    assert_eq!(
        e.hint.as_ref().map(|t| t.en.as_str()),
        Some("put the value in quotes: title: \"珠海市财政局: 让我先来\" (or use the full-width colon ：: title: 珠海市财政局：让我先来)")
    );
}

#[test]
fn unquoted_colon_on_a_later_line_with_crlf_and_bom() {
    let text = "\u{feff}---\r\ntitle: t\r\nbrand: b\r\norg: 市委: 组织部\r\ndate: 2021-05-01\r\n---\r\n";
    let e = only(&parse(Kind::Case, text).1).clone();
    assert_eq!((e.code, e.line, e.field.as_deref()), ("yaml-unquoted-colon", 4, Some("org")));
}

#[test]
fn tab_indentation_gets_a_hint() {
    let text = "---\ntitle: t\n\tbrand: b\n---\n";
    let e = only(&parse(Kind::Case, text).1).clone();
    assert_eq!((e.code, e.line), ("yaml-syntax", 3));
    assert!(e.hint.as_ref().map(|t| t.en.as_str()).unwrap().contains("line 3 is indented with a tab"), "{e}");
    assert_eq!(e.column, 1, "at the tab");
    assert!(!e.message.en.contains("line "), "the location is not repeated in the message: {}", e.message);
    assert!(e.message.en.contains("tab"), "{}", e.message);
}

#[test]
fn full_width_colon_after_a_key() {
    let text = "---\ntitle: t\nbrand：b\norg: o\n---\n";
    let e = only(&parse(Kind::Case, text).1).clone();
    assert_eq!(e.code, "yaml-syntax");
    assert_eq!(
        e.hint.as_ref().map(|t| t.en.as_str()),
        Some("line 3 separates the key with a full-width colon ：; use an ASCII colon and a space: `brand: b`")
    );
    assert_eq!(e.line, 3, "YAML lines are shifted to file lines: {e}");
}

#[test]
fn whole_front_matter_with_full_width_colon_is_not_a_mapping() {
    let e = only(&parse(Kind::Case, "---\ntitle：让我先来\n---\n").1).clone();
    assert_eq!((e.code, e.line, e.column), ("invalid-front-matter", 2, 1));
    assert!(e.hint.unwrap().en.contains("`title: 让我先来`"));
}

#[test]
fn missing_required_fields_each_reported() {
    let (p, d) = parse(Kind::Case, "---\ntitle: t\n---\nbody");
    assert!(p.is_none());
    let fields: Vec<_> = d.iter().map(|e| (e.code, e.field.as_deref().unwrap(), e.line, e.column)).collect();
    assert_eq!(
        fields,
        vec![("missing-field", "brand", 1, 1), ("missing-field", "org", 1, 1), ("missing-field", "date", 1, 1)]
    );
    let org = &d[1];
    assert_eq!(org.hint.as_ref().map(|t| t.en.as_str()), Some("add it to the front matter, e.g. `org: 珠海市财政局`"));
    assert_eq!(org.expected.as_ref().map(|t| t.en.as_str()), Some("a string or a list of strings (单位)"));
}

#[test]
fn only_fences_reports_all_required() {
    let d = parse(Kind::Case, "---\n---").1;
    assert_eq!(d.len(), 4, "{d:#?}");
    let d = parse(Kind::Compilation, "---\n---\n").1;
    let fields: Vec<_> = d.iter().map(|e| e.field.as_deref().unwrap()).collect();
    assert_eq!(fields, vec!["title", "date"]);
}

#[test]
fn empty_case_file_and_no_front_matter() {
    let e = only(&parse(Kind::Case, "").1).clone();
    assert_eq!((e.code, e.line, e.column), ("missing-front-matter", 1, 1));
    assert!(e.hint.unwrap().en.contains("org: 珠海市财政局"));
    let e = only(&parse(Kind::Case, "\n\n---\ntitle: t\n---\n").1).clone();
    assert!(e.hint.unwrap().en.contains("remove the blank lines"));
    let e = only(&parse(Kind::Compilation, "# 汇编\n").1).clone();
    assert_eq!(e.code, "missing-front-matter");
}

#[test]
fn unterminated_front_matter_points_at_opening_line() {
    let e = only(&parse(Kind::Case, "---\ntitle: t\n\n正文").1).clone();
    assert_eq!((e.code, e.line, e.column), ("unterminated-front-matter", 1, 1));
    assert!(e.hint.unwrap().en.contains("add a line `---`"));
}

#[test]
fn page_without_front_matter_takes_heading_or_stem() {
    let (p, d) = parse_file(Kind::Page, Path::new("content/about.md"), "intro\n\n# 关于我们 #\n\ntext", &[]);
    assert!(d.is_empty());
    let Meta::Page(m) = p.unwrap().meta else { panic!() };
    assert_eq!(m.title, "关于我们");
    let (p, _) = parse_file(Kind::Page, Path::new("content/about.md"), "", &[]);
    let Meta::Page(m) = p.unwrap().meta else { panic!() };
    assert_eq!(m.title, "about");
    let (p, _) = parse_file(Kind::Section, Path::new("content/cases/_index.md"), "---\n---\n", &[]);
    let Meta::Page(m) = p.unwrap().meta else { panic!() };
    assert_eq!(m.title, "");
}

#[test]
fn invalid_date_with_issue_hint() {
    let (p, d) = parse(Kind::Case, "---\ntitle: t\nbrand: b\norg: o\ndate: 2021年第5期\n---\n");
    assert!(p.is_none());
    let e = only(&d);
    assert_eq!((e.code, e.line, e.column, e.field.as_deref()), ("invalid-date", 5, 7, Some("date")));
    assert_eq!(e.expected.as_ref().map(|t| t.en.as_str()), Some("YYYY-MM-DD"));
    let hint = e.hint.as_ref().map(|t| t.en.as_str()).unwrap();
    assert!(hint.contains("publication issue") && hint.contains("sources: [{issue: \"2021年第5期\"}]"), "{hint}");
}

#[test]
fn chinese_date_gets_a_suggestion_and_calendar_is_checked() {
    let e = only(&parse(Kind::Case, "---\ntitle: t\nbrand: b\norg: o\ndate: 2021年5月1日\n---\n").1).clone();
    assert_eq!(e.hint.as_ref().map(|t| t.en.as_str()), Some("write it as `date: 2021-05-01`"));
    let e = only(&parse(Kind::Case, "---\ntitle: t\nbrand: b\norg: o\ndate: 2021-02-30\n---\n").1).clone();
    assert_eq!(e.code, "invalid-date");
    assert!(e.hint.unwrap().en.contains("not a day in the calendar"));
}

#[test]
fn wrong_types_are_errors_at_the_value() {
    let (p, d) = case_with(
        "region: {province: 广东省}\nyear: 二〇二一\nfeatured: 也许\nhonours:\n  - name: 先进\n    year: [1]\n",
    );
    assert!(p.is_some(), "a bad optional field does not drop the case");
    let got: Vec<_> = d.iter().map(|e| (e.code, e.field.as_deref().unwrap(), e.line)).collect();
    assert_eq!(
        got,
        vec![
            ("invalid-type", "region", 6),
            ("invalid-type", "year", 7),
            ("invalid-type", "featured", 8),
            ("invalid-type", "honours[0].year", 11),
        ]
    );
    let year = &d[1];
    assert_eq!(year.expected.as_ref().map(|t| t.en.as_str()), Some("an integer year like 2021"));
    assert_eq!(year.message.en.as_str(), "`year` should be an integer year like 2021, found the text `二〇二一`");
    assert_eq!(year.hint.as_ref().map(|t| t.en.as_str()), Some("write the year as four digits: `year: 2021`"));
    assert_eq!(d[0].expected.as_ref().map(|t| t.en.as_str()), Some("a string or a list of strings"));
}

#[test]
fn null_is_absent_and_numbers_are_text() {
    let (p, d) = parse(
        Kind::Case,
        "---\ntitle: 2021\nbrand: 1.50\norg: o\ndate: 2021-05-01\nsubtitle: ~\nregion:\ncover: null\n---\n",
    );
    assert!(d.is_empty(), "{d:#?}");
    let c = case_meta(&p);
    assert_eq!((c.title.as_str(), c.brand.as_str()), ("2021", "1.50"));
    assert_eq!((c.subtitle.clone(), c.region.len(), c.cover.clone()), (None, 0, None));
}

#[test]
fn unknown_keys_warn_with_suggestion_and_go_to_extra() {
    let (p, d) = case_with("orgs: 另一个单位\nextra: {wechat: dangjian}\nhonours:\n  - {name: 先进, yeer: 2021}\n");
    let c = case_meta(&p);
    assert_eq!(c.extra.get("orgs"), Some(&serde_json::json!("另一个单位")));
    assert_eq!(c.extra.get("wechat"), Some(&serde_json::json!("dangjian")));
    assert_eq!(c.honours[0].extra.get("yeer"), Some(&serde_json::json!(2021)));
    assert_eq!(d.len(), 2, "{d:#?}");
    assert!(d.iter().all(|w| w.severity == Severity::Warning && w.code == "unknown-field"));
    assert_eq!((d[0].field.as_deref(), d[0].line, d[0].column), (Some("orgs"), 6, 7));
    assert_eq!(
        d[0].hint.as_ref().map(|t| t.en.as_str()),
        Some("did you mean `org`? (its value is still passed to templates as `extra.orgs`)")
    );
    assert_eq!(d[1].field.as_deref(), Some("honours[0].yeer"));
    assert!(d[1].hint.as_ref().map(|t| t.en.as_str()).unwrap().starts_with("did you mean `year`?"));
}

#[test]
fn traditional_text_passes_through_unchanged() {
    let (p, d) = parse(Kind::Case, "---\ntitle: 讓我先來\nbrand: 黨建+業務融合\norg: 臺北市\ndate: 2021-05-01\ntags: [黨建]\nlang: zh-Hant\n---\n內文\n");
    assert!(d.is_empty());
    let c = case_meta(&p);
    assert_eq!((c.title.as_str(), c.brand.as_str(), c.tags[0].as_str()), ("讓我先來", "黨建+業務融合", "黨建"));
    assert_eq!(p.unwrap().body, "內文\n");
}

#[test]
fn structured_honours_metrics_sources_cover() {
    let (p, d) = case_with(
        "honours:\n  - 全国先进基层党组织\n  - {name: 模范机关, year: \"2020\", years: [2019, 2021], level: 省级, count: 2}\n\
         metrics:\n  - {label: 服务群众, value: 3000.50, unit: 人次}\n\
         sources:\n  - {title: 文章, issue: 5, published: 2021-05-01, credits: {editor: 张三}}\n\
         cover: {src: cover.jpg, alt: 现场, position: top}\n",
    );
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].field.as_deref(), Some("cover.position"));
    let c = case_meta(&p);
    assert_eq!(c.honours[0].name, "全国先进基层党组织");
    let h = &c.honours[1];
    assert_eq!(
        (h.name.as_str(), h.year, h.years.clone(), h.level.as_deref(), h.count),
        ("模范机关", Some(2020), vec![2019, 2021], Some("省级"), Some(2))
    );
    assert_eq!(c.metrics[0].value, "3000.50", "numbers are kept as written");
    let s = &c.sources[0];
    assert_eq!(
        (s.issue.as_deref(), s.published.as_deref(), s.credits.editor.as_deref()),
        (Some("5"), Some("2021-05-01"), Some("张三"))
    );
    let cover = c.cover.as_ref().unwrap();
    assert_eq!((cover.src.as_str(), cover.extra.get("position")), ("cover.jpg", Some(&serde_json::json!("top"))));
}

#[test]
fn honour_without_name_suggests_quotes_for_colon() {
    let (_, d) = case_with("honours:\n  - 全国先进: 2021\n");
    let errors: Vec<_> = d.iter().filter(|e| e.is_error()).cloned().collect();
    let e = only(&errors);
    assert_eq!((e.code, e.field.as_deref(), e.line), ("missing-field", Some("honours[0].name"), 7));
    assert!(e.hint.as_ref().map(|t| t.en.as_str()).unwrap().contains("put the whole item in quotes"), "{e}");
}

#[test]
fn list_fields_given_a_scalar_want_a_list_of_maps() {
    let (p, d) = case_with("sources: 人民网\nmetrics: [5]\n");
    assert!(p.is_some());
    let got: Vec<_> = d
        .iter()
        .map(|e| (e.field.as_deref().unwrap(), e.expected.as_ref().map(|t| t.en.as_str()).unwrap(), e.line))
        .collect();
    assert_eq!(
        got,
        vec![("sources", "a list of `key: value` maps", 6), ("metrics[0]", "a map of `key: value` pairs", 7)]
    );
}

#[test]
fn invalid_slug_and_aliases() {
    let (_, d) = case_with("slug: ../../etc\naliases: [/old/a/, /x/../../y]\n");
    let got: Vec<_> = d.iter().map(|e| (e.code, e.field.as_deref().unwrap(), e.line)).collect();
    assert_eq!(got, vec![("invalid-slug", "slug", 6), ("invalid-alias", "aliases[1]", 7)]);
}

#[test]
fn invalid_lang_and_numbering() {
    let (_, d) = case_with("lang: en\n");
    assert_eq!(
        (only(&d).code, only(&d).expected.as_ref().map(|t| t.en.as_str())),
        ("invalid-value", Some("zh-Hans or zh-Hant"))
    );
    let (_, d) = parse(Kind::Compilation, "---\ntitle: t\ndate: 2021-05-01\nnumbering: roman\n---\n");
    assert_eq!((only(&d).code, only(&d).line), ("invalid-value", 4));
}

#[test]
fn compilation_chapters_with_entry_positions() {
    let text = "---\ntitle: 汇编\ndate: 2021-05-01\nnumbering: arabic\nchapters:\n  - title: 第一部分\n    cases:\n      - a\n      - {slug: b, numbered: false, note: 存目}\n  - title: 二\n    cases: [c]\n---\n序言\n";
    let (p, d) = parse_file(Kind::Compilation, Path::new("content/compilations/x.md"), text, &[]);
    assert!(d.is_empty(), "{d:#?}");
    let Meta::Compilation(m) = p.unwrap().meta else { panic!() };
    assert_eq!(m.numbering, Numbering::Arabic);
    let e = &m.chapters[0].cases;
    assert_eq!((e[0].slug.as_str(), e[0].line, e[0].column, e[0].numbered), ("a", 8, 9, true));
    assert_eq!((e[1].slug.as_str(), e[1].line, e[1].numbered, e[1].note.as_deref()), ("b", 9, false, Some("存目")));
    assert_eq!((m.chapters[1].cases[0].slug.as_str(), m.chapters[1].cases[0].line), ("c", 11));
}

#[test]
fn chapter_entry_with_bad_slug_and_unknown_key() {
    let text = "---\ntitle: 汇编\ndate: 2021-05-01\nchapters:\n  - title: 一\n    cases: [a/b, {slug: c, nmbered: false}]\n---\n";
    let (_, d) = parse_file(Kind::Compilation, Path::new("content/compilations/x.md"), text, &[]);
    let got: Vec<_> = d.iter().map(|e| (e.code, e.field.as_deref().unwrap())).collect();
    assert_eq!(got, vec![("invalid-slug", "chapters[0].cases[0]"), ("unknown-field", "chapters[0].cases[1].nmbered")]);
    assert!(d[1].hint.as_ref().map(|t| t.en.as_str()).unwrap().starts_with("did you mean `numbered`? (it is ignored)"));
}

#[test]
fn no_input_panics() {
    let deep_list = format!("---\na: {}1{}\n---\n", "[".repeat(2_000), "]".repeat(2_000));
    let deep_map =
        format!("---\n{}\n---\n", (0..300).map(|i| format!("{}k{i}:", " ".repeat(i))).collect::<Vec<_>>().join("\n"));
    let bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ntitle: *f\n---\n";
    let mut inputs: Vec<String> = vec![
        String::new(), "---".into(), "---\n".into(), "\u{feff}".into(), "---\n---".into(), "------".into(),
        "---\n...\n---\n".into(), "---\n- a\n- b\n---\n".into(), "---\n: :\n---\n".into(), "---\n? [a]\n: b\n---\n".into(),
        "---\ndate: 99999-99-99\nyear: 99999999999999999999999\nweight: 1e400\ncount: -1\n---\n".into(),
        "---\ntitle: t\nbrand: b\norg: o\ndate: 2021-05-01\nhonours: [{name: x, count: -5, years: {a: 1}}]\nmetrics: [1, {label: l}]\nsources: x\ncover: [1]\nchapters: 3\nextra: 5\naliases: {a: b}\n---\n".into(),
        "---\n!!binary title: x\n---\n".into(), "---\ntitle: !custom {a: 1}\n---\n".into(), "---\n\"unterminated\n---\n".into(),
        "---\ntitle: t\ntitle: u\n---\n".into(), "---\n1: 2\nnull: 3\n[a]: b\n---\n".into(), "\r\r\r---\r\r---\r".into(),
        deep_list, deep_map, bomb.into(),
    ];
    const ALPHABET: &[u8] = b"-:\n []{}#&*!|>'\"\t ak1\\,?\xE5\x85\x88";
    // Deterministic pseudo-random garbage, also with a fence in front.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..200 {
        let bytes: Vec<u8> = (0..(i * 7 % 300))
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                ALPHABET[(seed % ALPHABET.len() as u64) as usize]
            })
            .collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        inputs.push(format!("---\n{text}\n---\n"));
        inputs.push(text);
    }
    for input in &inputs {
        for kind in [Kind::Case, Kind::Compilation, Kind::Page, Kind::Section] {
            let (parsed, diags) = parse_file(kind, file(), input, &[]);
            // Either it parsed, or it says why (pages always parse).
            assert!(parsed.is_some() || diags.iter().any(Diagnostic::is_error), "{kind:?} {input:?}");
            assert!(diags.iter().all(|d| d.line >= 1 && d.column >= 1), "{input:?} {diags:#?}");
        }
    }
}

#[test]
fn duplicate_key_and_empty_required_value() {
    let e = only(&parse(Kind::Case, "---\ntitle: t\nbrand: b\ntitle: u\n---\n").1).clone();
    assert_eq!(e.code, "yaml-syntax");
    assert_eq!(
        e.hint.as_ref().map(|t| t.en.as_str()),
        Some("`title` is given twice; keep one of the two `title:` lines"),
        "{e}"
    );
    let (_, d) = parse(Kind::Case, "---\ntitle: \"\"\nbrand: b\norg: o\ndate: 2021-05-01\n---\n");
    let e = only(&d);
    assert_eq!((e.code, e.message.en.as_str(), e.line), ("missing-field", "required field `title` is empty", 2));
}

/// (front matter, expected line, expected field, expected start of hint)
type SyntaxRow = (&'static str, usize, Option<&'static str>, &'static str);

#[test]
fn syntax_errors_name_line_field_and_cause() {
    let rows: &[SyntaxRow] = &[
        ("title: t\nregion: [广东省, 珠海市\n", 4, Some("region"), "the `[` opened on line 3 is not closed"),
        (
            "title: \"让我先来\"工作法\n",
            2,
            Some("title"),
            "a value that starts with a quote must end with it; quote the whole value: title: '\"让我先来\"工作法'",
        ),
        ("title: t\nbrand:b\norg: o\n", 3, Some("brand"), "line 3 needs a space after the colon: `brand: b`"),
        (
            "title: a\n  foo: bar\n",
            3,
            Some("foo"),
            "line 3 is indented more than line 2, so YAML reads it as part of `title`'s value",
        ),
        (
            "title: *x\n",
            2,
            Some("title"),
            "a value starting with `*` has a special meaning in YAML; put it in quotes: title: \"*x\"",
        ),
    ];
    for (yaml, line, field, hint) in rows {
        let e = only(&parse(Kind::Case, &format!("---\n{yaml}---\n")).1).clone();
        assert_eq!((e.code, e.line, e.field.as_deref()), ("yaml-syntax", *line, *field), "{yaml:?}: {e}");
        assert!(e.hint.as_ref().map(|t| t.en.as_str()).unwrap().starts_with(hint), "{yaml:?}: {e}");
    }
}

#[test]
fn declared_fields_read_by_type_in_declaration_order_with_null_as_absent() {
    use crate::config::FieldDecl;
    use crate::content::model::FieldValue;
    let decl = |key: &str, type_name: &str| FieldDecl {
        key: key.into(),
        label: key.into(),
        type_name: type_name.into(),
        ..FieldDecl::default()
    };
    let declared = [
        decl("a_text", "text"),
        decl("a_list", "list"),
        decl("a_number", "number"),
        decl("a_date", "date"),
        decl("a_url", "url"),
        decl("a_map", "map"),
    ];
    let yaml = "a_map: {电话: 0756-1234567, 联系人: 张三, 空: null}\na_url: /cases/b/\na_date: 2019-07-01\n\
                a_number: \"3000\"\na_list: 一项\na_text: 2021\nunused: null\n";
    let text = format!("---\n{CASE_HEAD}{yaml}---\n正文\n");
    let (parsed, diags) = parse_file(Kind::Case, file(), &text, &declared);
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["unknown-field"], "only `unused` is unknown: {diags:?}");
    let Some(Meta::Case(meta)) = parsed.map(|p| p.meta) else { panic!("a case") };
    let values: Vec<(&str, &FieldValue)> = meta.fields.iter().map(|f| (f.key.as_str(), &f.value)).collect();
    let date = chrono::NaiveDate::from_ymd_opt(2019, 7, 1).unwrap();
    assert_eq!(
        values,
        [
            ("a_text", &FieldValue::Text("2021".into())),
            ("a_list", &FieldValue::List(vec!["一项".into()])),
            ("a_number", &FieldValue::Number { number: 3000.0, written: "3000".into() }),
            ("a_date", &FieldValue::Date(date)),
            ("a_url", &FieldValue::Url("/cases/b/".into())),
            ("a_map", &FieldValue::Map(vec![("电话".into(), "0756-1234567".into()), ("联系人".into(), "张三".into())])),
        ]
    );
    assert!(!meta.extra.contains_key("a_text"), "declared values are not extra");
    let (parsed, diags) = parse_file(Kind::Case, file(), &format!("---\n{CASE_HEAD}a_text: null\n---\n"), &declared);
    assert!(diags.is_empty(), "{diags:?}");
    let Some(Meta::Case(meta)) = parsed.map(|p| p.meta) else { panic!("a case") };
    assert!(meta.fields.is_empty(), "null is absent");
}
