//! Delivery simulation throughput: 1M records through produce → poll → process
//! → sink → commit, with lag sampling every simulated second
//! (`cargo bench -p kplay-engine --bench delivery`). Also prints how many lag
//! buckets the history holds after the run: it stays at or under its capacity
//! however long the simulated run is.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kplay_engine::offsets::committed::CommitStrategy;
use kplay_engine::offsets::delivery::{DeliveryConfig, DeliverySim, SinkMode};

const N: u64 = 1_000_000;

fn config() -> DeliveryConfig {
    DeliveryConfig {
        partitions: 6,
        records: N,
        keys: 10_000,
        produce_per_sec: 20_000.0,
        consume_per_sec: 25_000.0,
        strategy: CommitStrategy::ManualSync,
        sink: SinkMode::UpsertByKey,
        lag_sample_interval_ms: 1_000,
        lag_history_capacity: 256,
        ..DeliveryConfig::default()
    }
}

fn delivery(c: &mut Criterion) {
    // One run outside the timing loop to report the bounded history.
    let mut sim = DeliverySim::new(config()).expect("config");
    let report = sim.run().expect("run");
    eprintln!(
        "1M run: simulated {} s, {} batches, {} lag samples kept in {} buckets (capacity {}), resolution {} ms, ledger balances: {}",
        report.end_ms / 1_000,
        report.batches,
        sim.lag_history().sample_count(),
        sim.lag_history().buckets().len(),
        sim.lag_history().capacity(),
        sim.lag_history().resolution_ms(),
        report.ledger.balances()
    );
    let mut g = c.benchmark_group("delivery");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N));
    g.bench_function("produce_consume_commit_1M", |b| {
        b.iter(|| {
            let mut sim = DeliverySim::new(config()).expect("config");
            sim.run().expect("run").ledger.processed_once
        })
    });
    // A consumer that starts behind a full backlog: every poll returns 500 records.
    g.bench_function("backlog_1M_full_batches", |b| {
        b.iter(|| {
            let cfg = DeliveryConfig {
                produce_per_sec: 1e9,
                ..config()
            };
            let mut sim = DeliverySim::new(cfg).expect("config");
            sim.run().expect("run").ledger.processed_once
        })
    });
    g.finish();
}

criterion_group!(benches, delivery);
criterion_main!(benches);
