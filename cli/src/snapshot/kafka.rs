//! Reading a cluster with librdkafka (the `rdkafka` crate). Each function
//! returns plain values; [`super::map`] turns them into snapshot types.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, OwnedResourceSpecifier, ResourceSpecifier};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};

use super::map::{RawGroup, RawMember, SampledRecord};

/// Property names whose values are secrets: never printed, never written.
pub(crate) fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "password",
        "secret",
        "jaas",
        "token",
        "key.pem",
        "credentials",
        "private",
    ]
    .iter()
    .any(|s| k.contains(s))
}

/// A connection's client properties (`bootstrap.servers` plus
/// `--command-config`), kept private: `Debug` prints keys only.
#[derive(Clone)]
pub(crate) struct Connection {
    props: Vec<(String, String)>,
    pub(crate) timeout: Duration,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<&str> = self.props.iter().map(|(k, _)| k.as_str()).collect();
        write!(f, "Connection {{ keys: {keys:?} }}")
    }
}

impl Connection {
    pub(crate) fn new(props: Vec<(String, String)>, timeout: Duration) -> Self {
        Self { props, timeout }
    }

    fn config(&self, extra: &[(&str, &str)]) -> ClientConfig {
        let mut c = ClientConfig::new();
        for (k, v) in &self.props {
            c.set(k, v);
        }
        c.set(
            "socket.timeout.ms",
            self.timeout.as_millis().max(10).to_string(),
        );
        for (k, v) in extra {
            c.set(*k, *v);
        }
        c
    }

    /// A consumer with `group.id` = `group` (only for OffsetFetch; it never
    /// subscribes, so it never joins the group), or a sampling consumer.
    pub(crate) fn consumer(&self, group: Option<&str>) -> Result<BaseConsumer, String> {
        let mut extra = vec![
            ("enable.auto.commit", "false"),
            ("enable.partition.eof", "false"),
        ];
        // librdkafka wants a group.id even for assign(); this one never joins
        // (no subscribe) and never commits.
        extra.push(("group.id", group.unwrap_or("kplay-snapshot-sampler")));
        self.config(&extra).create().map_err(|e| self.describe(e))
    }

    pub(crate) fn admin(&self) -> Result<AdminClient<DefaultClientContext>, String> {
        self.config(&[]).create().map_err(|e| self.describe(e))
    }

    /// A librdkafka error as a message, with any secret value redacted.
    pub(crate) fn describe(&self, e: KafkaError) -> String {
        let mut msg = match &e {
            KafkaError::ClientConfig(_, desc, key, _) => {
                format!("invalid client property {key:?} (from --command-config or --bootstrap-server): {desc}")
            }
            other => other.to_string(),
        };
        for (k, v) in &self.props {
            if is_secret(k) && !v.is_empty() {
                msg = msg.replace(v.as_str(), "<redacted>");
            }
        }
        msg
    }
}

/// Brokers and topics from a Metadata request.
pub(crate) struct Meta {
    pub(crate) brokers: Vec<(i32, String, i32)>,
    pub(crate) topics: Vec<MetaTopic>,
}

pub(crate) struct MetaTopic {
    pub(crate) name: String,
    pub(crate) error: Option<String>,
    /// (partition, leader, replicas, isr)
    pub(crate) partitions: Vec<(i32, i32, Vec<i32>, Vec<i32>)>,
}

pub(crate) fn metadata(c: &BaseConsumer, conn: &Connection) -> Result<Meta, String> {
    let m = c
        .fetch_metadata(None, conn.timeout)
        .map_err(|e| format!("cannot read cluster metadata: {}", conn.describe(e)))?;
    Ok(Meta {
        brokers: m
            .brokers()
            .iter()
            .map(|b| (b.id(), b.host().to_owned(), b.port()))
            .collect(),
        topics: m
            .topics()
            .iter()
            .map(|t| MetaTopic {
                name: t.name().to_owned(),
                error: t
                    .error()
                    .map(|e| format!("{:?}", rdkafka::types::RDKafkaErrorCode::from(e))),
                partitions: t
                    .partitions()
                    .iter()
                    .map(|p| (p.id(), p.leader(), p.replicas().to_vec(), p.isr().to_vec()))
                    .collect(),
            })
            .collect(),
    })
}

pub(crate) fn cluster_id(c: &BaseConsumer, conn: &Connection) -> Option<String> {
    c.client().fetch_cluster_id(conn.timeout)
}

/// `(topic, partition)` → a value.
pub(crate) type PerPartition<T> = BTreeMap<(String, i32), T>;

/// Per topic: its modelled configs, or the broker's error.
pub(crate) type TopicConfigs = Vec<(String, Result<BTreeMap<String, String>, String>)>;

/// Low and high watermarks of every partition.
pub(crate) fn watermarks(
    c: &BaseConsumer,
    conn: &Connection,
    tps: &[(String, i32)],
) -> Result<PerPartition<(i64, i64)>, String> {
    let mut out = BTreeMap::new();
    for (t, p) in tps {
        let w = c
            .fetch_watermarks(t, *p, conn.timeout)
            .map_err(|e| format!("cannot read offsets of {t}-{p}: {}", conn.describe(e)))?;
        out.insert((t.clone(), *p), w);
    }
    Ok(out)
}

