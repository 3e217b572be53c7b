//! The Schemas page's view state: one subject (`<topic>-value`,
//! `TopicNameStrategy`) with its registered versions, the editor's next
//! version, the compatibility level and a sample record. Everything lives in
//! the URL; every verdict, message, id and decoded value comes from
//! `kplay_engine::schema`.

use kplay_engine::schema::{
    check_each_version, decode_with, encode, frame, pointer_span, registry_messages, AvroValue,
    CompatibilityLevel, ConflictCode, Incompatibility, Previous, Registry, Schema,
};

/// Most registered versions a link may carry (bounds the work per render).
pub const MAX_VERSIONS: usize = 20;
/// Longest query (encoded) kplay writes or reads: a schema that makes the
/// link longer is stated, never truncated.
pub const MAX_QUERY_BYTES: usize = 60_000;
/// Longest sample record (JSON text).
pub const MAX_RECORD_BYTES: usize = 8_192;
/// Longest topic name Kafka accepts.
const MAX_TOPIC_LEN: usize = 249;

/// The schema every preset starts from (version 1).
pub const BASE_SCHEMA: &str = r#"{
  "type": "record",
  "name": "Payment",
  "namespace": "com.example",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "amount", "type": "int"},
    {"name": "note", "type": ["null", "string"], "default": null}
  ]
}"#;

/// A sample record of [`BASE_SCHEMA`].
pub const BASE_RECORD: &str = r#"{"id": "p-1", "amount": 1250, "note": "gift"}"#;

/// One preset: (id, label, what it shows).
pub struct Preset {
    /// URL id.
    pub id: &'static str,
    /// Button label.
    pub label: &'static str,
    /// What the preset demonstrates.
    pub about: &'static str,
    level: CompatibilityLevel,
    next: &'static str,
    writer: Writer,
    record: &'static str,
}

/// The presets, from the seeds' incidents.
pub const PRESETS: [Preset; 6] = [
    Preset {
        id: "add-required",
        label: "Add a required field",
        about: "A new field without a default: the new schema cannot read old records (seed 002's incident). BACKWARD refuses it.",
        level: CompatibilityLevel::Backward,
        next: r#"{
  "type": "record",
  "name": "Payment",
  "namespace": "com.example",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "amount", "type": "int"},
    {"name": "note", "type": ["null", "string"], "default": null},
    {"name": "region", "type": "string"}
  ]
}"#,
        writer: Writer::Version(1),
        record: BASE_RECORD,
    },
    Preset {
        id: "add-default",
        label: "Add a field with a default",
        about: "The same field with a default: a new consumer fills it in when it reads old records. BACKWARD accepts it.",
        level: CompatibilityLevel::Backward,
        next: r#"{
  "type": "record",
  "name": "Payment",
  "namespace": "com.example",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "amount", "type": "int"},
    {"name": "note", "type": ["null", "string"], "default": null},
    {"name": "region", "type": "string", "default": "eu-west-1"}
  ]
}"#,
        writer: Writer::Version(1),
        record: BASE_RECORD,
    },
    Preset {
        id: "remove-field",
        label: "Remove a field",
        about: "Dropping a field without a default: old consumers cannot read new records. FORWARD refuses it (BACKWARD would accept it).",
        level: CompatibilityLevel::Forward,
        next: r#"{
  "type": "record",
  "name": "Payment",
  "namespace": "com.example",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "note", "type": ["null", "string"], "default": null}
  ]
}"#,
        writer: Writer::Next,
        record: r#"{"id": "p-2", "note": "refund"}"#,
    },
    Preset {
        id: "rename-alias",
        label: "Rename with an alias",
        about: "amount becomes amount_cents with an alias: the new reader finds the old field by its alias. BACKWARD accepts it.",
        level: CompatibilityLevel::Backward,
        next: r#"{
  "type": "record",
  "name": "Payment",
  "namespace": "com.example",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "amount_cents", "type": "int", "aliases": ["amount"]},
    {"name": "note", "type": ["null", "string"], "default": null}
  ]
}"#,
        writer: Writer::Version(1),
        record: BASE_RECORD,
    },
    Preset {
        id: "widen",
        label: "Widen int to long",
        about: "A long reads an int (a promotion); an int cannot read a long. BACKWARD accepts it, FULL would not.",
        level: CompatibilityLevel::Backward,
        next: r#"{
  "type": "record",
  "name": "Payment",
  "namespace": "com.example",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "amount", "type": "long"},
    {"name": "note", "type": ["null", "string"], "default": null}
  ]
}"#,
        writer: Writer::Version(1),
        record: BASE_RECORD,
    },
    Preset {
        id: "union-branch",
        label: "Add a union branch",
        about: "note may now be a long too: new readers read old data, but an old reader has no branch for a long. FULL refuses it.",
        level: CompatibilityLevel::Full,
        next: r#"{
  "type": "record",
  "name": "Payment",
  "namespace": "com.example",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "amount", "type": "int"},
    {"name": "note", "type": ["null", "string", "long"], "default": null}
  ]
}"#,
        writer: Writer::Next,
        record: r#"{"id": "p-3", "amount": 990, "note": 42}"#,
    },
];

