//! The lexer: Python source to raw tokens, with the lines each is on.
//! Comments and layout other than logical line ends are dropped here.

/// What the lexer saw, before normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Raw {
    Name(String),
    Number,
    Str,
    Op(String),
    /// The end of a logical line (a line break outside brackets).
    Newline,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RawToken {
    pub(super) raw: Raw,
    pub(super) first_line: usize,
    pub(super) last_line: usize,
}

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
pub(super) fn lex(source: &str) -> Vec<RawToken> {
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
