//! Documents a user brings in: an Avro schema (`avro_schema`), a `kplay
//! snapshot` JSON file (`snapshot_json`) and pasted output of Kafka's tools
//! (`pasted_tool_output`: `kafka-topics --describe`, `kafka-consumer-groups
//! --describe`, `kafka-log-dirs --describe`).
//!
//! Checks, for an accepted document:
//! * `avro_schema`: the canonical form (`Schema.toString()` in Java) parses
//!   back to the same canonical form, and a schema can always read data it
//!   wrote (`check_reader_writer(s, s)` finds nothing);
//! * `snapshot_json`: written back (`to_json_pretty`) it reads back equal and
//!   still validates; its views are consistent (lag never negative);
//! * `pasted_tool_output`: the snapshot it yields validates and round-trips
//!   through JSON like a CLI snapshot.
//!
//! For a refused document: a short message.

use kplay_engine::input::clip_message;
use kplay_engine::schema::{check_reader_writer, Schema};
use kplay_engine::snapshot::{import::import_text, views::snapshot_view, Snapshot};

use crate::{check_error_len, label_of, Finding, Target};

pub(crate) struct AvroSchema;
pub(crate) struct SnapshotJson;
pub(crate) struct PastedToolOutput;

/// A refused document: the message as the CLI prints it and the app shows
/// it (`input::clip_message`: long quoted input cut, a huge message's middle
/// elided) must be short. Parse errors quote the schema's names as Java's do.
fn refused(m: &str) -> Result<String, Finding> {
    check_error_len("document error", &clip_message(m))?;
    Ok(label_of("err", m, 40))
}

fn snapshot_round_trip(s: &Snapshot) -> Result<(), Finding> {
    let text = s.to_json_pretty();
    let back = Snapshot::from_json(&text)
        .map_err(|e| format!("written snapshot does not read back: {e}"))?;
    if back.to_json_pretty() != text {
        return Err("snapshot JSON round trip changed the snapshot".into());
    }
    let view = snapshot_view(&back);
    let text_view = format!("{view:?}");
    if text_view.contains("lag: Some(-") {
        return Err("a view shows a negative lag".into());
    }
    Ok(())
}

impl Target for AvroSchema {
    fn name(&self) -> &'static str {
        "avro_schema"
    }

    fn dictionary(&self) -> &'static [&'static str] {
        &[
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[",
            "{\"name\":\"a\",\"type\":\"int\",\"default\":0}",
            "]}",
            "\"namespace\":\"n.s\",",
            "\"aliases\":[\"Old\"],",
            "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"],\"default\":\"A\"}",
            "{\"type\":\"array\",\"items\":",
            "{\"type\":\"map\",\"values\":",
            "{\"type\":\"fixed\",\"name\":\"F\",\"size\":16}",
            "[\"null\",\"string\"]",
            "\"logicalType\":\"decimal\",\"precision\":4",
            "\"R\"",
        ]
    }

    fn run(&self, input: &[u8]) -> Result<String, Finding> {
        let text = String::from_utf8_lossy(input);
        match Schema::parse(&text) {
            Err(e) => refused(&e.to_string()),
            Ok(s) => {
                let canonical = s.canonical_string();
                let back = Schema::parse(&canonical)
                    .map_err(|e| format!("canonical form {canonical:?} does not parse: {e}"))?;
                if back.canonical_string() != canonical {
                    return Err("canonical form is not stable".into());
                }
                match check_reader_writer(&s, &s) {
                    Ok(found) if found.is_empty() => {}
                    Ok(found) => return Err(format!("a schema cannot read itself: {found:?}")),
                    Err(e) => check_error_len("checker error", &e.to_string())?,
                }
                Ok(format!("ok-{:?}", s.schema_type()))
            }
        }
    }
}

impl Target for SnapshotJson {
    fn name(&self) -> &'static str {
        "snapshot_json"
    }

    fn dictionary(&self) -> &'static [&'static str] {
        &[
            "\"version\":1",
            "\"taken_at_ms\":",
            "\"cluster\":",
            "\"brokers\":[",
            "\"topics\":[",
            "\"partitions\":[",
            "\"leader\":",
            "\"replicas\":[",
            "\"isr\":[",
            "\"log_start_offset\":",
            "\"log_end_offset\":",
            "\"groups\":[",
            "\"offsets\":[",
            "\"committed\":",
            "\"lag\":",
            "\"unavailable\":[",
            "null",
            "-1",
        ]
    }

    fn run(&self, input: &[u8]) -> Result<String, Finding> {
        let text = String::from_utf8_lossy(input);
        match Snapshot::from_json(&text) {
            Err(e) => refused(&e.to_string()),
            Ok(s) => {
                s.validate()
                    .map_err(|e| format!("an accepted snapshot does not validate: {e}"))?;
                snapshot_round_trip(&s)?;
                Ok("ok".into())
            }
        }
    }
}

impl Target for PastedToolOutput {
    fn name(&self) -> &'static str {
        "pasted_tool_output"
    }

    fn dictionary(&self) -> &'static [&'static str] {
        &[
            "Topic: orders\tTopicId: x\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: \n",
            "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2\n",
            "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n",
            "g1              orders          0          5               9               4               -               -               -\n",
            "{\"version\":1,\"brokers\":[{\"broker\":1,\"logDirs\":[{\"logDir\":\"/d\",\"error\":null,\"partitions\":[",
            "{\"partition\":\"orders-0\",\"size\":100,\"offsetLag\":0,\"isFuture\":false}",
            "]}]}]}",
            "none",
            "\t",
        ]
    }

    fn run(&self, input: &[u8]) -> Result<String, Finding> {
        let text = String::from_utf8_lossy(input);
        match import_text(&text, 0) {
            Err(e) => refused(&e.to_string()),
            Ok((format, s)) => {
                s.validate()
                    .map_err(|e| format!("an imported snapshot does not validate: {e}"))?;
                snapshot_round_trip(&s)?;
                Ok(format!("ok-{format:?}"))
            }
        }
    }
}
