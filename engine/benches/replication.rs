//! 1M records through a replicated partition (RF=3) with follower fetches on
//! the simulated clock (`cargo bench -p kplay-engine --bench replication`).
//!
//! Each round the producer appends a 1 000-record batch (8-byte values, as
//! kplay's producer writes) with `acks=all`; then the clock advances one
//! fetch interval and both followers fetch, which advances the HW and
//! completes the delayed produce.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kplay_engine::record::{BatchAttributes, RecordInput};
use kplay_engine::replication::{
    Acks, ClusterConfig, ProduceRequest, ReplicatedCluster, ReplicatedTopicConfig,
};

const N: u64 = 1_000_000;
const BATCH: u64 = 1_000;

fn cluster() -> ReplicatedCluster {
    let topic = ReplicatedTopicConfig::from_overrides([("min.insync.replicas", "2")]).unwrap();
    ReplicatedCluster::new(3, &[vec![0, 1, 2]], topic, ClusterConfig::default(), 0).unwrap()
}

fn replicate(c: &mut Criterion) {
    let values: Vec<[u8; 8]> = (0..N).map(u64::to_le_bytes).collect();
    let mut g = c.benchmark_group("replication");
    g.throughput(Throughput::Elements(N));
    g.sample_size(10);
    g.bench_function("rf3_acks_all_1M_records", |b| {
        b.iter_batched(
            cluster,
            |mut cl| {
                let interval = cl.config().fetch_interval_ms;
                let mut now = 0;
                for (i, chunk) in values.chunks(BATCH as usize).enumerate() {
                    let records: Vec<RecordInput<'_>> = chunk
                        .iter()
                        .map(|v| RecordInput::new(None, Some(v), now))
                        .collect();
                    let req = ProduceRequest {
                        request_id: i as u64,
                        partition: 0,
                        acks: Acks::All,
                        timeout_ms: 30_000,
                        attributes: BatchAttributes::default(),
                        records: &records,
                    };
                    cl.handle_produce(0, &req, now);
                    now += interval;
                    cl.poll(now);
                    let _ = cl.take_responses();
                }
                now += interval;
                cl.poll(now);
                assert_eq!(cl.partitions()[0].high_watermark(), N as i64);
                cl
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, replicate);
criterion_main!(benches);
