//! `kplay schema compat` and `kplay schema check`, run as a binary.

use std::path::PathBuf;
use std::process::{Command, Output};

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kplay-schema-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn kplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(args)
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {} / stderr {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

const OLD: &str = r#"{"type":"record","name":"R","fields":[{"name":"oldfield1","type":"int"},{"name":"oldfield2","type":"string"}]}"#;
const NEW: &str = r#"{"type":"record","name":"R","fields":[{"name":"oldfield1","type":"int"},{"name":"newfield1","type":"int"}]}"#;
const SCHEMA1: &str =
    r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}"#;
const SCHEMA2: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2", "default": "foo"}]}"#;
const SCHEMA3: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2"}]}"#;

#[test]
fn compat_json_lists_javas_incompatibilities() {
    // Avro's TestSchemaCompatibility.validateSchemaNewField.
    let r = write("t02-reader.avsc", NEW);
    let w = write("t02-writer.avsc", OLD);
    let out = kplay(&[
        "schema",
        "compat",
        "--reader",
        r.to_str().unwrap(),
        "--writer",
        w.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        json_of(&out),
        serde_json::json!({"compatible": false, "incompatibilities": [
            {"type": "READER_FIELD_MISSING_DEFAULT_VALUE", "location": "/fields/1", "message": "newfield1"}
        ]})
    );
    // The other way round fails as well: `oldfield2` has no default.
    let out = kplay(&[
        "schema",
        "compat",
        "--reader",
        w.to_str().unwrap(),
        "--writer",
        r.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(json_of(&out)["compatible"], false);
    let same = kplay(&[
        "schema",
        "compat",
        "--reader",
        w.to_str().unwrap(),
        "--writer",
        w.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        json_of(&same),
        serde_json::json!({"compatible": true, "incompatibilities": []})
    );
}

#[test]
fn compat_text_names_each_problem() {
    let r = write("mu16-reader.avsc", r#"["int"]"#);
    let w = write("mu16-writer.avsc", r#"["int","long","float","double"]"#);
    let out = kplay(&[
        "schema",
        "compat",
        "--reader",
        r.to_str().unwrap(),
        "--writer",
        w.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("INCOMPATIBLE"), "{text}");
    assert!(text.contains("(3 problems)"));
    assert!(text.contains("MISSING_UNION_BRANCH at /3: reader union lacking writer type: DOUBLE"));
}

#[test]
fn check_backward_gives_confluents_details() {
    let v1 = write("schema1.avsc", SCHEMA1);
    let new = write("schema3.avsc", SCHEMA3);
    let out = kplay(&[
        "schema",
        "check",
        "--compatibility",
        "BACKWARD",
        "--new",
        new.to_str().unwrap(),
        "--previous",
        v1.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        json_of(&out),
        serde_json::json!({"compatible": false, "messages": [
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}",
            "{oldSchemaVersion: 1}",
            "{oldSchema: '{\"type\":\"record\",\"name\":\"myrecord\",\"fields\":[{\"name\":\"f1\",\"type\":\"string\"}]}'}",
            "{validateFields: 'false', compatibility: 'BACKWARD'}"
        ]})
    );
}

#[test]
fn check_levels_compare_latest_or_all_versions() {
    let v1 = write("c-schema1.avsc", SCHEMA1);
    let v2 = write("c-schema2.avsc", SCHEMA2);
    let new = write("c-schema3.avsc", SCHEMA3);
    let run = |level: &str| {
        let out = kplay(&[
            "schema",
            "check",
            "--compatibility",
            level,
            "--new",
            new.to_str().unwrap(),
            "--previous",
            v1.to_str().unwrap(),
            v2.to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(out.status.code(), Some(0));
        json_of(&out)
    };
    // Only v2 is checked: removing a default is backward compatible.
    assert_eq!(run("backward")["compatible"], true);
    // Transitively v1 fails: the message names version 1.
    let t = run("BACKWARD_TRANSITIVE");
    assert_eq!(t["compatible"], false);
    assert_eq!(t["messages"][1], "{oldSchemaVersion: 1}");
    assert_eq!(
        t["messages"][3],
        "{validateFields: 'false', compatibility: 'BACKWARD_TRANSITIVE'}"
    );
    assert_eq!(run("NONE")["compatible"], true);
    // No previous version: always compatible.
    let out = kplay(&[
        "schema",
        "check",
        "--compatibility",
        "FULL",
        "--new",
        new.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        json_of(&out),
        serde_json::json!({"compatible": true, "messages": []})
    );
}

#[test]
fn invalid_schema_file_is_a_named_error() {
    let bad = write(
        "bad.avsc",
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"strnig"}]}"#,
    );
    let good = write("good.avsc", SCHEMA1);
    let out = kplay(&[
        "schema",
        "compat",
        "--reader",
        bad.to_str().unwrap(),
        "--writer",
        good.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("bad.avsc"), "{err}");
    assert!(err.contains(r#"Undefined name: "strnig""#), "{err}");
    assert!(out.stdout.is_empty());
    let out = kplay(&[
        "schema",
        "check",
        "--compatibility",
        "BACKWARD",
        "--new",
        good.to_str().unwrap(),
        "--previous",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.avsc"));
    let missing = kplay(&[
        "schema",
        "compat",
        "--reader",
        "/nonexistent/x.avsc",
        "--writer",
        good.to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/x.avsc"));
    let level = kplay(&[
        "schema",
        "check",
        "--compatibility",
        "SIDEWAYS",
        "--new",
        good.to_str().unwrap(),
    ]);
    assert_eq!(level.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&level.stderr).contains("Invalid compatibility level"));
}

#[test]
fn previous_versions_are_parsed_leniently_like_stored_schemas() {
    // A stored version with an invalid default (null on a string) still
    // loads, and its default counts; the same text as NEW is refused.
    let lenient = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2","default":null}]}"#;
    let old = write("lenient-old.avsc", lenient);
    let new = write("lenient-new.avsc", SCHEMA1);
    let out = kplay(&[
        "schema",
        "check",
        "--compatibility",
        "FORWARD",
        "--new",
        new.to_str().unwrap(),
        "--previous",
        old.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json_of(&out)["compatible"], true);
    let out = kplay(&[
        "schema",
        "check",
        "--compatibility",
        "FORWARD",
        "--new",
        old.to_str().unwrap(),
        "--previous",
        new.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("Invalid default for field f2: null not a \"string\""));
}
