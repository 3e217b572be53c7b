//! Assign 10,000 partitions over 1,000 members with each assignor.
//!
//! Two shapes: a fresh group (nobody owns anything) and a sticky rebalance
//! after one member left (everyone else owns its previous assignment). All
//! members subscribe to the same 10 topics of 1,000 partitions each.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kplay_engine::group::{AssignmentInput, Assignor, MemberSubscription};
use std::collections::BTreeMap;

fn input(members: usize) -> AssignmentInput {
    let topics: BTreeMap<String, i32> = (0..10).map(|t| (format!("topic-{t}"), 1_000)).collect();
    let names: Vec<String> = topics.keys().cloned().collect();
    let ms = (0..members)
        .map(|i| MemberSubscription::new(format!("consumer-{i:04}"), names.clone()))
        .collect();
    AssignmentInput::new(topics, ms).unwrap()
}

fn after_leave(a: Assignor) -> AssignmentInput {
    let fresh = input(1_001);
    let out = a.assign(&fresh).unwrap();
    let ms = fresh
        .members()
        .iter()
        .skip(1)
        .map(|m| {
            m.clone()
                .with_owned(out.assignment[&m.member_id].clone(), 1)
        })
        .collect();
    AssignmentInput::new(fresh.topics().clone(), ms).unwrap()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("assign_10k_partitions_1k_members");
    g.sample_size(10);
    let fresh = input(1_000);
    for a in Assignor::ALL {
        g.bench_with_input(BenchmarkId::new("fresh", a.name()), &fresh, |b, i| {
            b.iter(|| a.assign(i).unwrap())
        });
    }
    for a in [
        Assignor::Sticky,
        Assignor::CooperativeSticky,
        Assignor::Uniform,
    ] {
        let i = after_leave(a);
        g.bench_with_input(BenchmarkId::new("one_left", a.name()), &i, |b, i| {
            b.iter(|| a.assign(i).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
