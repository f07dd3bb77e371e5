//! The Markdown stage: one page body in, HTML plus what later stages need out.
//!
//! pulldown-cmark parses (tables, footnotes, strikethrough, heading attributes); one pass over
//! its events then
//! * gives every heading a unique id that keeps Chinese ([`slugify`]) and builds the TOC;
//! * sends every link and image destination through the [`LinkResolver`] (`@/cases/x.md#a`),
//!   recording internal links and reporting broken ones with their line in the .md file;
//! * renders code blocks with syntect classes, images as lazy `<img>`, tables in a scroll wrapper;
//! * collects the plain text for search and descriptions.
//!
//! Before parsing, `emphasis` repairs `**…**` next to full-width punctuation, which CommonMark
//! alone leaves as literal asterisks in Chinese text. After rendering, pages with raw HTML are
//! sanitised unless the site allows HTML.

mod emphasis;
mod highlight;
pub(crate) mod sanitize;
mod slug;

pub use emphasis::is_cjk;
pub use highlight::highlight_css;
pub use slug::slugify;

use crate::diagnostics::{line_col, Diagnostic};
use crate::images::Picture;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::ops::Range;
use std::path::Path;

/// Site-wide Markdown settings (`markdown:` in site.yaml).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// Pass raw HTML through unsanitised.
    pub allow_html: bool,
}

/// A link or image destination after resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedLink {
    /// What goes into `href`/`src`.
    pub url: String,
    /// For links to a page of the site: the target content path (`cases/x.md`) and anchor.
    pub internal: Option<(String, Option<String>)>,
    /// For an image the build processed: its size and copies (see `images`).
    pub picture: Option<Picture>,
}

/// Turns destinations as written in Markdown into URLs; implemented by the site model.
pub trait LinkResolver: Sync {
    /// Rewrites a link or image destination as written in Markdown. `@/cases/x.md#a` → the page
    /// URL + `#a`. Err(message) when an `@/` link names no page. Plain URLs and relative paths
    /// may be returned unchanged or rewritten.
    fn resolve(&self, dest: &str, is_image: bool) -> Result<ResolvedLink, crate::lang::Text>;
}

/// A resolver that returns every destination unchanged (for tests and previews).
#[derive(Debug, Clone, Copy, Default)]
pub struct KeepLinks;

impl LinkResolver for KeepLinks {
    fn resolve(&self, dest: &str, _is_image: bool) -> Result<ResolvedLink, crate::lang::Text> {
        Ok(ResolvedLink { url: dest.to_owned(), internal: None, picture: None })
    }
}

/// One heading in the table of contents, with the headings nested under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A link to another page of the site, for the anchor check of a later stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InternalLink {
    /// Target content path, e.g. `cases/x.md`.
    pub target: String,
    pub anchor: Option<String>,
    /// 1-based line and column (in characters) in the .md file.
    pub line: usize,
    pub column: usize,
}

/// The result of rendering one page body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Ids of all headings, in order.
    pub heading_ids: Vec<String>,
    pub internal_links: Vec<InternalLink>,
    /// Plain text of the body (blocks separated by '\n'), for search and descriptions. Code
    /// blocks and raw HTML are left out.
    pub text: String,
    pub has_code: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// Headings from h1 to this level go into the TOC.
const TOC_MAX_LEVEL: u8 = 4;

