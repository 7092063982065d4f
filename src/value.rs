//! Observations: plain Rust values extracted from what the candidate's code returns.
//!
//! A driver never compares Python objects, and never calls the candidate's
//! `__eq__`, `__iter__`, `__len__`, `__index__` or `__hash__`. It turns what it
//! observes into a [`Value`], accepting only *exact* builtin types (a `list`
//! subclass is not a list) read through the C API, with caps on size and depth.
//! Everything else becomes [`Value::Other`], which shows the type and never equals
//! a builtin value.
//!
//! Values are compared by their canonical [`Value::repr`]: Python literal syntax,
//! with dict entries and set members sorted, so equal values print identically and
//! different values (an `int` and a `float`, a list and a tuple) never do. The
//! same text is what the candidate reads in a diff and what the snapshots hold.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// The deepest nesting a value may have. Bounded so that the JSON carrying it
/// stays under serde_json's recursion limit (128) on the grader's side.
pub const MAX_DEPTH: usize = 48;
/// The most nodes one extracted value may have.
pub const MAX_NODES: usize = 200_000;

/// What a driver observed: a Python value, or a named record of several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    /// An int beyond i64, in decimal.
    BigInt(String),
    /// Carried as its bit pattern, so NaN and infinities survive JSON.
    Float(#[serde(with = "float_bits")] f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    Set(Vec<Value>),
    FrozenSet(Vec<Value>),
    /// An exception the driver caught as part of the behaviour under test.
    Raised(String),
    /// Several named observations of one call, in the driver's order.
    Record(Vec<(String, Value)>),
    /// An object of any other type: only its type's name is observed.
    Other(String),
    /// The value exceeded [`MAX_DEPTH`] or [`MAX_NODES`].
    TooLarge,
    /// The last item of a sequence the driver stopped reading while it still
    /// yielded (an endless generator): written `...`, as Python's Ellipsis.
    More,
}

impl Value {
    /// A record from `(name, value)` pairs.
    pub fn record<const N: usize>(fields: [(&str, Value); N]) -> Value {
        Value::Record(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    pub fn str(text: impl Into<String>) -> Value {
        Value::Str(text.into())
    }

    /// `(a, b)` of two ints.
    pub fn pair(a: i64, b: i64) -> Value {
        Value::Tuple(vec![Value::Int(a), Value::Int(b)])
    }

    /// Canonical single-line text: Python literal syntax, dict entries and set
    /// members sorted by their own canonical text.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out, true);
        out
    }

    /// Python literal syntax in the value's own order: how an *input* is
    /// shown, so a dict built unsorted reads unsorted.
    pub fn literal(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out, false);
        out
    }

    fn write_repr(&self, out: &mut String, canonical: bool) {
        let child = |v: &Value| {
            let mut s = String::new();
            v.write_repr(&mut s, canonical);
            s
        };
        match self {
            Value::None => out.push_str("None"),
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::BigInt(digits) => out.push_str(digits),
            Value::Float(f) => out.push_str(&float_repr(*f)),
            Value::Str(s) => out.push_str(&str_repr(s)),
            Value::Bytes(b) => out.push_str(&bytes_repr(b)),
            Value::List(items) => write_seq(out, "[", "]", items.iter().map(child)),
            Value::Tuple(items) if items.len() == 1 => {
                let _ = write!(out, "({},)", child(&items[0]));
            }
            Value::Tuple(items) => write_seq(out, "(", ")", items.iter().map(child)),
            Value::Dict(entries) => {
                let mut parts: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", child(k), child(v)))
                    .collect();
                if canonical {
                    parts.sort();
                }
                write_seq(out, "{", "}", parts.into_iter());
            }
            Value::Set(items) if items.is_empty() => out.push_str("set()"),
            Value::Set(items) => write_seq(out, "{", "}", sorted(items.iter().map(child))),
            Value::FrozenSet(items) if items.is_empty() => out.push_str("frozenset()"),
            Value::FrozenSet(items) => {
                write_seq(out, "frozenset({", "})", sorted(items.iter().map(child)))
            }
            Value::Raised(name) => {
                let _ = write!(out, "<raises {}>", escape_controls(name));
            }
            Value::Record(fields) => write_seq(
                out,
                "<",
                ">",
                fields.iter().map(|(k, v)| format!("{k}={}", child(v))),
            ),
            Value::Other(type_name) => {
                let _ = write!(out, "<{} object>", escape_controls(type_name));
            }
            Value::TooLarge => out.push_str("<value too large or too deeply nested>"),
            Value::More => out.push_str("..."),
        }
    }
}

