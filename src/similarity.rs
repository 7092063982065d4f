//! Similarity between submissions: flagging pairs of solutions to the same
//! exercise that are suspiciously alike, in the manner of MOSS.
//!
//! The method is *winnowing* (Schleimer, Wilkerson & Aiken, "Winnowing: Local
//! Algorithms for Document Fingerprinting", SIGMOD 2003):
//!
//! 1. **Normalise.** A small hand-written lexer turns Python source into tokens
//!    and throws away what a copier changes for free: comments, docstrings and
//!    other string-only statements, blank lines, indentation, line breaks and
//!    `;` between statements. Every identifier becomes `N` (so renaming
//!    variables, functions, classes and attributes changes nothing), every
//!    number becomes `0` and every string literal (any quotes, any `f`/`b`/`r`/…
//!    prefix, triple-quoted or not) becomes `"`. Python keywords and common
//!    builtins (`len`, `range`, `sorted`, `isinstance`, `ValueError`…) are kept
//!    as themselves, and so are operators and punctuation. Each token keeps the
//!    1-based lines it starts and ends on.
//! 2. **Hash k-grams.** Every run of `K` = 8 consecutive tokens is hashed with
//!    64-bit FNV-1a (stable across runs and platforms, unlike std's hasher).
//! 3. **Winnow.** In every window of `W` = 4 consecutive k-gram hashes the
//!    minimum is selected (the rightmost one on ties) and recorded once, with
//!    the lines of the k-gram's first and last token. Any stretch of at least
//!    `K + W - 1` = 11 tokens shared by two files is then guaranteed to yield a
//!    shared fingerprint, and no stretch shorter than `K` tokens can.
//!
//! [`compare`] drops every fingerprint whose hash is the hash of *any* k-gram
//! of the exercise's stub (not only the stub's own winnowed fingerprints, so
//! that the stub's text never counts however the windows fall around it), then
//! scores the pair as shared distinct fingerprints divided by the smaller
//! file's distinct fingerprints, and reports the matching regions.
//!
//! ## Choosing the parameters
//!
//! `K` is the noise threshold. With every name collapsed to `N`, short grams
//! such as `N . N ( N` or `return len ( N` occur in any Python file: at
//! `K` = 5 the two independent LRU caches of the tests share 41% of their
//! fingerprints. A larger `K` lowers independent pairs faster than copies,
//! whose normalised token streams are identical and only lose the k-grams
//! that straddle a moved function or an edited statement. Measured by the
//! `calibrate` test at `K` = 8, `W` = 4: a disguised copy scores 1.00, a copy
//! with its methods reordered 0.89, both at once 0.90, a renamed copy with
//! four statements rewritten 0.77; independent solutions score 0.31 (LRU
//! caches), 0.17 (decorators written into the same stub, stub excluded),
//! 0.11 and 0.11 (retry decorators). `K` = 10 separates as well (0.70 vs
//! 0.23) but leaves less to a copy that was moved or edited. `W` hardly
//! matters between 2 and 6 at `K` = 8; 4 keeps about 2/(`W` + 1) = 40% of the
//! k-grams and guarantees that a shared stretch of `K + W - 1` = 11 tokens,
//! about a statement and a half, is seen.
//!
//! Step 1 is in the `lex` and `normalise` modules, steps 2 and 3 in `winnow`;
//! this file compares.

mod lex;
mod normalise;
mod winnow;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use lex::lex;
use normalise::normalise;
use winnow::{Fingerprint, winnow};

/// Tokens per k-gram: the shortest shared stretch that can count.
const K: usize = 8;
/// K-gram hashes per winnowing window.
const W: usize = 4;

/// The default threshold above which a pair is flagged (a pair whose
/// [`Similarity::score`] is at least this much).
///
/// In the tests, independently written solutions score at most 0.31 and
/// copies at least 0.77 (the one with rewritten statements; renaming,
/// reformatting and reordering alone keep 0.89 or more). The midpoint, 0.54,
/// is raised to 0.65 because small exercises with canonical answers converge:
/// the repository's reference solutions and its bundled sample submission
/// score 0.60 for `generators` (Fibonacci, flattening),
/// 0.45 for `rate_limiter`, 0.40 for `decorators`, 0.32 for `list_tuple` and
/// 0.18 for `lru_cache`, with their stubs excluded.
pub const FLAG_AT: f64 = 0.65;

/// One Python source file, tokenised, normalised and fingerprinted, ready to
/// be [`compare`]d with others.
#[derive(Debug, Clone)]
pub struct Fingerprinted {
    /// The winnowed fingerprints, in source order.
    fingerprints: Vec<Fingerprint>,
    /// The hash of every k-gram (not only the selected ones), used when this
    /// file is the stub whose text must not count.
    kgrams: HashSet<u64>,
}

impl Fingerprinted {
    /// Tokenises and fingerprints Python source.
    ///
    /// Never fails: source that is not valid Python is still tokenised as
    /// well as possible (an unterminated string ends at its line's end, or
    /// at the end of the file if triple-quoted). A file of fewer than `K`
    /// tokens has no fingerprints.
    pub fn new(source: &str) -> Fingerprinted {
        Fingerprinted::with_parameters(source, K, W)
    }

