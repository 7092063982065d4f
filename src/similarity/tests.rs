//! The similarity tests, with their Python fixtures in `fixtures/`.

use super::winnow::fnv1a;
use super::*;

// -- An LRU cache class, written twice independently ------------------

/// OrderedDict, explicit ifs.
const LRU_A: &str = include_str!("fixtures/lru_a.py");

/// A plain dict plus a recency list, try/except, a comprehension.
const LRU_B: &str = include_str!("fixtures/lru_b.py");

/// `LRU_A` with every name renamed, literals changed, docstrings
/// dropped, comments and blank lines added, statements reflowed.
const LRU_A_DISGUISED: &str = include_str!("fixtures/lru_a_disguised.py");

/// `LRU_A` with its methods in another order.
const LRU_A_REORDERED: &str = include_str!("fixtures/lru_a_reordered.py");

/// `LRU_A` renamed *and* edited by someone covering their tracks:
/// branches swapped, `+=` spelled out, `while` made `if`, a call dropped.
const LRU_A_EDITED: &str = include_str!("fixtures/lru_a_edited.py");

// -- The decorators exercise: stub, and two independent solutions ----

/// The exercise's stub (abridged): imports, type variables, a protocol,
/// signatures and docstrings.
const DEC_STUB: &str = include_str!("fixtures/dec_stub.py");

/// The stub filled in: closures, a `for` loop over attempts.
const DEC_A_IN_STUB: &str = include_str!("fixtures/dec_a_in_stub.py");

/// The stub filled in differently: a callable class, a `while` loop that
/// catches everything and filters with `isinstance`.
const DEC_B_IN_STUB: &str = include_str!("fixtures/dec_b_in_stub.py");

/// Another independent retry decorator, without the stub: recursion,
/// a class-based decorator, a logging hook.
const RETRY_C: &str = include_str!("fixtures/retry_c.py");

fn score(a: &str, b: &str, stub: &str) -> f64 {
    compare(
        &Fingerprinted::new(a),
        &Fingerprinted::new(b),
        &Fingerprinted::new(stub),
    )
    .score
}

/// The 1-based line of the first line of `source` equal to `line`.
fn line_of(source: &str, line: &str) -> usize {
    source
        .lines()
        .position(|l| l == line)
        .expect("line is there")
        + 1
}

fn texts(source: &str) -> Vec<String> {
    normalise(&lex(source))
        .into_iter()
        .map(|t| t.text)
        .collect()
}

/// The lines of `source` that hold at least one normalised token.
fn code_lines(source: &str) -> HashSet<usize> {
    normalise(&lex(source))
        .iter()
        .flat_map(|t| t.first_line..=t.last_line)
        .collect()
}

/// The fraction of `source`'s code lines inside `ranges`.
fn coverage(source: &str, ranges: impl Iterator<Item = (usize, usize)>) -> f64 {
    let code = code_lines(source);
    let covered: HashSet<usize> = ranges.flat_map(|(s, e)| s..=e).collect();
    code.intersection(&covered).count() as f64 / code.len() as f64
}

#[test]
fn disguised_copy_is_flagged_and_its_regions_cover_both_files() {
    let a = Fingerprinted::new(LRU_A);
    let b = Fingerprinted::new(LRU_A_DISGUISED);
    let found = compare(&a, &b, &Fingerprinted::new(""));
    assert!(found.score >= FLAG_AT, "score {}", found.score);
    let in_a = coverage(LRU_A, found.regions.iter().map(|r| r.a_lines));
    let in_b = coverage(LRU_A_DISGUISED, found.regions.iter().map(|r| r.b_lines));
    assert!(
        in_a >= 0.9 && in_b >= 0.9,
        "coverage {in_a} {in_b}: {found:?}"
    );
    assert!(found.regions.is_sorted_by_key(|r| r.a_lines));
    // Symmetric score.
    assert_eq!(found.score, compare(&b, &a, &Fingerprinted::new("")).score);
}

#[test]
fn reordered_functions_are_flagged() {
    let s = score(LRU_A, LRU_A_REORDERED, "");
    assert!(s >= FLAG_AT, "score {s}");
    let found = compare(
        &Fingerprinted::new(LRU_A),
        &Fingerprinted::new(LRU_A_REORDERED),
        &Fingerprinted::new(""),
    );
    // Several regions whose b-lines are not in a's order.
    assert!(found.regions.len() >= 3, "{found:?}");
    assert!(!found.regions.is_sorted_by_key(|r| r.b_lines), "{found:?}");
    // Reordering and disguise together still get caught.
    let s = score(LRU_A_DISGUISED, LRU_A_REORDERED, "");
    assert!(s >= FLAG_AT, "score {s}");
}