/// Set members print sorted either way: Python's own set order is arbitrary.
fn sorted(parts: impl Iterator<Item = String>) -> std::vec::IntoIter<String> {
    let mut parts: Vec<String> = parts.collect();
    parts.sort();
    parts.into_iter()
}

fn write_seq(out: &mut String, open: &str, close: &str, parts: impl Iterator<Item = String>) {
    out.push_str(open);
    for (i, part) in parts.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&part);
    }
    out.push_str(close);
}

/// Python's float repr for the values that matter here (finite, dyadic).
mod float_bits {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(value.to_bits())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        u64::deserialize(deserializer).map(f64::from_bits)
    }
}

/// Python's float repr: always a `.` or an exponent, so a float never
/// prints like an int (`1e+16`, not `10000000000000000`).
fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let magnitude = f.abs();
    if magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        // Rust's shortest round-trip digits, Python's exponent style.
        let text = format!("{f:e}");
        let (mantissa, exponent) = text.split_once('e').expect("{:e} has an exponent");
        let exponent: i32 = exponent.parse().expect("an integer exponent");
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.abs());
    }
    if f.fract() == 0.0 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// Text with every control character but newline and tab written as an
/// escape (`\x1b`): whatever candidate code prints or names can never move
/// the cursor, recolour or clear the interviewer's terminal.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if c.is_control() && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Python's repr of a str: single quotes unless the text has one and no double quote.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn bytes_repr(bytes: &[u8]) -> String {
    let mut out = String::from("b'");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('\'');
    out
}

/// Lays a canonical repr out over several lines when it is wider than `width`,
/// breaking after the commas of the outermost brackets first, so that a diff
/// of two large values points at the element that differs.
pub fn pretty(repr: &str, width: usize) -> String {
    let mut out = String::new();
    layout(repr, width, 0, false, &mut out);
    out
}

/// Like [`pretty`], but the outermost brackets are always opened, one item
/// per line: for the two sides of a diff, so they line up item by item.
pub fn pretty_expanded(repr: &str, width: usize) -> String {
    let mut out = String::new();
    layout(repr, width, 0, true, &mut out);
    out
}

fn layout(text: &str, width: usize, indent: usize, expand: bool, out: &mut String) {
    let pad = " ".repeat(indent);
    if !expand && text.len() + indent <= width {
        out.push_str(&pad);
        out.push_str(text);
        return;
    }
    let Some((open, inner, close)) = split_brackets(text) else {
        out.push_str(&pad);
        out.push_str(text);
        return;
    };
    let parts = split_top_level(inner);
    if !expand && parts.len() <= 1 && inner.len() + indent + 4 <= width {
        out.push_str(&pad);
        out.push_str(text);
        return;
    }
    out.push_str(&pad);
    out.push_str(open);
    out.push('\n');
    for part in parts {
        layout(part.trim(), width, indent + 4, false, out);
        out.push_str(",\n");
    }
    out.push_str(&pad);
    out.push_str(close);
}

/// The characters of a canonical repr that are outside string literals,
/// with their byte offsets: what bracket matching and splitting look at.
fn structure(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    text.char_indices().filter(move |&(_, c)| {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            return false;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
            return false;
        }
        true
    })
}

fn bracket_step(c: char) -> i64 {
    match c {
        '[' | '(' | '{' | '<' => 1,
        ']' | ')' | '}' | '>' => -1,
        _ => 0,
    }
}

/// `[a, b]` → ("[", "a, b", "]"); also `frozenset({…})`, `(…)`, `{…}`, `<…>`.
fn split_brackets(text: &str) -> Option<(&str, &str, &str)> {
    for (open, close) in [
        ("frozenset({", "})"),
        ("[", "]"),
        ("(", ")"),
        ("{", "}"),
        ("<", ">"),
    ] {
        if text.starts_with(open) && text.ends_with(close) && text.len() >= open.len() + close.len()
        {
            let inner = &text[open.len()..text.len() - close.len()];
            // Only when the brackets enclose the whole text.
            if depth_balanced(inner) {
                return Some((open, inner, close));
            }
        }
    }
    None
}

