//! KIP-848 server-side `uniform`
//! (`group-coordinator/src/main/java/org/apache/kafka/coordinator/group/assignor/UniformAssignor.java`;
//! KAFKA.md §3.4).
//!
//! * **Homogeneous** subscriptions (`UniformHomogeneousAssignmentBuilder`,
//!   exact): quota `total / N`, the first `total % N` members in
//!   `groupSpec.memberIds()` iteration order (a Java `HashMap` of member ids)
//!   get one more; each member keeps its current partitions up to its quota
//!   (iterating its current assignment: topics in the order its `owned` list
//!   mentions them), the excess and all unassigned
//!   partitions (topics in `HashSet<Uuid>` order, partitions ascending) go to
//!   members with remaining quota, in member order.
//! * **Heterogeneous** subscriptions (`UniformHeterogeneousAssignmentBuilder`,
//!   same shape, not bit-exact): keep current partitions of still-subscribed
//!   topics; assign the rest topic by topic (partitions-per-subscriber
//!   descending, then subscriber count ascending, then topic name) to the least
//!   loaded subscriber; then up to 16 balancing passes moving a partition from
//!   a member to an eligible member holding at least two fewer.
//!
//! The "current assignment" of a member is its `owned` list (in KIP-848 the
//! coordinator keeps it). A partition listed by two members stays with the
//! first in member order (a real coordinator never has such a state).

use super::{empty_assignment, AssignError};
use crate::group::{java, AssignmentInput, TopicPartition};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(super) fn assign(
    input: &AssignmentInput,
) -> Result<BTreeMap<String, Vec<TopicPartition>>, AssignError> {
    let ms = input.members();
    let mut out = empty_assignment(input);
    if ms.is_empty() {
        return Ok(out);
    }
    for m in ms {
        for t in &m.topics {
            if !input.topics().contains_key(t) {
                return Err(AssignError::SubscribedToNonExistentTopic {
                    member_id: m.member_id.clone(),
                    topic: t.clone(),
                });
            }
        }
    }
    let hashes: Vec<i32> = ms.iter().map(|m| java::string_hash(&m.member_id)).collect();
    let member_order = java::hash_order(&hashes);
    let first: BTreeSet<&String> = crate::sort::btree_set(ms[member_order[0]].topics.iter());
    let homogeneous = ms
        .iter()
        .all(|m| crate::sort::btree_set(m.topics.iter()) == first);
    let lists = if homogeneous {
        homogeneous_assign(input, &member_order)?
    } else {
        heterogeneous_assign(input, &member_order)
    };
    for (i, l) in lists.into_iter().enumerate() {
        if let Some(slot) = out.get_mut(&ms[i].member_id) {
            *slot = l;
        }
    }
    Ok(out)
}

/// Topics of `topics` in Java `HashSet<Uuid>` order.
fn topic_hash_order<'a>(input: &AssignmentInput, topics: &[&'a str]) -> Vec<&'a str> {
    let hashes: Vec<i32> = topics
        .iter()
        .map(|t| java::uuid_hash(&input.topic_id(t)))
        .collect();
    java::hash_order(&hashes)
        .into_iter()
        .map(|i| topics[i])
        .collect()
}

/// A member's current assignment, topic by topic in the order the member's
/// `owned` list first mentions them, partitions in list order. (Kafka's test
/// expectations — OptimizedUniformAssignmentBuilderTest — are reproduced with
/// this order, not with a `HashMap<Uuid>` order; see `assignors_ref.py`.)
fn current_map(owned: &[TopicPartition]) -> Vec<(&str, Vec<i32>)> {
    let mut topics: Vec<&str> = Vec::new();
    for tp in owned {
        if !topics.contains(&tp.topic.as_str()) {
            topics.push(&tp.topic);
        }
    }
    topics
        .into_iter()
        .map(|t| {
            let ps: Vec<i32> = owned
                .iter()
                .filter(|tp| tp.topic == t)
                .map(|tp| tp.partition)
                .collect();
            (t, ps)
        })
        .collect()
}