/// Which schema wrote the sample record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// A registered version (1-based).
    Version(usize),
    /// The editor's next version (not registered yet).
    Next,
}

impl Writer {
    fn fits(self, versions: usize) -> bool {
        match self {
            Self::Version(v) => (1..=versions).contains(&v),
            Self::Next => true,
        }
    }

    fn encode(self) -> String {
        match self {
            Self::Version(v) => v.to_string(),
            Self::Next => "next".to_owned(),
        }
    }
}

/// Everything the page shows, as the URL holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaState {
    /// The topic; the subject is `<topic>-value`.
    pub topic: String,
    /// The subject's compatibility level.
    pub level: CompatibilityLevel,
    /// The registered versions' texts, version 1 first.
    pub versions: Vec<String>,
    /// The editor: the candidate next version.
    pub next: String,
    /// The schema the sample record is written with.
    pub writer: Writer,
    /// The sample record, as JSON.
    pub record: String,
    /// The preset the state came from, if any (informational).
    pub preset: Option<String>,
}

impl Default for SchemaState {
    fn default() -> Self {
        Self::preset("add-required").unwrap_or_else(|| Self {
            topic: "payments".to_owned(),
            level: CompatibilityLevel::Backward,
            versions: vec![BASE_SCHEMA.to_owned()],
            next: BASE_SCHEMA.to_owned(),
            writer: Writer::Version(1),
            record: BASE_RECORD.to_owned(),
            preset: None,
        })
    }
}

fn invalid_link(msg: impl std::fmt::Display) -> String {
    format!("This is an invalid share link: {msg}")
}