/// Renders `markdown`, which starts at 1-based line `first_line` of `file`.
pub fn render(
    markdown: &str,
    opts: &MarkdownOptions,
    resolver: &dyn LinkResolver,
    file: &Path,
    first_line: usize,
) -> Rendered {
    let prepared = emphasis::prepare(markdown);
    let source: &str = &prepared.source;
    let parsed = Parser::new_ext(source, parser_options()).into_offset_iter().map(|(e, r)| {
        if prepared.marks_in(&r) || is_link(&e) {
            (strip_event(e), r)
        } else {
            (e, r)
        }
    });
    let mut pass = Pass {
        markdown,
        prepared: &prepared,
        file,
        first_line,
        resolver,
        ids: slug::IdSet::default(),
        flat_toc: Vec::new(),
        out: Rendered::default(),
        has_raw_html: false,
        dropped_link: false,
        captions: Vec::new(),
    };
    let mut events = Vec::with_capacity(source.len() / 16 + 16);
    // Explicit ids and footnote labels must be reserved before automatic ids are handed out.
    // Footnote definitions are found by a cheap line scan; explicit ids need the whole event
    // list, so only pages that have `{#` pay for collecting it.
    for label in footnote_labels(source) {
        pass.ids.reserve(label);
    }
    if source.contains("{#") {
        let all: Vec<_> = parsed.collect();
        pass.reserve_ids(&all);
        pass.transform(all.into_iter(), &mut events);
    } else {
        pass.transform(parsed, &mut events);
    }
    make_figures(&mut events, &pass.captions);
    join_chinese_lines(&mut events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2 + 64);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if pass.has_raw_html && !opts.allow_html {
        html = sanitize::clean(&html);
    }
    let mut out = pass.out;
    out.html = html;
    out.toc = nest_toc(pass.flat_toc);
    let trimmed = out.text.trim_end().len();
    out.text.truncate(trimmed);
    // Kept for the whole build (10,000s of pages): no growth slack.
    out.html.shrink_to_fit();
    out.text.shrink_to_fit();
    out
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// State of the pass over one page's events.
struct Pass<'p> {
    markdown: &'p str,
    prepared: &'p emphasis::Prepared<'p>,
    file: &'p Path,
    first_line: usize,
    resolver: &'p dyn LinkResolver,
    ids: slug::IdSet,
    flat_toc: Vec<(u8, String, String)>,
    out: Rendered,
    has_raw_html: bool,
    /// The link being read was refused by the URL sanitiser: its end is dropped too.
    dropped_link: bool,
    /// Images with a title: their index among the output events, and the title.
    captions: Vec<(usize, String)>,
}

impl<'p> Pass<'p> {
    /// Explicit `{#id}`s win: reserve them before any automatic heading id is handed out.
    fn reserve_ids(&mut self, events: &[(Event, Range<usize>)]) {
        for (event, range) in events {
            match event {
                Event::Start(Tag::Heading { id: Some(id), .. }) if !self.ids.reserve(id) => {
                    let (line, column) = self.location(range.start);
                    let d = Diagnostic::warning(
                        "duplicate-id",
                        self.file,
                        (
                            format!("标题锚点 `{id}` 在这个页面上用了两次"),
                            format!("heading id `{id}` is used twice on this page"),
                        ),
                    )
                    .at(line, column)
                    .hint(("给每个 `{#id}` 起不同的名字", "give each `{#id}` a different name"));
                    self.out.diagnostics.push(d);
                }
                _ => {}
            }
        }
    }

