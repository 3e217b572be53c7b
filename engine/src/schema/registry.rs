//! A small in-memory Schema Registry: subjects, versions, global ids,
//! compatibility levels and soft delete, following Confluent's
//! `KafkaSchemaRegistry.register` / `AbstractSchemaRegistry`:
//!
//! * an identical schema already registered (not deleted) under the subject
//!   returns its id and version with **no** compatibility check;
//! * the previous schemas are the subject's non-deleted versions, oldest
//!   first; the level is the subject's, else the global one (default
//!   `BACKWARD`, `schema.compatibility.level`);
//! * the same schema under another subject reuses its global id;
//! * a new version is the highest version ever used (deleted included) + 1;
//! * "identical" compares Java's `Schema.toString()`
//!   ([`Schema::canonical_string`]), which Confluent stores as the schema
//!   string: whitespace and key order do not matter, docs and defaults do.
//!
//! Not modelled: hard delete, modes (`IMPORT`, `READONLY`), `normalize`,
//! schema references, metadata and rule sets, contexts.

use std::collections::BTreeMap;

use super::confluent::{registry_messages, CompatibilityLevel, Previous};
use super::parse::{ParseError, Schema};

/// Confluent's `error_code` for an incompatible schema: `409` up to
/// 8.0.3/8.1.1, `40901` from 8.0.4, 8.1.2 and 8.2 on (the HTTP status is 409
/// in both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConflictCode {
    /// `409` (7.x, 8.0.0–8.0.3, 8.1.0–8.1.1).
    #[default]
    Legacy409,
    /// `40901` (8.0.4+, 8.1.2+, 8.2+).
    Code40901,
}

impl ConflictCode {
    /// The number in the body.
    pub fn code(self) -> u32 {
        match self {
            Self::Legacy409 => 409,
            Self::Code40901 => 40901,
        }
    }
}

/// Why the registry refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// 422, `error_code` 42201: the schema does not parse.
    #[error("Invalid schema: {0}")]
    InvalidSchema(ParseError),
    /// 409: incompatible with an earlier version.
    #[error("Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]", details.join(", "))]
    Incompatible {
        /// The subject.
        subject: String,
        /// `isCompatibleWithPrevious`'s messages.
        details: Vec<String>,
    },
    /// 404, `error_code` 40401.
    #[error("Subject '{0}' not found.")]
    SubjectNotFound(String),
    /// 404, `error_code` 40402.
    #[error("Version {0} not found.")]
    VersionNotFound(u32),
}

impl RegistryError {
    /// The HTTP status Confluent answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::InvalidSchema(_) => 422,
            Self::Incompatible { .. } => 409,
            Self::SubjectNotFound(_) | Self::VersionNotFound(_) => 404,
        }
    }

    /// The response body, `{"error_code":…,"message":"…"}` (rest-utils
    /// `ErrorMessage`); `code` picks 409 or 40901 for an incompatible
    /// schema.
    pub fn body(&self, code: ConflictCode) -> String {
        let error_code = match self {
            Self::InvalidSchema(_) => 42201,
            Self::Incompatible { .. } => code.code(),
            Self::SubjectNotFound(_) => 40401,
            Self::VersionNotFound(_) => 40402,
        };
        serde_json::json!({"error_code": error_code, "message": self.to_string()}).to_string()
    }
}

/// How a producer names the subject (`*.subject.name.strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubjectNameStrategy {
    /// `TopicNameStrategy` (default): `<topic>-key` / `<topic>-value`.
    #[default]
    TopicName,
    /// `RecordNameStrategy`: the record's full name.
    RecordName,
    /// `TopicRecordNameStrategy`: `<topic>-<record full name>`.
    TopicRecordName,
}

