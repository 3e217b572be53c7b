//! `sticky` and `cooperative-sticky`
//! (`clients/src/main/java/org/apache/kafka/clients/consumer/internals/AbstractStickyAssignor.java`,
//! `StickyAssignor.java`, `CooperativeStickyAssignor.java`; KAFKA.md §3.3).
//!
//! Both share one algorithm:
//!
//! 1. **Pre-processing** (`allSubscriptionsEqual`), visiting members in Java
//!    `HashMap` order: keep each member's still-existing owned partitions; a
//!    partition claimed by two members of the *same* generation is taken from
//!    both (`partitionsWithMultiplePreviousOwners`); a higher generation wins
//!    otherwise.
//! 2. Identical subscriptions → **constrained builder**: each member keeps up to
//!    `minQuota`/`maxQuota` of its owned partitions (sorted by partition, then
//!    topic), the rest are dealt round-robin to members under quota, sorted by
//!    member id.
//! 3. Otherwise → **general builder**: keep valid owned partitions, give each
//!    unassigned partition to the least-loaded eligible member, then move
//!    partitions while it improves balance (`PartitionMovements` keeps moves
//!    cycle-free and sticky).
//!
//! `sticky` (eager) reads owned partitions and generation from its `userData`
//! (serialized grouped by topic through a `HashMap`); `cooperative-sticky` from
//! the subscription's `ownedPartitions`/`generationId` and then withholds every
//! partition that changes owner (`CooperativeStickyAssignor.assignPartitions`),
//! so moving a partition takes two rebalances.
//!
//! Java `HashMap` iteration order is emulated where results depend on it
//! ([`crate::group::java`]). Internals use dense partition ids so that 10,000
//! partitions over 1,000 members assign in milliseconds.

use super::{AssignError, Universe};
use crate::group::{java, AssignmentInput, TopicPartition};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

const DEFAULT_GENERATION: i32 = -1;
const NONE: usize = usize::MAX;

/// Per-member partition ids, and partition id → new owner (transferring).
type Lists = (Vec<Vec<usize>>, BTreeMap<usize, usize>);

type Out = (
    BTreeMap<String, Vec<TopicPartition>>,
    Option<BTreeMap<TopicPartition, String>>,
);

pub(super) fn assign(input: &AssignmentInput, cooperative: bool) -> Result<Out, AssignError> {
    let ms = input.members();
    let u = Universe::subscribed(input);
    let n = ms.len();
    // Member ids ranked by String.compareTo.
    let mut by_id: Vec<usize> = (0..n).collect();
    crate::sort::sort_by(&mut by_id, |&a, &b| {
        java::str_cmp(&ms[a].member_id, &ms[b].member_id)
    });
    let mut id_rank = vec![0usize; n];
    for (r, &m) in by_id.iter().enumerate() {
        id_rank[m] = r;
    }
    // Iteration order of the `subscriptions` HashMap.
    let hashes: Vec<i32> = ms.iter().map(|m| java::string_hash(&m.member_id)).collect();
    let sub_order = java::hash_order(&hashes);

    // memberData(): owned partitions (as ids; unknown topics dropped) and generation.
    let member_data: Vec<(Vec<usize>, Option<i32>)> = ms
        .iter()
        .map(|m| {
            let owned: Vec<&TopicPartition> = if cooperative {
                m.owned.iter().collect()
            } else if m.owned.is_empty() && m.generation.is_none() {
                Vec::new()
            } else {
                group_by_topic_java_order(&m.owned)
            };
            (
                owned.iter().filter_map(|tp| u.pid(tp)).collect(),
                m.generation,
            )
        })
        .collect();

    // ---- allSubscriptionsEqual
    let mut equal = true;
    let mut subscribed: Option<BTreeSet<&str>> = None;
    let mut max_generation = DEFAULT_GENERATION;
    let mut owned: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut prev_owner = vec![NONE; u.total];
    let mut multi = vec![false; u.total];
    for &c in &sub_order {
        let topics: BTreeSet<&str> =
            crate::sort::btree_set(ms[c].topics.iter().map(String::as_str));
        match &subscribed {
            Some(s) if !s.is_empty() => {
                if equal && *s != topics {
                    equal = false;
                }
            }
            _ => subscribed = Some(topics),
        }
        let (parts, gen) = &member_data[c];
        let member_gen = gen.unwrap_or(DEFAULT_GENERATION);
        max_generation = max_generation.max(member_gen);
        for &p in parts {
            let other = prev_owner[p];
            if other == NONE {
                owned[c].push(p);
                prev_owner[p] = c;
            } else {
                let other_gen = ms[other].generation.unwrap_or(DEFAULT_GENERATION);
                if member_gen == other_gen {
                    multi[p] = true;
                    owned[other].retain(|&x| x != p);
                    prev_owner[p] = c;
                } else if member_gen > other_gen {
                    owned[c].push(p);
                    owned[other].retain(|&x| x != p);
                    prev_owner[p] = c;
                }
            }
        }
    }

    let (lists, pto) = if n == 0 {
        (Vec::new(), None)
    } else if equal {
        let (l, p) = constrained(&u, &sub_order, &id_rank, owned, &multi)?;
        (l, Some(p))
    } else {
        let ctx = GeneralCtx {
            u: &u,
            input,
            sub_order: &sub_order,
            id_rank: &id_rank,
            member_data: &member_data,
            max_generation,
        };
        (general(&ctx, owned), None)
    };

    let mut lists = lists;
    let pto: Option<BTreeMap<usize, usize>> = if cooperative {
        let p = match pto {
            Some(p) => p,
            None => compute_pto(&u, input, &lists),
        };
        for (&pid, &c) in &p {
            if let Some(l) = lists.get_mut(c) {
                l.retain(|&x| x != pid);
            }
        }
        Some(p)
    } else {
        pto
    };

    let mut out: BTreeMap<String, Vec<TopicPartition>> = BTreeMap::new();
    for (c, m) in ms.iter().enumerate() {
        let l = lists
            .get(c)
            .map(|l| l.iter().map(|&p| u.tp(p)).collect())
            .unwrap_or_default();
        out.insert(m.member_id.clone(), l);
    }
    let pto = pto.map(|p| {
        crate::sort::btree_map(
            p.into_iter()
                .map(|(pid, c)| (u.tp(pid), ms[c].member_id.clone())),
        )
    });
    Ok((out, pto))
}

