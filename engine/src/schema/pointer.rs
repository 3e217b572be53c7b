//! Where a JSON pointer from [`super::Incompatibility::location`] falls in
//! the schema *text* a user wrote, for highlighting.
//!
//! Java's locations walk the reader schema's structure, which does not
//! always exist in the text: a named type used by reference (`"type":"F"`)
//! has no `/size` under it, and a writer-union branch index (`/0` in
//! `/fields/0/type/0`) does not exist when the reader's type is not a union.
//! [`pointer_span`] then returns the deepest part of the path that does
//! exist, which is what a reader should look at.

use std::ops::Range;

use super::parse::MAX_JSON_DEPTH;

/// The byte range in `text` of the JSON value at `pointer` (RFC 6901, as
/// Java's `Incompatibility.getLocation()` writes it; `/` is the root), or of
/// its deepest existing ancestor. `None` if `text` is not well-formed where
/// the walk goes.
pub fn pointer_span(text: &str, pointer: &str) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let mut start = skip_ws(b, 0);
    let tokens: Vec<String> = if pointer == "/" || pointer.is_empty() {
        Vec::new()
    } else {
        pointer
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect()
    };
    for token in &tokens {
        match child(b, start, token)? {
            Some(c) => start = c,
            None => break,
        }
    }
    let end = skip_value(b, start, 0)?;
    Some(start..end)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The start of member `token` of the object or array at `i`: `Some(None)`
/// if there is no such member (or the value is a scalar).
fn child(b: &[u8], i: usize, token: &str) -> Option<Option<usize>> {
    match b.get(i)? {
        b'{' => {
            let mut j = skip_ws(b, i + 1);
            if b.get(j) == Some(&b'}') {
                return Some(None);
            }
            loop {
                let key_end = skip_string(b, j)?;
                let key: String = serde_json::from_slice(b.get(j..key_end)?).ok()?;
                j = skip_ws(b, key_end);
                if b.get(j) != Some(&b':') {
                    return None;
                }
                let value = skip_ws(b, j + 1);
                if key == token {
                    return Some(Some(value));
                }
                j = skip_ws(b, skip_value(b, value, 0)?);
                match b.get(j)? {
                    b',' => j = skip_ws(b, j + 1),
                    b'}' => return Some(None),
                    _ => return None,
                }
            }
        }
        b'[' => {
            let Ok(want) = token.parse::<usize>() else {
                return Some(None);
            };
            let mut j = skip_ws(b, i + 1);
            if b.get(j) == Some(&b']') {
                return Some(None);
            }
            let mut k = 0;
            loop {
                if k == want {
                    return Some(Some(j));
                }
                j = skip_ws(b, skip_value(b, j, 0)?);
                match b.get(j)? {
                    b',' => j = skip_ws(b, j + 1),
                    b']' => return Some(None),
                    _ => return None,
                }
                k += 1;
            }
        }
        _ => Some(None),
    }
}

/// The end of the string starting at `i` (just past the closing quote).
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// The end of the value starting at `i`.
fn skip_value(b: &[u8], i: usize, depth: usize) -> Option<usize> {
    if depth > MAX_JSON_DEPTH {
        return None;
    }
    match b.get(i)? {
        b'"' => skip_string(b, i),
        open @ (b'{' | b'[') => {
            let close = if *open == b'{' { b'}' } else { b']' };
            let mut j = skip_ws(b, i + 1);
            if b.get(j) == Some(&close) {
                return Some(j + 1);
            }
            loop {
                if close == b'}' {
                    j = skip_ws(b, skip_string(b, j)?);
                    if b.get(j) != Some(&b':') {
                        return None;
                    }
                    j = skip_ws(b, j + 1);
                }
                j = skip_ws(b, skip_value(b, j, depth + 1)?);
                match b.get(j)? {
                    b',' => j = skip_ws(b, j + 1),
                    c if *c == close => return Some(j + 1),
                    _ => return None,
                }
            }
        }
        _ => {
            let mut j = i;
            while let Some(c) = b.get(j) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}
