//! Signing-time patterns as agencies write them (`dd/MM/yyyy HH:mm:ss zzz`), checked once when
//! the command line is read, so a typo is an error rather than a stamp with a wrong date.

use chrono::{DateTime, FixedOffset};

/// The pattern printed when none is configured: `06/03/2026 11:27:34 +07:00`.
pub(crate) const DEFAULT_PATTERN: &str = "dd/MM/yyyy HH:mm:ss zzz";

/// A parsed pattern: fields and literal text, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TimePattern {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    /// A chrono `strftime` specifier for one field.
    Field(&'static str),
}

/// Why a pattern was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PatternError {
    /// A run of letters that names no field (e.g. `YYYY`, `mmm`).
    UnknownField(String),
    /// A `'` without its closing `'`.
    UnclosedQuote,
    /// No `zzz` field: the records rules want the time's offset (+07:00) printed every time.
    NoOffset,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownField(run) => f.write_str(&crate::i18n::tr_with(
                crate::i18n::Key::PatternUnknownField,
                &[("run", &format!("{run:?}"))],
            )),
            Self::UnclosedQuote => {
                f.write_str(crate::i18n::tr(crate::i18n::Key::PatternUnclosedQuote))
            }
            Self::NoOffset => f.write_str(crate::i18n::tr(crate::i18n::Key::PatternNoOffset)),
        }
    }
}

impl std::error::Error for PatternError {}

impl TimePattern {
    /// Parses a pattern: runs of the letters `d M y H m s z` are fields, text between single
    /// quotes (`''` for a quote) and every non-letter are literal. Any other letter is refused,
    /// and so is a pattern without the offset (`zzz`).
    pub(crate) fn parse(pattern: &str) -> Result<Self, PatternError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    literal.push('\'');
                    continue;
                }
                loop {
                    match chars.next() {
                        None => return Err(PatternError::UnclosedQuote),
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            literal.push('\'');
                        }
                        Some('\'') => break,
                        Some(other) => literal.push(other),
                    }
                }
                continue;
            }
            if !c.is_ascii_alphabetic() {
                literal.push(c);
                continue;
            }
            let mut run = String::from(c);
            while chars.peek() == Some(&c) {
                run.push(c);
                chars.next();
            }
            let spec = match run.as_str() {
                "dd" => "%d",
                "d" => "%-d",
                "MM" => "%m",
                "M" => "%-m",
                "yyyy" => "%Y",
                "yy" => "%y",
                "HH" => "%H",
                "H" => "%-H",
                "mm" => "%M",
                "ss" => "%S",
                "zzz" | "zz" => "%:z",
                _ => return Err(PatternError::UnknownField(run)),
            };
            if !literal.is_empty() {
                parts.push(Part::Literal(std::mem::take(&mut literal)));
            }
            parts.push(Part::Field(spec));
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        if !parts.contains(&Part::Field("%:z")) {
            return Err(PatternError::NoOffset);
        }
        Ok(Self { parts })
    }

    /// The time written with the pattern, in the time's own offset.
    pub(crate) fn format(&self, time: &DateTime<FixedOffset>) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Literal(text) => text.clone(),
                Part::Field(spec) => time.format(spec).to_string(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2020-03-06T11:27:34+07:00").expect("valid time")
    }

    #[test]
    fn default_pattern_prints_vietnam_offset() {
        let pattern = TimePattern::parse(DEFAULT_PATTERN).expect("default parses");
        assert_eq!(pattern.format(&time()), "06/03/2020 11:27:34 +07:00");
    }

    #[test]
    fn agency_patterns_with_dots_and_quoted_text_are_kept() {
        let pattern = TimePattern::parse("dd.MM.yyyy HH:mm:ss zzz").expect("parses");
        assert_eq!(pattern.format(&time()), "06.03.2020 11:27:34 +07:00");
        let pattern = TimePattern::parse("'ngày' d/M/yy 'lúc' H'h'mm zzz").expect("parses");
        assert_eq!(pattern.format(&time()), "ngày 6/3/20 lúc 11h27 +07:00");
    }

    #[test]
    fn unknown_letters_and_unclosed_quotes_are_refused() {
        assert_eq!(
            TimePattern::parse("DD/MM/YYYY"),
            Err(PatternError::UnknownField("DD".into()))
        );
        assert_eq!(
            TimePattern::parse("dd/MM/yyyy zzz 'at"),
            Err(PatternError::UnclosedQuote)
        );
        assert!(TimePattern::parse("dd/MM/yyyy hh:mm zzz").is_err());
        assert_eq!(
            TimePattern::parse("dd/MM/yyyy HH:mm:ss"),
            Err(PatternError::NoOffset)
        );
    }
}
