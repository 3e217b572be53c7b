//! `roundrobin` (`clients/src/main/java/org/apache/kafka/clients/consumer/RoundRobinAssignor.java`;
//! KAFKA.md §3.2).
//!
//! Members in Kafka's member order form a circular iterator; all partitions of
//! all subscribed topics are listed in topic-name order (a `TreeSet`), then
//! partition order; for each partition the iterator skips members not
//! subscribed to its topic, assigns the partition, and advances once more.

use super::{empty_assignment, members_sorted, Universe};
use crate::group::{AssignmentInput, TopicPartition};
use std::collections::BTreeMap;

pub(super) fn assign(input: &AssignmentInput) -> BTreeMap<String, Vec<TopicPartition>> {
    let u = Universe::subscribed(input);
    let ms = input.members();
    let mut out = empty_assignment(input);
    let order = members_sorted(input);
    if order.is_empty() {
        return out;
    }
    // subscribed[k] = sorted topic indices of the k-th member in order.
    let subscribed: Vec<Vec<usize>> = order
        .iter()
        .map(|&m| {
            let mut v: Vec<usize> = ms[m].topics.iter().filter_map(|t| u.topic(t)).collect();
            crate::sort::sort(&mut v);
            v
        })
        .collect();
    let mut lists: Vec<Vec<TopicPartition>> = vec![Vec::new(); order.len()];
    let mut idx = 0usize;
    for ti in 0..u.names.len() {
        for p in 0..u.counts[ti] {
            // Terminates: the topic is in the universe only if someone subscribes to it.
            while subscribed[idx].binary_search(&ti).is_err() {
                idx = (idx + 1) % order.len();
            }
            lists[idx].push(TopicPartition::new(u.names[ti], p));
            idx = (idx + 1) % order.len();
        }
    }
    for (k, list) in lists.into_iter().enumerate() {
        if let Some(slot) = out.get_mut(&ms[order[k]].member_id) {
            *slot = list;
        }
    }
    out
}