/// Kafka's topic name rules (`Topic.validate`), with its messages.
pub fn validate_topic(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Topic name is illegal, it can't be empty".to_owned());
    }
    if name == "." || name == ".." {
        return Err("Topic name cannot be \".\" or \"..\"".to_owned());
    }
    if name.len() > MAX_TOPIC_LEN {
        return Err(format!(
            "Topic name is illegal, it can't be longer than {MAX_TOPIC_LEN} characters, topic name: {}",
            kplay_engine::input::clip(name)
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(format!(
            "Topic name \"{}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'",
            kplay_engine::input::clip(name)
        ));
    }
    Ok(())
}

/// The encoded length of a query (`?k=v&…`).
pub fn query_len(pairs: &[(String, String)]) -> usize {
    crate::url::query_string(pairs).len()
}

impl SchemaState {
    /// The state a preset sets up: version 1 is [`BASE_SCHEMA`], the editor
    /// holds the change.
    pub fn preset(id: &str) -> Option<Self> {
        let p = PRESETS.iter().find(|p| p.id == id)?;
        Some(Self {
            topic: "payments".to_owned(),
            level: p.level,
            versions: vec![BASE_SCHEMA.to_owned()],
            next: p.next.to_owned(),
            writer: p.writer,
            record: p.record.to_owned(),
            preset: Some(p.id.to_owned()),
        })
    }

    /// The subject (`TopicNameStrategy`).
    pub fn subject(&self) -> String {
        format!("{}-value", self.topic)
    }

    /// Reads the state from query pairs; an empty query is the default.
    pub fn from_query<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, String> {
        let pairs: Vec<(&str, &str)> = pairs.into_iter().collect();
        if pairs.is_empty() {
            return Ok(Self::default());
        }
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let len = query_len(&owned);
        if len > MAX_QUERY_BYTES {
            return Err(invalid_link(format!(
                "it is {len} bytes long; kplay reads at most {MAX_QUERY_BYTES} bytes of schemas in a link"
            )));
        }
        // A preset is the starting point; explicit parameters override it.
        let preset = match pairs.iter().find(|(k, _)| *k == "preset") {
            Some(&(_, v)) => Some(Self::preset(v).ok_or_else(|| {
                invalid_link(format!(
                    "there is no preset '{}'",
                    kplay_engine::input::clip(v)
                ))
            })?),
            None => None,
        };
        let from_preset = preset.is_some();
        let mut s = preset.unwrap_or_else(|| Self {
            topic: "payments".to_owned(),
            level: CompatibilityLevel::Backward,
            versions: Vec::new(),
            next: String::new(),
            writer: Writer::Version(1),
            record: BASE_RECORD.to_owned(),
            preset: None,
        });
        let mut numbered: Vec<(usize, String)> = Vec::new();
        let mut writer = None;
        let mut has_next = false;
        for (k, v) in pairs {
            match k {
                "topic" => {
                    validate_topic(v).map_err(invalid_link)?;
                    s.topic = v.to_owned();
                }
                "level" => {
                    s.level = v.parse().map_err(|e| invalid_link(format!("level: {e}")))?;
                }
                "next" => {
                    s.next = v.to_owned();
                    has_next = true;
                }
                "writer" => writer = Some(v),
                "record" => {
                    if v.len() > MAX_RECORD_BYTES {
                        return Err(invalid_link(format!(
                            "the sample record is {} bytes; kplay accepts at most {MAX_RECORD_BYTES}",
                            v.len()
                        )));
                    }
                    s.record = v.to_owned();
                }
                "preset" => {}
                name => {
                    let n = name
                        .strip_prefix('v')
                        .and_then(|d| d.parse::<usize>().ok())
                        .filter(|n| (1..=MAX_VERSIONS).contains(n) && name == format!("v{n}"));
                    match n {
                        Some(n) => numbered.push((n, v.to_owned())),
                        None => {
                            return Err(invalid_link(format!(
                                "unknown parameter '{}' (versions are v1 … v{MAX_VERSIONS})",
                                kplay_engine::input::clip(name)
                            )))
                        }
                    }
                }
            }
        }
        numbered.sort_by_key(|(n, _)| *n);
        if !numbered.is_empty() {
            s.versions.clear();
        }
        for (i, (n, text)) in numbered.into_iter().enumerate() {
            if n != i + 1 {
                return Err(invalid_link(format!(
                    "v{n} is given but v{} is missing",
                    i + 1
                )));
            }
            s.versions.push(text);
        }
        if !has_next && !from_preset {
            s.next = s.versions.last().cloned().unwrap_or_default();
        }
        s.writer = match writer {
            None if s.versions.is_empty() => Writer::Next,
            None if from_preset && s.writer.fits(s.versions.len()) => s.writer,
            None => Writer::Version(1),
            Some("next") => Writer::Next,
            Some(w) => match w.parse::<usize>() {
                Ok(n) if (1..=s.versions.len()).contains(&n) => Writer::Version(n),
                _ => {
                    return Err(invalid_link(format!(
                        "writer='{}' is neither 'next' nor a registered version (1 … {})",
                        kplay_engine::input::clip(w),
                        s.versions.len()
                    )))
                }
            },
        };
        // Every registered version must be a schema the registry accepted.
        s.registry().map_err(invalid_link)?;
        Ok(s)
    }

    /// The query pairs for this state (inverse of [`SchemaState::from_query`]).
    pub fn to_query(&self) -> Vec<(String, String)> {
        let mut q = vec![
            ("topic".to_owned(), self.topic.clone()),
            ("level".to_owned(), self.level.as_str().to_owned()),
        ];
        for (i, v) in self.versions.iter().enumerate() {
            q.push((format!("v{}", i + 1), v.clone()));
        }
        q.push(("next".to_owned(), self.next.clone()));
        q.push(("writer".to_owned(), self.writer.encode()));
        q.push(("record".to_owned(), self.record.clone()));
        if let Some(p) = &self.preset {
            q.push(("preset".to_owned(), p.clone()));
        }
        q
    }

    /// [`SchemaState::to_query`], or why this state does not fit in a link.
    pub fn to_link_query(&self) -> Result<Vec<(String, String)>, String> {
        let q = self.to_query();
        let len = query_len(&q);
        if len > MAX_QUERY_BYTES {
            Err(format!(
                "These schemas make the link {len} bytes long, above kplay's {MAX_QUERY_BYTES}-byte limit: the page shows them, but the URL still holds the last state that fit (nothing was cut)."
            ))
        } else {
            Ok(q)
        }
    }

    /// The registry with this subject's versions registered in order (level
    /// `NONE` while replaying the history, then the chosen level).
    pub fn registry(&self) -> Result<Registry, String> {
        if self.versions.len() > MAX_VERSIONS {
            return Err(format!("more than {MAX_VERSIONS} versions"));
        }
        let subject = self.subject();
        let mut reg = Registry::new();
        reg.set_subject_level(&subject, Some(CompatibilityLevel::None));
        for (i, text) in self.versions.iter().enumerate() {
            let r = reg
                .register(&subject, text)
                .map_err(|e| format!("v{} is not a valid Avro schema: {e}", i + 1))?;
            if r.existing {
                return Err(format!(
                    "v{} is identical to v{}; the registry would return version {} (id {}) instead of a new version",
                    i + 1,
                    r.version,
                    r.version,
                    r.id
                ));
            }
        }
        reg.set_subject_level(&subject, Some(self.level));
        Ok(reg)
    }

    /// What the registry answers to `POST /subjects/<subject>/versions` with
    /// the editor's schema.
    pub fn register(&self) -> Result<RegisterOutcome, String> {
        let mut reg = self.registry()?;
        match reg.register(&self.subject(), &self.next) {
            Ok(r) => {
                let next_state = (!r.existing).then(|| {
                    let mut s = self.clone();
                    s.versions.push(self.next.clone());
                    s.preset = None;
                    s
                });
                if next_state.is_some() && self.versions.len() >= MAX_VERSIONS {
                    return Err(format!(
                        "kplay keeps at most {MAX_VERSIONS} versions in a link; this subject has {}",
                        self.versions.len()
                    ));
                }
                Ok(RegisterOutcome::Registered {
                    id: r.id,
                    version: r.version,
                    existing: r.existing,
                    next_state,
                })
            }
            Err(e) => Ok(RegisterOutcome::Refused {
                status: e.http_status(),
                body: e.body(ConflictCode::Legacy409),
            }),
        }
    }

    /// Every verdict and decoded value the page shows.
    pub fn analyze(&self) -> Result<Analysis, String> {
        let reg = self.registry()?;
        let subject = self.subject();
        let entries = reg.versions(&subject);
        let history: Vec<HistoryEntry> = entries
            .iter()
            .zip(&self.versions)
            .map(|(e, text)| HistoryEntry {
                version: e.version,
                id: e.id,
                text: text.clone(),
            })
            .collect();
        let parsed: Vec<Schema> = self
            .versions
            .iter()
            .map(|t| Schema::parse(t).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        let next = Schema::parse(&self.next).map_err(|e| e.to_string());
        let (checks, verdict) = match &next {
            Err(e) => (Vec::new(), Verdict::Invalid(e.clone())),
            Ok(new) => {
                let previous: Vec<Previous<'_>> = parsed
                    .iter()
                    .zip(&history)
                    .map(|(schema, h)| Previous {
                        schema,
                        version: Some(h.version),
                    })
                    .collect();
                let checks = check_each_version(self.level, new, &previous)
                    .into_iter()
                    .map(|c| {
                        let old_text = &self.versions[c.index];
                        let mut findings = Vec::new();
                        let mut push = |dir: Option<Result<Vec<Incompatibility>, _>>,
                                        reader: String,
                                        writer: String,
                                        reader_text: &str| {
                            if let Some(Ok(found)) = dir {
                                for inc in found {
                                    findings.push(Finding::new(
                                        &inc,
                                        reader.clone(),
                                        writer.clone(),
                                        reader_text,
                                    ));
                                }
                            }
                        };
                        let old = format!("v{}", c.index + 1);
                        push(c.new_reads_old, "next".into(), old.clone(), &self.next);
                        push(c.old_reads_new, old, "next".into(), old_text);
                        VersionVerdict {
                            version: c.index + 1,
                            compatible: c.messages.is_empty(),
                            messages: c.messages,
                            reported: c.reported,
                            findings,
                        }
                    })
                    .collect();
                let messages = registry_messages(self.level, new, &previous);
                let verdict = if messages.is_empty() {
                    Verdict::Compatible
                } else {
                    Verdict::Incompatible(messages)
                };
                (checks, verdict)
            }
        };
        let sample = self.sample(&parsed, next.as_ref().ok(), &history);
        Ok(Analysis {
            subject,
            history,
            checks,
            verdict,
            sample,
        })
    }

    fn sample(
        &self,
        parsed: &[Schema],
        next: Option<&Schema>,
        history: &[HistoryEntry],
    ) -> Result<Sample, String> {
        let (writer, label, id) = match self.writer {
            Writer::Version(v) => (
                parsed
                    .get(v - 1)
                    .ok_or_else(|| format!("there is no version {v}"))?,
                format!("v{v}"),
                history.get(v - 1).map_or(0, |h| h.id),
            ),
            Writer::Next => (
                next.ok_or("the editor's schema does not parse, so it cannot write the sample")?,
                "next".to_owned(),
                0,
            ),
        };
        let json: serde_json::Value = serde_json::from_str(&self.record)
            .map_err(|e| format!("The sample record is not JSON: {e}"))?;
        let value = AvroValue::from_json(writer, &json).ok_or_else(|| {
            format!(
                "The sample record does not fit {label} ({}): every field without a default needs a value of its type",
                writer.full_name()
            )
        })?;
        let body = encode(writer, &value).map_err(|e| e.to_string())?;
        let wire = frame(id, &body);
        let mut readers: Vec<(String, &Schema)> = parsed
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("v{}", i + 1), s))
            .collect();
        if let Some(n) = next {
            readers.push(("next".to_owned(), n));
        }
        let reads = readers
            .into_iter()
            .map(|(reader, schema)| SampleRead {
                result: decode_with(writer, schema, &body)
                    .map(|v| v.to_json_string())
                    .map_err(|e| e.to_string()),
                is_writer: reader == label,
                reader,
            })
            .collect();
        Ok(Sample {
            writer: label,
            wire_hex: wire
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" "),
            reads,
        })
    }
}