fn homogeneous_assign(
    input: &AssignmentInput,
    member_order: &[usize],
) -> Result<Vec<Vec<TopicPartition>>, AssignError> {
    let ms = input.members();
    let subs: Vec<&str> = ms[member_order[0]]
        .topics
        .iter()
        .map(String::as_str)
        .collect();
    let topic_order = topic_hash_order(input, &subs);
    let subscribed: BTreeSet<&str> = crate::sort::btree_set(subs.iter().copied());
    let count = |t: &str| input.topics().get(t).copied().unwrap_or(0);
    let mut claimed: BTreeSet<(&str, i32)> = BTreeSet::new();
    let mut kept: Vec<Vec<(&str, Vec<i32>)>> = vec![Vec::new(); ms.len()];
    let currents: Vec<Vec<(&str, Vec<i32>)>> = ms
        .iter()
        .map(|m| {
            current_map(&m.owned)
                .into_iter()
                .filter(|(t, _)| subscribed.contains(t))
                .map(|(t, ps)| (t, ps.into_iter().filter(|&p| p < count(t)).collect()))
                .collect()
        })
        .collect();
    // Claims: first in member order keeps a doubly-listed partition.
    let mut current_clean: Vec<Vec<(&str, Vec<i32>)>> = vec![Vec::new(); ms.len()];
    for &m in member_order {
        for (t, ps) in &currents[m] {
            let ps: Vec<i32> = ps
                .iter()
                .copied()
                .filter(|&p| claimed.insert((t, p)))
                .collect();
            current_clean[m].push((t, ps));
        }
    }
    let mut unassigned: Vec<(&str, i32)> = topic_order
        .iter()
        .flat_map(|&t| (0..count(t)).map(move |p| (t, p)))
        .filter(|tp| !claimed.contains(tp))
        .collect();
    let total: usize = topic_order.iter().map(|t| count(t) as usize).sum();
    let n = member_order.len();
    let (min_q, mut extra) = (total / n, total % n);
    let mut unfilled: Vec<(usize, usize)> = Vec::new();
    for &m in member_order {
        let mut quota = min_q;
        if extra > 0 {
            quota += 1;
            extra -= 1;
        }
        for (t, ps) in &current_clean[m] {
            if ps.len() <= quota {
                quota -= ps.len();
                if !ps.is_empty() {
                    kept[m].push((t, ps.clone()));
                }
            } else {
                let mut keep = Vec::new();
                for &p in ps {
                    if quota > 0 {
                        quota -= 1;
                        keep.push(p);
                    } else {
                        unassigned.push((t, p));
                    }
                }
                if !keep.is_empty() {
                    kept[m].push((t, keep));
                }
            }
        }
        if quota > 0 {
            unfilled.push((m, quota));
        }
    }
    let mut next = unassigned.into_iter();
    for (m, q) in unfilled {
        for _ in 0..q {
            let Some((t, p)) = next.next() else { break };
            match kept[m].iter_mut().find(|(x, _)| *x == t) {
                Some((_, ps)) => ps.push(p),
                None => kept[m].push((t, vec![p])),
            }
        }
    }
    if next.next().is_some() {
        return Err(AssignError::IllegalState(
            "Partitions were left unassigned".into(),
        ));
    }
    Ok(kept
        .into_iter()
        .map(|l| {
            l.into_iter()
                .flat_map(|(t, ps)| ps.into_iter().map(move |p| TopicPartition::new(t, p)))
                .collect()
        })
        .collect())
}

fn heterogeneous_assign(
    input: &AssignmentInput,
    member_order: &[usize],
) -> Vec<Vec<TopicPartition>> {
    let ms = input.members();
    let mut pos = vec![0usize; ms.len()];
    for (i, &m) in member_order.iter().enumerate() {
        pos[m] = i;
    }
    let subs: Vec<BTreeSet<&str>> = ms
        .iter()
        .map(|m| crate::sort::btree_set(m.topics.iter().map(String::as_str)))
        .collect();
    let mut subscribers: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &m in member_order {
        for t in &subs[m] {
            subscribers.entry(t).or_default().push(m);
        }
    }
    let mut owner: HashMap<(&str, i32), usize> = HashMap::new();
    let mut lists: Vec<Vec<(&str, i32)>> = vec![Vec::new(); ms.len()];
    for &m in member_order {
        for tp in &ms[m].owned {
            let n = input.topics().get(&tp.topic).copied().unwrap_or(0);
            if subs[m].contains(tp.topic.as_str()) && tp.partition < n {
                let key = (tp.topic.as_str(), tp.partition);
                if let std::collections::hash_map::Entry::Vacant(e) = owner.entry(key) {
                    e.insert(m);
                    lists[m].push(key);
                }
            }
        }
    }
    let mut topics: Vec<&str> = subscribers.keys().copied().collect();
    let count = |t: &str| input.topics().get(t).copied().unwrap_or(0);
    crate::sort::sort_by(&mut topics, |a, b| {
        let (sa, sb) = (subscribers[a].len() as i64, subscribers[b].len() as i64);
        // partitions per subscriber, descending (compare a/sa vs b/sb by cross-multiplying)
        (i64::from(count(b)) * sa)
            .cmp(&(i64::from(count(a)) * sb))
            .then(sa.cmp(&sb))
            .then(java::str_cmp(a, b))
    });
    for &t in &topics {
        let cs = &subscribers[t];
        for p in 0..count(t) {
            if owner.contains_key(&(t, p)) {
                continue;
            }
            if let Some(&m) = cs.iter().min_by_key(|&&m| (lists[m].len(), pos[m])) {
                owner.insert((t, p), m);
                lists[m].push((t, p));
            }
        }
    }
    for _ in 0..16 {
        let mut moved = false;
        for &t in &topics {
            let cs = &subscribers[t];
            for p in 0..count(t) {
                let Some(&from) = owner.get(&(t, p)) else {
                    continue;
                };
                if let Some(&to) = cs.iter().min_by_key(|&&m| (lists[m].len(), pos[m])) {
                    if lists[from].len() > lists[to].len() + 1 {
                        lists[from].retain(|&x| x != (t, p));
                        lists[to].push((t, p));
                        owner.insert((t, p), to);
                        moved = true;
                    }
                }
            }
        }
        if !moved {
            break;
        }
    }
    lists
        .into_iter()
        .map(|l| {
            l.into_iter()
                .map(|(t, p)| TopicPartition::new(t, p))
                .collect()
        })
        .collect()
}
