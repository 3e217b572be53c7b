//! The URL is the source of truth for a shareable view.
//!
//! Pages read their state from the query string with [`use_query_pairs`] and
//! write it back with [`use_set_query`], which replaces the whole query of the
//! current path. Three rules hold on every page:
//!
//! * **A value is decoded exactly once.** What a user typed (`%41`, `a=b`,
//!   `100%`, `,`) comes back from the URL as typed. (`leptos_router`'s
//!   `use_query_map` decodes a second time — `ParamsMap::insert` calls
//!   `decodeURIComponent` on values `URLSearchParams` already decoded — so the
//!   app never uses it.)
//! * **A repeated parameter: the last one wins**, and the app says so in a
//!   notice above the page ([`repeated_params`]).
//! * **Every link stays under the base path** (`/kplay/` on a GitHub Pages
//!   project site): navigation links go through [`href`], and the query
//!   writers keep the current path, which already starts with the base.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

/// The router base path from the document's `<base href>` (Trunk fills it from
/// `--public-url`): `""` locally, `"/kplay"` on a GitHub project page.
pub fn base_path() -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    normalize_base(path_of(&base))
}

/// A base path as the router wants it: no trailing slash, `""` for the root;
/// anything that is not a plain absolute path (`//host`, `\`) counts as root.
pub fn normalize_base(path: &str) -> String {
    let p = path.trim_end_matches('/');
    if !p.starts_with('/') || p.starts_with("//") || p.contains('\\') {
        return String::new();
    }
    p.to_owned()
}

/// An app path (`/`, `/planner`) under the base (`/kplay/`, `/kplay/planner`).
pub fn href(base: &str, path: &str) -> String {
    if path == "/" {
        format!("{base}/")
    } else {
        format!("{base}{path}")
    }
}

/// The path component of an absolute URL (`https://h/a/b?x` → `/a/b`).
pub fn path_of(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    path.split(['?', '#']).next().unwrap_or("")
}

/// `encodeURIComponent`-style encoding for a query value.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one `application/x-www-form-urlencoded` name or value exactly once,
/// as the URL standard's `URLSearchParams` does: `+` is a space, `%XX` is a
/// byte, a `%` not followed by two hex digits stays a `%`, and bytes that are
/// not UTF-8 become U+FFFD.
pub fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a raw query string (`a=1&b=%41`, with or without the leading `?`)
/// into `(name, value)` pairs in order, each decoded once. Empty pieces
/// (`a=1&&b=2`) are skipped; a piece without `=` has an empty value.
pub fn parse_query(search: &str) -> Vec<(String, String)> {
    let search = search.strip_prefix('?').unwrap_or(search);
    search
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

/// The one rule for repeated parameters: the last value wins. Returns the
/// pairs with only the last of each name (in the order of those last ones).
pub fn last_wins(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs.into_iter().rev() {
        if !out.iter().any(|(seen, _)| *seen == k) {
            out.push((k, v));
        }
    }
    out.reverse();
    out
}

/// Names that appear more than once in `pairs`, each once, in first-seen order.
pub fn repeated_params(pairs: &[(String, String)]) -> Vec<String> {
    let mut repeated: Vec<String> = Vec::new();
    for (i, (k, _)) in pairs.iter().enumerate() {
        if pairs[..i].iter().any(|(seen, _)| seen == k) && !repeated.contains(k) {
            repeated.push(k.clone());
        }
    }
    repeated
}

/// The longest message a banner shows; see [`shorten_message`].
pub const MAX_MESSAGE_CHARS: usize = 400;

/// A banner's text: a message that quotes a huge input (an engine error
/// echoing a 100 KB value) keeps its start and its end (where the rule is
/// usually said) and says how much was left out.
pub fn shorten_message(m: &str) -> String {
    let n = m.chars().count();
    if n <= MAX_MESSAGE_CHARS {
        return m.to_owned();
    }
    let head: String = m.chars().take(240).collect();
    let tail: String = m.chars().skip(n - 120).collect();
    format!("{head} … ({} characters left out) … {tail}", n - 360)
}

/// The current query as pairs: decoded once, repeated names resolved by
/// [`last_wins`]. Reactive: follows every navigation.
pub fn use_query_pairs() -> Memo<Vec<(String, String)>> {
    let location = use_location();
    Memo::new(move |_| location.search.with(|s| last_wins(parse_query(s))))
}

/// Builds `?k=v&…` from pairs (values encoded).
pub fn query_string<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                encode_component(k.as_ref()),
                encode_component(v.as_ref())
            )
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// A function that replaces the current path's query with `pairs` (a new
/// history entry, so Back undoes the last change).
pub fn use_set_query() -> impl Fn(Vec<(String, String)>) + Clone + 'static {
    use_write_query(false)
}

