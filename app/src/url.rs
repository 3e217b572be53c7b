//! The URL is the source of truth for a shareable view.
//!
//! Pages read their state from the query string (`use_query_map`) and write it
//! back with [`set_query`], which replaces the whole query of the current path.

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
    path_of(&base).trim_end_matches('/').to_owned()
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
    let navigate = use_navigate();
    let location = use_location();
    move |pairs: Vec<(String, String)>| {
        let path = location.pathname.get_untracked();
        let url = format!("{path}{}", query_string(&pairs));
        navigate(
            &url,
            NavigateOptions {
                resolve: false,
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
}
