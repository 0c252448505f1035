//! Text from users in log lines. A title or name could hold a line break
//! and so write a fake line into the log; shown through `Safe`, control
//! characters (and bidirectional ones) are escaped, as `\n` or `\u{202e}`.

use std::fmt;

pub struct Safe<'a>(pub &'a str);

impl fmt::Display for Safe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() || skranke_core::case::is_bidi_control(c) {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Safe;

    #[test]
    fn line_breaks_and_overrides_are_escaped() {
        assert_eq!(
            Safe("Skriver\n2026-12-01T10:00:00Z WARN falsk\u{202e}").to_string(),
            "Skriver\\n2026-12-01T10:00:00Z WARN falsk\\u{202e}"
        );
        assert_eq!(
            Safe("Får ikke logget inn").to_string(),
            "Får ikke logget inn"
        );
    }
}
