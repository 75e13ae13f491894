//! A small SVG writer: elements written in order, numbers with one decimal,
//! text escaped. Same input, same bytes.

use std::fmt::Write as _;

/// The font stack every chart asks for: common sans-serif faces, no font
/// file embedded or needed to write the chart.
const FONT: &str = "DejaVu Sans, Helvetica, Arial, sans-serif";

/// An SVG document being written.
pub(crate) struct Svg {
    width: f64,
    height: f64,
    body: String,
}

/// Horizontal anchoring of a text.
#[derive(Clone, Copy)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

impl Svg {
    pub(crate) fn new(width: f64, height: f64) -> Svg {
        Svg {
            width,
            height,
            body: String::new(),
        }
    }

    pub(crate) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, style: &str) {
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {style}/>"#,
            px(x),
            px(y),
            px(w.max(0.0)),
            px(h.max(0.0))
        );
    }

    pub(crate) fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, style: &str) {
        let _ = writeln!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {style}/>"#,
            px(x1),
            px(y1),
            px(x2),
            px(y2)
        );
    }

    /// A polyline (`fill` none) or polygon through the points.
    pub(crate) fn path(&mut self, points: &[(f64, f64)], closed: bool, style: &str) {
        let mut d = String::new();
        for (i, (x, y)) in points.iter().enumerate() {
            let command = if i == 0 { 'M' } else { 'L' };
            let _ = write!(d, "{command}{},{} ", px(*x), px(*y));
        }
        if closed {
            d.push('Z');
        }
        let _ = writeln!(self.body, r#"<path d="{}" {style}/>"#, d.trim_end());
    }

    pub(crate) fn circle(&mut self, x: f64, y: f64, r: f64, style: &str) {
        let _ = writeln!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}" {style}/>"#,
            px(x),
            px(y),
            px(r)
        );
    }

    pub(crate) fn text(&mut self, x: f64, y: f64, size: f64, anchor: Anchor, text: &str) {
        self.styled_text(x, y, size, anchor, "", text);
    }

    pub(crate) fn styled_text(
        &mut self,
        x: f64,
        y: f64,
        size: f64,
        anchor: Anchor,
        style: &str,
        text: &str,
    ) {
        // The default colour, unless the style gives one.
        let fill = if style.contains("fill=") {
            ""
        } else {
            r##" fill="#222""##
        };
        let _ = writeln!(
            self.body,
            r#"<text x="{}" y="{}" font-size="{}" text-anchor="{}"{fill}{}{style}>{}</text>"#,
            px(x),
            px(y),
            px(size),
            anchor.as_str(),
            if style.is_empty() { "" } else { " " },
            escape(text)
        );
    }

    /// The document: an XML header, the size, a white background, the body.
    pub(crate) fn finish(self, title: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">"#,
            w = px(self.width),
            h = px(self.height)
        );
        let _ = writeln!(out, "<title>{}</title>", escape(title));
        let _ = writeln!(
            out,
            r#"<rect x="0" y="0" width="{}" height="{}" fill="white"/>"#,
            px(self.width),
            px(self.height)
        );
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        out
    }
}

/// A coordinate with one decimal, without `-0` (so that outputs compare
/// byte for byte).
pub(crate) fn px(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let text = format!("{rounded:.1}");
    let text = text.strip_suffix(".0").map_or(text.clone(), str::to_string);
    if text == "-0" { "0".into() } else { text }
}

/// Text as XML 1.0 character data on one line: markup escaped, a line
/// break or tab as a space, and a character XML 1.0 does not allow at all
/// (another control character, U+FFFE, U+FFFF: ids and categories may
/// hold them) as U+FFFD, so that the mark shows where it was instead of
/// the document being refused or the character vanishing.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            '\u{FFFE}' | '\u{FFFF}' => out.push(char::REPLACEMENT_CHARACTER),
            c if c.is_control() => out.push(char::REPLACEMENT_CHARACTER),
            c => out.push(c),
        }
    }
    out
}

/// Approximate width of a text in pixels at `size` (the average advance of
/// a sans-serif face): enough to lay labels out without measuring fonts.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    let chars = f64::from(u32::try_from(text.chars().count()).unwrap_or(u32::MAX));
    chars * size * 0.58
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_text_are_written_the_same_way_every_time() {
        assert_eq!(px(1.04), "1");
        assert_eq!(px(-0.01), "0");
        assert_eq!(px(12.25), "12.3");
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
