//! Normalisation: raw tokens to the stream that is fingerprinted, with names
//! and literals replaced by placeholders and docstrings and layout dropped.

use super::lex::{Raw, RawToken};

/// A normalised token: `N`, `0`, `"`, a keyword, a builtin or an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    pub(super) text: String,
    pub(super) first_line: usize,
    pub(super) last_line: usize,
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

/// Turns raw tokens into the normalised stream: drops string-only statements
/// (docstrings), line ends and statement-separating `;`, joins implicitly
/// concatenated strings, and replaces names and literals by placeholders.
pub(super) fn normalise(raw: &[RawToken]) -> Vec<Token> {
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
