//! Stable sorting through one shared, non-generic merge sort.
//!
//! `slice::sort_by` is generic over the element *and* the comparator, so
//! every call site with its own closure gets its own copy of the standard
//! library's driftsort (about 4 KB of wasm each). The engine ships inside the
//! browser app, whose whole download has a size budget, so the engine (and
//! the app) sort through these functions instead: the sort itself works on
//! indices through a `dyn` comparator and exists once in the binary; only a
//! few lines that apply the resulting permutation are generic.
//!
//! For the same reason maps and sets are built with [`btree_map`] and
//! [`btree_set`] rather than `collect()`: `BTreeMap`'s `FromIterator` sorts
//! its input first (another driftsort copy per key type), while inserting
//! one by one reuses the `insert` every map already has.
//!
//! The sort is **stable** (equal elements keep their order), like Java's
//! `Collections.sort` and `List.sort` (TimSort), which the assignors'
//! orderings follow. It runs in `O(n log n)` comparisons and allocates two
//! `usize` vectors of length `n`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Elements sorted by insertion before merging begins.
const RUN: usize = 8;

/// The stable order of `0..n` under `cmp`: `perm[k]` is the index of the
/// element that belongs at position `k`.
fn sorted_permutation(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut a: Vec<usize> = (0..n).collect();
    if n < 2 {
        return a;
    }
    // Insertion-sort short runs; only a strictly greater left neighbour moves,
    // so equal elements keep their order.
    let mut start = 0;
    while start < n {
        let end = (start + RUN).min(n);
        for i in start + 1..end {
            let mut j = i;
            while j > start && cmp(a[j - 1], a[j]) == Ordering::Greater {
                a.swap(j - 1, j);
                j -= 1;
            }
        }
        start = end;
    }
    // Bottom-up merges; ties take the left run's element (stable).
    let mut b = vec![0usize; n];
    let mut width = RUN;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j, mut k) = (lo, mid, lo);
            while i < mid && j < hi {
                if cmp(a[j], a[i]) == Ordering::Less {
                    b[k] = a[j];
                    j += 1;
                } else {
                    b[k] = a[i];
                    i += 1;
                }
                k += 1;
            }
            b[k..k + (mid - i)].copy_from_slice(&a[i..mid]);
            k += mid - i;
            b[k..k + (hi - j)].copy_from_slice(&a[j..hi]);
            lo = hi;
        }
        std::mem::swap(&mut a, &mut b);
        width *= 2;
    }
    a
}

/// Sort `v` stably by `cmp`, as `slice::sort_by` does.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let mut perm = sorted_permutation(v.len(), &mut |i, j| cmp(&v[i], &v[j]));
    // Follow each cycle of the permutation with swaps; a visited position is
    // marked by pointing it at itself.
    for i in 0..perm.len() {
        let mut j = i;
        while perm[j] != i {
            let next = perm[j];
            v.swap(j, next);
            perm[j] = j;
            j = next;
        }
        perm[j] = j;
    }
}

/// Sort `v` stably by the key `f` extracts, as `slice::sort_by_key` does.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// Sort `v` stably in ascending order, as `slice::sort` does.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// A `BTreeMap` of `items`, as `collect()` builds it (a later value for an
/// equal key replaces the earlier one), without `FromIterator`'s sort.
pub fn btree_map<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(items);
    map
}

/// A `BTreeSet` of `items`, as `collect()` builds it, without
/// `FromIterator`'s sort.
pub fn btree_set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_stable_sort() {
        // Pairs sorted by the first field only: stability shows in the second.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for n in [0usize, 1, 2, 7, 8, 9, 15, 16, 17, 100, 1000, 4097] {
            let v: Vec<(u8, usize)> = (0..n)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ((x % 13) as u8, i)
                })
                .collect();
            let mut ours = v.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std_sorted = v.clone();
            std_sorted.sort_by_key(|a| a.0);
            assert_eq!(ours, std_sorted, "n = {n}");
        }
    }

    #[test]
    fn maps_and_sets_match_collect() {
        let pairs = [(3, "c"), (1, "a"), (3, "z"), (2, "b")];
        let ours = btree_map(pairs);
        let std_map: BTreeMap<i32, &str> = pairs.into_iter().collect();
        assert_eq!(ours, std_map);
        assert_eq!(ours.get(&3), Some(&"z"));
        let set = btree_set([5, 1, 5, 3]);
        assert_eq!(set.into_iter().collect::<Vec<_>>(), [1, 3, 5]);
    }

    #[test]
    fn descending_and_sorted_inputs() {
        let mut d: Vec<u32> = (0..1000).rev().collect();
        sort(&mut d);
        assert!(d.windows(2).all(|w| w[0] < w[1]));
        let mut k: Vec<i64> = (0..50).collect();
        sort_by_key(&mut k, |&x| std::cmp::Reverse(x));
        assert_eq!(k.first(), Some(&49));
        assert_eq!(k.last(), Some(&0));
    }
}
