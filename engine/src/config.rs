//! Topic configuration with Kafka's names, defaults and validation.
//!
//! Names, defaults and ranges follow `LogConfig.java`
//! (`storage/src/main/java/org/apache/kafka/storage/internals/log/LogConfig.java`)
//! and `TopicConfig.java`. Validation errors read like Kafka's `ConfigException`:
//! `Invalid value 0 for configuration segment.ms: Value must be at least 1`.
//!
//! `segment.bytes` keeps the pre-4.0 minimum of 14 bytes (Kafka 4.0 raised it to
//! 1 MiB, KIP-1030) because a playground needs segments of a few records.

use std::collections::BTreeMap;

use crate::input::{clip, parse_i32, parse_i64, IntError};

/// `cleanup.policy`: which of delete-retention and compaction apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CleanupPolicy {
    /// `delete` is in the list: time/size retention deletes old segments.
    pub delete: bool,
    /// `compact` is in the list: the log cleaner keeps the latest value per key.
    pub compact: bool,
}

impl CleanupPolicy {
    /// `cleanup.policy=delete` (the default).
    pub const DELETE: Self = Self {
        delete: true,
        compact: false,
    };
    /// `cleanup.policy=compact`.
    pub const COMPACT: Self = Self {
        delete: false,
        compact: true,
    };
    /// `cleanup.policy=compact,delete`.
    pub const COMPACT_DELETE: Self = Self {
        delete: true,
        compact: true,
    };
}

impl std::fmt::Display for CleanupPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.compact, self.delete) {
            (true, true) => f.write_str("compact,delete"),
            (true, false) => f.write_str("compact"),
            (false, true) => f.write_str("delete"),
            (false, false) => f.write_str(""),
        }
    }
}

/// Errors from building a [`TopicConfig`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `ConfigException`: the value is out of range or not parseable.
    #[error(
        "Invalid value {} for configuration {}: {reason}",
        clip(value),
        clip(name)
    )]
    InvalidValue {
        /// Config name, e.g. `segment.ms`.
        name: String,
        /// The value as given.
        value: String,
        /// Why, in Kafka's words (e.g. `Value must be at least 1`).
        reason: String,
    },
    /// `InvalidConfigurationException` for a name Kafka does not know as a topic config.
    #[error("Unknown topic config name: {}", clip(name))]
    UnknownConfig {
        /// The unknown name.
        name: String,
    },
    /// `InvalidConfigurationException` for `min.compaction.lag.ms > max.compaction.lag.ms`.
    #[error("conflict topic config setting min.compaction.lag.ms ({min}) > max.compaction.lag.ms ({max})")]
    CompactionLagConflict {
        /// `min.compaction.lag.ms`.
        min: i64,
        /// `max.compaction.lag.ms`.
        max: i64,
    },
}

/// The `compression.type` values a topic accepts.
pub const COMPRESSION_TYPES: [&str; 6] =
    ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

/// A topic's configuration. Field names are Kafka's with `.` → `_`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TopicConfig {
    /// `cleanup.policy` (default `delete`).
    pub cleanup_policy: CleanupPolicy,
    /// `retention.ms` (default 604800000 = 7 days; −1 = infinite).
    pub retention_ms: i64,
    /// `retention.bytes` **per partition** (default −1 = unlimited).
    pub retention_bytes: i64,
    /// `segment.bytes` (default 1073741824 = 1 GiB).
    pub segment_bytes: i32,
    /// `segment.ms` (default 604800000).
    pub segment_ms: i64,
    /// `min.insync.replicas` (default 1).
    pub min_insync_replicas: i32,
    /// `max.message.bytes` (default 1048588).
    pub max_message_bytes: i32,
    /// `min.cleanable.dirty.ratio` (default 0.5).
    pub min_cleanable_dirty_ratio: f64,
    /// `min.compaction.lag.ms` (default 0).
    pub min_compaction_lag_ms: i64,
    /// `max.compaction.lag.ms` (default `Long.MAX_VALUE`).
    pub max_compaction_lag_ms: i64,
    /// `delete.retention.ms` (default 86400000 = 1 day): how long tombstones survive after a clean.
    pub delete_retention_ms: i64,
    /// `compression.type` (default `producer`).
    pub compression_type: String,
}

