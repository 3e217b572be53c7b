//! Schema Registry / Avro compatibility, against the published cases.
//!
//! * `engine/testdata/schema_pairs.json`: the 136 reader/writer pair cases
//!   of Apache Avro's Java test suite (`TestSchemaCompatibility*.java`) with
//!   Java's verdict and, for the incompatible ones, Java's type, location
//!   and message (`SCHEMA-REGISTRY.md` appendix A).
//! * `engine/testdata/schema_modes.json`: Confluent's `AvroCompatibilityTest`
//!   mode assertions (appendix C) plus the NONE level.
//!
//! Written once, run natively and, compiled to wasm, in headless Chromium
//! (`cargo test -p kplay-engine --target wasm32-unknown-unknown --test
//! schema`).

use kplay_engine::schema::{
    check_each_version, check_reader_writer, decode, decode_with, deserialize, encode, frame,
    is_compatible, pointer_span, registry_messages, serialize, unframe, AvroValue,
    CompatibilityLevel, ConflictCode, DecodeError, ParseError, Previous, Registered, Registry,
    RegistryError, Schema, SubjectNameStrategy,
};
use serde_json::Value;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const PAIRS: &str = include_str!("../testdata/schema_pairs.json");
const MODES: &str = include_str!("../testdata/schema_modes.json");