    /// Rewrites the event stream; see the module docs for what changes.
    fn transform<'e, I>(&mut self, mut iter: I, out: &mut Vec<Event<'e>>)
    where
        I: Iterator<Item = (Event<'e>, Range<usize>)>,
    {
        while let Some((event, range)) = iter.next() {
            match event {
                Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                    let inner: Vec<_> = take_until_end(&mut iter);
                    let title = plain_text(inner.iter().map(|(e, _)| e));
                    let id = id.map(|id| id.to_string()).unwrap_or_else(|| self.ids.unique(slugify(&title)));
                    let level_n = level as u8;
                    self.out.heading_ids.push(id.clone());
                    if level_n <= TOC_MAX_LEVEL {
                        self.flat_toc.push((level_n, id.clone(), title));
                    }
                    out.push(Event::Start(Tag::Heading { level, id: Some(id.into()), classes, attrs }));
                    // Links and images in headings get the same treatment as elsewhere.
                    self.transform(inner.into_iter(), out);
                    out.push(Event::End(TagEnd::Heading(level)));
                    self.end_block();
                }
                Event::Start(Tag::Image { dest_url, title, .. }) => {
                    let inner = take_until_end(&mut iter);
                    let alt = plain_text(inner.iter().map(|(e, _)| e));
                    match self.resolve_safe(&dest_url, true, range) {
                        Some((url, picture)) => {
                            if !title.is_empty() {
                                self.captions.push((out.len(), title.to_string()));
                            }
                            out.push(Event::InlineHtml(image_html(&url, &alt, &title, picture.as_ref()).into()));
                        }
                        // A refused image shows its text, as a browser would show the alt.
                        None => out.push(Event::Text(alt.into())),
                    }
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let inner = take_until_end(&mut iter);
                    let code = plain_text(inner.iter().map(|(e, _)| e));
                    let lang = match &kind {
                        CodeBlockKind::Fenced(info) => info.split_whitespace().next(),
                        CodeBlockKind::Indented => None,
                    };
                    self.out.has_code = true;
                    out.push(Event::Html(highlight::code_block(lang, &code).into()));
                    self.end_block();
                }
                Event::Start(Tag::Table(align)) => {
                    out.push(Event::Html(CowStr::Borrowed("<div class=\"table-wrap\">\n")));
                    out.push(Event::Start(Tag::Table(align)));
                }
                Event::End(TagEnd::Table) => {
                    out.push(Event::End(TagEnd::Table));
                    out.push(Event::Html(CowStr::Borrowed("</div>\n")));
                    self.end_block();
                }
                other => self.inline(other, range, out),
            }
        }
    }

    /// Events that need no look-ahead: links, text, breaks, block ends.
    fn inline<'e>(&mut self, event: Event<'e>, range: Range<usize>, out: &mut Vec<Event<'e>>) {
        match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                // `<name@example.com>` is not a path; pulldown-cmark adds the `mailto:` itself.
                let url = match link_type {
                    LinkType::Email => Some(dest_url.to_string()),
                    _ => self.resolve_safe(&dest_url, false, range).map(|(url, _)| url),
                };
                match url {
                    Some(url) => out.push(Event::Start(Tag::Link { link_type, dest_url: url.into(), title, id })),
                    // A refused link keeps its text; its end is dropped too (links do not nest).
                    None => self.dropped_link = true,
                }
                return;
            }
            Event::End(TagEnd::Link) if self.dropped_link => {
                self.dropped_link = false;
                return;
            }
            Event::Text(ref t) | Event::Code(ref t) => self.out.text.push_str(t),
            Event::SoftBreak => self.soft_break(),
            Event::HardBreak => self.out.text.push('\n'),
            Event::InlineHtml(_) | Event::Html(_) => self.has_raw_html = true,
            Event::End(TagEnd::TableCell) => self.out.text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition,
            ) => self.end_block(),
            _ => {}
        }
        out.push(event);
    }

    /// A soft line break is a space between words, but nothing between Chinese characters.
    fn soft_break(&mut self) {
        let last = self.out.text.chars().next_back();
        if last.is_some_and(|c| !c.is_whitespace() && !is_cjk(c)) {
            self.out.text.push(' ');
        }
    }

    fn end_block(&mut self) {
        let text = &mut self.out.text;
        let kept = text.trim_end_matches([' ', '\t']).len();
        text.truncate(kept);
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
    }

    /// [`resolve`](Self::resolve) for a destination that passes the URL sanitiser; None (and a
    /// warning) for one it refuses, such as `javascript:`.
    fn resolve_safe(&mut self, dest: &str, is_image: bool, range: Range<usize>) -> Option<(String, Option<Picture>)> {
        if let Err(why) = crate::urls::check(dest) {
            let (line, column) = self.location(self.dest_offset(dest, &range));
            let (what_zh, what_en) = if is_image { ("图片", "image") } else { ("链接", "link") };
            let why = why.describe();
            let message = (
                format!("指向 `{dest}` 的{what_zh}已删去：{}", why.zh),
                format!("{what_en} to `{dest}` removed: {}", why.en),
            );
            let d = Diagnostic::warning("unsafe-url", self.file, message)
                .at(line, column)
                .expected((
                    "相对链接、@/cases/x.md，或 http、https、mailto、tel 网址",
                    "a relative link, @/cases/x.md, or an http, https, mailto or tel URL",
                ))
                .hint((
                    "只发布网页、邮件和电话链接；文字保留，链接去掉",
                    "only web, mail and phone links are published; the text is kept without the link",
                ));
            self.out.diagnostics.push(d);
            return None;
        }
        Some(self.resolve(dest, is_image, range))
    }

    /// Resolves a destination (and an image's picture); records internal links, reports
    /// broken ones.
    fn resolve(&mut self, dest: &str, is_image: bool, range: Range<usize>) -> (String, Option<Picture>) {
        let at = self.dest_offset(dest, &range);
        match self.resolver.resolve(dest, is_image) {
            Ok(resolved) => {
                if let Some((target, anchor)) = resolved.internal {
                    let (line, column) = self.location(at);
                    self.out.internal_links.push(InternalLink { target, anchor, line, column });
                }
                (resolved.url, resolved.picture)
            }
            Err(message) => {
                let (line, column) = self.location(at);
                let target = dest.strip_prefix("@/").unwrap_or(dest);
                let path = target.split('#').next().unwrap_or(target);
                let d = Diagnostic::error("broken-link", self.file, message)
                    .at(line, column)
                    .group(format!("content/{path}"))
                    .hint((
                        format!("没有 content/{path} 这个页面；检查文件名，或把链接写成 @/cases/<文件名>.md"),
                        format!(
                            "no page at content/{path}; check the file name, or write the link as @/cases/<file>.md"
                        ),
                    ));
                self.out.diagnostics.push(d);
                // Reported here, with its place in the .md: the page's link checker need not
                // find the same link again.
                (String::new(), None)
            }
        }
    }

    /// Where the destination is written, if it is inside the link's own source (not a
    /// reference definition elsewhere); else where the link starts.
    fn dest_offset(&self, dest: &str, range: &Range<usize>) -> usize {
        let source: &str = &self.prepared.source;
        let span = source.get(range.clone()).unwrap_or("");
        match (dest.is_empty(), span.rfind(dest)) {
            (false, Some(i)) => range.start + i,
            _ => range.start,
        }
    }

    /// 1-based line and column in the .md file of a byte offset in the prepared source.
    fn location(&self, offset: usize) -> (usize, usize) {
        let original = self.prepared.original_offset(offset);
        let (line, column) = line_col(self.markdown, original);
        (line + self.first_line.max(1) - 1, column)
    }
}