    fn with_parameters(source: &str, k: usize, w: usize) -> Fingerprinted {
        let tokens = normalise(&lex(source));
        let (fingerprints, kgrams) = winnow(&tokens, k, w);
        Fingerprinted {
            fingerprints,
            kgrams,
        }
    }
}

/// A stretch that two files share: matching 1-based, inclusive line ranges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// First and last line of the stretch in the first file (`a`).
    pub a_lines: (usize, usize),
    /// First and last line of the stretch in the second file (`b`).
    pub b_lines: (usize, usize),
}

/// How alike two files are, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Similarity {
    /// Shared fingerprints over the smaller file's fingerprints, in `[0, 1]`;
    /// compare it with [`FLAG_AT`].
    pub score: f64,
    /// The matching stretches, sorted by their lines in `a`.
    pub regions: Vec<Region>,
}

/// Compares two solutions, ignoring fingerprints that also occur in `stub`.
///
/// `score` is in `[0, 1]`: shared fingerprints / min(fingerprints of `a`, of
/// `b`), counting distinct hashes after removing every hash of a k-gram of
/// the stub. It is 0 when either file has no fingerprint left (an empty file,
/// or one that is only the stub), so there is no division by zero.
///
/// `regions` are the maximal runs of fingerprints that follow each other in
/// both files, turned into line ranges; ranges that overlap or touch in both
/// files are merged. They are sorted by `a`'s lines.
pub fn compare(a: &Fingerprinted, b: &Fingerprinted, stub: &Fingerprinted) -> Similarity {
    let own = |file: &Fingerprinted| -> Vec<Fingerprint> {
        file.fingerprints
            .iter()
            .filter(|fp| !stub.kgrams.contains(&fp.hash))
            .copied()
            .collect()
    };
    let (fa, fb) = (own(a), own(b));
    let ha: HashSet<u64> = fa.iter().map(|fp| fp.hash).collect();
    let hb: HashSet<u64> = fb.iter().map(|fp| fp.hash).collect();
    let smaller = ha.len().min(hb.len());
    let score = if smaller == 0 {
        0.0
    } else {
        ha.intersection(&hb).count() as f64 / smaller as f64
    };
    Similarity {
        score,
        regions: regions(&fa, &fb),
    }
}

/// Maximal diagonal runs of equal hashes (`fa[i + n] == fb[j + n]`), as
/// merged, sorted line ranges.
fn regions(fa: &[Fingerprint], fb: &[Fingerprint]) -> Vec<Region> {
    let mut in_b: HashMap<u64, Vec<usize>> = HashMap::new();
    for (j, fp) in fb.iter().enumerate() {
        in_b.entry(fp.hash).or_default().push(j);
    }
    let mut found = Vec::new();
    for (i, fp) in fa.iter().enumerate() {
        for &j in in_b.get(&fp.hash).map_or(&[][..], Vec::as_slice) {
            if i > 0 && j > 0 && fa[i - 1].hash == fb[j - 1].hash {
                continue; // inside a run that started earlier
            }
            let mut len = 1;
            while i + len < fa.len() && j + len < fb.len() && fa[i + len].hash == fb[j + len].hash {
                len += 1;
            }
            found.push(Region {
                a_lines: span(&fa[i..i + len]),
                b_lines: span(&fb[j..j + len]),
            });
        }
    }
    merge(found)
}

/// The lines a run of fingerprints covers.
fn span(run: &[Fingerprint]) -> (usize, usize) {
    let first = run.iter().map(|fp| fp.first_line).min().unwrap_or(0);
    let last = run.iter().map(|fp| fp.last_line).max().unwrap_or(0);
    (first, last)
}

/// Whether two inclusive line ranges overlap or are adjacent.
fn touch(x: (usize, usize), y: (usize, usize)) -> bool {
    x.0 <= y.1 + 1 && y.0 <= x.1 + 1
}

/// Merges regions that touch in both files, until none do; sorts the rest.
fn merge(mut regions: Vec<Region>) -> Vec<Region> {
    let mut merged = true;
    while merged {
        merged = false;
        regions.sort_by_key(|r| (r.a_lines, r.b_lines));
        let mut out: Vec<Region> = Vec::with_capacity(regions.len());
        'next: for r in regions {
            for o in out.iter_mut() {
                if touch(o.a_lines, r.a_lines) && touch(o.b_lines, r.b_lines) {
                    o.a_lines = (o.a_lines.0.min(r.a_lines.0), o.a_lines.1.max(r.a_lines.1));
                    o.b_lines = (o.b_lines.0.min(r.b_lines.0), o.b_lines.1.max(r.b_lines.1));
                    merged = true;
                    continue 'next;
                }
            }
            out.push(r);
        }
        regions = out;
    }
    regions
}

#[cfg(test)]
mod tests;
