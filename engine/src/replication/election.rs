//! Leader election, as KRaft's `PartitionChangeBuilder.electLeader` does it
//! (`metadata/src/main/java/org/apache/kafka/controller/PartitionChangeBuilder.java`),
//! without Eligible Leader Replicas (KIP-966 is off by default before 4.1).
//!
//! * A replica is a *valid* new leader when it is in the target ISR and
//!   *acceptable* (its broker is registered, unfenced and not shutting down).
//! * `PREFERRED`: `replicas[0]` if valid, else keep the current leader if
//!   valid, else the first valid replica.
//! * `ONLINE` (the default) and `UNCLEAN`: keep the current leader if valid,
//!   else the first valid replica in replica order; `UNCLEAN` then falls back
//!   to the first acceptable replica — an *unclean* election
//!   (`unclean.leader.election.enable`), after which the ISR is that replica
//!   alone (KIP-704 `RECOVERING`). "This can result in data loss!"
//! * Otherwise there is no leader (`NO_LEADER`, −1): the partition is offline.

/// Which election the controller runs (`Election` in `PartitionChangeBuilder`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElectionType {
    /// Move leadership to the preferred replica (`replicas[0]`) if possible.
    Preferred,
    /// Only ISR members may lead.
    Online,
    /// Any acceptable replica may lead if no ISR member can.
    Unclean,
}

/// The outcome of an election.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Election {
    /// The new leader, `None` for `NO_LEADER`.
    pub leader: Option<i32>,
    /// Whether the leader came from outside the ISR.
    pub unclean: bool,
}

/// `PartitionChangeBuilder.electLeader` without ELR. `acceptable(broker)` says
/// whether the broker may lead (alive, unfenced, not shutting down).
pub fn elect_leader(
    replicas: &[i32],
    target_isr: &[i32],
    current_leader: Option<i32>,
    acceptable: &dyn Fn(i32) -> bool,
    election: ElectionType,
) -> Election {
    let valid = |r: i32| target_isr.contains(&r) && acceptable(r);
    let clean = |leader| Election {
        leader: Some(leader),
        unclean: false,
    };
    if election == ElectionType::Preferred {
        if let Some(&p) = replicas.first() {
            if valid(p) {
                return clean(p);
            }
        }
    }
    if let Some(l) = current_leader {
        if valid(l) {
            return clean(l);
        }
    }
    if let Some(&r) = replicas.iter().find(|&&r| valid(r)) {
        return clean(r);
    }
    if election == ElectionType::Unclean {
        if let Some(&r) = replicas.iter().find(|&&r| acceptable(r)) {
            return Election {
                leader: Some(r),
                unclean: true,
            };
        }
    }
    Election {
        leader: None,
        unclean: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `PartitionChangeBuilderTest.testElectLeader`: FOO has replicas
    /// [2,1,3], leader 1, and broker 3 is not acceptable.
    #[test]
    fn upstream_elect_leader_vectors() {
        let not3 = |r: i32| r != 3;
        let e = |isr: &[i32], t| elect_leader(&[2, 1, 3], isr, Some(1), &not3, t);
        assert_eq!(e(&[2, 1, 3], ElectionType::Preferred).leader, Some(2));
        assert_eq!(e(&[2, 1, 3], ElectionType::Online).leader, Some(1));
        assert_eq!(e(&[2, 1, 3], ElectionType::Unclean).leader, Some(1));
        assert_eq!(e(&[1, 3], ElectionType::Online).leader, Some(1));
        assert_eq!(e(&[1, 3], ElectionType::Unclean).leader, Some(1));
        assert_eq!(e(&[3], ElectionType::Online).leader, None);
        assert_eq!(
            e(&[3], ElectionType::Unclean),
            Election {
                leader: Some(2),
                unclean: true
            }
        );
        let all = |_| true;
        assert_eq!(
            elect_leader(&[2, 1, 3, 4], &[4], Some(1), &not3, ElectionType::Unclean),
            Election {
                leader: Some(4),
                unclean: false
            }
        );
        // BAZ: replicas [2,1,3], ISR [1,3], leader 3, all acceptable.
        for t in [
            ElectionType::Preferred,
            ElectionType::Online,
            ElectionType::Unclean,
        ] {
            assert_eq!(
                elect_leader(&[2, 1, 3], &[1, 3], Some(3), &all, t).leader,
                Some(3)
            );
        }
    }
}
