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

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

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

/// A selected k-gram hash and the 1-based lines its first and last tokens
/// are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    hash: u64,
    first_line: usize,
    last_line: usize,
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

// ---------------------------------------------------------------------------
// Lexing
// ---------------------------------------------------------------------------

/// What the lexer saw, before normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Raw {
    Name(String),
    Number,
    Str,
    Op(String),
    /// The end of a logical line (a line break outside brackets).
    Newline,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RawToken {
    raw: Raw,
    first_line: usize,
    last_line: usize,
}

/// A normalised token: `N`, `0`, `"`, a keyword, a builtin or an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    text: String,
    first_line: usize,
    last_line: usize,
}

/// Python keywords and the builtins that are kept as themselves: renaming
/// cannot change them, and they carry the structure of the code.
const KEPT: &[&str] = &[
    // keywords
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    // builtins
    "abs",
    "all",
    "any",
    "bool",
    "bytes",
    "callable",
    "dict",
    "enumerate",
    "filter",
    "float",
    "frozenset",
    "getattr",
    "hasattr",
    "hash",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "map",
    "max",
    "min",
    "next",
    "object",
    "print",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "sorted",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "zip",
    "BaseException",
    "Exception",
    "KeyError",
    "IndexError",
    "NotImplementedError",
    "RuntimeError",
    "StopIteration",
    "TypeError",
    "ValueError",
];

/// Operators of three and two characters, longest first.
const LONG_OPS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", ">>", "<<", "<=", ">=", "==", "!=",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
];

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: usize,
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn is_quote(c: Option<char>) -> bool {
        matches!(c, Some('"' | '\''))
    }

    fn identifier(&mut self) -> String {
        let mut word = String::new();
        while let Some(c) = self.peek(0).filter(|&c| c.is_alphanumeric() || c == '_') {
            word.push(c);
            self.bump();
        }
        word
    }

    fn number(&mut self) {
        let radix = self.peek(0) == Some('0')
            && matches!(self.peek(1), Some('x' | 'X' | 'o' | 'O' | 'b' | 'B'));
        let mut prev = ' ';
        while let Some(c) = self.peek(0) {
            let exponent_sign = (c == '+' || c == '-') && !radix && matches!(prev, 'e' | 'E');
            if !(c.is_alphanumeric() || c == '_' || c == '.' || exponent_sign) {
                break;
            }
            prev = c;
            self.bump();
        }
    }

    /// Skips a string literal whose opening quote is next (any prefix has
    /// been read already). In an f-string (or t-string), replacement fields
    /// are skipped with their nested brackets and strings, so a quote inside
    /// `{…}` does not end the literal.
    fn string(&mut self, formatted: bool) {
        let Some(quote) = self.bump() else { return };
        let triple = self.peek(0) == Some(quote) && self.peek(1) == Some(quote);
        if triple {
            self.bump();
            self.bump();
        }
        while let Some(c) = self.peek(0) {
            match c {
                '\\' => {
                    // An escape; in a raw string the backslash stays, but the
                    // quote after it still does not end the literal.
                    self.bump();
                    self.bump();
                }
                '\n' if !triple => return, // unterminated
                c if c == quote => {
                    if !triple {
                        self.bump();
                        return;
                    }
                    if self.peek(1) == Some(quote) && self.peek(2) == Some(quote) {
                        self.bump();
                        self.bump();
                        self.bump();
                        return;
                    }
                    self.bump();
                }
                '{' if formatted => {
                    self.bump();
                    if self.peek(0) == Some('{') {
                        self.bump(); // `{{` is a literal brace
                    } else {
                        self.replacement_field(triple);
                    }
                }
                _ => {
                    self.bump();
                }
            }
        }
    }

    /// Skips an f-string's `{…}` up to its closing brace. In a single-line
    /// f-string, stops at a line break, so malformed code cannot swallow the
    /// rest of the file.
    fn replacement_field(&mut self, triple: bool) {
        let mut depth = 1usize;
        while let Some(c) = self.peek(0) {
            match c {
                '{' | '(' | '[' => {
                    depth += 1;
                    self.bump();
                }
                '}' | ')' | ']' => {
                    self.bump();
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                '\n' if !triple => return,
                '"' | '\'' => self.string(false),
                c if c.is_alphabetic() || c == '_' => {
                    let word = self.identifier();
                    match string_prefix(&word) {
                        Some(formatted) if Self::is_quote(self.peek(0)) => self.string(formatted),
                        _ => {}
                    }
                }
                _ => {
                    self.bump();
                }
            }
        }
    }

    fn operator(&mut self) -> String {
        for op in LONG_OPS {
            if op.chars().enumerate().all(|(n, c)| self.peek(n) == Some(c)) {
                for _ in 0..op.len() {
                    self.bump();
                }
                return (*op).to_string();
            }
        }
        self.bump().map(String::from).unwrap_or_default()
    }
}