impl SubjectNameStrategy {
    /// The subject for a key or value schema on `topic`; the record
    /// strategies need a record schema (`AvroSchema.name()` is `null`
    /// otherwise and the serializer throws).
    pub fn subject(self, topic: &str, is_key: bool, schema: &Schema) -> Result<String, String> {
        let record = || {
            if schema.schema_type() == super::SchemaType::Record {
                Ok(schema.full_name().to_string())
            } else {
                let (config, what) = if is_key {
                    ("key.subject.name.strategy", "key")
                } else {
                    ("value.subject.name.strategy", "value")
                };
                let class = match self {
                    Self::TopicRecordName => {
                        "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"
                    }
                    _ => "io.confluent.kafka.serializers.subject.RecordNameStrategy",
                };
                Err(format!(
                    "In configuration {config} = {class}, the message {what} must only be a record schema"
                ))
            }
        };
        match self {
            Self::TopicName => Ok(format!("{topic}-{}", if is_key { "key" } else { "value" })),
            Self::RecordName => record(),
            Self::TopicRecordName => Ok(format!("{topic}-{}", record()?)),
        }
    }
}

/// One version of a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionEntry {
    /// The version number (1, 2, …).
    pub version: u32,
    /// The global schema id.
    pub id: u32,
    /// Soft-deleted: kept, not compared, not returned by default.
    pub deleted: bool,
}

/// What `register` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    /// The global id (what serializers put in the wire format).
    pub id: u32,
    /// The subject version.
    pub version: u32,
    /// Whether the schema was already registered (nothing changed).
    pub existing: bool,
}

#[derive(Debug, Clone, Default)]
struct Subject {
    versions: Vec<VersionEntry>,
    level: Option<CompatibilityLevel>,
}

/// The registry.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    global: CompatibilityLevel,
    /// Schema `id` is at index `id - 1`.
    schemas: Vec<(String, Schema)>,
    subjects: BTreeMap<String, Subject>,
}

impl Registry {
    /// An empty registry at the default global level (`BACKWARD`).
    pub fn new() -> Self {
        Self::default()
    }

    /// The global level (`GET /config`).
    pub fn global_level(&self) -> CompatibilityLevel {
        self.global
    }

    /// `PUT /config`.
    pub fn set_global_level(&mut self, level: CompatibilityLevel) {
        self.global = level;
    }

    /// The subject's own level, if set (`GET /config/{subject}` without
    /// `defaultToGlobal`).
    pub fn subject_level(&self, subject: &str) -> Option<CompatibilityLevel> {
        self.subjects.get(subject).and_then(|s| s.level)
    }

    /// `PUT /config/{subject}` (`Some`) or `DELETE /config/{subject}`
    /// (`None`).
    pub fn set_subject_level(&mut self, subject: &str, level: Option<CompatibilityLevel>) {
        self.subjects.entry(subject.to_string()).or_default().level = level;
    }

    /// The level that applies to `subject`.
    pub fn level(&self, subject: &str) -> CompatibilityLevel {
        self.subject_level(subject).unwrap_or(self.global)
    }

    /// Subjects with at least one live version (`GET /subjects`).
    pub fn subjects(&self) -> Vec<&str> {
        self.subjects
            .iter()
            .filter(|(_, s)| s.versions.iter().any(|v| !v.deleted))
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// All versions of a subject, deleted ones included.
    pub fn versions(&self, subject: &str) -> &[VersionEntry] {
        self.subjects
            .get(subject)
            .map_or(&[][..], |s| s.versions.as_slice())
    }

    /// The schema with global id `id`.
    pub fn schema_by_id(&self, id: u32) -> Option<&Schema> {
        let index = usize::try_from(id).ok()?.checked_sub(1)?;
        self.schemas.get(index).map(|(_, s)| s)
    }

    /// A live version's entry and schema.
    pub fn version(&self, subject: &str, version: u32) -> Option<(&VersionEntry, &Schema)> {
        let v = self
            .versions(subject)
            .iter()
            .find(|v| v.version == version && !v.deleted)?;
        Some((v, self.schema_by_id(v.id)?))
    }

    /// The newest live version.
    pub fn latest(&self, subject: &str) -> Option<(&VersionEntry, &Schema)> {
        let v = self.versions(subject).iter().rev().find(|v| !v.deleted)?;
        Some((v, self.schema_by_id(v.id)?))
    }

    fn live_previous(&self, subject: &str) -> Vec<Previous<'_>> {
        self.versions(subject)
            .iter()
            .filter(|v| !v.deleted)
            .filter_map(|v| {
                Some(Previous {
                    schema: self.schema_by_id(v.id)?,
                    version: Some(v.version),
                })
            })
            .collect()
    }

