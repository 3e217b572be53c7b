//! Key → partition for 1M 16-byte keys, per hash partitioner
//! (`cargo bench -p kplay-engine --bench partitioner`). Report ns/key =
//! time per iteration / 1 000 000.

use std::hint::black_box;
use std::num::NonZeroU32;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kplay_engine::partitioner::PartitionerKind;
use kplay_engine::rng::SimRng;

const N: usize = 1_000_000;

fn keys() -> Vec<[u8; 16]> {
    let mut rng = SimRng::seeded(1);
    (0..N)
        .map(|_| {
            let mut k = [0u8; 16];
            rng.fill_bytes(&mut k);
            k
        })
        .collect()
}

fn key_to_partition(c: &mut Criterion) {
    let keys = keys();
    let n = NonZeroU32::new(12).expect("12 > 0");
    let mut g = c.benchmark_group("partition_1M_16B_keys");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    for kind in [
        PartitionerKind::Java,
        PartitionerKind::Consistent,
        PartitionerKind::Murmur2,
        PartitionerKind::Fnv1a,
    ] {
        g.bench_function(kind.name(), |b| {
            b.iter(|| {
                let mut acc = 0u64;
                for k in &keys {
                    acc += u64::from(kind.partition_key(black_box(k), n).unwrap_or(0));
                }
                acc
            })
        });
    }
    g.finish();
}

criterion_group!(benches, key_to_partition);
criterion_main!(benches);