/// Like [`use_set_query`] but without a new history entry (for keystrokes
/// and slider moves).
pub fn use_replace_query() -> impl Fn(Vec<(String, String)>) + Clone + 'static {
    use_write_query(true)
}

fn use_write_query(replace: bool) -> impl Fn(Vec<(String, String)>) + Clone + 'static {
    let navigate = use_navigate();
    let location = use_location();
    move |pairs: Vec<(String, String)>| {
        // The browser's path, which starts with the base path: the link stays
        // under `/kplay/` on a project site.
        let path = location.pathname.get_untracked();
        let url = format!("{path}{}", query_string(&pairs));
        navigate(
            &url,
            NavigateOptions {
                resolve: false,
                replace,
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_of_strips_origin_query_and_hash() {
        assert_eq!(path_of("https://x.github.io/kplay/"), "/kplay/");
        assert_eq!(path_of("http://127.0.0.1:8080/"), "/");
        assert_eq!(path_of("http://h/a?b=1#c"), "/a");
        assert_eq!(path_of("http://h"), "");
    }

    #[test]
    fn query_string_encodes_values() {
        assert_eq!(query_string(&[("ops", "ra=b c")]), "?ops=ra%3Db%20c");
        assert_eq!(query_string::<&str, &str>(&[]), "");
    }

    /// What users type, including what looks like escapes or separators.
    const TYPED: [&str; 14] = [
        "%41", "a=b", "100%", ",", "a.b", "%", "%%", "%4", "%zz", "+", "a b", "é ✓", "&x=1", "?",
    ];

    #[test]
    fn a_value_is_decoded_exactly_once() {
        for s in TYPED {
            let q = query_string(&[("k", s)]);
            assert_eq!(
                parse_query(&q),
                vec![("k".to_owned(), s.to_owned())],
                "{s} via {q}"
            );
        }
        // Hand-written links: a stray % stays, + is a space, as URLSearchParams does.
        assert_eq!(decode_component("100%"), "100%");
        assert_eq!(decode_component("%4"), "%4");
        assert_eq!(decode_component("%2541"), "%41");
        assert_eq!(decode_component("a+b"), "a b");
        assert_eq!(decode_component("%FF"), "\u{FFFD}");
    }

    #[test]
    fn parse_query_keeps_order_and_skips_empty_pieces() {
        let pairs = parse_query("?b=2&&a=1&flag&a=3");
        let want: Vec<(String, String)> = [("b", "2"), ("a", "1"), ("flag", ""), ("a", "3")]
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(pairs, want);
        assert_eq!(repeated_params(&pairs), vec!["a".to_owned()]);
        let last = last_wins(pairs);
        assert_eq!(
            last,
            vec![
                ("b".to_owned(), "2".to_owned()),
                ("flag".to_owned(), String::new()),
                ("a".to_owned(), "3".to_owned())
            ]
        );
    }

    #[test]
    fn links_stay_under_the_base_path() {
        assert_eq!(href("", "/"), "/");
        assert_eq!(href("", "/planner"), "/planner");
        assert_eq!(href("/kplay", "/"), "/kplay/");
        assert_eq!(href("/kplay", "/planner"), "/kplay/planner");
        assert_eq!(normalize_base("/kplay/"), "/kplay");
        assert_eq!(normalize_base("/"), "");
        assert_eq!(normalize_base("//evil.example.com/"), "");
        assert_eq!(normalize_base("/a\\b"), "");
    }

    #[test]
    fn a_banner_never_shows_a_huge_message_whole() {
        let m = format!(
            "segment.bytes '{}' must be at most 2147483647",
            "9".repeat(100_000)
        );
        let short = shorten_message(&m);
        assert!(
            short.chars().count() < MAX_MESSAGE_CHARS + 60,
            "{}",
            short.len()
        );
        assert!(short.starts_with("segment.bytes '999"));
        assert!(short.ends_with("must be at most 2147483647"));
        assert!(short.contains("characters left out"));
        assert_eq!(shorten_message("short"), "short");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_typed_value_round_trips(k in "\\PC{0,12}", v in "\\PC{0,40}") {
            let q = query_string(&[(k.as_str(), v.as_str())]);
            prop_assert_eq!(parse_query(&q), vec![(k, v)]);
        }

        #[test]
        fn any_hand_written_query_reencodes_to_the_same_pairs(s in "[a-z=&%+0-9A-F,.]{0,60}") {
            // Whatever a person pastes, what the app writes back means the same.
            let pairs = parse_query(&s);
            prop_assert_eq!(parse_query(&query_string(&pairs)), pairs);
        }
    }
}
