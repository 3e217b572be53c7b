//! `range` (`clients/src/main/java/org/apache/kafka/clients/consumer/RangeAssignor.java`,
//! non-rack-aware path; KAFKA.md §3.1).
//!
//! Per topic, independently: the `C` members subscribed to it, in Kafka's
//! member order, get contiguous ranges; with `n` partitions, `q = n / C` and
//! `extra = n % C`, member `i` gets `q + (i < extra)` partitions. Remainders
//! always go to the *first* members, so with many topics the first member is
//! overloaded. Topics are visited in Java `HashMap` order, which only affects
//! the order inside each member's list.

use super::{empty_assignment, members_sorted, Universe};
use crate::group::{java, AssignmentInput, TopicPartition};
use std::collections::BTreeMap;

pub(super) fn assign(input: &AssignmentInput) -> BTreeMap<String, Vec<TopicPartition>> {
    let u = Universe::subscribed(input);
    let ms = input.members();
    let mut out = empty_assignment(input);
    let mut consumers: Vec<Vec<usize>> = vec![Vec::new(); u.names.len()];
    for m in members_sorted(input) {
        for t in &ms[m].topics {
            if let Some(ti) = u.topic(t) {
                consumers[ti].push(m);
            }
        }
    }
    let hashes: Vec<i32> = u.names.iter().map(|n| java::string_hash(n)).collect();
    for ti in java::hash_order(&hashes) {
        let cs = &consumers[ti];
        if cs.is_empty() {
            continue;
        }
        let n = u.counts[ti] as usize;
        let per = n / cs.len();
        let extra = n % cs.len();
        let mut next = 0usize;
        for (i, &c) in cs.iter().enumerate() {
            let cnt = per + usize::from(i < extra);
            if let Some(list) = out.get_mut(&ms[c].member_id) {
                list.extend((next..next + cnt).map(|p| TopicPartition::new(u.names[ti], p as i32)));
            }
            next += cnt;
        }
    }
    out
}
