//! `topic_name`: Kafka's topic-name rule (`Topic.validate`) as the engine
//! implements it (`TopicName::new`), and everywhere a topic name enters:
//! `kplay assign`'s input, `kplay run` / the Topics page (`TopicScenario`)
//! and topic creation (`Cluster::create_topic`).
//!
//! Checks: each of them accepts the input exactly when an independent
//! reimplementation of the rule does (non-empty; at most 249 bytes; not `.`
//! or `..`; only ASCII letters, digits, `.`, `_`, `-`), and every refusal's
//! message is short.

use kplay_engine::cli_input::parse_assign_input;
use kplay_engine::cluster::{Cluster, NewTopic};
use kplay_engine::scenario::TopicScenario;
use kplay_engine::topic::TopicName;

use crate::{check_error_len, Finding, Target};

pub(crate) struct TopicNameRule;

/// Kafka's rule, written again from `Topic.java` (`legalChars =
/// "[a-zA-Z0-9._-]"`, `MAX_NAME_LENGTH = 249`, `.`/`..` illegal).
fn kafka_accepts(name: &str) -> bool {
    let legal = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-';
    !name.is_empty() && name.len() <= 249 && name != "." && name != ".." && name.chars().all(legal)
}

impl Target for TopicNameRule {
    fn name(&self) -> &'static str {
        "topic_name"
    }

    fn dictionary(&self) -> &'static [&'static str] {
        &[
            "_",
            "-",
            "a",
            "Z",
            "9",
            "orders",
            "__consumer_offsets",
            "/",
            ":",
            "\u{0}",
        ]
    }

    fn run(&self, input: &[u8]) -> Result<String, Finding> {
        let name = String::from_utf8_lossy(input);
        let want = kafka_accepts(&name);
        let engine = TopicName::new(&name);
        if let Err(e) = &engine {
            check_error_len("topic name error", &e.to_string())?;
        }
        if engine.is_ok() != want {
            return Err(format!(
                "TopicName::new({name:?}) = {engine:?}, Kafka's rule says {want}"
            ));
        }
        let json = serde_json::json!({"topics": {name.as_ref(): 1}, "members": []}).to_string();
        let assign = parse_assign_input(&json);
        if assign.is_ok() != want {
            return Err(format!(
                "kplay assign: topic {name:?} accepted={}, Kafka's rule says {want}",
                assign.is_ok()
            ));
        }
        let scenario = TopicScenario {
            topic: name.to_string(),
            partitions: 1,
            ..TopicScenario::default()
        }
        .build();
        if let Err(e) = &scenario {
            check_error_len("scenario error", &e.to_string())?;
        }
        if scenario.is_ok() != want {
            return Err(format!(
                "TopicScenario: topic {name:?} accepted={}, Kafka's rule says {want}",
                scenario.is_ok()
            ));
        }
        let mut c = Cluster::new(1, 0);
        let created = c.create_topic(NewTopic {
            name: name.to_string(),
            partitions: 1,
            replication_factor: 1,
            configs: Vec::new(),
        });
        if created.is_ok() != want {
            return Err(format!(
                "create_topic: {name:?} accepted={}, Kafka's rule says {want}",
                created.is_ok()
            ));
        }
        Ok(match (want, name.len()) {
            (true, n) if n > 200 => "ok-long".to_owned(),
            (true, _) => "ok".to_owned(),
            (false, 0) => "err-empty".to_owned(),
            (false, n) if n > 249 => "err-long".to_owned(),
            (false, _) => "err".to_owned(),
        })
    }
}
