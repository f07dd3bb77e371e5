//! HTML escaping for template output and the few places that write HTML by hand (the QR
//! code's label, serve's error overlay). A leaf: it imports nothing of the crate, so any stage
//! may use it without an import running back up the pipeline.

/// [`escape_html`] as Tera's escape function, writing into the page.
pub fn write_escaped_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Writes the text between special characters in one piece; most values have none.
    let mut rest = input;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.write_all(&rest.as_bytes()[..at])?;
        out.write_all(entity(rest.as_bytes()[at]).as_bytes())?;
        rest = &rest[at + 1..];
    }
    out.write_all(rest.as_bytes())
}

fn entity(special: u8) -> &'static str {
    match special {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        _ => "&#39;",
    }
}

/// Escapes the five characters that matter in HTML text and quoted attributes. Tera's own
/// escaper also turns `/` into `&#x2F;`, which bloats every URL and breaks nothing it guards.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    let mut rest = input;
    // Copies the text between special characters in one piece; most values have none.
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(entity(rest.as_bytes()[at]));
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_html_characters_only() {
        assert_eq!(escape_html("让我先来"), "让我先来");
        assert_eq!(
            escape_html(r#"<a href="/x">'甲'&乙</a>"#),
            "&lt;a href=&quot;/x&quot;&gt;&#39;甲&#39;&amp;乙&lt;/a&gt;"
        );
    }
}
