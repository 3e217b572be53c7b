//! Confluent Schema Registry's compatibility levels and messages.
//!
//! Sources (confluentinc/schema-registry):
//!
//! * `CompatibilityChecker`: one checker per level; `isCompatibleWithHolders`
//!   reverses the chronological list so the newest version comes first.
//! * `SchemaValidatorBuilder`: `canReadStrategy` (new reads old, labels
//!   "new"/"old"), `canBeReadStrategy` (old reads new, "old"/"new"),
//!   `mutualReadStrategy` (old-reads-new errors, then new-reads-old);
//!   `validateLatest` checks the newest version only, `validateAll` walks
//!   newest → oldest and returns the errors of the first failing version;
//!   `formatErrorMessages` fills the `%s` labels and appends
//!   `{oldSchemaVersion: N}` and `{oldSchema: '…'}`.
//! * `avro/AvroSchema.isBackwardCompatible` = Java's
//!   `SchemaCompatibility.checkReaderWriterCompatibility(this, previous)`, each
//!   incompatibility through `avro/Difference.error()`.
//! * `AbstractSchemaRegistry.isCompatibleWithPrevious` appends
//!   `{validateFields: 'false', compatibility: 'LEVEL'}` when there are errors.

use super::compat::{check_reader_writer, CheckError, Incompatibility, IncompatibilityType};
use super::parse::Schema;

/// Confluent's `CompatibilityLevel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum CompatibilityLevel {
    /// No check.
    None,
    /// The new schema reads data written with the latest version (default).
    #[default]
    Backward,
    /// The new schema reads data written with every version.
    BackwardTransitive,
    /// The latest version reads data written with the new schema.
    Forward,
    /// Every version reads data written with the new schema.
    ForwardTransitive,
    /// Backward and forward against the latest version.
    Full,
    /// Backward and forward against every version.
    FullTransitive,
}

/// `CompatibilityLevel.forName` failed; the message is the registry's 42203.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive")]
pub struct InvalidCompatibilityLevel;

impl CompatibilityLevel {
    /// Every level, in Confluent's enum order.
    pub const ALL: [Self; 7] = [
        Self::None,
        Self::Backward,
        Self::BackwardTransitive,
        Self::Forward,
        Self::ForwardTransitive,
        Self::Full,
        Self::FullTransitive,
    ];

    /// The level's name as Confluent prints it (`"BACKWARD_TRANSITIVE"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::Backward => "BACKWARD",
            Self::BackwardTransitive => "BACKWARD_TRANSITIVE",
            Self::Forward => "FORWARD",
            Self::ForwardTransitive => "FORWARD_TRANSITIVE",
            Self::Full => "FULL",
            Self::FullTransitive => "FULL_TRANSITIVE",
        }
    }

    /// Whether every version is compared (the `_TRANSITIVE` levels), not
    /// only the latest.
    pub fn is_transitive(self) -> bool {
        matches!(
            self,
            Self::BackwardTransitive | Self::ForwardTransitive | Self::FullTransitive
        )
    }
}

impl std::fmt::Display for CompatibilityLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for CompatibilityLevel {
    type Err = InvalidCompatibilityLevel;

    /// `CompatibilityLevel.forName`: case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == upper)
            .ok_or(InvalidCompatibilityLevel)
    }
}

/// `avro/Difference.error()` before `String.format`: the `%s` placeholders
/// are the reader's and the writer's labels.
pub fn difference(inc: &Incompatibility) -> String {
    let path = &inc.location;
    let msg = &inc.message;
    let description = match inc.kind {
        IncompatibilityType::FixedSizeMismatch => format!(
            "The size of FIXED type field at path '{path}' in the %s schema does not match with the %s schema"
        ),
        IncompatibilityType::TypeMismatch => format!(
            "The type (path '{path}') of a field in the %s schema does not match with the %s schema"
        ),
        IncompatibilityType::NameMismatch => {
            format!("The name of the schema has changed (path '{path}')")
        }
        IncompatibilityType::MissingEnumSymbols => format!(
            "The %s schema is missing enum symbols '{msg}' at path '{path}' in the %s schema"
        ),
        IncompatibilityType::MissingUnionBranch => format!(
            "The %s schema is missing a type inside a union field at path '{path}' in the %s schema"
        ),
        IncompatibilityType::ReaderFieldMissingDefaultValue => format!(
            "The field '{msg}' at path '{path}' in the %s schema has no default value and is missing in the %s schema"
        ),
    };
    format!(
        "{{errorType:'{}', description:'{description}', additionalInfo:'{msg}'}}",
        inc.kind
    )
}