/// Committed offsets of `group` for `tps` (OffsetFetch).
pub(crate) fn committed(
    conn: &Connection,
    group: &str,
    tps: &[(String, i32)],
) -> Result<Vec<(String, i32, Option<i64>)>, String> {
    let c = conn.consumer(Some(group))?;
    let mut tpl = TopicPartitionList::new();
    for (t, p) in tps {
        tpl.add_partition(t, *p);
    }
    let got = c.committed_offsets(tpl, conn.timeout).map_err(|e| {
        format!(
            "cannot read committed offsets of group {group:?}: {}",
            conn.describe(e)
        )
    })?;
    Ok(got
        .elements()
        .iter()
        .map(|e| {
            let off = match e.offset() {
                Offset::Offset(o) if o >= 0 => Some(o),
                _ => None,
            };
            (e.topic().to_owned(), e.partition(), off)
        })
        .collect())
}

/// The records of `[from, to)` of each partition (at most a bounded number,
/// within a deadline).
#[allow(clippy::disallowed_methods)] // The CLI may read the clock; the engine never does.
pub(crate) fn sample(
    conn: &Connection,
    ranges: &PerPartition<(i64, i64)>,
) -> Result<PerPartition<Vec<SampledRecord>>, String> {
    let mut out: BTreeMap<(String, i32), Vec<SampledRecord>> = BTreeMap::new();
    let mut tpl = TopicPartitionList::new();
    let mut pending = 0usize;
    for ((t, p), (from, to)) in ranges {
        if from < to {
            tpl.add_partition_offset(t, *p, Offset::Offset(*from))
                .map_err(|e| conn.describe(e))?;
            pending += 1;
        }
        out.insert((t.clone(), *p), Vec::new());
    }
    if pending == 0 {
        return Ok(out);
    }
    let c = conn.consumer(None)?;
    c.assign(&tpl).map_err(|e| conn.describe(e))?;
    let deadline = Instant::now() + conn.timeout * 2;
    let mut done = std::collections::BTreeSet::new();
    while done.len() < pending && Instant::now() < deadline {
        let Some(m) = c.poll(Duration::from_millis(100)) else {
            continue;
        };
        let m = m.map_err(|e| format!("cannot fetch sample records: {}", conn.describe(e)))?;
        let key = (m.topic().to_owned(), m.partition());
        let Some(&(from, to)) = ranges.get(&key) else {
            continue;
        };
        if m.offset() < from || m.offset() >= to {
            if m.offset() >= to {
                done.insert(key);
            }
            continue;
        }
        if let Some(v) = out.get_mut(&key) {
            v.push(SampledRecord {
                key: m.key().map(<[u8]>::to_vec),
                value_len: m.payload_len(),
                timestamp_ms: m.timestamp().to_millis(),
            });
        }
        if m.offset() + 1 >= to {
            done.insert(key);
        }
    }
    if done.len() < pending {
        return Err(format!(
            "sampling timed out: {} of {pending} partitions read within {:?}",
            done.len(),
            conn.timeout * 2
        ));
    }
    Ok(out)
}

/// DescribeConfigs of `topics` with a short timeout. `Err` for the whole
/// request; per-topic errors inside.
pub(crate) fn configs(conn: &Connection, topics: &[String]) -> Result<TopicConfigs, String> {
    if topics.is_empty() {
        return Ok(Vec::new());
    }
    let admin = conn.admin()?;
    let opts = AdminOptions::new().request_timeout(Some(conn.timeout));
    let specs: Vec<ResourceSpecifier<'_>> =
        topics.iter().map(|t| ResourceSpecifier::Topic(t)).collect();
    let fut = admin.describe_configs(specs.iter(), &opts);
    let res = futures_block_on(fut).map_err(|e| conn.describe(e))?;
    // A result names its topic; an error does not, so errors take the
    // requested order (librdkafka answers in request order).
    Ok(topics
        .iter()
        .zip(res)
        .map(|(t, r)| match r {
            Ok(r) => {
                let name = match &r.specifier {
                    OwnedResourceSpecifier::Topic(n) => n.clone(),
                    _ => t.clone(),
                };
                (name, Ok(super::map::configs_from(&r)))
            }
            Err(e) => (t.clone(), Err(e.to_string())),
        })
        .collect())
}

/// Runs a future to completion on this thread (rdkafka's admin futures are
/// completed by librdkafka's own thread; no async runtime is needed).
fn futures_block_on<F: std::future::Future>(f: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    struct ThreadWaker(std::thread::Thread);
    impl Wake for ThreadWaker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    loop {
        match f.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => std::thread::park_timeout(Duration::from_millis(50)),
        }
    }
}

/// ListGroups + DescribeGroups (`group = None`: all groups) via
/// `rd_kafka_list_groups`.
pub(crate) fn groups(
    c: &BaseConsumer,
    conn: &Connection,
    group: Option<&str>,
) -> Result<Vec<RawGroup>, String> {
    let list = c
        .fetch_group_list(group, conn.timeout)
        .map_err(|e| match e {
            KafkaError::GroupListFetch(code) => code.to_string(),
            other => conn.describe(other),
        })?;
    Ok(list
        .groups()
        .iter()
        .map(|g| RawGroup {
            name: g.name().to_owned(),
            state: g.state().to_owned(),
            protocol: g.protocol().to_owned(),
            protocol_type: g.protocol_type().to_owned(),
            members: g
                .members()
                .iter()
                .map(|m| RawMember {
                    member_id: m.id().to_owned(),
                    client_id: m.client_id().to_owned(),
                    host: m.client_host().to_owned(),
                    assignment: m.assignment().map(<[u8]>::to_vec),
                })
                .collect(),
        })
        .collect())
}