/// `StickyAssignor.serializeTopicPartitionAssignment`: owned partitions grouped
/// by topic through a `HashMap<String, List<Integer>>`.
fn group_by_topic_java_order(parts: &[TopicPartition]) -> Vec<&TopicPartition> {
    let mut topics: Vec<&str> = Vec::new();
    for tp in parts {
        if !topics.contains(&tp.topic.as_str()) {
            topics.push(&tp.topic);
        }
    }
    let hashes: Vec<i32> = topics.iter().map(|t| java::string_hash(t)).collect();
    let mut out = Vec::with_capacity(parts.len());
    for i in java::hash_order(&hashes) {
        out.extend(parts.iter().filter(|tp| tp.topic == topics[i]));
    }
    out
}

/// Cooperative: partitions newly assigned to a member that some member owned
/// and no longer gets (`CooperativeStickyAssignor.adjustAssignment` for the
/// general builder).
fn compute_pto(
    u: &Universe<'_>,
    input: &AssignmentInput,
    lists: &[Vec<usize>],
) -> BTreeMap<usize, usize> {
    let mut owner_now = vec![NONE; u.total];
    for (c, l) in lists.iter().enumerate() {
        for &p in l {
            owner_now[p] = c;
        }
    }
    let mut revoked = vec![false; u.total];
    let mut owned_by = vec![Vec::new(); u.total];
    for (c, m) in input.members().iter().enumerate() {
        for tp in &m.owned {
            if let Some(p) = u.pid(tp) {
                owned_by[p].push(c);
                if owner_now[p] != c {
                    revoked[p] = true;
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    for (p, &c) in owner_now.iter().enumerate() {
        if c != NONE && revoked[p] && !owned_by[p].contains(&c) {
            out.insert(p, c);
        }
    }
    out
}

// ------------------------------------------------------------------ constrained

fn constrained(
    u: &Universe<'_>,
    sub_order: &[usize],
    id_rank: &[usize],
    owned: Vec<Vec<usize>>,
    multi: &[bool],
) -> Result<Lists, AssignError> {
    let n = owned.len();
    let total = u.total;
    let min_q = total / n;
    let max_q = total.div_ceil(n);
    let expected_over = total % n;
    let mut cur_over = 0usize;
    let mut assignment: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut assigned = vec![false; total];
    let mut maybe_revoked = vec![NONE; total];
    let mut under: Vec<usize> = Vec::new();
    let mut exactly: Vec<usize> = Vec::new();
    for &c in sub_order {
        let mut mine: Vec<usize> = owned[c].iter().copied().filter(|&p| !multi[p]).collect();
        // sorted by (partition, topic)
        crate::sort::sort_by_key(&mut mine, |&p| {
            let (t, part) = u.split(p);
            (part, t)
        });
        let keep = if mine.len() < min_q {
            under.push(c);
            mine.len()
        } else if mine.len() >= max_q && cur_over < expected_over {
            cur_over += 1;
            if cur_over == expected_over {
                exactly.clear();
            }
            max_q
        } else {
            if cur_over < expected_over {
                exactly.push(c);
            }
            min_q
        };
        for (i, &p) in mine.iter().enumerate() {
            if i < keep {
                assignment[c].push(p);
                assigned[p] = true;
            } else {
                maybe_revoked[p] = c;
            }
        }
    }
    crate::sort::sort_by_key(&mut under, |&c| id_rank[c]);
    crate::sort::sort_by_key(&mut exactly, |&c| id_rank[c]);
    let mut exactly: VecDeque<usize> = exactly.into();
    let mut pto = BTreeMap::new();
    // assignRoundRobin with a live iterator over `under` (Java LinkedList iterator).
    let mut pos = 0usize;
    for p in (0..total).filter(|&p| !assigned[p]) {
        let (c, from_under) = if pos < under.len() {
            pos += 1;
            (under[pos - 1], true)
        } else if under.is_empty() {
            match exactly.pop_front() {
                Some(c) => (c, false),
                None => {
                    return Err(AssignError::IllegalState(
                        "No more unfilled consumers to be assigned.".into(),
                    ))
                }
            }
        } else {
            pos = 1;
            (under[0], true)
        };
        assignment[c].push(p);
        if (maybe_revoked[p] != NONE && maybe_revoked[p] != c) || multi[p] {
            pto.insert(p, c);
        }
        let cnt = assignment[c].len();
        if cnt == min_q {
            if from_under {
                under.remove(pos - 1);
                pos -= 1;
            }
            exactly.push_back(c);
        }
        // (Java counts members reaching maxQuota here only to log an error.)
    }
    Ok((assignment, pto))
}

// ------------------------------------------------------------------ general

struct GeneralCtx<'a> {
    u: &'a Universe<'a>,
    input: &'a AssignmentInput,
    sub_order: &'a [usize],
    id_rank: &'a [usize],
    member_data: &'a [(Vec<usize>, Option<i32>)],
    max_generation: i32,
}

struct General<'a> {
    c: &'a GeneralCtx<'a>,
    current: Vec<Vec<usize>>,
    owner: Vec<usize>,
    topic2consumers: Vec<Vec<usize>>,
    consumer2topics: Vec<Vec<usize>>,
    subscribed: Vec<Vec<bool>>,
    members: BTreeSet<(usize, usize)>, // (current size, id rank)
    active: Vec<bool>,
    rank_to_member: Vec<usize>,
    movements: HashMap<usize, (usize, usize)>,
    movements_by_topic: HashMap<usize, HashMap<(usize, usize), Vec<usize>>>,
}

fn general(ctx: &GeneralCtx<'_>, current: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let u = ctx.u;
    let ms = ctx.input.members();
    let n = ms.len();
    let mut topic2consumers = vec![Vec::new(); u.names.len()];
    let mut consumer2topics = vec![Vec::new(); n];
    let mut subscribed = vec![vec![false; u.names.len()]; n];
    for &c in ctx.sub_order {
        for t in &ms[c].topics {
            if let Some(ti) = u.topic(t) {
                if !subscribed[c][ti] {
                    subscribed[c][ti] = true;
                    consumer2topics[c].push(ti);
                    topic2consumers[ti].push(c);
                }
            }
        }
    }
    let mut rank_to_member = vec![0; n];
    for (m, &r) in ctx.id_rank.iter().enumerate() {
        rank_to_member[r] = m;
    }
    let mut g = General {
        c: ctx,
        current,
        owner: vec![NONE; u.total],
        topic2consumers,
        consumer2topics,
        subscribed,
        members: BTreeSet::new(),
        active: vec![true; n],
        rank_to_member,
        movements: HashMap::new(),
        movements_by_topic: HashMap::new(),
    };
    // prepopulate prevAssignment: partitions of members from older generations.
    let mut prev: HashMap<usize, (usize, i32)> = HashMap::new();
    for &c in ctx.sub_order {
        let (parts, gen) = &ctx.member_data[c];
        let gen = match gen {
            Some(g) if *g < ctx.max_generation => Some(*g),
            None if ctx.max_generation > DEFAULT_GENERATION => Some(DEFAULT_GENERATION),
            _ => None,
        };
        if let Some(gen) = gen {
            for &p in parts {
                match prev.get(&p) {
                    Some(&(_, g)) if gen <= g => {}
                    _ => {
                        prev.insert(p, (c, gen));
                    }
                }
            }
        }
    }
    // assign owned partitions still subscribed
    let mut revocation_required = false;
    let mut assigned = vec![false; u.total];
    for c in 0..n {
        let mut keep = Vec::with_capacity(g.current[c].len());
        for &p in &g.current[c] {
            let (t, _) = u.split(p);
            if g.subscribed[c][t] {
                keep.push(p);
                assigned[p] = true;
                g.owner[p] = c;
            } else {
                revocation_required = true;
            }
        }
        g.current[c] = keep;
    }
    // sorted partitions: topics by (#consumers, name), then partition
    let mut topics: Vec<usize> = (0..u.names.len()).collect();
    crate::sort::sort_by_key(&mut topics, |&t| (g.topic2consumers[t].len(), t));
    let mut sorted_all: Vec<usize> = topics.iter().flat_map(|&t| u.partitions_of(t)).collect();
    let mut unassigned: Vec<usize> = sorted_all
        .iter()
        .copied()
        .filter(|&p| !assigned[p])
        .collect();
    for c in 0..n {
        g.members.insert((g.current[c].len(), ctx.id_rank[c]));
    }
    // balance()
    let initializing = g.members.last().is_none_or(|&(len, _)| len == 0);
    for &p in &unassigned {
        let (t, _) = u.split(p);
        if let Some(c) = g.first_eligible(t) {
            g.add(c, p);
        }
    }
    let fixed_topic: Vec<bool> = g.topic2consumers.iter().map(|cs| cs.len() < 2).collect();
    sorted_all.retain(|&p| !fixed_topic[u.split(p).0]);
    unassigned.retain(|&p| !fixed_topic[u.split(p).0]);
    for c in 0..n {
        if !g.can_participate(c, &fixed_topic) {
            g.members.remove(&(g.current[c].len(), ctx.id_rank[c]));
            g.active[c] = false;
        }
    }
    let pre_current = g.current.clone();
    let pre_owner = g.owner.clone();
    let pre_members = g.members.clone();
    if !revocation_required {
        g.perform(&unassigned, &prev);
    }
    let performed = g.perform(&sorted_all, &prev);
    if !initializing && performed && g.score(&g.current) >= g.score(&pre_current) {
        g.current = pre_current;
        g.owner = pre_owner;
        g.members = pre_members;
    }
    g.current
}

impl General<'_> {
    fn first_eligible(&self, t: usize) -> Option<usize> {
        self.members
            .iter()
            .map(|&(_, r)| self.rank_to_member[r])
            .find(|&c| self.subscribed[c][t])
    }

    fn add(&mut self, c: usize, p: usize) {
        let r = self.c.id_rank[c];
        self.members.remove(&(self.current[c].len(), r));
        self.current[c].push(p);
        self.members.insert((self.current[c].len(), r));
        self.owner[p] = c;
    }

    fn remove(&mut self, c: usize, p: usize) {
        let r = self.c.id_rank[c];
        self.members.remove(&(self.current[c].len(), r));
        self.current[c].retain(|&x| x != p);
        self.members.insert((self.current[c].len(), r));
    }

    fn max_size(&self, c: usize) -> usize {
        self.consumer2topics[c]
            .iter()
            .map(|&t| self.c.u.counts[t] as usize)
            .sum()
    }

    fn can_participate(&self, c: usize, fixed_topic: &[bool]) -> bool {
        self.current[c].len() < self.max_size(c)
            || self.current[c]
                .iter()
                .any(|&p| !fixed_topic[self.c.u.split(p).0])
    }

    /// Σ|size_i − size_j| over active member pairs, via sorted prefix sums.
    fn score(&self, assignment: &[Vec<usize>]) -> i64 {
        let mut sizes: Vec<i64> = assignment
            .iter()
            .enumerate()
            .filter(|(c, _)| self.active[*c])
            .map(|(_, v)| v.len() as i64)
            .collect();
        crate::sort::sort(&mut sizes);
        let k = sizes.len() as i64;
        sizes
            .iter()
            .enumerate()
            .map(|(i, &s)| s * (2 * i as i64 - k + 1))
            .sum()
    }

    fn is_balanced(&self) -> bool {
        let (Some(&(min, _)), Some(&(max, _))) = (self.members.first(), self.members.last()) else {
            return true;
        };
        if min + 1 >= max {
            return true;
        }
        for &(cnt, r) in &self.members {
            let c = self.rank_to_member[r];
            if cnt == self.max_size(c) {
                continue;
            }
            for &t in &self.consumer2topics[c] {
                for p in self.c.u.partitions_of(t) {
                    let other = self.owner[p];
                    if other != c && other != NONE && cnt + 1 < self.current[other].len() {
                        return false;
                    }
                }
            }
        }
        true
    }

    fn perform(&mut self, parts: &[usize], prev: &HashMap<usize, (usize, i32)>) -> bool {
        let mut performed = false;
        loop {
            let mut modified = false;
            for &p in parts {
                if self.is_balanced() {
                    break;
                }
                let consumer = self.owner[p];
                if consumer == NONE {
                    continue;
                }
                let (t, _) = self.c.u.split(p);
                if let Some(&(prev_c, _)) = prev.get(&p) {
                    // Java does not re-check that the previous owner still subscribes to
                    // the topic; we do, so that no member gets an unsubscribed partition.
                    if self.active[prev_c]
                        && self.subscribed[prev_c][t]
                        && self.current[consumer].len() > self.current[prev_c].len() + 1
                    {
                        self.reassign(p, prev_c);
                        performed = true;
                        modified = true;
                        continue;
                    }
                }
                let len = self.current[consumer].len();
                let can_move = self.topic2consumers[t]
                    .iter()
                    .any(|&o| self.active[o] && len > self.current[o].len() + 1);
                if can_move {
                    if let Some(new) = self.first_eligible(t) {
                        self.reassign(p, new);
                        performed = true;
                        modified = true;
                    }
                }
            }
            if !modified {
                break;
            }
        }
        performed
    }

    /// `PartitionMovements.getTheActualPartitionToBeMoved`.
    fn actual_to_move(&self, p: usize, old: usize, new: usize) -> usize {
        let (t, _) = self.c.u.split(p);
        let Some(m) = self.movements_by_topic.get(&t) else {
            return p;
        };
        let old = self.movements.get(&p).map_or(old, |&(src, _)| src);
        let Some(set) = m.get(&(new, old)) else {
            return p;
        };
        let th = java::string_hash(self.c.u.names[t]);
        let hashes: Vec<i32> = set
            .iter()
            .map(|&x| java::topic_partition_hash(th, self.c.u.split(x).1))
            .collect();
        java::hash_order(&hashes).first().map_or(p, |&i| set[i])
    }

    fn add_move(&mut self, p: usize, pair: (usize, usize)) {
        let (t, _) = self.c.u.split(p);
        self.movements.insert(p, pair);
        self.movements_by_topic
            .entry(t)
            .or_default()
            .entry(pair)
            .or_default()
            .push(p);
    }

    fn remove_move(&mut self, p: usize) -> Option<(usize, usize)> {
        let pair = self.movements.remove(&p)?;
        let (t, _) = self.c.u.split(p);
        if let Some(m) = self.movements_by_topic.get_mut(&t) {
            if let Some(v) = m.get_mut(&pair) {
                v.retain(|&x| x != p);
                if v.is_empty() {
                    m.remove(&pair);
                }
            }
            if m.is_empty() {
                self.movements_by_topic.remove(&t);
            }
        }
        Some(pair)
    }

    fn reassign(&mut self, p: usize, new: usize) {
        let consumer = self.owner[p];
        let actual = self.actual_to_move(p, consumer, new);
        let old = self.owner[actual];
        if old == NONE {
            return;
        }
        // PartitionMovements.movePartition
        if let Some(existing) = self.remove_move(actual) {
            if existing.0 != new {
                self.add_move(actual, (existing.0, new));
            }
        } else {
            self.add_move(actual, (old, new));
        }
        self.remove(old, actual);
        self.add(new, actual);
    }
}
