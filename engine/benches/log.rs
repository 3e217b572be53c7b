//! Append + fetch throughput with 100-byte values (`cargo bench -p kplay-engine --bench log`).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kplay_engine::log::{Log, LogConfig};
use kplay_engine::record::RecordInput;

const N: u64 = 100_000;

fn append_then_fetch(c: &mut Criterion) {
    let value = [7u8; 100];
    let mut g = c.benchmark_group("log");
    g.throughput(Throughput::Elements(N));
    g.bench_function("append_100B_x100k", |b| {
        b.iter_batched(
            || {
                Log::new(
                    LogConfig {
                        segment_bytes: 1 << 20,
                        ..LogConfig::default()
                    },
                    0,
                )
            },
            |mut log| {
                for i in 0..N {
                    let key = i.to_le_bytes();
                    log.append(
                        RecordInput::new(Some(&key), Some(&value), i as i64),
                        i as i64,
                    )
                    .expect("append");
                }
                log
            },
            BatchSize::LargeInput,
        )
    });
    let mut log = Log::new(
        LogConfig {
            segment_bytes: 1 << 20,
            ..LogConfig::default()
        },
        0,
    );
    for i in 0..N {
        let key = i.to_le_bytes();
        log.append(
            RecordInput::new(Some(&key), Some(&value), i as i64),
            i as i64,
        )
        .expect("append");
    }
    log.advance_high_watermark(N as i64).expect("hw");
    g.bench_function("fetch_100B_x100k_500_per_poll", |b| {
        b.iter(|| {
            let mut offset = 0;
            let mut bytes = 0usize;
            while offset < N as i64 {
                let f = log.fetch(offset, 500, 1 << 20).expect("fetch");
                bytes += f
                    .records
                    .iter()
                    .map(|r| r.value.map_or(0, <[u8]>::len))
                    .sum::<usize>();
                offset = f.next_fetch_offset;
            }
            bytes
        })
    });
    g.finish();
}

criterion_group!(benches, append_then_fetch);
criterion_main!(benches);