#[test]
fn edited_copy_is_still_flagged() {
    let s = score(LRU_A, LRU_A_EDITED, "");
    assert!(s >= FLAG_AT, "score {s}");
}

#[test]
fn independent_solutions_are_not_flagged() {
    for (name, a, b) in [
        ("lru", LRU_A, LRU_B),
        ("retry a/c", DEC_A_IN_STUB, RETRY_C),
        ("retry b/c", DEC_B_IN_STUB, RETRY_C),
    ] {
        let s = score(a, b, "");
        assert!(s < FLAG_AT, "{name}: score {s}");
    }
}

#[test]
fn code_shared_only_with_the_stub_does_not_count() {
    let with_stub = score(DEC_A_IN_STUB, DEC_B_IN_STUB, DEC_STUB);
    let without = score(DEC_A_IN_STUB, DEC_B_IN_STUB, "");
    assert!(with_stub < FLAG_AT, "score {with_stub}");
    assert!(with_stub < without, "{with_stub} vs {without}");
    // A solution that is the stub and nothing else has nothing of its own.
    assert_eq!(score(DEC_STUB, DEC_A_IN_STUB, DEC_STUB), 0.0);
    // The stub's text yields no region.
    let found = compare(
        &Fingerprinted::new(DEC_A_IN_STUB),
        &Fingerprinted::new(DEC_B_IN_STUB),
        &Fingerprinted::new(DEC_STUB),
    );
    let own_code = line_of(DEC_A_IN_STUB, "    @functools.wraps(func)");
    assert!(
        found.regions.iter().all(|r| r.a_lines.1 >= own_code),
        "a region in the stub's text: {found:?}"
    );
    // And a copied solution is still caught inside the stub.
    assert_eq!(score(DEC_A_IN_STUB, DEC_A_IN_STUB, DEC_STUB), 1.0);
}

#[test]
fn identical_files_score_one_and_empty_files_zero() {
    for source in [LRU_A, LRU_B, DEC_B_IN_STUB, RETRY_C] {
        let found = compare(
            &Fingerprinted::new(source),
            &Fingerprinted::new(source),
            &Fingerprinted::new(""),
        );
        assert_eq!(found.score, 1.0);
        assert_eq!(found.regions.len(), 1, "{found:?}");
    }
    let empty = Fingerprinted::new("");
    for other in ["", "x = 1\n", "# only a comment\n", LRU_A] {
        let other = Fingerprinted::new(other);
        assert_eq!(compare(&empty, &other, &empty).score, 0.0);
        assert_eq!(compare(&other, &empty, &empty).score, 0.0);
        assert!(compare(&empty, &other, &empty).regions.is_empty());
    }
    // Too short to hold a single k-gram.
    assert_eq!(score("x = 1\n", "x = 1\n", ""), 0.0);
}

#[test]
fn comments_docstrings_and_layout_are_dropped() {
    let source = r##""""Module docstring."""
import os  # a comment


def f(a, b=2):
    """Function docstring
    over two lines."""
    "another string-only statement"; x = a
    return (a +
            b), 'kept', "joined" "strings"


g = lambda: "kept too"
h: "annotation" = 1.5e-3
"##;
    assert_eq!(
        texts(source).join(" "),
        "import N def N ( N , N = 0 ) : N = N return ( N + N ) , \" , \" \
         N = lambda : \" N : \" = 0"
    );
    // Reflowing the same code changes nothing.
    let reflowed = "import os\ndef f(a, b=2): x = a; return (a + b), 'k', 'j'\n\
                    g = lambda: 'x'\nh: 'y' = 0.1\n";
    assert_eq!(texts(source), texts(reflowed));
}

#[test]
fn lexer_handles_python_string_forms() {
    let source = r##"s = """line one
# not a comment, still the string
it's "quoted" here"""
t = f"{name!r:>{width}} and {d['k']} {{literal}} # no comment"
u = f"{d["nested"]}" + F'{x}'
e = 'it\'s # here' + "say \"hi\" # there"
r = rb'raw \' still' + Rb"""raw
triple""" + u"\\"
n = 0x1F + 1_000 + 2.5e-3 + .5j
"##;
    assert_eq!(
        texts(source).join(" "),
        "N = \" N = \" N = \" + \" N = \" + \" N = \" + \" + \" \
         N = 0 + 0 + 0 + 0"
    );
    let tokens = normalise(&lex(source));
    let lines: Vec<(usize, usize)> = tokens
        .iter()
        .filter(|t| t.text == "\"")
        .map(|t| (t.first_line, t.last_line))
        .collect();
    assert_eq!(
        lines,
        [
            (1, 3),
            (4, 4),
            (5, 5),
            (5, 5),
            (6, 6),
            (6, 6),
            (7, 7),
            (7, 8),
            (8, 8)
        ]
    );
    assert_eq!(tokens.last().map(|t| t.first_line), Some(9));
    // Unterminated strings end at the line (or, triple-quoted, the file).
    assert_eq!(texts("x = 'oops\ny = 1\n").join(" "), "N = \" N = 0");
    assert_eq!(texts("x = '''oops\ny = 1\n").join(" "), "N = \"");
    assert_eq!(texts("x = f'{oops\ny = 1\n").join(" "), "N = \" N = 0");
}

