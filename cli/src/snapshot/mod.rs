//! `kplay snapshot`: read a real cluster with librdkafka and write the
//! engine's versioned snapshot JSON ([`kplay_engine::snapshot`]).
//!
//! What is read: Metadata (brokers, partitions, leader, replicas, ISR),
//! ListOffsets (log start and high watermark, twice, `--rate-window-s`
//! apart, for records/s), a fetch of the last `--sample-records` records of
//! each partition (key hashes and sizes), DescribeConfigs (topic configs),
//! ListGroups/DescribeGroups (members and assignment) and OffsetFetch
//! (committed offsets, also twice for the commit rate). A section the broker
//! cannot serve is recorded in `unavailable` with the broker's error.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use kplay_engine::snapshot::{BrokerInfo, PartitionSnapshot, Snapshot, TopicSnapshot, Unavailable};
use regex::Regex;

mod kafka;
pub(crate) mod map;
mod serve;

use kafka::Connection;

/// Arguments of `kplay snapshot`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Brokers to bootstrap from, HOST:PORT[,HOST:PORT…].
    #[arg(long = "bootstrap-server", value_name = "HOST:PORT[,…]")]
    bootstrap_server: String,
    /// Client properties (librdkafka / Java names: security.protocol,
    /// sasl.mechanism, sasl.username, sasl.password, ssl.ca.location, …).
    /// Secrets are never written or printed.
    #[arg(long = "command-config", value_name = "FILE")]
    command_config: Option<PathBuf>,
    /// Only topics whose whole name matches this regex (as kafka-topics
    /// --topic). Default: all non-internal topics.
    #[arg(long, value_name = "REGEX")]
    topic: Option<String>,
    /// Groups to read (repeatable): a regex over the listed groups, and a
    /// plain name is read even where the broker cannot list groups.
    /// Default: all listed consumer groups.
    #[arg(long, value_name = "REGEX")]
    group: Vec<String>,
    /// Records sampled from the end of each partition (0 = none).
    #[arg(long = "sample-records", default_value_t = 100, value_name = "N")]
    sample_records: u32,
    /// Seconds between the two offset reads that give records/s.
    #[arg(long = "rate-window-s", default_value_t = 5.0, value_name = "S")]
    rate_window_s: f64,
    /// Also write sampled keys (hex). Without it no key or value bytes leave the cluster.
    #[arg(long = "include-keys")]
    include_keys: bool,
    /// Write the snapshot here instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Timeout of each request, ms.
    #[arg(long = "timeout-ms", default_value_t = 5_000, value_name = "MS")]
    timeout_ms: u64,
    /// Keep taking snapshots (every --interval-s).
    #[arg(long)]
    watch: bool,
    /// Seconds between snapshots with --watch.
    #[arg(long = "interval-s", default_value_t = 5.0, value_name = "S")]
    interval_s: f64,
    /// With --watch: serve the latest snapshot at http://ADDR/snapshot.json
    /// (loopback addresses only).
    #[arg(long, value_name = "127.0.0.1:PORT", requires = "watch")]
    serve: Option<String>,
    /// With --serve: also serve the built app from this directory.
    #[arg(long, value_name = "DIR", requires = "serve")]
    dist: Option<PathBuf>,
}

/// Most records sampled per partition.
const MAX_SAMPLE_RECORDS: u32 = 10_000;

/// Reads a Java `.properties` file: `key=value` or `key: value` (or
/// `key value`), `#`/`!` comments, surrounding blanks trimmed. Line
/// continuations and escapes are not supported and rejected when seen.
pub(crate) fn parse_properties(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        if line.ends_with('\\') {
            return Err(format!(
                "line {}: line continuations are not supported",
                i + 1
            ));
        }
        let cut = line
            .find(['=', ':'])
            .or_else(|| line.find(char::is_whitespace));
        let (k, v) = match cut {
            Some(at) => (line[..at].trim(), line[at + 1..].trim()),
            None => (line, ""),
        };
        if k.is_empty() {
            return Err(format!("line {}: property without a name", i + 1));
        }
        out.push((k.to_owned(), v.to_owned()));
    }
    Ok(out)
}