fn depth_balanced(text: &str) -> bool {
    let mut depth = 0i64;
    for (_, c) in structure(text) {
        depth += bracket_step(c);
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// Where two canonical reprs first differ, inside lists, tuples and records:
/// `("results[5]", "[4, (2,), {}]", "[2, (2,), {}]")`. `None` when they
/// are equal or differ only as wholes (then the whole values say it).
pub fn first_difference(expected: &str, actual: &str) -> Option<(String, String, String)> {
    let (path, e, a) = difference_path(expected.trim(), actual.trim())?;
    let path = path.trim_start_matches('.').to_string();
    (!path.is_empty()).then(|| (path, e.to_string(), a.to_string()))
}

/// Items up to this long are reported whole by [`first_difference`].
const SHORT: usize = 60;

fn difference_path<'a>(expected: &'a str, actual: &'a str) -> Option<(String, &'a str, &'a str)> {
    if expected == actual {
        return None;
    }
    let whole = Some((String::new(), expected, actual));
    let (Some((open_e, inner_e, _)), Some((open_a, inner_a, _))) =
        (split_brackets(expected), split_brackets(actual))
    else {
        return whole;
    };
    if open_e != open_a {
        return whole;
    }
    let items_e: Vec<&str> = split_top_level(inner_e)
        .into_iter()
        .map(str::trim)
        .collect();
    let items_a: Vec<&str> = split_top_level(inner_a)
        .into_iter()
        .map(str::trim)
        .collect();
    match open_e {
        "[" | "(" => {
            for i in 0..items_e.len().max(items_a.len()) {
                let (e, a) = (
                    items_e.get(i).copied().unwrap_or("nothing (shorter)"),
                    items_a.get(i).copied().unwrap_or("nothing (shorter)"),
                );
                if e != a {
                    // Short items read best whole; long ones are opened.
                    if e.len() <= SHORT && a.len() <= SHORT {
                        return Some((format!("[{i}]"), e, a));
                    }
                    let (path, e, a) = difference_path(e, a).unwrap_or_default();
                    return Some((format!("[{i}]{path}"), e, a));
                }
            }
            whole
        }
        "<" => {
            // A record: `name=value` fields in the same order on both sides.
            for (e, a) in items_e.iter().zip(&items_a) {
                let (Some((name_e, value_e)), Some((name_a, value_a))) =
                    (e.split_once('='), a.split_once('='))
                else {
                    return whole;
                };
                if name_e != name_a {
                    return whole;
                }
                if value_e != value_a {
                    let (path, e, a) = difference_path(value_e, value_a).unwrap_or_default();
                    return Some((format!(".{name_e}{path}"), e, a));
                }
            }
            whole
        }
        _ => whole,
    }
}

/// Splits at the commas that are not inside brackets or string literals.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i64;
    let mut start = 0;
    for (i, c) in structure(text) {
        depth += bracket_step(c);
        if c == ',' && depth == 0 {
            parts.push(&text[start..i]);
            start = i + 1;
        }
    }
    if !text[start..].trim().is_empty() {
        parts.push(&text[start..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_finds_the_item_and_field() {
        assert_eq!(
            first_difference("[True, False, True]", "[True, True, True]"),
            Some(("[1]".into(), "False".into(), "True".into()))
        );
        assert_eq!(
            first_difference(
                "<results=[[1, (1,), {}], [4, (2,), {}]], calls=4>",
                "<results=[[1, (1,), {}], [2, (2,), {}]], calls=3>"
            ),
            Some((
                "results[1]".into(),
                "[4, (2,), {}]".into(),
                "[2, (2,), {}]".into()
            ))
        );
        assert_eq!(
            first_difference("[1, 2]", "[1]"),
            Some(("[1]".into(), "2".into(), "nothing (shorter)".into()))
        );
        // Strings holding brackets or commas are single items.
        assert_eq!(
            first_difference("['a, [b', 'c']", "['a, [b', 'd']"),
            Some(("[1]".into(), "'c'".into(), "'d'".into()))
        );
        assert_eq!(first_difference("5", "6"), None);
        assert_eq!(first_difference("[1]", "[1]"), None);
    }

    #[test]
    fn reprs_follow_python_syntax() {
        assert_eq!(Value::Tuple(vec![Value::Int(1)]).repr(), "(1,)");
        assert_eq!(Value::Tuple(vec![]).repr(), "()");
        assert_eq!(Value::Float(2.0).repr(), "2.0");
        assert_eq!(Value::Float(0.125).repr(), "0.125");
        assert_eq!(Value::Float(1e16).repr(), "1e+16");
        assert_eq!(Value::Float(-2.5e-5).repr(), "-2.5e-05");
        assert_eq!(Value::Float(123.0).repr(), "123.0");
        assert_eq!(Value::Set(vec![]).repr(), "set()");
        assert_eq!(Value::str("it's").repr(), "\"it's\"");
        assert_eq!(Value::str("a\nb").repr(), "'a\\nb'");
        assert_eq!(Value::Bytes(b"a\x00".to_vec()).repr(), "b'a\\x00'");
    }

    #[test]
    fn control_characters_never_reach_a_terminal() {
        assert_eq!(
            escape_controls("red\x1b[31m\r\nok\t!"),
            "red\\x1b[31m\\x0d\nok\t!"
        );
        assert_eq!(Value::Other("X\x1b[2J".into()).repr(), "<X\\x1b[2J object>");
        assert!(matches!(
            escape_controls("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn nan_and_infinities_cross_json_intact() {
        for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.1] {
            let json = serde_json::to_string(&Value::Float(f)).unwrap();
            let back: Value = serde_json::from_str(&json).unwrap();
            assert_eq!(back.repr(), Value::Float(f).repr());
        }
    }

    #[test]
    fn unordered_collections_are_canonical() {
        let a = Value::Dict(vec![
            (Value::pair(1, 0), Value::Int(2)),
            (Value::pair(0, 0), Value::Int(1)),
        ]);
        let b = Value::Dict(vec![
            (Value::pair(0, 0), Value::Int(1)),
            (Value::pair(1, 0), Value::Int(2)),
        ]);
        assert_eq!(a.repr(), b.repr());
        assert_eq!(a.repr(), "{(0, 0): 1, (1, 0): 2}");
        assert_eq!(
            a.literal(),
            "{(1, 0): 2, (0, 0): 1}",
            "inputs keep their order"
        );
        let s = Value::FrozenSet(vec![Value::Int(3), Value::Int(1)]);
        assert_eq!(s.repr(), "frozenset({1, 3})");
    }

    #[test]
    fn different_types_never_print_alike() {
        let distinct = [
            Value::Int(1),
            Value::Float(1.0),
            Value::Bool(true),
            Value::str("1"),
            Value::List(vec![Value::Int(1)]),
            Value::Tuple(vec![Value::Int(1)]),
            Value::Set(vec![Value::Int(1)]),
            Value::FrozenSet(vec![Value::Int(1)]),
            Value::Other("MyList".into()),
            Value::Raised("ValueError".into()),
        ];
        let reprs: std::collections::HashSet<String> = distinct.iter().map(Value::repr).collect();
        assert_eq!(reprs.len(), distinct.len());
    }

    #[test]
    fn pretty_breaks_long_values_at_top_level_commas() {
        let long = Value::List((0..30).map(Value::Int).collect()).repr();
        let laid = pretty(&long, 40);
        assert!(laid.starts_with("[\n    0,\n    1,\n"), "{laid}");
        assert!(laid.ends_with("    29,\n]"), "{laid}");
        // Short values stay on one line; commas inside strings do not split.
        assert_eq!(pretty("['a, b']", 40), "['a, b']");
        let strings = Value::List(vec![Value::str("x, y".repeat(10)), Value::Int(1)]).repr();
        assert_eq!(pretty(&strings, 20).lines().count(), 4);
    }

    #[test]
    fn expanded_layout_opens_the_outer_brackets_even_when_short() {
        assert_eq!(
            pretty_expanded("<a=1, b=[2]>", 80),
            "<\n    a=1,\n    b=[2],\n>"
        );
        assert_eq!(pretty_expanded("5", 80), "5");
    }
}
