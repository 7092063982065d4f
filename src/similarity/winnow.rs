//! Fingerprinting: hashing every k-gram of the normalised tokens and
//! winnowing the hashes.

use std::collections::HashSet;

use super::normalise::Token;

/// A selected k-gram hash and the 1-based lines its first and last tokens
/// are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Fingerprint {
    pub(super) hash: u64,
    pub(super) first_line: usize,
    pub(super) last_line: usize,
}

/// 64-bit FNV-1a over the tokens' text, each followed by a 0xff byte (which
/// never occurs in UTF-8, so token boundaries cannot be confused).
pub(super) fn fnv1a(tokens: &[Token]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for token in tokens {
        for &byte in token.text.as_bytes().iter().chain(&[0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

/// Hashes every k-gram and winnows them with windows of `w` hashes. Returns
/// the selected fingerprints and the set of all k-gram hashes.
pub(super) fn winnow(tokens: &[Token], k: usize, w: usize) -> (Vec<Fingerprint>, HashSet<u64>) {
    if k == 0 || tokens.len() < k {
        return (Vec::new(), HashSet::new());
    }
    let hashes: Vec<u64> = tokens.windows(k).map(fnv1a).collect();
    let all = hashes.iter().copied().collect();
    let w = w.clamp(1, hashes.len());
    let mut selected: Vec<Fingerprint> = Vec::new();
    let mut last: Option<usize> = None;
    for start in 0..=hashes.len() - w {
        let mut best = start;
        for p in start..start + w {
            if hashes[p] <= hashes[best] {
                best = p; // rightmost minimum
            }
        }
        if last != Some(best) {
            last = Some(best);
            selected.push(Fingerprint {
                hash: hashes[best],
                first_line: tokens[best].first_line,
                last_line: tokens[best + k - 1].last_line,
            });
        }
    }
    (selected, all)
}