/// What "Register" did.
#[derive(Debug, Clone, PartialEq)]
pub enum RegisterOutcome {
    /// 200: `{"id": …}`.
    Registered {
        /// Global id.
        id: u32,
        /// Subject version.
        version: u32,
        /// The schema was already registered (its existing id).
        existing: bool,
        /// The state with the new version appended (`None` if nothing changed).
        next_state: Option<SchemaState>,
    },
    /// The registry refused: status and body.
    Refused {
        /// 409 or 422.
        status: u16,
        /// The JSON body.
        body: String,
    },
}

/// One registered version.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// Version number.
    pub version: u32,
    /// Global id.
    pub id: u32,
    /// Schema text as written.
    pub text: String,
}

/// One incompatibility Java reports, placed in the reader's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Which schema reads (`next`, `v1`, …).
    pub reader: String,
    /// Which schema wrote.
    pub writer: String,
    /// `READER_FIELD_MISSING_DEFAULT_VALUE`, …
    pub kind: String,
    /// Java's location (`/fields/3`).
    pub location: String,
    /// Java's message.
    pub message: String,
    /// The reader's text split around the location: before, marked, after.
    pub highlight: Option<(String, String, String)>,
}

impl Finding {
    fn new(inc: &Incompatibility, reader: String, writer: String, text: &str) -> Self {
        let highlight = pointer_span(text, &inc.location).map(|r| {
            (
                text[..r.start].to_owned(),
                text[r.clone()].to_owned(),
                text[r.end..].to_owned(),
            )
        });
        Self {
            reader,
            writer,
            kind: inc.kind.as_str().to_owned(),
            location: inc.location.clone(),
            message: inc.message.clone(),
            highlight,
        }
    }
}