/// Java's `String.format(template, reader, writer)` for the `%s`/`%%`
/// conversions the templates use.
fn java_format(template: &str, reader: &str, writer: &str) -> String {
    let mut out = String::with_capacity(template.len() + 8);
    let mut args = [reader, writer].into_iter();
    let mut rest = template;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('s') {
            out.push_str(args.next().unwrap_or("null"));
            rest = tail;
        } else if let Some(tail) = after.strip_prefix('%') {
            out.push('%');
            rest = tail;
        } else {
            out.push('%');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// `AvroSchema.isBackwardCompatible(previous)`: `reader` reads `writer`'s
/// data; each problem as a `Difference` string (labels not yet filled).
fn backward_messages(reader: &Schema, writer: &Schema) -> Vec<String> {
    match check_reader_writer(reader, writer) {
        Ok(found) => found.iter().map(difference).collect(),
        Err(e) => vec![format!(
            "Unexpected exception during compatibility check: {e}"
        )],
    }
}

/// A previous version as the checker sees it.
#[derive(Debug, Clone, Copy)]
pub struct Previous<'a> {
    /// The parsed schema.
    pub schema: &'a Schema,
    /// Its version under the subject, if it has one (`ParsedSchema.version()`:
    /// `None` for a bare schema, which omits `{oldSchemaVersion: N}`).
    pub version: Option<u32>,
}

/// Longest old schema quoted in a message (`MAX_SCHEMA_SIZE_FOR_LOGGING`).
const MAX_SCHEMA_SIZE_FOR_LOGGING: usize = 10 * 1024;

/// `SchemaValidatorBuilder.formatErrorMessages`.
fn format_messages(
    mut messages: Vec<String>,
    existing: &Previous<'_>,
    reader: &str,
    writer: &str,
    append_schema: bool,
) -> Vec<String> {
    if messages.is_empty() {
        return messages;
    }
    for m in &mut messages {
        *m = java_format(m, reader, writer);
    }
    if append_schema {
        if let Some(v) = existing.version {
            messages.push(format!("{{oldSchemaVersion: {v}}}"));
        }
        let old = existing.schema.canonical_string();
        if old.len() <= MAX_SCHEMA_SIZE_FOR_LOGGING {
            messages.push(format!("{{oldSchema: '{old}'}}"));
        } else {
            // Java cuts at 10 240 UTF-16 units; kplay cuts at the last char
            // boundary at or before 10 240 bytes.
            let mut cut = MAX_SCHEMA_SIZE_FOR_LOGGING;
            while !old.is_char_boundary(cut) {
                cut -= 1;
            }
            messages.push(format!("{{oldSchema: <truncated> '{}...'}}", &old[..cut]));
        }
    }
    messages
}

/// One version checked by one strategy.
fn validate_one(level: CompatibilityLevel, new: &Schema, existing: &Previous<'_>) -> Vec<String> {
    use CompatibilityLevel as L;
    match level {
        L::None => Vec::new(),
        // canReadStrategy: the new schema reads the old one's data.
        L::Backward | L::BackwardTransitive => format_messages(
            backward_messages(new, existing.schema),
            existing,
            "new",
            "old",
            true,
        ),
        // canBeReadStrategy: the old schema reads the new one's data.
        L::Forward | L::ForwardTransitive => format_messages(
            backward_messages(existing.schema, new),
            existing,
            "old",
            "new",
            true,
        ),
        // mutualReadStrategy: old-reads-new first, without the schema.
        L::Full | L::FullTransitive => {
            let mut out = format_messages(
                backward_messages(existing.schema, new),
                existing,
                "old",
                "new",
                false,
            );
            out.extend(format_messages(
                backward_messages(new, existing.schema),
                existing,
                "new",
                "old",
                true,
            ));
            out
        }
    }
}

/// `CompatibilityChecker.checker(level).isCompatible(new, previous)`:
/// `previous` is chronological (oldest first). Returns Confluent's error
/// messages; empty means compatible.
///
/// This is the checker alone, as Confluent's `AvroCompatibilityTest` calls
/// it; the registry adds the `{validateFields…}` item
/// ([`registry_messages`]).
pub fn is_compatible(
    level: CompatibilityLevel,
    new: &Schema,
    previous: &[Previous<'_>],
) -> Vec<String> {
    // `isCompatibleWithHolders` reverses: newest first.
    let mut newest_first = previous.iter().rev();
    if level.is_transitive() {
        for existing in newest_first {
            let errors = validate_one(level, new, existing);
            if !errors.is_empty() {
                return errors;
            }
        }
        Vec::new()
    } else {
        match newest_first.next() {
            Some(latest) => validate_one(level, new, latest),
            None => Vec::new(),
        }
    }
}

/// `AbstractSchemaRegistry.isCompatibleWithPrevious`: the checker's messages
/// plus, when there are any, `{validateFields: 'false', compatibility:
/// 'LEVEL'}` (schema field validation is off by default).
pub fn registry_messages(
    level: CompatibilityLevel,
    new: &Schema,
    previous: &[Previous<'_>],
) -> Vec<String> {
    let mut messages = is_compatible(level, new, previous);
    if !messages.is_empty() {
        messages.push(format!(
            "{{validateFields: 'false', compatibility: '{level}'}}"
        ));
    }
    messages
}

/// One version a level compares the new schema with, in detail: Java's
/// incompatibilities per direction (with locations, for highlighting) and
/// Confluent's messages for this version alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionCheck {
    /// Position in `previous` (oldest first).
    pub index: usize,
    /// The version number, if known.
    pub version: Option<u32>,
    /// The new schema reading this version's data (BACKWARD and FULL levels).
    pub new_reads_old: Option<Result<Vec<Incompatibility>, CheckError>>,
    /// This version reading the new schema's data (FORWARD and FULL levels).
    pub old_reads_new: Option<Result<Vec<Incompatibility>, CheckError>>,
    /// Confluent's messages for this version (empty = compatible with it).
    pub messages: Vec<String>,
    /// Whether Confluent's answer is this version's messages: the newest
    /// failing version (`validateAll` stops there) or, for a non-transitive
    /// level, the latest version when it fails.
    pub reported: bool,
}

/// Every version `level` compares `new` with, newest first as Confluent
/// walks them, each checked in full (Confluent itself stops at the first
/// failing version; [`VersionCheck::reported`] marks it). [`is_compatible`]
/// is the messages of the reported version.
pub fn check_each_version(
    level: CompatibilityLevel,
    new: &Schema,
    previous: &[Previous<'_>],
) -> Vec<VersionCheck> {
    use CompatibilityLevel as L;
    let count = match level {
        L::None => 0,
        _ if level.is_transitive() => previous.len(),
        _ => previous.len().min(1),
    };
    let backward = matches!(
        level,
        L::Backward | L::BackwardTransitive | L::Full | L::FullTransitive
    );
    let forward = matches!(
        level,
        L::Forward | L::ForwardTransitive | L::Full | L::FullTransitive
    );
    let mut reported = false;
    let mut out = Vec::with_capacity(count);
    for (index, existing) in previous.iter().enumerate().rev().take(count) {
        let messages = validate_one(level, new, existing);
        let this_reported = !reported && !messages.is_empty();
        reported |= this_reported;
        out.push(VersionCheck {
            index,
            version: existing.version,
            new_reads_old: backward.then(|| check_reader_writer(new, existing.schema)),
            old_reads_new: forward.then(|| check_reader_writer(existing.schema, new)),
            messages,
            reported: this_reported,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_format_fills_labels_in_order() {
        assert_eq!(java_format("a %s b %s c", "new", "old"), "a new b old c");
        assert_eq!(java_format("100%% %s", "x", "y"), "100% x");
        assert_eq!(java_format("no labels", "x", "y"), "no labels");
    }

    #[test]
    fn level_names_parse_case_insensitively() {
        for l in CompatibilityLevel::ALL {
            assert_eq!(
                l.as_str().to_lowercase().parse::<CompatibilityLevel>(),
                Ok(l)
            );
        }
        assert!("sideways".parse::<CompatibilityLevel>().is_err());
    }
}
