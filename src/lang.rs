//! The language of xianfeng's own words: diagnostics, summaries, progress lines and the serve
//! overlay. A zh-* site (the default) is told in Chinese; `--lang en` or `XIANFENG_LANG=en`
//! gives English. Codes and JSON keys never change with the language.
//!
//! Each message is written at the place that finds the problem, in both languages side by side
//! ([`Text`]), so a message cannot exist in one language only and the words stay next to the
//! facts they describe.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `zh`, `zh-CN`, `zh-Hant`… → Chinese; `en`, `en-US`… → English; anything else is not a
    /// language xianfeng speaks.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of a run: the command line's `--lang`, else `XIANFENG_LANG`, else the
    /// site's `language` (a site in any language but English is told in Chinese: the users
    /// are Chinese offices).
    pub fn choose(cli: Option<&str>, env: Option<&str>, site_language: Option<&str>) -> Lang {
        cli.and_then(Lang::parse)
            .or_else(|| env.and_then(Lang::parse))
            .or_else(|| site_language.and_then(Lang::parse))
            .unwrap_or_default()
    }

    /// Picks the words of this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// One message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text { zh: zh.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// `("中文", "English")`, the way every message is written.
impl<Z: Into<String>, E: Into<String>> From<(Z, E)> for Text {
    fn from((zh, en): (Z, E)) -> Self {
        Text::new(zh, en)
    }
}

impl fmt::Display for Text {
    /// The Chinese words: the default language. Printers that know the run's language use
    /// [`Text::get`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.zh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_beats_the_environment_and_the_site() {
        assert_eq!(Lang::choose(Some("en"), Some("zh"), Some("zh-CN")), Lang::En);
        assert_eq!(Lang::choose(None, Some("en_US.UTF-8"), Some("zh-CN")), Lang::En);
        assert_eq!(Lang::choose(None, None, Some("zh-Hant")), Lang::Zh);
        assert_eq!(Lang::choose(None, None, Some("en-GB")), Lang::En);
        assert_eq!(Lang::choose(Some("fr"), None, Some("fr")), Lang::Zh, "unknown tags fall back to Chinese");
    }

    #[test]
    fn a_text_gives_the_words_of_the_language_asked() {
        let t = Text::from(("缺少字段", "missing field"));
        assert_eq!((t.get(Lang::Zh), t.get(Lang::En)), ("缺少字段", "missing field"));
    }
}