/// Drops the line break between two Chinese lines (`第一行⏎第二行`): a browser shows it as a
/// space, which Chinese text never has (pandoc's `east_asian_line_breaks`). A break next to
/// Latin text stays, as the space it means there.
fn join_chinese_lines(events: &mut Vec<Event<'_>>) {
    let side = |events: &[Event<'_>], i: usize, last: bool| {
        let found = if last {
            events[..i].iter().rev().map(|e| edge_char(e, true)).find(|e| !matches!(e, Edge::Through))
        } else {
            events[i + 1..].iter().map(|e| edge_char(e, false)).find(|e| !matches!(e, Edge::Through))
        };
        match found {
            Some(Edge::Char(c)) => is_cjk(c),
            _ => false,
        }
    };
    let dropped: Vec<bool> = (0..events.len())
        .map(|i| matches!(events[i], Event::SoftBreak) && side(events, i, true) && side(events, i, false))
        .collect();
    let mut i = 0;
    events.retain(|_| {
        i += 1;
        !dropped[i - 1]
    });
}

/// What a line break's neighbour event shows at the side next to the break.
enum Edge {
    Char(char),
    /// Inline markup with no text of its own (`**`, a link's start): look further.
    Through,
    Stop,
}

fn edge_char(event: &Event<'_>, last: bool) -> Edge {
    match event {
        Event::Text(t) | Event::Code(t) => {
            let c = if last { t.chars().next_back() } else { t.chars().next() };
            c.map_or(Edge::Through, Edge::Char)
        }
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
        | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link) => Edge::Through,
        _ => Edge::Stop,
    }
}

/// Takes the events up to the end of the element just started (nesting-aware), dropping the end.
fn take_until_end<'e, I>(iter: &mut I) -> Vec<(Event<'e>, Range<usize>)>
where
    I: Iterator<Item = (Event<'e>, Range<usize>)>,
{
    let mut depth = 0usize;
    let mut inner = Vec::new();
    for (event, range) in iter.by_ref() {
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            _ => {}
        }
        inner.push((event, range));
    }
    inner
}

/// The text content of some events (for heading titles, alt text and code).
fn plain_text<'a, 'e: 'a>(events: impl Iterator<Item = &'a Event<'e>>) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// `<img>` with lazy loading; the alt text is the image's text in Markdown. A processed image
/// gets its size (no layout shift while it loads), its `srcset`, and a `<picture>` with a
/// WebP `<source>` when it has WebP copies.
fn image_html(url: &str, alt: &str, title: &str, picture: Option<&Picture>) -> String {
    let mut html = String::with_capacity(url.len() + alt.len() + 48);
    let attr = |html: &mut String, name: &str, value: &str| {
        html.push_str(&format!(" {name}=\""));
        escape_html(html, value);
        html.push('"');
    };
    let sizes = crate::images::BODY_SIZES;
    let webp = picture.map_or("", |p| p.webp_srcset.as_str());
    if !webp.is_empty() {
        html.push_str("<picture><source type=\"image/webp\"");
        attr(&mut html, "srcset", webp);
        attr(&mut html, "sizes", sizes);
        html.push('>');
    }
    html.push_str("<img");
    attr(&mut html, "src", url);
    if let Some(p) = picture.filter(|p| !p.srcset.is_empty()) {
        attr(&mut html, "srcset", &p.srcset);
        attr(&mut html, "sizes", sizes);
    }
    if let Some((w, h)) = picture.and_then(|p| p.width.zip(p.height)) {
        attr(&mut html, "width", &w.to_string());
        attr(&mut html, "height", &h.to_string());
    }
    attr(&mut html, "alt", alt);
    if !title.is_empty() {
        attr(&mut html, "title", title);
    }
    html.push_str(" loading=\"lazy\" decoding=\"async\">");
    if !webp.is_empty() {
        html.push_str("</picture>");
    }
    html
}