/// Maps Java client properties librdkafka does not know onto its own:
/// `sasl.jaas.config` (username/password of the PLAIN/SCRAM login modules)
/// → `sasl.username`/`sasl.password`; Java keystores are refused with a hint.
pub(crate) fn librdkafka_properties(
    props: Vec<(String, String)>,
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (k, v) in props {
        match k.as_str() {
            "sasl.jaas.config" => {
                for field in ["username", "password"] {
                    let re = Regex::new(&format!(r#"\b{field}\s*=\s*"([^"]*)""#))
                        .map_err(|e| e.to_string())?;
                    if let Some(c) = re.captures(&v) {
                        out.push((format!("sasl.{field}"), c[1].to_owned()));
                    }
                }
            }
            "ssl.truststore.location" | "ssl.keystore.location" => {
                return Err(format!(
                    "{k} is a Java keystore, which librdkafka cannot read: \
                     use ssl.ca.location (PEM CA) / ssl.certificate.location and ssl.key.location"
                ))
            }
            // Only meaningful with the keystores refused above.
            "ssl.truststore.password"
            | "ssl.truststore.type"
            | "ssl.keystore.type"
            | "ssl.keystore.password" => {}
            _ => out.push((k, v)),
        }
    }
    Ok(out)
}

fn anchored(re: &str, what: &str) -> Result<Regex, String> {
    Regex::new(&format!("^(?:{re})$")).map_err(|e| format!("--{what} {re:?} is not a regex: {e}"))
}

/// A `--group` value that is a plain group name: no regex metacharacters
/// other than `.` (which matches itself too).
fn literal(name: &str) -> bool {
    !name.is_empty()
        && !name.contains([
            '\\', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$',
        ])
}

#[allow(clippy::disallowed_methods)] // The CLI reads the wall clock; the engine never does.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[allow(clippy::disallowed_methods)]
fn instant() -> std::time::Instant {
    std::time::Instant::now()
}

/// Options of one snapshot.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    conn: Connection,
    topic: Option<Regex>,
    groups: Vec<String>,
    sample_records: u32,
    rate_window: Duration,
    include_keys: bool,
}

fn options(a: &Args) -> Result<Options, String> {
    if a.bootstrap_server.trim().is_empty() {
        return Err("--bootstrap-server is empty".into());
    }
    if !(a.rate_window_s.is_finite() && (0.0..=3600.0).contains(&a.rate_window_s)) {
        return Err(format!(
            "--rate-window-s {} must be between 0 and 3600 seconds",
            a.rate_window_s
        ));
    }
    if a.sample_records > MAX_SAMPLE_RECORDS {
        return Err(format!(
            "--sample-records {} is above the limit of {MAX_SAMPLE_RECORDS} per partition",
            a.sample_records
        ));
    }
    if !(100..=600_000).contains(&a.timeout_ms) {
        return Err(format!(
            "--timeout-ms {} must be between 100 and 600000",
            a.timeout_ms
        ));
    }
    let mut props = vec![("bootstrap.servers".to_owned(), a.bootstrap_server.clone())];
    if let Some(path) = &a.command_config {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read --command-config {}: {e}", path.display()))?;
        let parsed = parse_properties(&text)
            .map_err(|e| format!("--command-config {}: {e}", path.display()))?;
        props.extend(librdkafka_properties(parsed)?);
    }
    for g in &a.group {
        anchored(g, "group")?;
    }
    Ok(Options {
        conn: Connection::new(props, Duration::from_millis(a.timeout_ms)),
        topic: a
            .topic
            .as_deref()
            .map(|t| anchored(t, "topic"))
            .transpose()?,
        groups: a.group.clone(),
        sample_records: a.sample_records,
        rate_window: Duration::from_secs_f64(a.rate_window_s),
        include_keys: a.include_keys,
    })
}

/// Takes one snapshot.
pub(crate) fn take(o: &Options) -> Result<Snapshot, String> {
    let conn = &o.conn;
    let client = conn.consumer(None)?;
    let meta = kafka::metadata(&client, conn)?;
    let mut snap = Snapshot::empty(now_ms());
    snap.cluster.cluster_id = kafka::cluster_id(&client, conn);
    snap.unavailable.push(Unavailable {
        section: "cluster.controller".into(),
        error: "librdkafka's metadata API (rdkafka 0.39) exposes neither the controller id nor broker racks".into(),
    });
    for (id, host, port) in &meta.brokers {
        snap.cluster.brokers.push(BrokerInfo {
            id: *id,
            host: host.clone(),
            port: u16::try_from(*port).map_err(|_| format!("broker {id} has port {port}"))?,
            rack: None,
        });
    }
    let all_tps: Vec<(String, i32)> = meta
        .topics
        .iter()
        .filter(|t| t.error.is_none() && !t.name.starts_with("__"))
        .flat_map(|t| t.partitions.iter().map(move |p| (t.name.clone(), p.0)))
        .collect();
    let selected: Vec<&kafka::MetaTopic> = meta
        .topics
        .iter()
        .filter(|t| match &o.topic {
            Some(re) => re.is_match(&t.name),
            None => !t.name.starts_with("__"),
        })
        .collect();
    if let Some(re) = &o.topic {
        if selected.is_empty() {
            return Err(format!(
                "UNKNOWN_TOPIC_OR_PARTITION: no topic matches --topic {:?}",
                re.as_str()
                    .trim_start_matches("^(?:")
                    .trim_end_matches(")$")
            ));
        }
    }
    for t in &selected {
        if let Some(e) = &t.error {
            return Err(format!("topic {:?}: {e}", t.name));
        }
    }
    let tps: Vec<(String, i32)> = selected
        .iter()
        .flat_map(|t| t.partitions.iter().map(|p| (t.name.clone(), p.0)))
        .collect();

    // Groups to read: listed ones matching --group (all when none given),
    // plus every plain name given.
    let listed = kafka::groups(&client, conn, None);
    let mut described: BTreeMap<String, Option<map::RawGroup>> = BTreeMap::new();
    match &listed {
        Ok(gs) => {
            let res: Vec<Regex> = o
                .groups
                .iter()
                .filter_map(|g| anchored(g, "group").ok())
                .collect();
            for g in gs {
                let consumer = g.protocol_type.is_empty() || g.protocol_type == "consumer";
                if consumer && (res.is_empty() || res.iter().any(|r| r.is_match(&g.name))) {
                    described.insert(g.name.clone(), Some(g.clone()));
                }
            }
        }
        Err(e) => snap.unavailable.push(Unavailable {
            section: "groups".into(),
            error: format!("ListGroups: {e}"),
        }),
    }
    for g in o.groups.iter().filter(|g| literal(g)) {
        if described.get(g).is_none_or(Option::is_none) {
            let d = match kafka::groups(&client, conn, Some(g)) {
                Ok(mut v) => v.pop(),
                Err(e) => {
                    snap.unavailable.push(Unavailable {
                        section: format!("group:{g}"),
                        error: format!("DescribeGroups: {e}"),
                    });
                    None
                }
            };
            if let Some(d) = &d {
                if d.state == "Dead" {
                    return Err(format!(
                        "GROUP_ID_NOT_FOUND: consumer group {g:?} does not exist"
                    ));
                }
            }
            described.insert(g.clone(), d);
        }
    }

    // First read: committed offsets, then watermarks (committed first, so a
    // lag is never computed against an older log end).
    let read_committed = |g: &str| kafka::committed(conn, g, &all_tps);
    let mut committed0 = BTreeMap::new();
    for g in described.keys() {
        committed0.insert(g.clone(), read_committed(g)?);
    }
    let t0 = instant();
    let w0 = kafka::watermarks(&client, conn, &tps)?;
    std::thread::sleep(o.rate_window);
    let mut committed1 = BTreeMap::new();
    for g in described.keys() {
        committed1.insert(g.clone(), read_committed(g)?);
    }
    let w1 = kafka::watermarks(&client, conn, &tps)?;
    let secs = instant().duration_since(t0).as_secs_f64();

    let ranges: BTreeMap<(String, i32), (i64, i64)> = w1
        .iter()
        .map(|(k, &(lo, hi))| (k.clone(), (lo.max(hi - i64::from(o.sample_records)), hi)))
        .collect();
    let samples = if o.sample_records > 0 {
        match kafka::sample(conn, &ranges) {
            Ok(s) => Some(s),
            Err(e) => {
                snap.unavailable.push(Unavailable {
                    section: "samples".into(),
                    error: e,
                });
                None
            }
        }
    } else {
        None
    };

    let names: Vec<String> = selected.iter().map(|t| t.name.clone()).collect();
    let mut configs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    match kafka::configs(conn, &names) {
        Ok(rs) => {
            for (t, r) in rs {
                match r {
                    Ok(c) => {
                        configs.insert(t, c);
                    }
                    Err(e) => snap.unavailable.push(Unavailable {
                        section: format!("configs:{t}"),
                        error: format!("DescribeConfigs: {e}"),
                    }),
                }
            }
        }
        Err(e) => snap.unavailable.push(Unavailable {
            section: "configs".into(),
            error: format!("DescribeConfigs: {e}"),
        }),
    }

    for t in &selected {
        let mut parts = Vec::new();
        for (p, leader, replicas, isr) in &t.partitions {
            let key = (t.name.clone(), *p);
            let (lo, hi) = w1.get(&key).copied().unwrap_or((-1, -1));
            let hi0 = w0.get(&key).map(|w| w.1);
            let records_per_s = match hi0 {
                Some(h0) if secs > 0.0 && hi >= h0 && o.rate_window > Duration::ZERO => {
                    Some((hi - h0) as f64 / secs)
                }
                _ => None,
            };
            let sample = samples
                .as_ref()
                .and_then(|s| s.get(&key))
                .map(|recs| map::sample_from(recs, o.include_keys));
            if o.include_keys && sample.as_ref().is_some_and(|s| s.keys_hex.is_none()) {
                snap.unavailable.push(Unavailable {
                    section: format!("keys:{}-{p}", t.name),
                    error: "a sampled key is longer than 32 KiB; keys of this partition are not written".into(),
                });
            }
            let bytes_per_s = match (
                records_per_s,
                sample.as_ref().and_then(|s| s.mean_record_bytes()),
            ) {
                (Some(r), Some(b)) => Some(r * b),
                (Some(0.0), None) => Some(0.0),
                _ => None,
            };
            parts.push(PartitionSnapshot {
                partition: *p,
                leader: (*leader >= 0).then_some(*leader),
                replicas: replicas.clone(),
                isr: isr.clone(),
                log_start_offset: (lo >= 0).then_some(lo),
                log_end_offset: (hi >= 0).then_some(hi),
                records_per_s,
                bytes_per_s,
                sample,
                replica_state_known: true,
                replica_sizes: Vec::new(),
            });
        }
        parts.sort_by_key(|p| p.partition);
        snap.topics.push(TopicSnapshot {
            name: t.name.clone(),
            configs: configs.remove(&t.name).unwrap_or_default(),
            partitions: parts,
        });
    }

    // Log end offsets of all topics for the groups' rows (a group may read a
    // topic outside --topic).
    for (g, d) in &described {
        let c1 = committed1.get(g).cloned().unwrap_or_default();
        let c0: BTreeMap<(String, i32), Option<i64>> = committed0
            .get(g)
            .map(|v| v.iter().map(|(t, p, c)| ((t.clone(), *p), *c)).collect())
            .unwrap_or_default();
        let mut leo: BTreeMap<(String, i32), i64> =
            w1.iter().map(|(k, w)| (k.clone(), w.1)).collect();
        let need: Vec<(String, i32)> = c1
            .iter()
            .filter(|(t, p, c)| c.is_some() && !leo.contains_key(&(t.clone(), *p)))
            .map(|(t, p, _)| (t.clone(), *p))
            .collect();
        for (k, w) in kafka::watermarks(&client, conn, &need)? {
            leo.insert(k, w.1);
        }
        let log_end = |t: &str, p: i32| leo.get(&(t.to_owned(), p)).copied();
        let rate = |t: &str, p: i32| {
            let before = c0.get(&(t.to_owned(), p)).copied().flatten()?;
            let after = c1.iter().find(|x| x.0 == t && x.1 == p)?.2?;
            (secs > 0.0 && after >= before && o.rate_window > Duration::ZERO)
                .then(|| (after - before) as f64 / secs)
        };
        let gs = map::group_from(g, d.as_ref(), &c1, &log_end, &rate)?;
        if literal(g) && d.is_none() && gs.offsets.is_empty() && listed.is_ok() {
            return Err(format!(
                "GROUP_ID_NOT_FOUND: consumer group {g:?} does not exist"
            ));
        }
        if literal(g) && d.is_none() && gs.offsets.is_empty() {
            return Err(format!(
                "GROUP_ID_NOT_FOUND: consumer group {g:?} has no committed offsets and the broker cannot describe groups"
            ));
        }
        snap.groups.push(gs);
    }
    snap.validate()
        .map_err(|e| format!("the snapshot read is inconsistent: {e}"))?;
    Ok(snap)
}

fn write(path: &Option<PathBuf>, json: &str) -> Result<(), String> {
    match path {
        None => crate::emit(&format!("{json}\n")),
        Some(p) => {
            let tmp = p.with_extension("json.tmp");
            std::fs::write(&tmp, json.as_bytes())
                .and_then(|()| std::fs::rename(&tmp, p))
                .map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
    }
}

/// `kplay snapshot`.
pub(crate) fn run(a: Args) -> Result<(), String> {
    let o = options(&a)?;
    if !a.watch {
        let snap = take(&o)?;
        return write(&a.output, &snap.to_json_pretty());
    }
    if !(a.interval_s.is_finite() && (1.0..=86_400.0).contains(&a.interval_s)) {
        return Err(format!(
            "--interval-s {} must be between 1 and 86400",
            a.interval_s
        ));
    }
    let latest = serve::Latest::default();
    if let Some(addr) = &a.serve {
        let server = serve::Server::bind(addr, a.dist.clone(), latest.clone())?;
        eprintln!(
            "serving the latest snapshot at http://{}/snapshot.json",
            server.local_addr()
        );
        std::thread::spawn(move || server.run());
    }
    loop {
        match take(&o) {
            Ok(snap) => {
                let json = snap.to_json_pretty();
                latest.set(json.clone());
                if a.output.is_some() || a.serve.is_none() {
                    write(&a.output, &json)?;
                }
            }
            Err(e) => eprintln!("error: {e} (retrying in {} s)", a.interval_s),
        }
        std::thread::sleep(Duration::from_secs_f64(a.interval_s));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_parse_java_layouts() {
        let p = parse_properties(
            "# comment\n! also\nsecurity.protocol=SASL_SSL\nsasl.mechanism : PLAIN\n\nssl.ca.location /etc/ca.pem\nempty\n",
        )
        .unwrap();
        assert_eq!(
            p,
            vec![
                ("security.protocol".into(), "SASL_SSL".into()),
                ("sasl.mechanism".into(), "PLAIN".into()),
                ("ssl.ca.location".into(), "/etc/ca.pem".into()),
                ("empty".into(), String::new()),
            ]
        );
        assert!(parse_properties("a=b\\\n c")
            .unwrap_err()
            .contains("line 1"));
    }

    #[test]
    fn jaas_config_becomes_librdkafka_credentials_and_keystores_are_refused() {
        let p = librdkafka_properties(vec![(
            "sasl.jaas.config".into(),
            r#"org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3cr=t";"#.into(),
        )])
        .unwrap();
        assert_eq!(
            p,
            vec![
                ("sasl.username".into(), "alice".into()),
                ("sasl.password".into(), "s3cr=t".into()),
            ]
        );
        let e = librdkafka_properties(vec![("ssl.truststore.location".into(), "/x.jks".into())])
            .unwrap_err();
        assert!(e.contains("ssl.ca.location"));
    }

    #[test]
    fn secrets_are_redacted_from_client_errors() {
        let conn = Connection::new(
            vec![
                ("bootstrap.servers".into(), "localhost:1".into()),
                ("sasl.password".into(), "hunter2".into()),
                // An invalid value librdkafka quotes back in its error.
                ("security.protocol".into(), "hunter2".into()),
            ],
            Duration::from_millis(100),
        );
        let err = conn.consumer(None).map(|_| ()).unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(
            err.contains("<redacted>") && err.contains("security.protocol"),
            "{err}"
        );
        assert!(!format!("{conn:?}").contains("hunter2"));
    }

    #[test]
    fn plain_group_names_are_literal() {
        assert!(literal("billing-v2_x"));
        assert!(!literal("billing.*"));
        assert!(!literal(""));
    }
}
