//! KIP-848 server-side `range`
//! (`group-coordinator/src/main/java/org/apache/kafka/coordinator/group/assignor/RangeAssignor.java`,
//! the non-sticky rewrite of KAFKA-16944, Kafka 3.9; KAFKA.md §3.4).
//!
//! Members sorted (static by instance id first, then member id); for each
//! member in order and each subscribed topic, the next contiguous range of
//! `n / subscribers (+1 while extra partitions remain)` partitions, where
//! `subscribers` counts the members subscribed to that topic. A member
//! subscribed to a topic that does not exist fails the assignment
//! (`PartitionAssignorException`).

use super::{empty_assignment, members_sorted, AssignError};
use crate::group::{AssignmentInput, TopicPartition};
use std::collections::BTreeMap;

pub(super) fn assign(
    input: &AssignmentInput,
) -> Result<BTreeMap<String, Vec<TopicPartition>>, AssignError> {
    let ms = input.members();
    let mut out = empty_assignment(input);
    // topic -> (next, min_quota, extra)
    let mut state: BTreeMap<&str, (i32, i32, i32)> = BTreeMap::new();
    let mut subscribers: BTreeMap<&str, i32> = BTreeMap::new();
    for m in ms {
        for t in &m.topics {
            if !input.topics().contains_key(t) {
                return Err(AssignError::SubscribedToNonExistentTopic {
                    member_id: m.member_id.clone(),
                    topic: t.clone(),
                });
            }
            *subscribers.entry(t.as_str()).or_insert(0) += 1;
        }
    }
    for (t, s) in &subscribers {
        let n = input.topics().get(*t).copied().unwrap_or(0);
        state.insert(t, (0, n / s, n % s));
    }
    for m in members_sorted(input) {
        let member = &ms[m];
        let mut list = Vec::new();
        for t in &member.topics {
            let n = input.topics().get(t).copied().unwrap_or(0);
            if let Some(st) = state.get_mut(t.as_str()) {
                let mut q = st.1;
                if st.2 > 0 {
                    q += 1;
                    st.2 -= 1;
                }
                let start = st.0;
                let end = (start + q).min(n);
                st.0 = end;
                list.extend((start..end).map(|p| TopicPartition::new(t.clone(), p)));
            }
        }
        if let Some(slot) = out.get_mut(&member.member_id) {
            *slot = list;
        }
    }
    Ok(out)
}