#[test]
fn keywords_and_builtins_survive_renaming() {
    assert_eq!(
        texts("for i, v in enumerate(sorted(items)): total += len(v) * 3").join(" "),
        "for N , N in enumerate ( sorted ( N ) ) : N += len ( N ) * 0"
    );
}

#[test]
fn winnowing_is_stable_and_picks_the_rightmost_minimum() {
    let tokens = normalise(&lex(LRU_A));
    let (fps, all) = winnow(&tokens, K, W);
    let hashes: Vec<u64> = tokens.windows(K).map(fnv1a).collect();
    // Every window contributes its rightmost minimum.
    for window in 0..=hashes.len() - W {
        let slice = &hashes[window..window + W];
        let min = *slice.iter().min().unwrap();
        assert!(fps.iter().any(|fp| fp.hash == min));
    }
    assert_eq!(all.len(), hashes.iter().collect::<HashSet<_>>().len());
    // FNV-1a of the empty input is the offset basis; and it does not
    // depend on the run.
    assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
    assert_eq!(
        Fingerprinted::new(LRU_A).fingerprints,
        Fingerprinted::new(LRU_A).fingerprints
    );
    // Equal hashes in a window: the rightmost is chosen, so a run of
    // identical k-grams selects every position once.
    let repeated = "x\n".repeat(20);
    let tokens = normalise(&lex(&repeated));
    let (fps, _) = winnow(&tokens, 3, 4);
    assert_eq!(fps.len(), tokens.len() - 3 + 1 - (4 - 1));
}

#[test]
fn similarity_round_trips_through_json() {
    let found = compare(
        &Fingerprinted::new(LRU_A),
        &Fingerprinted::new(LRU_A_REORDERED),
        &Fingerprinted::new(""),
    );
    let json = serde_json::to_string(&found).unwrap();
    assert_eq!(serde_json::from_str::<Similarity>(&json).unwrap(), found);
}

/// Prints the scores of every pair for a grid of `K` and `W`: the
/// measurements behind the chosen parameters and [`FLAG_AT`].
/// `cargo test --lib similarity::tests::calibrate -- --ignored --nocapture`
#[test]
#[ignore = "prints a calibration table"]
fn calibrate() {
    let copies = [
        ("disguised", LRU_A, LRU_A_DISGUISED, ""),
        ("reordered", LRU_A, LRU_A_REORDERED, ""),
        ("disg+reord", LRU_A_DISGUISED, LRU_A_REORDERED, ""),
        ("edited", LRU_A, LRU_A_EDITED, ""),
    ];
    let independent = [
        ("lru a/b", LRU_A, LRU_B, ""),
        ("dec a/b+stub", DEC_A_IN_STUB, DEC_B_IN_STUB, DEC_STUB),
        ("retry a/c", DEC_A_IN_STUB, RETRY_C, ""),
        ("retry b/c", DEC_B_IN_STUB, RETRY_C, ""),
    ];
    for k in [5, 6, 7, 8, 10, 12] {
        for w in [2, 4, 6] {
            let run = |pairs: &[(&str, &str, &str, &str)]| -> Vec<f64> {
                pairs
                    .iter()
                    .map(|(_, a, b, stub)| {
                        let f = |s: &str| Fingerprinted::with_parameters(s, k, w);
                        compare(&f(a), &f(b), &f(stub)).score
                    })
                    .collect()
            };
            let (c, i) = (run(&copies), run(&independent));
            let fmt = |v: &[f64]| {
                v.iter()
                    .map(|s| format!("{s:.2}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!(
                "k={k:2} w={w}  copies min {:.2} [{}]  independent max {:.2} [{}]",
                c.iter().copied().fold(1.0, f64::min),
                fmt(&c),
                i.iter().copied().fold(0.0, f64::max),
                fmt(&i),
            );
        }
    }
}