impl Default for TopicConfig {
    fn default() -> Self {
        Self {
            cleanup_policy: CleanupPolicy::DELETE,
            retention_ms: 604_800_000,
            retention_bytes: -1,
            segment_bytes: 1_073_741_824,
            segment_ms: 604_800_000,
            min_insync_replicas: 1,
            max_message_bytes: 1_048_588,
            min_cleanable_dirty_ratio: 0.5,
            min_compaction_lag_ms: 0,
            max_compaction_lag_ms: i64::MAX,
            delete_retention_ms: 86_400_000,
            compression_type: "producer".to_owned(),
        }
    }
}

fn invalid(name: &str, value: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::InvalidValue {
        name: name.to_owned(),
        value: value.to_owned(),
        reason: reason.into(),
    }
}

/// Kafka's `ConfigDef.parseType` for `LONG`/`INT` from a string:
/// `Long.parseLong`/`Integer.parseInt` of the trimmed value, a
/// `NumberFormatException` becoming `Not a number of type LONG` (`INT`). kplay
/// adds the allowed range when the value is digits outside the type.
fn number_error(name: &str, value: &str, e: IntError, ty: &str, min: i64, max: i64) -> ConfigError {
    match e {
        IntError::NotANumber => invalid(name, value, format!("Not a number of type {ty}")),
        IntError::OutOfRange => invalid(
            name,
            value,
            format!("Not a number of type {ty}: the value is outside {ty}'s range {min} to {max}"),
        ),
    }
}

fn parse_long(name: &str, value: &str, min: i64) -> Result<i64, ConfigError> {
    let v =
        parse_i64(value).map_err(|e| number_error(name, value, e, "LONG", i64::MIN, i64::MAX))?;
    if v < min {
        return Err(invalid(
            name,
            value,
            format!("Value must be at least {min}"),
        ));
    }
    Ok(v)
}

fn parse_int(name: &str, value: &str, min: i32) -> Result<i32, ConfigError> {
    let v = parse_i32(value).map_err(|e| {
        number_error(
            name,
            value,
            e,
            "INT",
            i64::from(i32::MIN),
            i64::from(i32::MAX),
        )
    })?;
    if v < min {
        return Err(invalid(
            name,
            value,
            format!("Value must be at least {min}"),
        ));
    }
    Ok(v)
}

impl TopicConfig {
    /// Every topic config name kplay models, in Kafka's spelling.
    pub const NAMES: [&'static str; 12] = [
        "cleanup.policy",
        "retention.ms",
        "retention.bytes",
        "segment.bytes",
        "segment.ms",
        "min.insync.replicas",
        "max.message.bytes",
        "min.cleanable.dirty.ratio",
        "min.compaction.lag.ms",
        "max.compaction.lag.ms",
        "delete.retention.ms",
        "compression.type",
    ];

    /// Builds a config from `name=value` overrides on top of the defaults,
    /// validating each value like Kafka's `ConfigDef` and the cross-field rules
    /// like `LogConfig.validate`.
    pub fn from_overrides<'a>(
        overrides: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ConfigError> {
        let mut c = Self::default();
        for (name, value) in overrides {
            c.set(name, value)?;
        }
        c.validate()?;
        Ok(c)
    }