fn parse(text: &str) -> Schema {
    Schema::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn level(name: &str) -> CompatibilityLevel {
    name.parse().unwrap()
}

/// (type, location, message) triples as Java reports them.
fn found(reader: &Schema, writer: &Schema) -> Vec<(String, String, String)> {
    check_reader_writer(reader, writer)
        .unwrap()
        .into_iter()
        .map(|i| (i.kind.as_str().to_string(), i.location, i.message))
        .collect()
}

#[test]
fn all_136_avro_pair_cases_match_java() {
    let cases: Vec<Value> = serde_json::from_str(PAIRS).unwrap();
    assert_eq!(cases.len(), 136);
    let mut exact = 0;
    let mut failures = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let reader = parse(case["reader"].as_str().unwrap());
        let writer = parse(case["writer"].as_str().unwrap());
        let got = found(&reader, &writer);
        if case["compatible"].as_bool().unwrap() {
            if !got.is_empty() {
                failures.push(format!("{id}: expected compatible, got {got:?}"));
            }
            continue;
        }
        let want: Vec<(String, String, String)> = case["incompatibilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["type"].as_str().unwrap().to_string(),
                    i["location"].as_str().unwrap().to_string(),
                    i["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        if got == want {
            if case["java_test_asserts_details"].as_bool() == Some(true) {
                exact += 1;
            }
        } else {
            failures.push(format!("{id}: expected {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every case whose Java test asserts type, location and message.
    assert_eq!(exact, 63);
}

#[test]
fn confluent_mode_assertions() {
    let data: Value = serde_json::from_str(MODES).unwrap();
    let schemas = data["schemas"].as_object().unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 33);
    let mut failures = Vec::new();
    for case in cases {
        let get = |name: &Value| parse(schemas[name.as_str().unwrap()].as_str().unwrap());
        let new = get(&case["new"]);
        let previous: Vec<Schema> = case["previous"]
            .as_array()
            .unwrap()
            .iter()
            .map(get)
            .collect();
        let prev: Vec<Previous<'_>> = previous
            .iter()
            .map(|schema| Previous {
                schema,
                version: None,
            })
            .collect();
        let messages = is_compatible(level(case["level"].as_str().unwrap()), &new, &prev);
        if messages.is_empty() != case["compatible"].as_bool().unwrap() {
            failures.push(format!("{case}: got {messages:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const SCHEMA1: &str =
    r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}"#;
const SCHEMA2: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2", "default": "foo"}]}"#;
const SCHEMA3: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2"}]}"#;

#[test]
fn backward_409_details_are_confluents_strings() {
    // RestApiCompatibilityTest.testCompatibility: schema1 then schema3 (the
    // reference's §3 example).
    let (s1, s3) = (parse(SCHEMA1), parse(SCHEMA3));
    let messages = registry_messages(
        CompatibilityLevel::Backward,
        &s3,
        &[Previous {
            schema: &s1,
            version: Some(1),
        }],
    );
    assert_eq!(
        messages,
        vec![
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}".to_string(),
            "{oldSchemaVersion: 1}".to_string(),
            r#"{oldSchema: '{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"}]}'}"#.to_string(),
            "{validateFields: 'false', compatibility: 'BACKWARD'}".to_string(),
        ]
    );
}

#[test]
fn forward_swaps_the_labels_and_full_lists_old_reads_new_first() {
    let (s1, s3) = (parse(SCHEMA1), parse(SCHEMA3));
    // FORWARD: the old schema (s3, with f2 required) reads the new one's (s1)
    // data: "old" is the reader.
    let prev = [Previous {
        schema: &s3,
        version: Some(4),
    }];
    let fwd = is_compatible(CompatibilityLevel::Forward, &s1, &prev);
    assert_eq!(fwd.len(), 3);
    assert!(
        fwd[0].contains("in the old schema has no default value and is missing in the new schema")
    );
    assert_eq!(fwd[1], "{oldSchemaVersion: 4}");
    // FULL from s1 to s3: new (s3) reads old (s1) fails; old reads new is fine.
    let prev = [Previous {
        schema: &s1,
        version: Some(1),
    }];
    let full = is_compatible(CompatibilityLevel::Full, &s3, &prev);
    assert_eq!(full.len(), 3);
    assert!(
        full[0].contains("in the new schema has no default value and is missing in the old schema")
    );
    // FULL failing only old-reads-new: that direction appends no schema
    // (`mutualReadStrategy` passes appendSchema=false), so one message.
    let only_forward = is_compatible(
        CompatibilityLevel::Full,
        &s1,
        &[Previous {
            schema: &s3,
            version: Some(2),
        }],
    );
    assert_eq!(only_forward.len(), 1);
    assert!(only_forward[0]
        .contains("in the old schema has no default value and is missing in the new schema"));
    // A type change fails both ways: old-reads-new first, without schema.
    let a = parse(r#"{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}"#);
    let b = parse(r#"{"type":"record","name":"R","fields":[{"name":"x","type":"string"}]}"#);
    let both = is_compatible(
        CompatibilityLevel::Full,
        &b,
        &[Previous {
            schema: &a,
            version: Some(1),
        }],
    );
    assert_eq!(
        both,
        vec![
            "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the old schema does not match with the new schema', additionalInfo:'reader type: INT not compatible with writer type: STRING'}".to_string(),
            "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: STRING not compatible with writer type: INT'}".to_string(),
            "{oldSchemaVersion: 1}".to_string(),
            r#"{oldSchema: '{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}'}"#.to_string(),
        ]
    );
}

#[test]
fn transitive_reports_the_newest_failing_version_only() {
    let (s1, s2, s3) = (parse(SCHEMA1), parse(SCHEMA2), parse(SCHEMA3));
    let prev = [
        Previous {
            schema: &s1,
            version: Some(1),
        },
        Previous {
            schema: &s2,
            version: Some(2),
        },
    ];
    // BACKWARD checks only v2 (fine); BACKWARD_TRANSITIVE finds v1.
    assert!(is_compatible(CompatibilityLevel::Backward, &s3, &prev).is_empty());
    let t = is_compatible(CompatibilityLevel::BackwardTransitive, &s3, &prev);
    assert_eq!(t[1], "{oldSchemaVersion: 1}");
    assert!(is_compatible(CompatibilityLevel::None, &s3, &prev).is_empty());
}

#[test]
fn every_message_kind_formats_like_difference_java() {
    let fixed8 = parse(r#"{"type":"fixed","name":"F","size":8}"#);
    let fixed4 = parse(r#"{"type":"fixed","name":"G","size":4}"#);
    let m = is_compatible(
        CompatibilityLevel::Backward,
        &fixed8,
        &[Previous {
            schema: &fixed4,
            version: None,
        }],
    );
    assert_eq!(m[0], "{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: G'}");
    assert_eq!(m[1], "{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path '/size' in the new schema does not match with the old schema', additionalInfo:'expected: 4, found: 8'}");
    // No version: no {oldSchemaVersion} item (a bare ParsedSchema).
    assert_eq!(
        m[2],
        r#"{oldSchema: '{"type":"fixed","name":"G","size":4}'}"#
    );
    let e2 = parse(r#"{"type":"enum","name":"E","symbols":["A","B"]}"#);
    let e3 = parse(r#"{"type":"enum","name":"E","symbols":["A","B","C","D"]}"#);
    let m = is_compatible(
        CompatibilityLevel::Backward,
        &e2,
        &[Previous {
            schema: &e3,
            version: None,
        }],
    );
    assert_eq!(m[0], "{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[C, D]' at path '/symbols' in the old schema', additionalInfo:'[C, D]'}");
    let u1 = parse(r#"["null","string"]"#);
    let u2 = parse(r#"["null","string","int"]"#);
    let m = is_compatible(
        CompatibilityLevel::Backward,
        &u1,
        &[Previous {
            schema: &u2,
            version: None,
        }],
    );
    assert_eq!(m[0], "{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '/2' in the old schema', additionalInfo:'reader union lacking writer type: INT'}");
}

#[test]
fn named_types_are_compared_by_definition_and_aliases() {
    // A reference in one schema and an inline definition in the other.
    let reader = parse(
        r#"{"type":"record","name":"R","fields":[
            {"name":"a","type":{"type":"fixed","name":"F","size":4}},
            {"name":"b","type":"F"}]}"#,
    );
    let writer = parse(
        r#"{"type":"record","name":"R","fields":[
            {"name":"b","type":{"type":"fixed","name":"F","size":4}},
            {"name":"a","type":"F"}]}"#,
    );
    assert!(found(&reader, &writer).is_empty());
    // The same name, defined differently in the two versions.
    let writer8 = parse(
        r#"{"type":"record","name":"R","fields":[
            {"name":"b","type":{"type":"fixed","name":"F","size":8}},
            {"name":"a","type":"F"}]}"#,
    );
    let got = found(&reader, &writer8);
    // The pair (F, F) is memoised: the second field gets the first's result,
    // location included, as in Java.
    assert_eq!(
        got,
        vec![
            (
                "FIXED_SIZE_MISMATCH".into(),
                "/fields/0/type/size".into(),
                "expected: 8, found: 4".into()
            ),
            (
                "FIXED_SIZE_MISMATCH".into(),
                "/fields/0/type/size".into(),
                "expected: 8, found: 4".into()
            ),
        ]
    );
    // A renamed record with the old full name as an alias reads the old data.
    let old = parse(r#"{"type":"record","name":"Old","namespace":"ns","fields":[]}"#);
    let renamed = parse(r#"{"type":"record","name":"New","aliases":["ns.Old"],"fields":[]}"#);
    assert!(found(&renamed, &old).is_empty());
    let unaliased = parse(r#"{"type":"record","name":"New","fields":[]}"#);
    assert_eq!(found(&unaliased, &old)[0].2, "expected: ns.Old");
    // Logical types are ignored: decimal precision may change.
    let d1 = parse(r#"{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}"#);
    let d2 = parse(r#"{"type":"bytes","logicalType":"decimal","precision":9,"scale":3}"#);
    assert!(found(&d1, &d2).is_empty());
}

#[test]
fn an_ambiguous_field_alias_is_javas_exception() {
    let reader = parse(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["b"]}]}"#,
    );
    let writer = parse(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#,
    );
    let err = check_reader_writer(&reader, &writer).unwrap_err();
    assert!(err.to_string().starts_with(
        "Reader record field a type:INT pos:0 matches multiple fields in writer record schema {"
    ));
    let m = is_compatible(
        CompatibilityLevel::Backward,
        &reader,
        &[Previous {
            schema: &writer,
            version: Some(1),
        }],
    );
    assert!(
        m[0].starts_with("Unexpected exception during compatibility check: Reader record field a")
    );
}

#[test]
fn canonical_string_is_javas_to_string() {
    // Reference §F: Java's Schema.toString() of schema2 and schema6.
    assert_eq!(
        parse(SCHEMA2).canonical_string(),
        r#"{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"},{"name":"f2","type":"string","default":"foo"}]}"#
    );
    let s6 = r#"{"type":"record","name":"myrecord","fields":[{"type":["null", "string"],"name":"f1", "doc":"doc of f1"}]}"#;
    assert_eq!(
        parse(s6).canonical_string(),
        r#"{"type":"record","name":"myrecord","fields":[{"name":"f1","type":["null","string"],"doc":"doc of f1"}]}"#
    );
    // Named types: defined once, then referenced; namespaces inherited.
    let s = parse(
        r#"{"type":"record","name":"a.R","fields":[{"name":"x","type":{"type":"enum","name":"E","symbols":["A"]}},
            {"name":"y","type":"E"},{"name":"z","type":{"type":"fixed","name":"b.F","size":2}},{"name":"w","type":"b.F"}]}"#,
    );
    assert_eq!(
        s.canonical_string(),
        r#"{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"y","type":"E"},{"name":"z","type":{"type":"fixed","name":"F","namespace":"b","size":2}},{"name":"w","type":"b.F"}]}"#
    );
    // Re-parsing the canonical string gives the same string.
    assert_eq!(
        parse(&s.canonical_string()).canonical_string(),
        s.canonical_string()
    );
}

fn parse_err(text: &str) -> String {
    match Schema::parse(text) {
        Ok(s) => panic!("{text} parsed as {s}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn parse_errors_use_javas_messages() {
    assert_eq!(parse_err(r#""Foo""#), r#"Undefined name: "Foo""#);
    assert_eq!(
        parse_err(r#"{"type":"strnig"}"#),
        r#"A schema "type" MUST be a primitive type or one of "enum", "fixed", "record", "error", "array" or "map"."#
    );
    assert_eq!(parse_err(r#"{"name":"x"}"#), r#"No type: {"name":"x"}"#);
    assert_eq!(
        parse_err(r#"{"type":"record","name":"R"}"#),
        r#"Record has no fields: {"name":"R","type":"record"}"#
    );
    assert_eq!(
        parse_err(
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}"#
        ),
        r#"Invalid default for field a: "x" not a "int""#
    );
    assert_eq!(
        parse_err(
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"string","default":null}]}"#
        ),
        r#"Invalid default for field a: null not a "string""#
    );
    assert_eq!(
        parse_err(r#"{"type":"enum","name":"E","symbols":["A","A"]}"#),
        "Duplicate enum symbol: A"
    );
    assert_eq!(
        parse_err(r#"{"type":"enum","name":"E","symbols":["A"],"default":"B"}"#),
        "The Enum Default: B is not in the enum symbol set: [A]"
    );
    assert_eq!(
        parse_err(r#"{"type":"fixed","name":"F"}"#),
        r#"Invalid or no size: {"name":"F","type":"fixed"}"#
    );
    assert_eq!(
        parse_err(r#"{"type":"record","name":"1R","fields":[]}"#),
        "Illegal initial character: 1R"
    );
    assert_eq!(
        parse_err(r#"{"type":"record","name":"int","fields":[]}"#),
        "Schemas may not be named after primitives: int"
    );
    assert_eq!(parse_err(r#"["int","int"]"#), "Duplicate in union:int");
    assert_eq!(
        parse_err(r#"["int",["long"]]"#),
        r#"Nested union: ["int",["long"]]"#
    );
    assert_eq!(
        parse_err(
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"R","symbols":["A"]}}]}"#
        ),
        "Can't redefine: R"
    );
    assert_eq!(parse_err("42"), "Schema not yet supported: 42");
    assert!(parse_err("{").starts_with("invalid JSON: "));
    // Stored schemas are parsed without validating defaults.
    assert!(Schema::parse_unvalidated(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"string","default":null}]}"#
    )
    .is_ok());
    // Valid: a union default may match any branch (Avro 1.12), null on a
    // nullable field, a textual NaN default of a double.
    parse(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":["null","int"],"default":3}]}"#,
    );
    parse(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":"NaN"}]}"#,
    );
}

#[test]
fn recursive_and_namespaced_references_resolve() {
    let s = parse(
        r#"{"type":"record","name":"Node","namespace":"t","fields":[
            {"name":"children","type":{"type":"array","items":"Node"}},
            {"name":"next","type":["null","t.Node"],"default":null}]}"#,
    );
    assert_eq!(s.full_name(), "t.Node");
    assert!(found(&s, &s).is_empty());
}

#[test]
fn hostile_schemas_are_errors_not_panics() {
    // Deep nesting: arrays of arrays, 1 000 levels, and 10 000 unions.
    let deep = format!(
        "{}\"int\"{}",
        r#"{"type":"array","items":"#.repeat(1000),
        "}".repeat(1000)
    );
    assert!(matches!(
        Schema::parse(&deep),
        Err(ParseError::TooDeep { .. })
    ));
    let deep_union = format!("{}\"int\"{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(matches!(
        Schema::parse(&deep_union),
        Err(ParseError::TooDeep { .. })
    ));
    // Just under the limit parses.
    let ok = format!(
        "{}\"int\"{}",
        r#"{"type":"array","items":"#.repeat(63),
        "}".repeat(63)
    );
    assert!(Schema::parse(&ok).is_ok());
    // 1 MB of JSON: over the size limit.
    let mut big = String::from(r#"{"type":"record","name":"R","fields":["#);
    let mut i = 0;
    while big.len() <= 1 << 20 {
        if i > 0 {
            big.push(',');
        }
        big.push_str(&format!(r#"{{"name":"f{i}","type":"long","default":0}}"#));
        i += 1;
    }
    big.push_str("]}");
    assert!(matches!(
        Schema::parse(&big),
        Err(ParseError::TooLarge { .. })
    ));
    // Half of it is a valid 20 000-field record, parsed and checked quickly.
    let cut = big[..big.len() / 2].rfind(",{").unwrap();
    let half = format!("{}]}}", &big[..cut]);
    let wide = parse(&half);
    assert!(found(&wide, &wide).is_empty());
    // Decoding a 20 000-field record with another reader stays linear.
    let Some(AvroValue::Record(defaults)) = AvroValue::from_json(&wide, &serde_json::json!({}))
    else {
        panic!("defaults");
    };
    assert!(defaults.len() > 10_000);
    let reader = parse(&format!(
        r#"{}, {{"name":"extra","type":"int","default":5}}]}}"#,
        &big[..cut]
    ));
    let bytes = encode(&wide, &AvroValue::Record(defaults)).unwrap();
    let read = decode_with(&wide, &reader, &bytes).unwrap();
    assert_eq!(read.field("extra"), Some(&AvroValue::Int(5)));
    // A reference cycle through names is legal (recursion); an undefined
    // name, a forward reference, and unknown types are errors.
    parse(
        r#"{"type":"record","name":"A","fields":[{"name":"b","type":{"type":"record","name":"B","fields":[{"name":"a","type":["null","A"]}]}}]}"#,
    );
    assert_eq!(
        parse_err(
            r#"{"type":"record","name":"A","fields":[{"name":"b","type":"B"},{"name":"c","type":{"type":"record","name":"B","fields":[]}}]}"#
        ),
        r#"Undefined name: "B""#
    );
    assert!(Schema::parse(r#"{"type":"decimal"}"#).is_err());
    assert!(Schema::parse(r#"{"type":{"type":"int"}}"#).is_err());
    assert!(Schema::parse("null").is_err());
    assert!(Schema::parse("").is_err());
    assert!(Schema::parse(r#"{"type":"fixed","name":"F","size":-1}"#).is_err());
    assert!(Schema::parse(r#"{"type":"fixed","name":"F","size":99999999999}"#).is_err());
}

#[test]
fn registry_refuses_with_confluents_409_body() {
    let mut reg = Registry::new();
    let subject = SubjectNameStrategy::TopicName
        .subject("testSubject", false, &parse(SCHEMA1))
        .unwrap();
    assert_eq!(subject, "testSubject-value");
    let v1 = reg.register("testSubject", SCHEMA1).unwrap();
    assert_eq!((v1.id, v1.version, v1.existing), (1, 1, false));
    let err = reg.register("testSubject", SCHEMA3).unwrap_err();
    assert_eq!(err.http_status(), 409);
    // The reference's §3 example, byte for byte.
    assert_eq!(
        err.body(ConflictCode::Legacy409),
        r#"{"error_code":409,"message":"Schema being registered is incompatible with an earlier schema for subject \"testSubject\", details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}, {oldSchemaVersion: 1}, {oldSchema: '{\"type\":\"record\",\"name\":\"myrecord\",\"fields\":[{\"name\":\"f1\",\"type\":\"string\"}]}'}, {validateFields: 'false', compatibility: 'BACKWARD'}]"}"#
    );
    assert!(err
        .body(ConflictCode::Code40901)
        .starts_with(r#"{"error_code":40901,"#));
    // Nothing was registered.
    assert_eq!(reg.versions("testSubject").len(), 1);
}

#[test]
fn registry_ids_versions_levels_and_soft_delete() {
    let mut reg = Registry::new();
    let a = reg.register("orders-value", SCHEMA1).unwrap();
    // The identical schema (other whitespace and key order) is the same id
    // and version, without a check.
    let spaced = r#"{ "name": "myrecord", "type": "record", "fields": [ {"name": "f1", "type": "string"} ] }"#;
    assert_eq!(
        reg.register("orders-value", spaced).unwrap(),
        Registered {
            id: 1,
            version: 1,
            existing: true
        }
    );
    // Under another subject: the same global id, version 1 there.
    let other = reg.register("audit-value", SCHEMA1).unwrap();
    assert_eq!((other.id, other.version), (a.id, 1));
    let b = reg.register("orders-value", SCHEMA2).unwrap();
    assert_eq!((b.id, b.version), (2, 2));
    // BACKWARD (global default) lets schema3 in after schema2 …
    assert!(reg
        .test_compatibility("orders-value", &parse(SCHEMA3))
        .is_empty());
    // … but not at the subject's BACKWARD_TRANSITIVE.
    reg.set_subject_level("orders-value", Some(CompatibilityLevel::BackwardTransitive));
    assert_eq!(
        reg.level("orders-value"),
        CompatibilityLevel::BackwardTransitive
    );
    assert_eq!(reg.level("audit-value"), CompatibilityLevel::Backward);
    let err = reg.register("orders-value", SCHEMA3).unwrap_err();
    assert!(matches!(err, RegistryError::Incompatible { .. }));
    // Soft-delete version 1: it is no longer compared, and its number is
    // not reused.
    reg.delete_version("orders-value", 1).unwrap();
    let c = reg.register("orders-value", SCHEMA3).unwrap();
    assert_eq!((c.id, c.version), (3, 3));
    assert!(reg.version("orders-value", 1).is_none());
    assert_eq!(reg.latest("orders-value").unwrap().0.version, 3);
    assert_eq!(
        reg.delete_version("orders-value", 1),
        Err(RegistryError::VersionNotFound(1))
    );
    assert_eq!(reg.delete_subject("orders-value").unwrap(), vec![2, 3]);
    assert_eq!(reg.subjects(), vec!["audit-value"]);
    assert!(matches!(
        reg.delete_subject("orders-value"),
        Err(RegistryError::SubjectNotFound(_))
    ));
    // After a soft delete of everything, anything goes; the next version is 4.
    let d = reg.register("orders-value", r#""string""#).unwrap();
    assert_eq!(d.version, 4);
    // Checking against one version.
    let msgs = reg
        .test_compatibility_with_version("audit-value", &parse(SCHEMA3), 1)
        .unwrap();
    assert_eq!(msgs[1], "{oldSchemaVersion: 1}");
    // An invalid schema is a 422.
    let bad = reg.register("x-value", r#"{"type":"nope"}"#).unwrap_err();
    assert_eq!(bad.http_status(), 422);
    assert!(bad
        .body(ConflictCode::Legacy409)
        .starts_with(r#"{"error_code":42201,"#));
}

#[test]
fn subject_name_strategies() {
    let rec = parse(r#"{"type":"record","name":"Order","namespace":"shop","fields":[]}"#);
    assert_eq!(
        SubjectNameStrategy::TopicName
            .subject("orders", true, &rec)
            .unwrap(),
        "orders-key"
    );
    assert_eq!(
        SubjectNameStrategy::RecordName
            .subject("orders", false, &rec)
            .unwrap(),
        "shop.Order"
    );
    assert_eq!(
        SubjectNameStrategy::TopicRecordName
            .subject("orders", false, &rec)
            .unwrap(),
        "orders-shop.Order"
    );
    let err = SubjectNameStrategy::RecordName
        .subject("orders", true, &parse(r#""string""#))
        .unwrap_err();
    assert_eq!(err, "In configuration key.subject.name.strategy = io.confluent.kafka.serializers.subject.RecordNameStrategy, the message key must only be a record schema");
}

fn read_as(writer: &str, reader: &str, value: &AvroValue) -> Result<AvroValue, DecodeError> {
    let (w, r) = (parse(writer), parse(reader));
    let bytes = encode(&w, value).unwrap();
    assert_eq!(
        decode(&w, &bytes).as_ref(),
        Ok(value),
        "identity with the writer schema"
    );
    decode_with(&w, &r, &bytes)
}

fn sym(index: u32, symbol: &str) -> AvroValue {
    AvroValue::Enum {
        index,
        symbol: symbol.into(),
    }
}

#[test]
fn avro_decoding_compatibility_cases() {
    // Avro's TestSchemaCompatibility.DECODING_COMPATIBILITY_TEST_CASES
    // (reference appendix D): writer value → reader value.
    let one = AvroValue::Int(1);
    assert_eq!(read_as(r#""int""#, r#""int""#, &one), Ok(AvroValue::Int(1)));
    assert_eq!(
        read_as(r#""int""#, r#""long""#, &one),
        Ok(AvroValue::Long(1))
    );
    assert_eq!(
        read_as(r#""int""#, r#""float""#, &one),
        Ok(AvroValue::Float(1.0))
    );
    assert_eq!(
        read_as(r#""int""#, r#""double""#, &one),
        Ok(AvroValue::Double(1.0))
    );
    // Precision loss of int → float, as in Java.
    assert_eq!(
        read_as(r#""int""#, r#""float""#, &AvroValue::Int((1 << 24) + 1)),
        Ok(AvroValue::Float(16_777_216.0))
    );
    let ab = r#"{"type":"enum","name":"E","symbols":["A","B"]}"#;
    let abc = r#"{"type":"enum","name":"E","symbols":["A","B","C"]}"#;
    let bc = r#"{"type":"enum","name":"E","symbols":["B","C"]}"#;
    assert_eq!(read_as(ab, abc, &sym(0, "A")), Ok(sym(0, "A")));
    assert_eq!(read_as(abc, ab, &sym(0, "A")), Ok(sym(0, "A")));
    assert_eq!(read_as(abc, bc, &sym(1, "B")), Ok(sym(0, "B")));
    let abc_def = r#"{"type":"enum","name":"E","symbols":["A","B","C"],"default":"A"}"#;
    let ab_def = r#"{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}"#;
    assert_eq!(read_as(abc_def, ab_def, &sym(2, "C")), Ok(sym(0, "A")));
    let s = AvroValue::Union {
        index: 1,
        value: Box::new(AvroValue::String("the string".into())),
    };
    assert_eq!(
        read_as(r#"["int","string"]"#, r#""string""#, &s),
        Ok(AvroValue::String("the string".into()))
    );
    assert_eq!(
        read_as(r#"["int","string"]"#, r#"["string"]"#, &s),
        Ok(AvroValue::Union {
            index: 0,
            value: Box::new(AvroValue::String("the string".into()))
        })
    );
}

const USER_V1: &str = r#"{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"}]}"#;
const USER_V2: &str = r#"{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"email","type":["null","string"],"default":null}]}"#;
const USER_V3: &str = r#"{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"region","type":"string"}]}"#;

fn alice() -> AvroValue {
    AvroValue::Record(vec![
        ("id".into(), AvroValue::Long(42)),
        ("name".into(), AvroValue::String("alice".into())),
    ])
}

#[test]
fn wire_format_round_trip_fills_defaults() {
    // Reference appendix E.
    let mut reg = Registry::new();
    let id = reg.register("users-value", USER_V1).unwrap().id;
    let bytes = serialize(&reg, id, &alice()).unwrap();
    assert_eq!(
        bytes,
        [0, 0, 0, 0, 1, 0x54, 0x0a, b'a', b'l', b'i', b'c', b'e']
    );
    assert_eq!(unframe(&bytes), Ok((1, &bytes[5..])));
    assert_eq!(frame(1, &bytes[5..]), bytes);
    let v2 = parse(USER_V2);
    let read = deserialize(&reg, &v2, &bytes).unwrap();
    assert_eq!(
        read,
        AvroValue::Record(vec![
            ("id".into(), AvroValue::Long(42)),
            ("name".into(), AvroValue::String("alice".into())),
            (
                "email".into(),
                AvroValue::Union {
                    index: 0,
                    value: Box::new(AvroValue::Null)
                }
            ),
        ])
    );
    assert_eq!(
        read.to_json_string(),
        r#"{"id":42,"name":"alice","email":null}"#
    );
    // Seed 002's incident: a consumer on a version with a required field
    // nobody writes cannot read anything.
    let v3 = parse(USER_V3);
    assert_eq!(
        deserialize(&reg, &v3, &bytes).unwrap_err().to_string(),
        "org.apache.avro.AvroTypeException: Found User, expecting User, missing required field region"
    );
    assert_eq!(
        deserialize(&reg, &v2, &[1, 0, 0, 0, 1]),
        Err(DecodeError::UnknownMagicByte)
    );
    assert_eq!(
        deserialize(&reg, &v2, &frame(7, &bytes[5..])),
        Err(DecodeError::SchemaNotFound(7))
    );
    assert!(matches!(
        deserialize(&reg, &v2, &bytes[..8]),
        Err(DecodeError::Eof { .. })
    ));
}

#[test]
fn consumers_that_cannot_read_get_javas_errors() {
    let err = |w: &str, r: &str, v: AvroValue| read_as(w, r, &v).unwrap_err().to_string();
    assert_eq!(
        err(r#""int""#, r#""string""#, AvroValue::Int(3)),
        "org.apache.avro.AvroTypeException: Found int, expecting string"
    );
    let abc = r#"{"type":"enum","name":"E","symbols":["A","B","C"]}"#;
    let ab = r#"{"type":"enum","name":"E","symbols":["A","B"]}"#;
    assert_eq!(
        err(abc, ab, sym(2, "C")),
        "org.apache.avro.AvroTypeException: No match for C"
    );
    // Only the data that reaches a problem fails: "A" still reads.
    assert_eq!(read_as(abc, ab, &sym(0, "A")), Ok(sym(0, "A")));
    // T07: a nullable writer, a non-null reader: null fails, 5 reads.
    let w = r#"{"type":"record","name":"Account","fields":[{"name":"age","type":["null","int"],"default":null}]}"#;
    let r = r#"{"type":"record","name":"Account","fields":[{"name":"age","type":"int"}]}"#;
    let with = |v: AvroValue, i: u32| {
        AvroValue::Record(vec![(
            "age".into(),
            AvroValue::Union {
                index: i,
                value: Box::new(v),
            },
        )])
    };
    assert_eq!(
        err(w, r, with(AvroValue::Null, 0)),
        "org.apache.avro.AvroTypeException: Found null, expecting int"
    );
    assert_eq!(
        read_as(w, r, &with(AvroValue::Int(5), 1)),
        Ok(AvroValue::Record(vec![("age".into(), AvroValue::Int(5))]))
    );
    assert_eq!(
        err(
            r#"{"type":"fixed","name":"F","size":4}"#,
            r#"{"type":"fixed","name":"F","size":8}"#,
            AvroValue::Fixed(vec![1, 2, 3, 4])
        ),
        "org.apache.avro.AvroTypeException: Found F, expecting F"
    );
    assert_eq!(
        err(r#""long""#, r#"["int","string"]"#, AvroValue::Long(1)),
        "org.apache.avro.AvroTypeException: Found long, expecting union"
    );
}

#[test]
fn renames_with_aliases_and_writer_only_fields_resolve() {
    // schema4 (f1 renamed f1_new with an alias) reads schema2's data; the
    // writer-only f2 is skipped.
    let w = parse(SCHEMA2);
    let r = parse(
        r#"{"type":"record","name":"renamed","aliases":["myrecord"],"fields":[{"type":"string","name":"f1_new","aliases":["f1"]},{"name":"n","type":{"type":"array","items":"int"},"default":[1,2]}]}"#,
    );
    let value = AvroValue::Record(vec![
        ("f1".into(), AvroValue::String("x".into())),
        ("f2".into(), AvroValue::String("y".into())),
    ]);
    let bytes = encode(&w, &value).unwrap();
    assert_eq!(
        decode_with(&w, &r, &bytes).unwrap().to_json_string(),
        r#"{"f1_new":"x","n":[1,2]}"#
    );
}

#[test]
fn hostile_bytes_are_errors_not_panics() {
    let s = parse(r#""string""#);
    // A length of 2^62 with 3 bytes behind it.
    let mut huge = vec![0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    huge.extend_from_slice(b"abc");
    assert!(matches!(decode(&s, &huge), Err(DecodeError::Eof { .. })));
    assert!(matches!(
        decode(&s, &[0x03]),
        Err(DecodeError::Malformed { .. })
    ));
    assert!(matches!(
        decode(&parse(r#""long""#), &[0xff; 11]),
        Err(DecodeError::Malformed { .. })
    ));
    // An array of nulls claiming 2^62 items: bounded, not a hang.
    let nulls = parse(r#"{"type":"array","items":"null"}"#);
    let many = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    assert!(matches!(
        decode(&nulls, &many),
        Err(DecodeError::TooLarge(_))
    ));
    // A recursive list 100 000 links deep: a depth error, not a stack overflow.
    let list =
        parse(r#"{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]}"#);
    assert!(matches!(
        decode(&list, &vec![2u8; 100_000]),
        Err(DecodeError::TooLarge(_))
    ));
    // Union index out of range.
    assert_eq!(
        decode(&parse(r#"["null","int"]"#), &[4]).unwrap_err().to_string(),
        "org.apache.avro.AvroTypeException: Union branch index out of range: must be in [0, 2), but received 2"
    );
    // Random garbage against a rich schema never panics.
    let rich = parse(USER_V2);
    let mut x: u32 = 12345;
    for len in 0..300 {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (x >> 16) as u8
            })
            .collect();
        let _ = decode(&rich, &bytes);
        let _ = decode_with(&rich, &parse(USER_V3), &bytes);
    }
}

/// A ring of `n` records, each pointing at the next, the last at the first.
fn ring(prefix: &str, n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            r#"{{"type":"record","name":"{prefix}{i}","fields":[{{"name":"next","type":"#
        ));
    }
    s.push_str(&format!("\"{prefix}0\""));
    s.push_str(&"}]}".repeat(n));
    s
}

#[test]
fn coprime_recursive_rings_stop_at_the_depth_limit() {
    // Reader and writer cycles of 17 and 19 records: 323 distinct pairs in
    // one chain. Java would recurse through all of them; kplay stops at 128.
    let (a, b) = (parse(&ring("A", 17)), parse(&ring("B", 19)));
    let err = check_reader_writer(&a, &b).unwrap_err();
    assert_eq!(err.to_string(), "schemas nest deeper than 128 levels");
    let m = is_compatible(
        CompatibilityLevel::Backward,
        &a,
        &[Previous {
            schema: &b,
            version: Some(1),
        }],
    );
    assert_eq!(
        m[0],
        "Unexpected exception during compatibility check: schemas nest deeper than 128 levels"
    );
    // Equal rings terminate through the in-progress memo.
    assert!(found(&a, &parse(&ring("A", 17))).is_empty());
    // A namespace of null is inherited like a missing one.
    let s = parse(
        r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"e","type":{"type":"enum","name":"E","namespace":null,"symbols":["X"]}}]}"#,
    );
    assert!(s
        .canonical_string()
        .contains(r#"{"type":"enum","name":"E","symbols":["X"]}"#));
    assert!(parse(&format!(r#"{{"type":"record","name":"W","namespace":"n","fields":[{{"name":"a","type":{}}},{{"name":"b","type":"n.E"}}]}}"#, r#"{"type":"enum","name":"E","namespace":null,"symbols":["X"]}"#)).full_name() == "n.W");
}

#[test]
fn values_from_json_and_back() {
    let s = parse(USER_V2);
    let v = AvroValue::from_json(
        &s,
        &serde_json::json!({"id": 7, "name": "bob", "email": "b@x"}),
    )
    .unwrap();
    assert_eq!(
        v.field("email"),
        Some(&AvroValue::Union {
            index: 1,
            value: Box::new(AvroValue::String("b@x".into()))
        })
    );
    assert_eq!(v.to_json_string(), r#"{"id":7,"name":"bob","email":"b@x"}"#);
    // A missing field takes its default; a missing required field does not fit.
    let d = AvroValue::from_json(&s, &serde_json::json!({"id": 7, "name": "bob"})).unwrap();
    assert_eq!(d.to_json_string(), r#"{"id":7,"name":"bob","email":null}"#);
    assert_eq!(
        AvroValue::from_json(&s, &serde_json::json!({"id": 7})),
        None
    );
    let bytes = encode(&s, &v).unwrap();
    assert_eq!(decode(&s, &bytes), Ok(v));
}

/// The deepest inputs the limits allow fit in 1 MiB of stack, the default
/// for wasm32-unknown-unknown (natively this runs in a thread of that size;
/// in the browser the tests above already run on the wasm stack).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn limits_fit_in_a_one_mib_stack() {
    let worker = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let (a, b) = (parse(&ring("A", 17)), parse(&ring("B", 19)));
            assert!(check_reader_writer(&a, &b).is_err());
            let list = parse(
                r#"{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]}"#,
            );
            let other = parse(
                r#"{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]},{"name":"x","type":"int","default":1}]}"#,
            );
            assert!(matches!(decode(&list, &vec![2u8; 100_000]), Err(DecodeError::TooLarge(_))));
            assert!(matches!(
                decode_with(&list, &other, &vec![2u8; 100_000]),
                Err(DecodeError::TooLarge(_))
            ));
            let deep = format!(
                "{}\"int\"{}",
                r#"{"type":"array","items":"#.repeat(63),
                "}".repeat(63)
            );
            let s = parse(&deep);
            assert!(check_reader_writer(&s, &s).unwrap().is_empty());
        })
        .unwrap();
    worker.join().unwrap();
}

#[test]
fn each_version_in_detail_agrees_with_confluents_answer() {
    let (s1, s2, s3, s8) = (
        parse(SCHEMA1),
        parse(SCHEMA2),
        parse(SCHEMA3),
        parse(
            r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2", "default": "foo"}, {"type":"string","name":"f3", "default": "bar"}]}"#,
        ),
    );
    let prev = [
        Previous {
            schema: &s1,
            version: Some(1),
        },
        Previous {
            schema: &s2,
            version: Some(2),
        },
        Previous {
            schema: &s8,
            version: Some(3),
        },
    ];
    for level in CompatibilityLevel::ALL {
        let each = check_each_version(level, &s3, &prev);
        let expected_count = match level {
            CompatibilityLevel::None => 0,
            l if l.is_transitive() => 3,
            _ => 1,
        };
        assert_eq!(each.len(), expected_count, "{level}");
        // Newest first.
        if let Some(first) = each.first() {
            assert_eq!(first.version, Some(3));
        }
        // Confluent's answer is the reported version's messages.
        let reported: Vec<String> = each
            .iter()
            .filter(|c| c.reported)
            .flat_map(|c| c.messages.clone())
            .collect();
        assert_eq!(reported, is_compatible(level, &s3, &prev), "{level}");
        assert!(each.iter().filter(|c| c.reported).count() <= 1);
    }
    // BACKWARD_TRANSITIVE: v3 and v2 are fine, v1 fails at /fields/1.
    let each = check_each_version(CompatibilityLevel::BackwardTransitive, &s3, &prev);
    assert_eq!(
        each.iter()
            .map(|c| c.messages.is_empty())
            .collect::<Vec<_>>(),
        [true, true, false]
    );
    let v1 = &each[2];
    assert!(v1.reported && v1.old_reads_new.is_none());
    let found = v1.new_reads_old.clone().unwrap().unwrap();
    assert_eq!(
        (found[0].location.as_str(), found[0].message.as_str()),
        ("/fields/1", "f2")
    );
}

#[test]
fn locations_map_to_the_schema_text() {
    let text = "{\"type\":\"record\",\"name\":\"myrecord\",\n \"fields\":[{\"type\":\"string\",\"name\":\"f1\"},\n  {\"type\":\"string\", \"name\":\"f2\"}]}";
    let at = |p: &str| pointer_span(text, p).map(|r| &text[r]);
    assert_eq!(at("/"), Some(text));
    assert_eq!(
        at("/fields/1"),
        Some("{\"type\":\"string\", \"name\":\"f2\"}")
    );
    assert_eq!(at("/fields/1/type"), Some("\"string\""));
    // Deeper than the text goes (a writer-union index, a referenced type's
    // size): the deepest existing part.
    assert_eq!(at("/fields/0/type/0"), Some("\"string\""));
    assert_eq!(at("/fields/7"), at("/fields"));
    assert_eq!(at("/name"), Some("\"myrecord\""));
    // Java's own location for this pair points at the same text.
    let found = check_reader_writer(&parse(text), &parse(SCHEMA1)).unwrap();
    assert_eq!(
        pointer_span(text, &found[0].location).map(|r| &text[r]),
        at("/fields/1")
    );
    // Escaped tokens and broken text.
    assert_eq!(pointer_span(r#"{"a/b":{"~":1}}"#, "/a~1b/~0"), Some(12..13));
    assert_eq!(pointer_span(r#"{"fields":[1,"#, "/fields/1"), None);
}
