//! Helpers for untrusted input: quoting it briefly in error messages, and
//! reading whole numbers with messages that say which range is allowed.
//!
//! ## Quoting
//!
//! Error messages name the value that was refused, as Kafka's
//! `ConfigException` does (`Invalid value X for configuration …`). When the
//! value is a 10 MB string, echoing it whole floods a terminal (`kplay` writes
//! errors to stderr) or a page banner (the app shows the same engine
//! messages). Every engine error that echoes input therefore goes through
//! [`clip`] (one value) or [`clip_message`] (a parser's message that may quote
//! the input, such as `serde_json`'s `invalid type: string "…"`).

use std::borrow::Cow;

/// Why a string is not a whole number of the wanted type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntError {
    /// Not an optionally signed run of ASCII digits (Java's
    /// `NumberFormatException` for e.g. `abc`, `1.5`, `1e3`, ``).
    NotANumber,
    /// Digits, but outside `min..=max` of the type (Java's `parseInt` and
    /// `parseLong` also throw `NumberFormatException` for these; kplay says
    /// why).
    OutOfRange,
}

/// Whether `s` is an optional `+`/`-` followed by one or more ASCII digits.
pub fn is_integer_literal(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Parses a whole number (surrounding whitespace ignored, as Kafka's
/// `ConfigDef` trims) into `i64`, telling "not a number" from "out of range".
pub fn parse_i64(s: &str) -> Result<i64, IntError> {
    let t = s.trim();
    match t.parse::<i64>() {
        Ok(v) => Ok(v),
        Err(_) if is_integer_literal(t) => Err(IntError::OutOfRange),
        Err(_) => Err(IntError::NotANumber),
    }
}

/// [`parse_i64`] narrowed to `i32` (a Java `int`).
pub fn parse_i32(s: &str) -> Result<i32, IntError> {
    i32::try_from(parse_i64(s)?).map_err(|_| IntError::OutOfRange)
}

/// The most characters of one input value an error message quotes.
pub const MAX_QUOTED_CHARS: usize = 64;

/// The most characters of a whole parser message kept before its middle is elided.
pub const MAX_MESSAGE_CHARS: usize = 1_000;

/// `s` itself when it has at most [`MAX_QUOTED_CHARS`] characters, else its
/// first [`MAX_QUOTED_CHARS`] characters, `…` and the full length in bytes:
/// `aaaa…aaaa… (70000 bytes)`.
pub fn clip(s: &str) -> Cow<'_, str> {
    match s.char_indices().nth(MAX_QUOTED_CHARS) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => Cow::Owned(format!("{}… ({} bytes)", &s[..cut], s.len())),
    }
}

/// A parser's message with every quoted run (`"…"`, with `\"` escapes, or
/// `` `…` ``) longer than [`MAX_QUOTED_CHARS`] clipped like [`clip`]; if the
/// result is still longer than [`MAX_MESSAGE_CHARS`] characters, its middle is
/// replaced by ` … ` so the start (what is wrong) and the end (where, e.g.
/// `at line 1 column 9`) stay.
pub fn clip_message(msg: &str) -> Cow<'_, str> {
    if msg.chars().count() <= MAX_QUOTED_CHARS {
        return Cow::Borrowed(msg);
    }
    let mut out = String::with_capacity(msg.len().min(4 * MAX_MESSAGE_CHARS));
    let mut rest = msg;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[open];
        out.push_str(&rest[..=open]);
        let body = &rest[open + 1..];
        // Find the closing quote; `"` strings may escape it as `\"`.
        let mut end = None;
        let mut escaped = false;
        for (i, b) in body.bytes().enumerate() {
            if escaped {
                escaped = false;
            } else if b == b'\\' && quote == b'"' {
                escaped = true;
            } else if b == quote {
                end = Some(i);
                break;
            }
        }
        let Some(end) = end else {
            out.push_str(&clip(body));
            rest = "";
            break;
        };
        out.push_str(&clip(&body[..end]));
        out.push(quote as char);
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    let n = out.chars().count();
    if n <= MAX_MESSAGE_CHARS {
        return Cow::Owned(out);
    }
    let head: String = out.chars().take(MAX_MESSAGE_CHARS / 2).collect();
    let tail: String = out.chars().skip(n - MAX_MESSAGE_CHARS / 4).collect();
    Cow::Owned(format!("{head} … {tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_tell_not_a_number_from_out_of_range() {
        assert_eq!(parse_i64(" 42 "), Ok(42));
        assert_eq!(parse_i64("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse_i64("9223372036854775808"), Err(IntError::OutOfRange));
        assert_eq!(
            parse_i64("-99999999999999999999999"),
            Err(IntError::OutOfRange)
        );
        assert_eq!(parse_i64("1e3"), Err(IntError::NotANumber));
        assert_eq!(parse_i64("-"), Err(IntError::NotANumber));
        assert_eq!(parse_i64(""), Err(IntError::NotANumber));
        assert_eq!(parse_i32("2147483647"), Ok(i32::MAX));
        assert_eq!(parse_i32("2147483648"), Err(IntError::OutOfRange));
        assert_eq!(parse_i32("9999999999"), Err(IntError::OutOfRange));
        assert_eq!(parse_i32("ten"), Err(IntError::NotANumber));
    }

    #[test]
    fn short_values_are_quoted_whole() {
        assert_eq!(clip("orders"), "orders");
        let s = "é".repeat(MAX_QUOTED_CHARS);
        assert_eq!(clip(&s), s);
    }

    #[test]
    fn long_values_keep_a_prefix_and_their_length() {
        let s = "x".repeat(70_000);
        let c = clip(&s);
        assert_eq!(c, format!("{}… (70000 bytes)", "x".repeat(64)));
        let s = "é".repeat(100);
        assert_eq!(clip(&s), format!("{}… (200 bytes)", "é".repeat(64)));
    }

    #[test]
    fn parser_messages_clip_each_quoted_run() {
        let long = "a".repeat(10_000);
        let msg = format!(
            "invalid type: string \"{long}\\\"{long}\", expected f64 at line 1 column 20009"
        );
        let c = clip_message(&msg);
        assert!(c.len() < 200, "{c}");
        assert!(c.starts_with("invalid type: string \"aaaa"), "{c}");
        assert!(
            c.ends_with("\", expected f64 at line 1 column 20009"),
            "{c}"
        );
        let msg = format!("unknown field `{long}`, expected one of `a`, `b`");
        assert_eq!(
            clip_message(&msg),
            format!(
                "unknown field `{}… (10000 bytes)`, expected one of `a`, `b`",
                "a".repeat(64)
            )
        );
        let unterminated = format!("x \"{long}");
        assert!(clip_message(&unterminated).len() < 100);
        let many = "`ab` ".repeat(1_000);
        let c = clip_message(&many);
        assert!(c.chars().count() < MAX_MESSAGE_CHARS, "{}", c.len());
        assert!(c.contains(" … "));
    }
}
