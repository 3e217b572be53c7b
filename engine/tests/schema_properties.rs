#![cfg(not(target_arch = "wasm32"))]
//! Property tests for the Avro encoder and decoder (host only: proptest
//! needs OS randomness).
//!
//! * A random schema and a random value of it: encode, then decode with the
//!   same schema, gives the value back.
//! * The same value read by an *evolved* reader schema (fields renamed with
//!   aliases, a field added with a default, records renamed with an alias,
//!   int → long, long → double, float → double, string → bytes, an enum
//!   symbol added): the checker finds the pair compatible, decoding succeeds,
//!   and the result is exactly the promoted value with the default filled in.
//! * Random bytes against random reader/writer pairs never panic.

use kplay_engine::schema::{
    check_reader_writer, decode, decode_with, encode, pointer_span, AvroValue, Schema,
};
use proptest::prelude::*;

/// An abstract schema; names are assigned when rendering.
#[derive(Debug, Clone)]
enum T {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    Str,
    Fixed(usize),
    Enum(usize),
    Array(Box<T>),
    Map(Box<T>),
    /// Distinct primitive branches, optionally one record.
    Union(Vec<T>, Option<Box<T>>),
    Record(Vec<T>),
}

fn primitive() -> impl Strategy<Value = T> {
    prop_oneof![
        Just(T::Null),
        Just(T::Boolean),
        Just(T::Int),
        Just(T::Long),
        Just(T::Float),
        Just(T::Double),
        Just(T::Bytes),
        Just(T::Str),
    ]
}

fn leaf() -> impl Strategy<Value = T> {
    prop_oneof![
        4 => primitive(),
        1 => (0usize..5).prop_map(T::Fixed),
        1 => (1usize..5).prop_map(T::Enum),
    ]
}

fn kind_of(t: &T) -> u8 {
    match t {
        T::Null => 0,
        T::Boolean => 1,
        T::Int => 2,
        T::Long => 3,
        T::Float => 4,
        T::Double => 5,
        T::Bytes => 6,
        T::Str => 7,
        _ => 8,
    }
}

fn schema_tree() -> impl Strategy<Value = T> {
    leaf().prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| T::Array(Box::new(t))),
            inner.clone().prop_map(|t| T::Map(Box::new(t))),
            prop::collection::vec(inner.clone(), 0..5).prop_map(T::Record),
            (
                prop::collection::vec(primitive(), 1..4),
                prop::option::of(prop::collection::vec(inner, 0..3).prop_map(T::Record))
            )
                .prop_map(|(prims, rec)| {
                    let mut seen = Vec::new();
                    let mut branches = Vec::new();
                    for p in prims {
                        if !seen.contains(&kind_of(&p)) {
                            seen.push(kind_of(&p));
                            branches.push(p);
                        }
                    }
                    T::Union(branches, rec.map(Box::new))
                }),
        ]
    })
}

struct Names {
    next: usize,
}