/// If `word` is a string prefix (`r`, `b`, `f`, `rb`, `fr`, `t`…, any case),
/// whether it makes a formatted string.
fn string_prefix(word: &str) -> Option<bool> {
    let lower = word.to_ascii_lowercase();
    match lower.as_str() {
        "r" | "u" | "b" | "br" | "rb" => Some(false),
        "f" | "fr" | "rf" | "t" | "tr" | "rt" => Some(true),
        _ => None,
    }
}

/// Splits source into raw tokens; comments and layout other than logical
/// line ends are dropped here.
fn lex(source: &str) -> Vec<RawToken> {
    let mut lx = Lexer {
        chars: source.chars().collect(),
        pos: 0,
        line: 1,
    };
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    while let Some(c) = lx.peek(0) {
        let first_line = lx.line;
        let raw = match c {
            '\n' => {
                lx.bump();
                if depth > 0 {
                    continue;
                }
                Raw::Newline
            }
            '#' => {
                while lx.peek(0).is_some_and(|c| c != '\n') {
                    lx.bump();
                }
                continue;
            }
            '\\' => {
                // A line continuation (or a stray backslash): layout.
                lx.bump();
                if lx.peek(0) == Some('\r') {
                    lx.bump();
                }
                if lx.peek(0) == Some('\n') {
                    lx.bump();
                }
                continue;
            }
            c if c.is_whitespace() || c == '\u{feff}' => {
                lx.bump();
                continue;
            }
            '"' | '\'' => {
                lx.string(false);
                Raw::Str
            }
            c if c.is_ascii_digit()
                || (c == '.' && lx.peek(1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                lx.number();
                Raw::Number
            }
            c if c.is_alphabetic() || c == '_' => {
                let word = lx.identifier();
                match string_prefix(&word) {
                    Some(formatted) if Lexer::is_quote(lx.peek(0)) => {
                        lx.string(formatted);
                        Raw::Str
                    }
                    _ => Raw::Name(word),
                }
            }
            _ => {
                let op = lx.operator();
                match op.as_str() {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => depth = depth.saturating_sub(1),
                    _ => {}
                }
                Raw::Op(op)
            }
        };
        // A string's last line is where its closing quote is.
        let last_line = if raw == Raw::Newline {
            first_line
        } else {
            lx.line
        };
        tokens.push(RawToken {
            raw,
            first_line,
            last_line,
        });
    }
    tokens
}

/// Turns raw tokens into the normalised stream: drops string-only statements
/// (docstrings), line ends and statement-separating `;`, joins implicitly
/// concatenated strings, and replaces names and literals by placeholders.
fn normalise(raw: &[RawToken]) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut at_statement_start = true;
    let mut depth = 0usize;
    let mut open_lambdas = 0usize;
    let mut i = 0;
    while i < raw.len() {
        let token = &raw[i];
        match &token.raw {
            Raw::Newline => {
                at_statement_start = true;
                depth = 0;
                open_lambdas = 0;
                i += 1;
                continue;
            }
            Raw::Str => {
                let mut end = i;
                while raw.get(end).is_some_and(|t| t.raw == Raw::Str) {
                    end += 1;
                }
                let last_line = raw[end - 1].last_line;
                let statement_ends = match raw.get(end).map(|t| &t.raw) {
                    None | Some(Raw::Newline) => true,
                    Some(Raw::Op(op)) => op == ";",
                    _ => false,
                };
                i = end;
                if !(at_statement_start && statement_ends) {
                    at_statement_start = false;
                    out.push(Token {
                        text: "\"".to_string(),
                        first_line: token.first_line,
                        last_line,
                    });
                }
                continue;
            }
            _ => {}
        }
        i += 1;
        at_statement_start = false;
        let text = match &token.raw {
            Raw::Name(word) => {
                if word == "lambda" && depth == 0 {
                    open_lambdas += 1;
                }
                if KEPT.contains(&word.as_str()) {
                    word.clone()
                } else {
                    "N".to_string()
                }
            }
            Raw::Number => "0".to_string(),
            Raw::Op(op) => {
                match op.as_str() {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => depth = depth.saturating_sub(1),
                    ";" if depth == 0 => {
                        at_statement_start = true;
                        continue; // a separator is layout
                    }
                    // After a block header's colon a new statement may follow
                    // on the same line; a lambda's colon does not start one.
                    ":" if depth == 0 => {
                        if open_lambdas > 0 {
                            open_lambdas -= 1;
                        } else {
                            at_statement_start = true;
                        }
                    }
                    _ => {}
                }
                op.clone()
            }
            Raw::Str | Raw::Newline => unreachable!("handled above"),
        };
        out.push(Token {
            text,
            first_line: token.first_line,
            last_line: token.last_line,
        });
    }
    out
}