    /// What registering `schema` under `subject` would answer, without
    /// registering: the messages of `isCompatibleWithPrevious` against every
    /// live version (empty = compatible). This is also
    /// `POST /compatibility/subjects/{subject}/versions?verbose=true`.
    pub fn test_compatibility(&self, subject: &str, schema: &Schema) -> Vec<String> {
        registry_messages(self.level(subject), schema, &self.live_previous(subject))
    }

    /// `POST /compatibility/subjects/{subject}/versions/{version}`: the
    /// subject's level, against that one version.
    pub fn test_compatibility_with_version(
        &self,
        subject: &str,
        schema: &Schema,
        version: u32,
    ) -> Result<Vec<String>, RegistryError> {
        let (entry, old) = self
            .version(subject, version)
            .ok_or(RegistryError::VersionNotFound(version))?;
        let prev = [Previous {
            schema: old,
            version: Some(entry.version),
        }];
        Ok(registry_messages(self.level(subject), schema, &prev))
    }

    /// `POST /subjects/{subject}/versions` with the schema text.
    pub fn register(&mut self, subject: &str, text: &str) -> Result<Registered, RegistryError> {
        let schema = Schema::parse(text).map_err(RegistryError::InvalidSchema)?;
        self.register_schema(subject, schema)
    }

    /// [`Registry::register`] with a parsed schema.
    pub fn register_schema(
        &mut self,
        subject: &str,
        schema: Schema,
    ) -> Result<Registered, RegistryError> {
        let canonical = schema.canonical_string();
        // Identical and live under this subject: its id and version, no check.
        for v in self.versions(subject) {
            if !v.deleted && self.canonical(v.id) == Some(canonical.as_str()) {
                return Ok(Registered {
                    id: v.id,
                    version: v.version,
                    existing: true,
                });
            }
        }
        let details = self.test_compatibility(subject, &schema);
        if !details.is_empty() {
            return Err(RegistryError::Incompatible {
                subject: subject.to_string(),
                details,
            });
        }
        let id = match self.schemas.iter().position(|(c, _)| *c == canonical) {
            Some(i) => u32::try_from(i + 1).unwrap_or(u32::MAX),
            None => {
                self.schemas.push((canonical, schema));
                u32::try_from(self.schemas.len()).unwrap_or(u32::MAX)
            }
        };
        let entry = self.subjects.entry(subject.to_string()).or_default();
        let version = entry
            .versions
            .iter()
            .map(|v| v.version)
            .max()
            .unwrap_or(0)
            .saturating_add(1);
        entry.versions.push(VersionEntry {
            version,
            id,
            deleted: false,
        });
        Ok(Registered {
            id,
            version,
            existing: false,
        })
    }

    fn canonical(&self, id: u32) -> Option<&str> {
        let index = usize::try_from(id).ok()?.checked_sub(1)?;
        self.schemas.get(index).map(|(c, _)| c.as_str())
    }

    /// `DELETE /subjects/{subject}/versions/{version}` (soft): the version is
    /// no longer compared or returned; its number is never reused.
    pub fn delete_version(&mut self, subject: &str, version: u32) -> Result<u32, RegistryError> {
        let s = self
            .subjects
            .get_mut(subject)
            .filter(|s| s.versions.iter().any(|v| !v.deleted))
            .ok_or_else(|| RegistryError::SubjectNotFound(subject.to_string()))?;
        let v = s
            .versions
            .iter_mut()
            .find(|v| v.version == version && !v.deleted)
            .ok_or(RegistryError::VersionNotFound(version))?;
        v.deleted = true;
        Ok(version)
    }

    /// `DELETE /subjects/{subject}` (soft): every live version; returns their
    /// numbers.
    pub fn delete_subject(&mut self, subject: &str) -> Result<Vec<u32>, RegistryError> {
        let s = self
            .subjects
            .get_mut(subject)
            .filter(|s| s.versions.iter().any(|v| !v.deleted))
            .ok_or_else(|| RegistryError::SubjectNotFound(subject.to_string()))?;
        let mut out = Vec::new();
        for v in s.versions.iter_mut().filter(|v| !v.deleted) {
            v.deleted = true;
            out.push(v.version);
        }
        Ok(out)
    }
}