/// The schema JSON; `evolve` renders the reader's version.
fn render(t: &T, evolve: bool, names: &mut Names) -> String {
    let mut fresh = |prefix: &str| {
        names.next += 1;
        format!("{prefix}{}", names.next)
    };
    match t {
        T::Null => r#""null""#.into(),
        T::Boolean => r#""boolean""#.into(),
        T::Int => (if evolve { r#""long""# } else { r#""int""# }).into(),
        T::Long => (if evolve { r#""double""# } else { r#""long""# }).into(),
        T::Float => (if evolve { r#""double""# } else { r#""float""# }).into(),
        T::Double => r#""double""#.into(),
        T::Bytes => r#""bytes""#.into(),
        T::Str => (if evolve { r#""bytes""# } else { r#""string""# }).into(),
        T::Fixed(n) => format!(r#"{{"type":"fixed","name":"{}","size":{n}}}"#, fresh("F")),
        T::Enum(n) => {
            let mut syms: Vec<String> = (0..*n).map(|i| format!("\"S{i}\"")).collect();
            if evolve {
                syms.push("\"ADDED\"".into());
            }
            format!(
                r#"{{"type":"enum","name":"{}","symbols":[{}]}}"#,
                fresh("E"),
                syms.join(",")
            )
        }
        T::Array(i) => format!(r#"{{"type":"array","items":{}}}"#, render(i, evolve, names)),
        T::Map(v) => format!(r#"{{"type":"map","values":{}}}"#, render(v, evolve, names)),
        T::Record(fields) => {
            let name = fresh("R");
            let mut out: Vec<String> = Vec::new();
            for (i, f) in fields.iter().enumerate() {
                let ty = render(f, evolve, names);
                out.push(if evolve {
                    format!(r#"{{"name":"g{i}","aliases":["f{i}"],"type":{ty}}}"#)
                } else {
                    format!(r#"{{"name":"f{i}","type":{ty}}}"#)
                });
            }
            if evolve {
                out.push(r#"{"name":"added","type":["null","int"],"default":null}"#.into());
                format!(
                    r#"{{"type":"record","name":"{name}x","aliases":["{name}"],"fields":[{}]}}"#,
                    out.join(",")
                )
            } else {
                format!(
                    r#"{{"type":"record","name":"{name}","fields":[{}]}}"#,
                    out.join(",")
                )
            }
        }
        T::Union(prims, rec) => {
            // Primitive branches are not evolved (int and long would clash).
            let mut out: Vec<String> = prims.iter().map(|p| render(p, false, names)).collect();
            if let Some(r) = rec {
                out.push(render(r, evolve, names));
            }
            format!("[{}]", out.join(","))
        }
    }
}

fn floats32() -> impl Strategy<Value = f32> {
    use proptest::num::f32::{INFINITE, NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO | INFINITE
}

fn floats64() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{INFINITE, NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO | INFINITE
}

fn value_of(t: &T) -> BoxedStrategy<AvroValue> {
    match t {
        T::Null => Just(AvroValue::Null).boxed(),
        T::Boolean => any::<bool>().prop_map(AvroValue::Boolean).boxed(),
        T::Int => any::<i32>().prop_map(AvroValue::Int).boxed(),
        T::Long => any::<i64>().prop_map(AvroValue::Long).boxed(),
        T::Float => floats32().prop_map(AvroValue::Float).boxed(),
        T::Double => floats64().prop_map(AvroValue::Double).boxed(),
        T::Bytes => prop::collection::vec(any::<u8>(), 0..8)
            .prop_map(AvroValue::Bytes)
            .boxed(),
        T::Str => ".{0,6}".prop_map(AvroValue::String).boxed(),
        T::Fixed(n) => prop::collection::vec(any::<u8>(), *n)
            .prop_map(AvroValue::Fixed)
            .boxed(),
        T::Enum(n) => (0..*n)
            .prop_map(|i| AvroValue::Enum {
                index: i as u32,
                symbol: format!("S{i}"),
            })
            .boxed(),
        T::Array(i) => prop::collection::vec(value_of(i), 0..4)
            .prop_map(AvroValue::Array)
            .boxed(),
        T::Map(v) => prop::collection::vec(("[a-z]{0,3}", value_of(v)), 0..4)
            .prop_map(|mut entries| {
                // Map keys are unique.
                let mut seen: Vec<String> = Vec::new();
                entries.retain(|(k, _)| {
                    let fresh = !seen.contains(k);
                    seen.push(k.clone());
                    fresh
                });
                AvroValue::Map(entries)
            })
            .boxed(),
        T::Record(fields) => {
            let parts: Vec<BoxedStrategy<AvroValue>> = fields.iter().map(value_of).collect();
            parts
                .prop_map(|vs| {
                    AvroValue::Record(
                        vs.into_iter()
                            .enumerate()
                            .map(|(i, v)| (format!("f{i}"), v))
                            .collect(),
                    )
                })
                .boxed()
        }
        T::Union(prims, rec) => {
            let mut branches: Vec<T> = prims.clone();
            if let Some(r) = rec {
                branches.push((**r).clone());
            }
            let n = branches.len();
            (0..n)
                .prop_flat_map(move |i| {
                    value_of(&branches[i]).prop_map(move |v| AvroValue::Union {
                        index: i as u32,
                        value: Box::new(v),
                    })
                })
                .boxed()
        }
    }
}

/// What the evolved reader decodes `v` (a value of `t`) as.
fn evolved(t: &T, v: &AvroValue) -> AvroValue {
    match (t, v) {
        (T::Int, AvroValue::Int(i)) => AvroValue::Long(i64::from(*i)),
        (T::Long, AvroValue::Long(i)) => AvroValue::Double(*i as f64),
        (T::Float, AvroValue::Float(f)) => AvroValue::Double(f64::from(*f)),
        (T::Str, AvroValue::String(s)) => AvroValue::Bytes(s.clone().into_bytes()),
        (T::Array(i), AvroValue::Array(items)) => {
            AvroValue::Array(items.iter().map(|x| evolved(i, x)).collect())
        }
        (T::Map(t), AvroValue::Map(entries)) => AvroValue::Map(
            entries
                .iter()
                .map(|(k, x)| (k.clone(), evolved(t, x)))
                .collect(),
        ),
        (T::Record(fields), AvroValue::Record(values)) => {
            let mut out: Vec<(String, AvroValue)> = fields
                .iter()
                .zip(values)
                .enumerate()
                .map(|(i, (ft, (_, x)))| (format!("g{i}"), evolved(ft, x)))
                .collect();
            out.push((
                "added".into(),
                AvroValue::Union {
                    index: 0,
                    value: Box::new(AvroValue::Null),
                },
            ));
            AvroValue::Record(out)
        }
        (T::Union(prims, Some(rec)), AvroValue::Union { index, value })
            if *index as usize == prims.len() =>
        {
            AvroValue::Union {
                index: *index,
                value: Box::new(evolved(rec, value)),
            }
        }
        _ => v.clone(),
    }
}

fn schema_and_value() -> impl Strategy<Value = (T, AvroValue)> {
    schema_tree().prop_flat_map(|t| {
        let v = value_of(&t);
        (Just(t), v)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn encode_then_decode_is_identity((t, v) in schema_and_value()) {
        let text = render(&t, false, &mut Names { next: 0 });
        let schema = Schema::parse(&text).unwrap();
        // The canonical string parses back to the same schema.
        prop_assert_eq!(Schema::parse(&schema.canonical_string()).unwrap().canonical_string(), schema.canonical_string());
        let bytes = encode(&schema, &v).unwrap();
        prop_assert_eq!(decode(&schema, &bytes).unwrap(), v);
    }

    #[test]
    fn an_evolved_reader_reads_promoted_values_and_defaults((t, v) in schema_and_value()) {
        let writer = Schema::parse(&render(&t, false, &mut Names { next: 0 })).unwrap();
        let reader_text = render(&t, true, &mut Names { next: 0 });
        let reader = Schema::parse(&reader_text).unwrap();
        // The checker agrees the reader is compatible …
        prop_assert_eq!(check_reader_writer(&reader, &writer).unwrap(), vec![]);
        // … and the decoder delivers the promoted value with the default.
        let bytes = encode(&writer, &v).unwrap();
        prop_assert_eq!(decode_with(&writer, &reader, &bytes).unwrap(), evolved(&t, &v));
    }

    #[test]
    fn random_bytes_never_panic(
        (t, _) in schema_and_value(),
        (u, _) in schema_and_value(),
        bytes in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let a = Schema::parse(&render(&t, false, &mut Names { next: 0 })).unwrap();
        let b = Schema::parse(&render(&u, false, &mut Names { next: 0 })).unwrap();
        let _ = decode(&a, &bytes);
        let _ = decode_with(&a, &b, &bytes);
        let _ = check_reader_writer(&a, &b);
    }

    #[test]
    fn random_text_never_panics(text in "[\\[\\]{}\":,a-z0-9 /~]{0,80}", pointer in "(/[a-z0-9~]{0,3}){0,4}") {
        let _ = Schema::parse(&text);
        if let Some(r) = pointer_span(&text, &pointer) {
            prop_assert!(r.start <= r.end && r.end <= text.len());
        }
    }

    #[test]
    fn every_incompatibility_location_has_a_span((t, _) in schema_and_value(), (u, _) in schema_and_value()) {
        let rt = render(&t, false, &mut Names { next: 0 });
        let wt = render(&u, false, &mut Names { next: 0 });
        let (r, w) = (Schema::parse(&rt).unwrap(), Schema::parse(&wt).unwrap());
        prop_assert_eq!(pointer_span(&rt, "/"), Some(0..rt.len()));
        for inc in check_reader_writer(&r, &w).unwrap() {
            prop_assert!(pointer_span(&rt, &inc.location).is_some(), "{}", inc.location);
        }
    }

    /// Java's contract: when the checker finds a pair compatible, every
    /// datum the writer can write decodes with the reader.
    #[test]
    fn compatible_pairs_always_decode((t, v) in schema_and_value(), u in schema_tree()) {
        let writer = Schema::parse(&render(&t, false, &mut Names { next: 0 })).unwrap();
        let reader = Schema::parse(&render(&u, false, &mut Names { next: 0 })).unwrap();
        if check_reader_writer(&reader, &writer).unwrap().is_empty() {
            let bytes = encode(&writer, &v).unwrap();
            prop_assert!(decode_with(&writer, &reader, &bytes).is_ok());
        }
    }
}
