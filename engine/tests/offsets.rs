//! Offsets engine worked examples: the delivery ledger's duplicates and
//! losses per commit strategy, and the byte-exact `kafka-consumer-groups
//! --describe` table.
//!
//! They run natively and, compiled to wasm, in headless Chromium (`cargo test
//! -p kplay-engine --target wasm32-unknown-unknown --test offsets`), so the
//! ledger counts and the table are proven identical in the browser.

use kplay_engine::offsets::committed::CommitStrategy;
use kplay_engine::offsets::delivery::{
    simulate, CrashAt, CrashStep, DeliveryConfig, DeliverySim, SinkMode,
};
use kplay_engine::offsets::describe::{render_describe, DescribeRow};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Everything produced up front, one partition, 500-record batches:
/// batch `b` holds offsets `500b .. 500b + 500`.
fn upfront(strategy: CommitStrategy, batch: u64, step: CrashStep) -> DeliveryConfig {
    DeliveryConfig {
        partitions: 1,
        records: 2_000,
        produce_per_sec: 1e9,
        consume_per_sec: 2_000.0,
        strategy,
        crashes: vec![CrashAt { batch, step }],
        ..DeliveryConfig::default()
    }
}

#[test]
fn commit_after_processing_duplicates_the_uncommitted_part_of_the_batch() {
    let r = simulate(upfront(
        CommitStrategy::ManualSync,
        1,
        CrashStep::MidBatch { processed: 200 },
    ))
    .expect("valid config");
    let l = r.ledger;
    assert_eq!(
        (
            l.processed_once,
            l.duplicated,
            l.duplicate_deliveries,
            l.lost
        ),
        (1_800, 200, 200, 0)
    );
    assert!(l.balances());
    assert_eq!(r.sink.duplicate_effects, 200);
    // A crash after the write but before the commit replays the whole batch.
    let r = simulate(upfront(
        CommitStrategy::ManualSync,
        2,
        CrashStep::BeforeCommit,
    ))
    .expect("valid config");
    assert_eq!((r.ledger.duplicated, r.ledger.lost), (500, 0));
    // After a synchronous commit nothing is replayed.
    let r = simulate(upfront(
        CommitStrategy::ManualSync,
        2,
        CrashStep::AfterCommit,
    ))
    .expect("valid config");
    assert_eq!((r.ledger.processed_once, r.ledger.duplicated), (2_000, 0));
    // The same crash before the commit with an idempotent sink: the ledger still
    // counts the redelivery, the table shows no duplicate rows.
    let r = simulate(DeliveryConfig {
        sink: SinkMode::UpsertByKey,
        ..upfront(CommitStrategy::ManualSync, 2, CrashStep::BeforeCommit)
    })
    .expect("valid config");
    assert_eq!((r.ledger.duplicated, r.ledger.lost), (500, 0));
    assert_eq!(r.sink.duplicate_effects, 0);
}

#[test]
fn commit_before_processing_loses_the_committed_unprocessed_batch() {
    let mut sim = DeliverySim::new(upfront(
        CommitStrategy::CommitBeforeProcessing,
        1,
        CrashStep::AfterCommit,
    ))
    .expect("valid config");
    let r = sim.run().expect("runs");
    assert_eq!(
        (
            r.ledger.lost,
            r.ledger.lost_committed_unprocessed,
            r.ledger.duplicated
        ),
        (500, 500, 0)
    );
    assert_eq!(r.ledger.processed_once + r.ledger.lost, r.ledger.produced);
    assert!(sim.lag_history().buckets().len() <= sim.lag_history().capacity());
}

#[test]
fn describe_table_is_byte_exact() {
    let row = |topic: &str, current: Option<i64>, leo: i64, member: bool| DescribeRow {
        group: "my-group".into(),
        topic: Some(topic.into()),
        partition: Some(0),
        current_offset: current,
        log_end_offset: Some(leo),
        lag: current.map(|c| leo - c),
        consumer_id: member.then(|| "c1".into()),
        host: member.then(|| "/10.0.0.5".into()),
        client_id: member.then(|| "consumer-1".into()),
    };
    let rows = vec![
        row("orders", Some(5), 10, true),
        row("payments", None, 3, false),
    ];
    let expected = "\n\
GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n\
my-group        orders          0          5               10              5               c1              /10.0.0.5       consumer-1\n\
my-group        payments        0          -               3               -               -               -               -\n";
    assert_eq!(render_describe(&rows), expected);
}
