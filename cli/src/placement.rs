//! `kplay placement --brokers N [--racks R1,R2,…] [--broker-ids …] --partitions P
//! --replication-factor F [--placer classic|kraft] [--start-index I] [--json]`
//!
//! Places a new topic's replicas as Kafka does and prints one line per
//! partition like `kafka-topics --describe`
//! (`Partition: 0  Leader: 1  Replicas: 1,2,3  Isr: 1,2,3`; a new topic's
//! leader is its first replica and every replica is in the ISR), or with
//! `--json` `{"partitions":[{"partition":0,"replicas":[1,2,3]}, …]}`.
//!
//! * `--placer classic` (default): `AdminUtils.assignReplicasToBrokers` with
//!   the brokers in id order (as ZK topic creation sorts them) and
//!   `fixedStartIndex = --start-index` (default 0, the upstream tests' value;
//!   Kafka itself draws it at random).
//! * `--placer kraft`: `StripedReplicaPlacer` with Kafka's test `MockRandom`
//!   whose state is `--start-index` (default 17 = `new MockRandom()`, which
//!   reproduces the published vectors); brokers in the listed order.
//! * `--racks` gives broker i the i-th rack; brokers are `0..N-1` unless
//!   `--broker-ids` lists them.

use kplay_engine::replication::placement::{
    assign_replicas_to_brokers, striped_place, BrokerMetadata, JdkRandom, MockRandom, UsableBroker,
};
use serde::Serialize;

/// Arguments of `kplay placement`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Number of brokers.
    #[arg(long, allow_negative_numbers = true)]
    brokers: i64,
    /// Comma-separated racks, one per broker.
    #[arg(long, value_delimiter = ',')]
    racks: Option<Vec<String>>,
    /// Comma-separated broker ids (default 0..N-1).
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    broker_ids: Option<Vec<i32>>,
    /// Number of partitions.
    #[arg(long, allow_negative_numbers = true)]
    partitions: i64,
    /// Replication factor.
    #[arg(long, allow_negative_numbers = true)]
    replication_factor: i64,
    /// classic (AdminUtils) or kraft (StripedReplicaPlacer).
    #[arg(long, default_value = "classic")]
    placer: String,
    /// classic: fixedStartIndex; kraft: MockRandom state.
    #[arg(long, allow_negative_numbers = true)]
    start_index: Option<i64>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct PartitionOut {
    partition: i32,
    replicas: Vec<i32>,
}

#[derive(Serialize)]
struct Out {
    partitions: Vec<PartitionOut>,
}

const MAX_BROKERS: i64 = 10_000;
const MAX_PARTITIONS: i64 = 100_000;

pub(crate) fn run(a: Args) -> Result<(), String> {
    if a.brokers < 1 || a.brokers > MAX_BROKERS {
        return Err(format!("--brokers must be between 1 and {MAX_BROKERS}"));
    }
    if a.partitions > MAX_PARTITIONS {
        return Err(format!("--partitions must be at most {MAX_PARTITIONS}"));
    }
    let n = a.brokers as usize;
    let ids: Vec<i32> = match a.broker_ids {
        Some(ids) => {
            if ids.len() != n {
                return Err(format!(
                    "--broker-ids lists {} ids but --brokers is {n}",
                    ids.len()
                ));
            }
            ids
        }
        None => (0..n as i32).collect(),
    };
    if let Some(r) = &a.racks {
        if r.len() != n {
            return Err(format!(
                "--racks lists {} racks but --brokers is {n}",
                r.len()
            ));
        }
        if r.iter().any(|x| x.trim().is_empty()) {
            return Err("--racks: a rack name cannot be empty".to_owned());
        }
    }
    let rack = |i: usize| a.racks.as_ref().map(|r| r[i].trim().to_owned());
    let partitions = i32::try_from(a.partitions).unwrap_or(i32::MIN);
    let rf = i32::try_from(a.replication_factor).map_err(|_| {
        format!(
            "--replication-factor {} is out of range",
            a.replication_factor
        )
    })?;
    let placed: Vec<Vec<i32>> = match a.placer.as_str() {
        "classic" => {
            let mut brokers: Vec<BrokerMetadata> = (0..n)
                .map(|i| BrokerMetadata {
                    id: ids[i],
                    rack: rack(i),
                })
                .collect();
            // AdminZkClient.getBrokerMetadatas sorts by id.
            brokers.sort_by_key(|b| b.id);
            let start = a.start_index.unwrap_or(0);
            let start = i32::try_from(start)
                .map_err(|_| format!("--start-index {start} is out of range"))?;
            if start < 0 {
                return Err("--start-index must be at least 0".to_owned());
            }
            assign_replicas_to_brokers(&brokers, partitions, rf, start, -1, &mut JdkRandom::new(0))
                .map_err(|e| e.to_string())?
                .into_values()
                .collect()
        }
        "kraft" => {
            let brokers: Vec<UsableBroker> = (0..n)
                .map(|i| UsableBroker {
                    id: ids[i],
                    rack: rack(i),
                    fenced: false,
                })
                .collect();
            let state = a.start_index.unwrap_or(17);
            striped_place(
                &brokers,
                partitions,
                rf,
                &mut MockRandom::with_state(state as u64),
            )
            .map_err(|e| e.to_string())?
        }
        other => {
            return Err(format!(
                "unknown --placer '{other}' (expected classic or kraft)"
            ))
        }
    };
    if a.json {
        let out = Out {
            partitions: placed
                .into_iter()
                .enumerate()
                .map(|(p, replicas)| PartitionOut {
                    partition: p as i32,
                    replicas,
                })
                .collect(),
        };
        crate::emit(&format!(
            "{}\n",
            serde_json::to_string(&out).map_err(|e| e.to_string())?
        ))?;
    } else {
        for (p, r) in placed.iter().enumerate() {
            let list = r.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
            let leader = r.first().map_or("none".to_owned(), i32::to_string);
            crate::emit(&format!(
                "Partition: {p}  Leader: {leader}  Replicas: {list}  Isr: {list}\n"
            ))?;
        }
    }
    Ok(())
}