// ---------------------------------------------------------------------------
// Fingerprinting
// ---------------------------------------------------------------------------

/// 64-bit FNV-1a over the tokens' text, each followed by a 0xff byte (which
/// never occurs in UTF-8, so token boundaries cannot be confused).
fn fnv1a(tokens: &[Token]) -> u64 {
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
fn winnow(tokens: &[Token], k: usize, w: usize) -> (Vec<Fingerprint>, HashSet<u64>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    // -- An LRU cache class, written twice independently ------------------

    /// OrderedDict, explicit ifs.
    const LRU_A: &str = r#""""A least-recently-used cache with a fixed capacity."""

from collections import OrderedDict


class LRUCache:
    """Maps keys to values, evicting the least recently used key when full."""

    def __init__(self, capacity):
        if capacity < 0:
            raise ValueError("capacity must be non-negative")
        self.capacity = capacity
        self.data = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key, default=None):
        """Return the value for `key` and mark it as recently used."""
        if key not in self.data:
            self.misses += 1
            return default
        self.hits += 1
        self.data.move_to_end(key)
        return self.data[key]

    def put(self, key, value):
        """Store `value`, evicting the least recently used entry if full."""
        if self.capacity == 0:
            return
        if key in self.data:
            self.data.move_to_end(key)
        self.data[key] = value
        while len(self.data) > self.capacity:
            self.data.popitem(last=False)

    def __len__(self):
        return len(self.data)

    def __contains__(self, key):
        return key in self.data

    def keys(self):
        # Least recently used first.
        return list(self.data.keys())

    def stats(self):
        total = self.hits + self.misses
        ratio = self.hits / total if total else 0.0
        return {"hits": self.hits, "misses": self.misses, "ratio": round(ratio, 3)}
"#;

    /// A plain dict plus a recency list, try/except, a comprehension.
    const LRU_B: &str = r#"class LRUCache:
    def __init__(self, size):
        self._size = max(0, size)
        self._values = {}
        self._order = []  # oldest key at the front
        self._hit_count = 0
        self._miss_count = 0

    def _touch(self, key):
        if key in self._order:
            self._order.remove(key)
        self._order.append(key)

    def get(self, key, default=None):
        try:
            value = self._values[key]
        except KeyError:
            self._miss_count = self._miss_count + 1
            return default
        self._hit_count = self._hit_count + 1
        self._touch(key)
        return value

    def put(self, key, value):
        if not self._size:
            return
        self._values[key] = value
        self._touch(key)
        if len(self._order) > self._size:
            evicted = self._order.pop(0)
            del self._values[evicted]

    def __len__(self):
        return len(self._values)

    def __contains__(self, key):
        return key in self._values

    def keys(self):
        return [k for k in self._order]

    def stats(self):
        lookups = self._hit_count + self._miss_count
        return dict(
            hits=self._hit_count,
            misses=self._miss_count,
            ratio=round(self._hit_count / lookups, 3) if lookups > 0 else 0.0,
        )
"#;

    /// `LRU_A` with every name renamed, literals changed, docstrings
    /// dropped, comments and blank lines added, statements reflowed.
    const LRU_A_DISGUISED: &str = r#"# My cache: forgets whatever went unused for longest.
from collections import OrderedDict



class RecencyStore:
    # room is fixed when the store is made

    def __init__(this, room):
        if room < 1:
            raise ValueError(
                'room cannot be below zero'
            )
        this.room = room
        this.table = OrderedDict()
        this.good = 1; this.bad = 1

    def fetch(this, name, fallback = None):
        # unknown names give the fallback


        if name not in this.table:
            this.bad += 7
            return fallback
        this.good += 7
        this.table.move_to_end(name)  # freshly used now
        return this.table[name]

    def save(this, name, item):
        if this.room == 10: return
        if name in this.table:
            this.table.move_to_end(name)
        this.table[name] = item
        while len(this.table) > \
                this.room:
            this.table.popitem(last = False)

    def __len__(this):
        return len(this.table)

    def __contains__(this, name):
        return name in this.table

    def names(this):
        return list(
            this.table.keys()
        )

    def report(this):
        seen = this.good + this.bad
        share = this.good / seen if seen else 1.5
        return {
            'good': this.good,
            'bad': this.bad,
            'share': round(share, 5),
        }
"#;

    /// `LRU_A` with its methods in another order.
    const LRU_A_REORDERED: &str = r#""""A least-recently-used cache with a fixed capacity."""

from collections import OrderedDict


class LRUCache:
    def stats(self):
        total = self.hits + self.misses
        ratio = self.hits / total if total else 0.0
        return {"hits": self.hits, "misses": self.misses, "ratio": round(ratio, 3)}

    def keys(self):
        return list(self.data.keys())

    def put(self, key, value):
        if self.capacity == 0:
            return
        if key in self.data:
            self.data.move_to_end(key)
        self.data[key] = value
        while len(self.data) > self.capacity:
            self.data.popitem(last=False)

    def __contains__(self, key):
        return key in self.data

    def __init__(self, capacity):
        if capacity < 0:
            raise ValueError("capacity must be non-negative")
        self.capacity = capacity
        self.data = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self):
        return len(self.data)

    def get(self, key, default=None):
        if key not in self.data:
            self.misses += 1
            return default
        self.hits += 1
        self.data.move_to_end(key)
        return self.data[key]
