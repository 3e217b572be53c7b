//! `topic_config`: `name=value` topic config overrides (one per line)
//! through `TopicConfig::from_overrides`, as `kplay run`, the pages and the
//! planner's export check use it.
//!
//! Checks, for an accepted input: the config's overrides printed as Kafka
//! prints them (`name=value`) parse back to the same config; every modelled
//! name renders a value; integer configs hold what an independent reading of
//! the last value given says (Java `int` / `long` range). For a refused input:
//! a short message in Kafka's words.

use kplay_engine::config::{ConfigError, TopicConfig};

use crate::{check_error_len, label_of, Finding, Target};

pub(crate) struct TopicConfigPairs;

impl Target for TopicConfigPairs {
    fn name(&self) -> &'static str {
        "topic_config"
    }

    fn dictionary(&self) -> &'static [&'static str] {
        &[
            "cleanup.policy=",
            "retention.ms=",
            "retention.bytes=",
            "segment.bytes=",
            "segment.ms=",
            "min.insync.replicas=",
            "max.message.bytes=",
            "min.cleanable.dirty.ratio=",
            "min.compaction.lag.ms=",
            "max.compaction.lag.ms=",
            "delete.retention.ms=",
            "compression.type=",
            "compact",
            "delete",
            "compact,delete",
            "zstd",
            "producer",
            "uncompressed",
            "\n",
        ]
    }

    fn run(&self, input: &[u8]) -> Result<String, Finding> {
        let text = String::from_utf8_lossy(input);
        let pairs: Vec<(&str, &str)> = text
            .split('\n')
            .filter(|l| !l.is_empty())
            .map(|l| l.split_once('=').unwrap_or((l, "")))
            .collect();
        let c = match TopicConfig::from_overrides(pairs.iter().copied()) {
            Err(e) => {
                let m = e.to_string();
                check_error_len("config error", &m)?;
                return Ok(match e {
                    ConfigError::InvalidValue { name, reason, .. } => {
                        label_of(&format!("err:{name}"), &reason, 30)
                    }
                    ConfigError::UnknownConfig { .. } => "err-unknown".to_owned(),
                    _ => label_of("err", &m, 30),
                });
            }
            Ok(c) => c,
        };
        let printed: Vec<(&str, String)> = c.overrides().into_iter().collect();
        let back = TopicConfig::from_overrides(printed.iter().map(|(k, v)| (*k, v.as_str())))
            .map_err(|e| format!("printed overrides {printed:?} refused: {e}"))?;
        if back != c {
            return Err(format!(
                "overrides {printed:?} do not round-trip: {c:?} vs {back:?}"
            ));
        }
        for name in TopicConfig::NAMES {
            if c.get(name).is_none() {
                return Err(format!("{name} has no value"));
            }
        }
        // Independent reading of the integer configs (last value wins).
        for (name, bits) in [
            ("segment.bytes", 32),
            ("max.message.bytes", 32),
            ("min.insync.replicas", 32),
            ("retention.ms", 64),
            ("segment.ms", 64),
            ("retention.bytes", 64),
        ] {
            if let Some((_, v)) = pairs.iter().rev().find(|(k, _)| *k == name) {
                let want = v.trim().parse::<i128>().ok().filter(|x| {
                    if bits == 32 {
                        i32::try_from(*x).is_ok()
                    } else {
                        i64::try_from(*x).is_ok()
                    }
                });
                let got = c.get(name).and_then(|g| g.parse::<i128>().ok());
                if want.is_none() || got != want {
                    return Err(format!(
                        "{name}={v:?} accepted as {got:?}, independent reading {want:?}"
                    ));
                }
            }
        }
        Ok(format!("ok:{}", printed.len().min(6)))
    }
}
