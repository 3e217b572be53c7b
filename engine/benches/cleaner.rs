//! Log cleaner throughput: one pass over a partition of 1M records spread over
//! 10k keys (`cargo bench -p kplay-engine --bench cleaner`). The pass is one
//! scan of the dirty range to build the offset map plus one recopy scan.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kplay_engine::cleaner::clean;
use kplay_engine::config::TopicConfig;
use kplay_engine::log::Log;
use kplay_engine::record::RecordInput;

const RECORDS: u64 = 1_000_000;
const KEYS: u64 = 10_000;

fn build(cfg: &TopicConfig) -> Log {
    let value = [7u8; 100];
    let mut log = Log::new(cfg.log_config(), 0);
    for i in 0..RECORDS {
        let key = format!("key-{:05}", i % KEYS);
        log.append(RecordInput::new(Some(key.as_bytes()), Some(&value), 1), 1)
            .expect("append");
    }
    log.roll(1);
    log.advance_high_watermark(log.log_end_offset())
        .expect("hw");
    log
}

fn clean_1m(c: &mut Criterion) {
    let cfg =
        TopicConfig::from_overrides([("cleanup.policy", "compact"), ("segment.bytes", "16777216")])
            .expect("config");
    let log = build(&cfg);
    let mut g = c.benchmark_group("cleaner");
    g.sample_size(10);
    g.throughput(Throughput::Elements(RECORDS));
    g.bench_function("clean_1M_records_10k_keys", |b| {
        b.iter_batched(
            || log.clone(),
            |mut log| {
                let r = clean(&mut log, &cfg, 2).expect("clean");
                assert_eq!(r.records_after, KEYS);
                log
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, clean_1m);
criterion_main!(benches);
