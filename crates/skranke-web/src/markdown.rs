//! Markdown that agents write (operational messages), as safe HTML: raw
//! HTML in the source is shown as text, and what pulldown-cmark makes is
//! cleaned by ammonia (no scripts, no event handlers, links that open
//! nowhere but http(s) and mailto, each marked `noopener noreferrer`).

use pulldown_cmark::{Event, Options, Parser, html};

/// The HTML for `source`; safe to insert into a page unescaped.
pub fn to_html(source: &str) -> String {
    let parser = Parser::new_ext(
        source,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    )
    .map(|event| match event {
        // Written HTML is text: nobody's markup reaches a page.
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        e => e,
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, parser);
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer"))
        .clean(&out)
        .to_string()
}

/// The text of `source` without its markup, for feeds' summaries and mail.
pub fn to_text(source: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(source) {
        match event {
            Event::Text(s) | Event::Code(s) | Event::Html(s) | Event::InlineHtml(s) => {
                out.push_str(&s)
            }
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(pulldown_cmark::TagEnd::Paragraph | pulldown_cmark::TagEnd::Item) => {
                out.push_str("\n\n")
            }
            _ => {}
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_rendered_and_nothing_runs() {
        let html = to_html("**Nede** i dag\n\n- e-post\n- [status](https://example.org/s)");
        assert!(html.contains("<strong>Nede</strong>"), "{html}");
        assert!(html.contains("<li>e-post</li>"), "{html}");
        assert!(
            html.contains(r#"href="https://example.org/s""#) && html.contains("noopener"),
            "{html}"
        );
        for evil in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
        ] {
            let out = to_html(evil);
            assert!(!out.contains("<script"), "{evil} → {out}");
            assert!(!out.contains("<img"), "{evil} → {out}");
            assert!(!out.contains("<a href=\"javascript"), "{evil} → {out}");
        }
        assert!(
            to_html("<b>x</b>").contains("&lt;b&gt;"),
            "raw HTML is text"
        );
    }

    #[test]
    fn text_drops_the_markup() {
        assert_eq!(
            to_text("**Nede** i dag\n\nMer _snart_."),
            "Nede i dag\n\nMer snart."
        );
    }
}