"#;

    /// `LRU_A` renamed *and* edited by someone covering their tracks:
    /// branches swapped, `+=` spelled out, `while` made `if`, a call dropped.
    const LRU_A_EDITED: &str = r#"from collections import OrderedDict


class BoundedCache:
    def __init__(self, limit):
        if limit < 0:
            raise ValueError("limit must be >= 0")
        self.limit = limit
        self.items = OrderedDict()
        self.hit = 0
        self.miss = 0

    def get(self, k, default=None):
        if k in self.items:
            self.hit = self.hit + 1
            self.items.move_to_end(k)
            return self.items[k]
        self.miss = self.miss + 1
        return default

    def put(self, k, v):
        if not self.limit:
            return
        if k in self.items:
            self.items.move_to_end(k)
        self.items[k] = v
        if len(self.items) > self.limit:
            self.items.popitem(last=False)

    def __len__(self):
        return len(self.items)

    def __contains__(self, k):
        return k in self.items

    def keys(self):
        return list(self.items)

    def stats(self):
        total = self.hit + self.miss
        ratio = self.hit / total if total else 0.0
        return {"hits": self.hit, "misses": self.miss, "ratio": round(ratio, 3)}
"#;

    // -- The decorators exercise: stub, and two independent solutions ----

    /// The exercise's stub (abridged): imports, type variables, a protocol,
    /// signatures and docstrings.
    const DEC_STUB: &str = r#""""Decorators: wrapping a function to change its behaviour without editing it.

Run `pyinterview check decorators` to test your work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)


class _CountedFunction(Protocol[_P, _R_co]):
    """What `count_calls` returns: the wrapped callable plus a `calls` counter."""

    calls: int

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...


def count_calls(func: Callable[_P, _R]) -> _CountedFunction[_P, _R]:
    """Decorate `func` so that every call to it is counted.

    >>> @count_calls
    ... def add(a, b=0):
    ...     "Add two numbers."
    ...     return a + b
    """
    raise NotImplementedError