    /// Sets one config by its Kafka name. Cross-field checks happen in [`TopicConfig::validate`].
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        match name {
            "cleanup.policy" => {
                let mut p = CleanupPolicy {
                    delete: false,
                    compact: false,
                };
                for part in value.split(',').map(str::trim) {
                    match part {
                        "delete" => p.delete = true,
                        "compact" => p.compact = true,
                        _ => {
                            return Err(invalid(
                                name,
                                value,
                                "String must be one of: compact, delete",
                            ))
                        }
                    }
                }
                self.cleanup_policy = p;
            }
            "retention.ms" => self.retention_ms = parse_long(name, value, -1)?,
            "retention.bytes" => self.retention_bytes = parse_long(name, value, i64::MIN)?,
            "segment.bytes" => self.segment_bytes = parse_int(name, value, 14)?,
            "segment.ms" => self.segment_ms = parse_long(name, value, 1)?,
            "min.insync.replicas" => self.min_insync_replicas = parse_int(name, value, 1)?,
            "max.message.bytes" => self.max_message_bytes = parse_int(name, value, 0)?,
            "min.cleanable.dirty.ratio" => {
                let v: f64 = value
                    .trim()
                    .parse()
                    .map_err(|_| invalid(name, value, "Not a number of type DOUBLE"))?;
                if !(0.0..=1.0).contains(&v) {
                    let reason = if v < 0.0 {
                        "Value must be at least 0.0"
                    } else {
                        "Value must be no more than 1.0"
                    };
                    return Err(invalid(name, value, reason));
                }
                self.min_cleanable_dirty_ratio = v;
            }
            "min.compaction.lag.ms" => self.min_compaction_lag_ms = parse_long(name, value, 0)?,
            "max.compaction.lag.ms" => self.max_compaction_lag_ms = parse_long(name, value, 1)?,
            "delete.retention.ms" => self.delete_retention_ms = parse_long(name, value, 0)?,
            "compression.type" => {
                let v = value.trim();
                if !COMPRESSION_TYPES.contains(&v) {
                    return Err(invalid(
                        name,
                        value,
                        format!("String must be one of: {}", COMPRESSION_TYPES.join(", ")),
                    ));
                }
                self.compression_type = v.to_owned();
            }
            _ => {
                return Err(ConfigError::UnknownConfig {
                    name: name.to_owned(),
                })
            }
        }
        Ok(())
    }

    /// Cross-field checks (`LogConfig.validate`).
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.min_compaction_lag_ms > self.max_compaction_lag_ms {
            return Err(ConfigError::CompactionLagConflict {
                min: self.min_compaction_lag_ms,
                max: self.max_compaction_lag_ms,
            });
        }
        Ok(())
    }

    /// The value of one config rendered as Kafka prints it.
    pub fn get(&self, name: &str) -> Option<String> {
        Some(match name {
            "cleanup.policy" => self.cleanup_policy.to_string(),
            "retention.ms" => self.retention_ms.to_string(),
            "retention.bytes" => self.retention_bytes.to_string(),
            "segment.bytes" => self.segment_bytes.to_string(),
            "segment.ms" => self.segment_ms.to_string(),
            "min.insync.replicas" => self.min_insync_replicas.to_string(),
            "max.message.bytes" => self.max_message_bytes.to_string(),
            "min.cleanable.dirty.ratio" => self.min_cleanable_dirty_ratio.to_string(),
            "min.compaction.lag.ms" => self.min_compaction_lag_ms.to_string(),
            "max.compaction.lag.ms" => self.max_compaction_lag_ms.to_string(),
            "delete.retention.ms" => self.delete_retention_ms.to_string(),
            "compression.type" => self.compression_type.clone(),
            _ => return None,
        })
    }

    /// The configs that differ from the defaults, as `kafka-topics --describe`
    /// lists them after `Configs:` (`k1=v1,k2=v2`, in name order).
    pub fn overrides(&self) -> BTreeMap<&'static str, String> {
        let d = Self::default();
        Self::NAMES
            .iter()
            .filter_map(|&n| {
                let v = self.get(n)?;
                (Some(&v) != d.get(n).as_ref()).then_some((n, v))
            })
            .collect()
    }

    /// The segment roll time in force: `min(segment.ms, max.compaction.lag.ms)`
    /// on compacted topics (`LogConfig.maxSegmentMs`), else `segment.ms`.
    pub fn max_segment_ms(&self) -> i64 {
        if self.cleanup_policy.compact {
            self.segment_ms.min(self.max_compaction_lag_ms)
        } else {
            self.segment_ms
        }
    }

    /// The settings the log itself needs.
    pub fn log_config(&self) -> crate::log::LogConfig {
        crate::log::LogConfig {
            segment_bytes: self.segment_bytes,
            segment_ms: self.max_segment_ms(),
            max_message_bytes: self.max_message_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_kafkas() {
        let c = TopicConfig::default();
        assert_eq!(c.retention_ms, 604_800_000);
        assert_eq!(c.retention_bytes, -1);
        assert_eq!(c.segment_bytes, 1_073_741_824);
        assert_eq!(c.delete_retention_ms, 86_400_000);
        assert_eq!(c.min_cleanable_dirty_ratio, 0.5);
        assert_eq!(c.cleanup_policy.to_string(), "delete");
        assert!(c.overrides().is_empty());
    }

    #[test]
    fn overrides_parse_and_render() {
        let c = TopicConfig::from_overrides([
            ("cleanup.policy", "compact,delete"),
            ("min.insync.replicas", "2"),
        ])
        .unwrap();
        assert_eq!(c.cleanup_policy, CleanupPolicy::COMPACT_DELETE);
        let o: Vec<String> = c
            .overrides()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(
            o,
            vec!["cleanup.policy=compact,delete", "min.insync.replicas=2"]
        );
    }

    #[test]
    fn invalid_values_read_like_config_exception() {
        let e = TopicConfig::from_overrides([("segment.ms", "0")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Invalid value 0 for configuration segment.ms: Value must be at least 1"
        );
        let e = TopicConfig::from_overrides([("min.cleanable.dirty.ratio", "1.5")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1.0"
        );
        let e = TopicConfig::from_overrides([("retention.ms", "-2")]).unwrap_err();
        assert!(e.to_string().ends_with("Value must be at least -1"));
        assert!(TopicConfig::from_overrides([("cleanup.policy", "shred")]).is_err());
        assert!(TopicConfig::from_overrides([("segment.bytes", "abc")]).is_err());
        assert_eq!(
            TopicConfig::from_overrides([("retention.hours", "1")])
                .unwrap_err()
                .to_string(),
            "Unknown topic config name: retention.hours"
        );
        assert_eq!(
            TopicConfig::from_overrides([
                ("min.compaction.lag.ms", "10"),
                ("max.compaction.lag.ms", "5")
            ])
            .unwrap_err()
            .to_string(),
            "conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)"
        );
    }

    #[test]
    fn numbers_out_of_range_say_the_range() {
        // Issue 16 finding 17: 9999999999 is digits, just not an INT.
        let e = TopicConfig::from_overrides([("segment.bytes", "9999999999")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Invalid value 9999999999 for configuration segment.bytes: Not a number of type INT: the value is outside INT's range -2147483648 to 2147483647"
        );
        let e = TopicConfig::from_overrides([("retention.ms", "9223372036854775808")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Invalid value 9223372036854775808 for configuration retention.ms: Not a number of type LONG: the value is outside LONG's range -9223372036854775808 to 9223372036854775807"
        );
        let e = TopicConfig::from_overrides([("segment.bytes", "abc")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Invalid value abc for configuration segment.bytes: Not a number of type INT"
        );
        assert_eq!(
            TopicConfig::from_overrides([("retention.ms", " 9223372036854775807 ")])
                .unwrap()
                .retention_ms,
            i64::MAX
        );
    }

    #[test]
    fn long_values_are_quoted_briefly() {
        let big = "9".repeat(100_000);
        let e = TopicConfig::from_overrides([("segment.ms", big.as_str())])
            .unwrap_err()
            .to_string();
        assert!(e.len() < 300, "{} bytes", e.len());
        assert!(e.contains("… (100000 bytes)"), "{e}");
        let e = TopicConfig::from_overrides([(big.as_str(), "1")])
            .unwrap_err()
            .to_string();
        assert!(e.len() < 200, "{} bytes", e.len());
    }

    #[test]
    fn compacted_topics_roll_by_max_compaction_lag() {
        let c = TopicConfig::from_overrides([
            ("cleanup.policy", "compact"),
            ("max.compaction.lag.ms", "100"),
        ])
        .unwrap();
        assert_eq!(c.max_segment_ms(), 100);
        assert_eq!(c.log_config().segment_ms, 100);
    }
}