/// An image with a title alone in its paragraph becomes a `<figure>` with the title as its
/// `<figcaption>` (a figure cannot sit inside a `<p>`, so images among text keep the title
/// attribute only).
fn make_figures(events: &mut [Event<'_>], captions: &[(usize, String)]) {
    for (i, caption) in captions {
        let i = *i;
        let alone = i > 0
            && matches!(events.get(i - 1), Some(Event::Start(Tag::Paragraph)))
            && matches!(events.get(i + 1), Some(Event::End(TagEnd::Paragraph)));
        if !alone {
            continue;
        }
        let Event::InlineHtml(img) = &events[i] else { continue };
        let img = img.to_string();
        let mut end = String::from("<figcaption>");
        escape_html(&mut end, caption);
        end.push_str("</figcaption></figure>\n");
        events[i - 1] = Event::Html(CowStr::Borrowed("<figure class=\"figure\">"));
        events[i] = Event::Html(img.into());
        events[i + 1] = Event::Html(end.into());
    }
}

/// Escapes text for an HTML body or a double-quoted attribute.
pub(crate) fn escape_html(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// Nests the flat list of (level, id, title) by level: each heading goes under the nearest
/// earlier heading of a smaller level.
fn nest_toc(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    let mut roots: Vec<TocEntry> = Vec::new();
    // Path of open entries, as indices into successive `children` vectors.
    for (level, id, title) in flat {
        let entry = TocEntry { level, id, title, children: Vec::new() };
        let mut siblings = &mut roots;
        while siblings.last().is_some_and(|last| last.level < level) {
            // Checked non-empty just above.
            siblings = &mut siblings.last_mut().expect("non-empty").children;
        }
        siblings.push(entry);
    }
    roots
}

/// Labels of footnote definitions (`[^1]: …` at the start of a line), whose ids pulldown-cmark
/// renders as the label itself; a heading must not take one of them.
fn footnote_labels(source: &str) -> impl Iterator<Item = &str> {
    let has_footnotes = source.contains("[^");
    source
        .lines()
        .filter(move |_| has_footnotes)
        .filter_map(|line| line.trim_start().strip_prefix("[^")?.split_once("]:").map(|(label, _)| label))
}

/// Links and images may take their destination from a reference definition elsewhere, so their
/// strings are always checked for markers.
fn is_link(event: &Event<'_>) -> bool {
    matches!(event, Event::Start(Tag::Link { .. } | Tag::Image { .. }))
}

/// Removes the emphasis markers from every string of an event.
fn strip_event(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Text(t) => Event::Text(strip(t)),
        Event::Code(t) => Event::Code(strip(t)),
        Event::Html(t) => Event::Html(strip(t)),
        Event::InlineHtml(t) => Event::InlineHtml(strip(t)),
        Event::InlineMath(t) => Event::InlineMath(strip(t)),
        Event::DisplayMath(t) => Event::DisplayMath(strip(t)),
        Event::FootnoteReference(t) => Event::FootnoteReference(strip(t)),
        Event::Start(tag) => Event::Start(strip_tag(tag)),
        other => other,
    }
}

fn strip_tag(tag: Tag<'_>) -> Tag<'_> {
    match tag {
        Tag::Heading { level, id, classes, attrs } => Tag::Heading {
            level,
            id: id.map(strip),
            classes: classes.into_iter().map(strip).collect(),
            attrs: attrs.into_iter().map(|(k, v)| (strip(k), v.map(strip))).collect(),
        },
        Tag::CodeBlock(CodeBlockKind::Fenced(info)) => Tag::CodeBlock(CodeBlockKind::Fenced(strip(info))),
        Tag::FootnoteDefinition(label) => Tag::FootnoteDefinition(strip(label)),
        Tag::Link { link_type, dest_url, title, id } => {
            Tag::Link { link_type, dest_url: strip(dest_url), title: strip(title), id: strip(id) }
        }
        Tag::Image { link_type, dest_url, title, id } => {
            Tag::Image { link_type, dest_url: strip(dest_url), title: strip(title), id: strip(id) }
        }
        other => other,
    }
}

fn strip(s: CowStr<'_>) -> CowStr<'_> {
    match emphasis::strip_mark(&s) {
        Some(clean) => clean.into(),
        None => s,
    }
}