/// The verdict against one version the level compares with.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionVerdict {
    /// Version number.
    pub version: usize,
    /// Confluent finds no problem with this version.
    pub compatible: bool,
    /// Confluent's `details` messages for this version.
    pub messages: Vec<String>,
    /// The version whose messages Confluent's answer carries.
    pub reported: bool,
    /// Java's incompatibilities, both directions.
    pub findings: Vec<Finding>,
}

/// Confluent's overall answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// `{"is_compatible": true}`.
    Compatible,
    /// Not compatible: the `details` list of the 409.
    Incompatible(Vec<String>),
    /// The editor's text is not a schema (422).
    Invalid(String),
}

/// One consumer reading the sample.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRead {
    /// The reader's version (`v1`, …, `next`).
    pub reader: String,
    /// Whether this is the writer's own schema.
    pub is_writer: bool,
    /// The decoded value as JSON, or the consumer's error.
    pub result: Result<String, String>,
}

/// The sample record written once and read by every version.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Writer label.
    pub writer: String,
    /// The wire-format bytes (magic byte, id, body) in hex.
    pub wire_hex: String,
    /// Every consumer's view.
    pub reads: Vec<SampleRead>,
}

/// Everything the page renders.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// `<topic>-value`.
    pub subject: String,
    /// Registered versions.
    pub history: Vec<HistoryEntry>,
    /// Per compared version, newest first.
    pub checks: Vec<VersionVerdict>,
    /// Confluent's answer.
    pub verdict: Verdict,
    /// The sample record, or why it cannot be written.
    pub sample: Result<Sample, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(String, String)]) -> Vec<(&str, &str)> {
        q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    fn roundtrip(s: &SchemaState) -> SchemaState {
        // Through the real encoding: query string → parse → decode once.
        let qs = crate::url::query_string(&s.to_query());
        let back = crate::url::parse_query(&qs);
        SchemaState::from_query(pairs(&back)).expect("round trip")
    }

    #[test]
    fn presets_give_the_documented_verdicts() {
        let expect = [
            ("add-required", false),
            ("add-default", true),
            ("remove-field", false),
            ("rename-alias", true),
            ("widen", true),
            ("union-branch", false),
        ];
        for (id, ok) in expect {
            let s = SchemaState::preset(id).unwrap();
            let a = s.analyze().unwrap();
            assert_eq!(
                a.verdict == Verdict::Compatible,
                ok,
                "{id}: {:?}",
                a.verdict
            );
            assert_eq!(a.checks.len(), 1, "{id}");
            assert!(a.sample.is_ok(), "{id}: {:?}", a.sample);
            assert_eq!(roundtrip(&s), s, "{id}");
        }
        let a = SchemaState::preset("add-required")
            .unwrap()
            .analyze()
            .unwrap();
        let f = &a.checks[0].findings[0];
        assert_eq!(f.kind, "READER_FIELD_MISSING_DEFAULT_VALUE");
        assert_eq!(
            (f.location.as_str(), f.message.as_str()),
            ("/fields/3", "region")
        );
        assert!(f.highlight.as_ref().unwrap().1.contains("\"region\""));
        match &a.verdict {
            Verdict::Incompatible(m) => {
                assert!(m[0].starts_with("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'"));
                assert_eq!(
                    m.last().unwrap(),
                    "{validateFields: 'false', compatibility: 'BACKWARD'}"
                );
            }
            v => panic!("{v:?}"),
        }
        // The new consumer cannot read v1's record: Java's AvroTypeException.
        let sample = a.sample.unwrap();
        let next = sample.reads.iter().find(|r| r.reader == "next").unwrap();
        assert_eq!(
            next.result,
            Err("org.apache.avro.AvroTypeException: Found com.example.Payment, expecting com.example.Payment, missing required field region".into())
        );
        // With a default it is filled in.
        let a = SchemaState::preset("add-default")
            .unwrap()
            .analyze()
            .unwrap();
        let s = a.sample.unwrap();
        let next = s.reads.iter().find(|r| r.reader == "next").unwrap();
        assert_eq!(
            next.result,
            Ok(r#"{"id":"p-1","amount":1250,"note":"gift","region":"eu-west-1"}"#.into())
        );
        // Remove a field under FORWARD: v1 reads next's data and misses amount.
        let a = SchemaState::preset("remove-field")
            .unwrap()
            .analyze()
            .unwrap();
        assert_eq!(a.checks[0].findings[0].reader, "v1");
        let s = a.sample.unwrap();
        assert!(s.reads[0]
            .result
            .as_ref()
            .unwrap_err()
            .contains("missing required field amount"));
    }

    #[test]
    fn register_refuses_with_409_and_reuses_ids() {
        let s = SchemaState::preset("add-required").unwrap();
        match s.register().unwrap() {
            RegisterOutcome::Refused { status, body } => {
                assert_eq!(status, 409);
                assert!(body.starts_with(r#"{"error_code":409,"message":"Schema being registered is incompatible with an earlier schema for subject \"payments-value\""#), "{body}");
            }
            o => panic!("{o:?}"),
        }
        let s = SchemaState::preset("add-default").unwrap();
        let RegisterOutcome::Registered {
            id,
            version,
            existing,
            next_state,
        } = s.register().unwrap()
        else {
            panic!()
        };
        assert_eq!((id, version, existing), (2, 2, false));
        let s2 = next_state.unwrap();
        assert_eq!(s2.versions.len(), 2);
        let RegisterOutcome::Registered {
            id,
            version,
            existing,
            next_state,
        } = s2.register().unwrap()
        else {
            panic!()
        };
        assert_eq!((id, version, existing, next_state), (2, 2, true, None));
        // Invalid schema: 422.
        let mut bad = s2.clone();
        bad.next = r#"{"type":"record","name":"P","fields":[{"name":"a","type":"Foo"}]}"#.into();
        let RegisterOutcome::Refused { status, body } = bad.register().unwrap() else {
            panic!()
        };
        assert_eq!(status, 422);
        assert!(
            body.contains("42201") && body.contains("Undefined name"),
            "{body}"
        );
    }

    #[test]
    fn hostile_text_round_trips() {
        let mut s = SchemaState::preset("add-default").unwrap();
        s.next =
            r#"{"type":"record","name":"Q","doc":"a&b=c %41 %% \"quoted\" ü 🦀 +","fields":[]}"#
                .into();
        s.record = r#"{"id":"&=%41 ü","amount":1,"note":null}"#.into();
        s.topic = "a.b_c-d".into();
        s.level = CompatibilityLevel::FullTransitive;
        s.writer = Writer::Next;
        assert_eq!(roundtrip(&s), s);
        // to_link_query is to_query when it fits.
        assert_eq!(s.to_link_query().unwrap(), s.to_query());
    }

    #[test]
    fn bad_links_are_errors_in_the_registry_words() {
        let e = |q: &[(&str, &str)]| SchemaState::from_query(q.iter().copied()).unwrap_err();
        assert!(e(&[("level", "sideways")]).contains("Invalid compatibility level"));
        assert!(e(&[("topic", "a b")]).contains("illegal"));
        assert!(e(&[("v2", BASE_SCHEMA)]).contains("v2 is given but v1 is missing"));
        assert!(e(&[("v1", "{\"type\":\"nope\"}")]).contains("v1 is not a valid Avro schema"));
        assert!(e(&[("v1", BASE_SCHEMA), ("v2", BASE_SCHEMA)]).contains("identical"));
        assert!(e(&[("v21", BASE_SCHEMA)]).contains("unknown parameter"));
        assert!(e(&[("v1", BASE_SCHEMA), ("writer", "7")]).contains("writer='7'"));
        assert!(e(&[("preset", "zzz")]).contains("no preset"));
        assert_eq!(SchemaState::from_query([]).unwrap(), SchemaState::default());
        // A bare preset link is the preset.
        assert_eq!(
            SchemaState::from_query([("preset", "widen")]).unwrap(),
            SchemaState::preset("widen").unwrap()
        );
    }

    #[test]
    fn oversize_is_refused_not_truncated() {
        let mut s = SchemaState::preset("add-default").unwrap();
        s.next = format!(
            r#"{{"type":"record","name":"Big","doc":"{}","fields":[]}}"#,
            "x".repeat(MAX_QUERY_BYTES)
        );
        let err = s.to_link_query().unwrap_err();
        assert!(err.contains("above kplay's 60000-byte limit"), "{err}");
        let q = s.to_query();
        let err = SchemaState::from_query(pairs(&q)).unwrap_err();
        assert!(err.contains("kplay reads at most 60000 bytes"), "{err}");
        // The state itself still analyses (the page shows it).
        assert!(s.analyze().is_ok());
    }
}