def retry(
    times: int,
    exceptions: tuple[type[BaseException], ...] = (Exception,),
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Return a decorator that retries the decorated function when it fails.

    Retries happen immediately: do not sleep between attempts.
    """
    raise NotImplementedError
"#;

    /// The stub filled in: closures, a `for` loop over attempts.
    const DEC_A_IN_STUB: &str = r#""""Decorators: wrapping a function to change its behaviour without editing it.

Run `pyinterview check decorators` to test your work.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)


class _CountedFunction(Protocol[_P, _R_co]):
    """What `count_calls` returns: the wrapped callable plus a `calls` counter."""

    calls: int

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...


def count_calls(func: Callable[_P, _R]) -> _CountedFunction[_P, _R]:
    """Decorate `func` so that every call to it is counted.

    >>> @count_calls
    ... def add(a, b=0):
    ...     "Add two numbers."
    ...     return a + b
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        wrapper.calls += 1
        return func(*args, **kwargs)

    wrapper.calls = 0
    return wrapper


def retry(
    times: int,
    exceptions: tuple[type[BaseException], ...] = (Exception,),
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Return a decorator that retries the decorated function when it fails.

    Retries happen immediately: do not sleep between attempts.
    """
    if times < 1:
        raise ValueError(f"times must be at least 1, got {times!r}")

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(1, times + 1):
                try:
                    return func(*args, **kwargs)
                except exceptions:
                    if attempt == times:
                        raise
            raise AssertionError("unreachable")

        return wrapper

    return decorator
"#;

    /// The stub filled in differently: a callable class, a `while` loop that
    /// catches everything and filters with `isinstance`.
    const DEC_B_IN_STUB: &str = r#""""Decorators: wrapping a function to change its behaviour without editing it.

Run `pyinterview check decorators` to test your work.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper, wraps
from typing import ParamSpec, Protocol, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)


class _CountedFunction(Protocol[_P, _R_co]):
    """What `count_calls` returns: the wrapped callable plus a `calls` counter."""

    calls: int

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...


class _Counter:
    def __init__(self, func):
        update_wrapper(self, func)
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls = self.calls + 1
        return self.__wrapped__(*args, **kwargs)


def count_calls(func: Callable[_P, _R]) -> _CountedFunction[_P, _R]:
    """Decorate `func` so that every call to it is counted.

    >>> @count_calls
    ... def add(a, b=0):
    ...     "Add two numbers."
    ...     return a + b
    """
    return _Counter(func)


def retry(
    times: int,
    exceptions: tuple[type[BaseException], ...] = (Exception,),
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Return a decorator that retries the decorated function when it fails.

    Retries happen immediately: do not sleep between attempts.
    """
    if not isinstance(times, int) or times < 1:
        raise ValueError("retry needs times >= 1")
    allowed = tuple(exceptions)

    def wrap(fn):
        @wraps(fn)
        def attempt(*args, **kwargs):
            left = times
            while True:
                left -= 1
                try:
                    result = fn(*args, **kwargs)
                except BaseException as exc:
                    if not isinstance(exc, allowed) or left == 0:
                        raise
                    continue
                return result

        return attempt

    return wrap
"#;

    /// Another independent retry decorator, without the stub: recursion,
    /// a class-based decorator, a logging hook.
    const RETRY_C: &str = r#"import logging
from functools import wraps

log = logging.getLogger(__name__)


class retry:
    def __init__(self, times, exceptions=(Exception,)):
        if times < 1:
            raise ValueError("times must be positive")
        self.times = times
        self.exceptions = exceptions

    def __call__(self, func):
        @wraps(func)
        def wrapped(*args, **kwargs):
            return self._attempt(func, args, kwargs, self.times)

        return wrapped

    def _attempt(self, func, args, kwargs, remaining):
        try:
            return func(*args, **kwargs)
        except self.exceptions as error:
            if remaining <= 1:
                raise
            log.warning("%s failed (%r), %d attempts left", func.__name__, error, remaining - 1)
            return self._attempt(func, args, kwargs, remaining - 1)


def count_calls(func):
    def counting(*args, **kwargs):
        counting.calls = getattr(counting, "calls", 0) + 1
        return func(*args, **kwargs)

    counting.calls = 0
    counting.__name__ = func.__name__
    counting.__qualname__ = func.__qualname__
    counting.__doc__ = func.__doc__
    counting.__wrapped__ = func
    return counting
"#;

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
}
