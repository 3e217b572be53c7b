//! Cost of one full plan — what the app pays on every slider move
//! (`cargo bench -p kplay-engine --bench planner`).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use kplay_engine::planner::{plan, plan_from_json, PlanInput};

const INPUT: &str = r#"{
  "ingress_mb_per_s": 1000, "peak_to_average": 2, "retention_hours": 168,
  "replication_factor": 3, "min_insync_replicas": 2,
  "compression_codec": "lz4", "compression_ratio": 4,
  "consumer_groups": 3, "peak_consumers": 24, "headroom": 0.2,
  "broker_disk_gb": 8000, "broker_nic_gbit_per_s": 25, "avg_record_bytes": 1000,
  "annual_growth": 0.5, "horizon_months": 18
}"#;

fn bench(c: &mut Criterion) {
    let parsed: PlanInput = match serde_json::from_str(INPUT) {
        Ok(p) => p,
        Err(e) => panic!("bench input: {e}"),
    };
    let mut g = c.benchmark_group("planner");
    g.bench_function("plan", |b| b.iter(|| plan(black_box(&parsed))));
    g.bench_function("plan_from_json", |b| {
        b.iter(|| plan_from_json(black_box(INPUT)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
