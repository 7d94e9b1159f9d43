//! Parsing: Python source → AST with `rustpython-parser`, plus the checks
//! CPython makes before running anything (its tokenizer limits and the
//! compile-time errors of `syntax.rs`). Every failure is a [`SyntaxErrorInfo`]
//! that prints like CPython's `SyntaxError` report.

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::lexer::{self, LexicalErrorType};
use rustpython_parser::text_size::TextSize;
use rustpython_parser::{Mode, Parse, ParseErrorType, Tok};

use crate::source::{Location, SourceMap};
use crate::syntax;

/// CPython's tokenizer limit on nested brackets (`MAXLEVEL`).
pub const MAX_BRACKET_NESTING: usize = 200;
/// CPython's tokenizer limit on indentation levels (`MAXINDENT`).
pub const MAX_INDENT_LEVELS: usize = 99;

/// A parsed program: its statements and the map from AST byte offsets to
/// `line:col` in its source.
#[derive(Debug)]
pub struct Module {
    /// The file name the program was read from (as given by the caller).
    pub path: String,
    /// The top-level statements.
    pub body: Vec<ast::Stmt>,
    /// Positions of the AST's byte offsets in the source.
    pub source: SourceMap,
}

impl Module {
    /// The 1-based location where `node` starts.
    pub fn location<T: Ranged>(&self, node: &T) -> Location {
        self.source.location_of(node.start())
    }
}

/// Why a program could not be parsed. Prints (via `Display`) like CPython:
///
/// ```text
///   File "x.py", line 3
///     x = = 1
///         ^
/// SyntaxError: invalid syntax
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxErrorInfo {
    /// The exception class: `SyntaxError`, `IndentationError`, `TabError`
    /// or (for programs nested too deeply to compile) `RecursionError`.
    pub kind: &'static str,
    /// The message after `kind: `.
    pub message: String,
    /// The file name.
    pub path: String,
    /// 1-based line and column of the error.
    pub location: Location,
    /// The text of the offending line (without its line end).
    pub line_text: String,
}

impl SyntaxErrorInfo {
    /// A syntax error of class `kind` at `location` of `source`.
    pub fn new(kind: &'static str, message: impl Into<String>, path: &str, source: &SourceMap, location: Location) -> Self {
        SyntaxErrorInfo {
            kind,
            message: message.into(),
            path: path.to_string(),
            location,
            line_text: source.line_text(location.line).to_string(),
        }
    }
}

impl std::fmt::Display for SyntaxErrorInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.kind == "RecursionError" {
            // CPython reports compile-time recursion without a source excerpt.
            return write!(f, "{}: {}", self.kind, self.message);
        }
        writeln!(f, "  File \"{}\", line {}", self.path, self.location.line)?;
        let text = self.line_text.trim_end();
        let trimmed = text.trim_start();
        if !trimmed.is_empty() {
            let indent = text.chars().count() - trimmed.chars().count();
            writeln!(f, "    {trimmed}")?;
            let caret_col = self.location.col.saturating_sub(1).saturating_sub(indent);
            writeln!(f, "    {}^", " ".repeat(caret_col.min(trimmed.chars().count())))?;
        }
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for SyntaxErrorInfo {}

/// Parse `source` (read from `path`) into a [`Module`], or report the first
/// syntax error the way CPython would.
///
/// Runs on a helper thread with a large stack (see [`with_large_stack`]), so
/// that hostile nesting is reported as an error instead of overflowing the
/// caller's stack.
pub fn parse(path: &str, source: &str) -> Result<Module, SyntaxErrorInfo> {
    with_large_stack(|| parse_here(path, source))
}

/// Stack size for [`with_large_stack`]: address space only, committed as used.
pub const LARGE_STACK_BYTES: usize = 512 << 20;

/// Run `f` on a scoped thread with a [`LARGE_STACK_BYTES`] stack (or on the
/// current thread if no thread can be started). Recursive passes over a
/// validated AST stay within [`crate::syntax::MAX_AST_DEPTH`] levels; this
/// gives them room whatever the caller's stack is.
pub fn with_large_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let mut f = Some(f);
    let outcome = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("tfjit-frontend".to_string())
            .stack_size(LARGE_STACK_BYTES)
            .spawn_scoped(scope, || f.take().map(|f| f()));
        match spawned {
            Ok(handle) => match handle.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => None,
        }
    });
    match (outcome, f) {
        (Some(v), _) => v,
        (None, Some(f)) => f(),
        (None, None) => unreachable!("the closure ran but returned nothing"),
    }
}

fn parse_here(path: &str, source: &str) -> Result<Module, SyntaxErrorInfo> {
    let map = SourceMap::new(source);
    if let Some(at) = source.find('\0') {
        let loc = map.location(at);
        return Err(SyntaxErrorInfo::new("SyntaxError", "source code cannot contain null bytes", path, &map, loc));
    }
    let unclosed = check_token_limits(path, source, &map)?;
    let body = match ast::Suite::parse(source, path) {
        Ok(body) => body,
        Err(err) => {
            // Like CPython: a generic syntax error in a file whose tokens leave
            // a bracket open is reported as that bracket.
            let generic = !matches!(err.error, ParseErrorType::Lexical(ref l) if *l != LexicalErrorType::Eof);
            if let (true, Some((bracket, at))) = (generic, unclosed) {
                let loc = map.location_of(at);
                return Err(SyntaxErrorInfo::new("SyntaxError", format!("'{bracket}' was never closed"), path, &map, loc));
            }
            let location = map.location_of(err.offset);
            let (kind, message) = describe_parse_error(&err.error);
            return Err(SyntaxErrorInfo::new(kind, message, path, &map, location));
        }
    };
    if let Err(e) = syntax::validate(&body, source) {
        let err = SyntaxErrorInfo::new(e.kind, e.message, path, &map, map.location_of(e.offset));
        if e.kind == "RecursionError" {
            // The tree is too deep to drop recursively without risking the
            // stack; the process reports the error and exits, so leak it.
            std::mem::forget(body);
        }
        return Err(err);
    }
    Ok(Module { path: path.to_string(), body, source: map })
}

/// CPython's tokenizer limits: too many nested brackets or indentation
/// levels are syntax errors before any parsing. Lexical errors are left to
/// the parser, which reports them with more context. Returns the first
/// bracket left open when the tokens end, if any.
fn check_token_limits(path: &str, source: &str, map: &SourceMap) -> Result<Option<(char, TextSize)>, SyntaxErrorInfo> {
    let mut brackets: Vec<(char, TextSize)> = Vec::new();
    let mut indents = 0usize;
    for token in lexer::lex(source, Mode::Module) {
        let Ok((tok, range)) = token else { break };
        match tok {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => {
                let c = match tok {
                    Tok::Lpar => '(',
                    Tok::Lsqb => '[',
                    _ => '{',
                };
                brackets.push((c, range.start()));
                if brackets.len() > MAX_BRACKET_NESTING {
                    let loc = map.location_of(range.start());
                    return Err(SyntaxErrorInfo::new("SyntaxError", "too many nested parentheses", path, map, loc));
                }
            }
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => {
                brackets.pop();
            }
            Tok::Indent => {
                indents += 1;
                if indents > MAX_INDENT_LEVELS {
                    let loc = map.location_of(range.start());
                    return Err(SyntaxErrorInfo::new("IndentationError", "too many levels of indentation", path, map, loc));
                }
            }
            Tok::Dedent => indents = indents.saturating_sub(1),
            _ => {}
        }
    }
    Ok(brackets.first().copied())
}

/// The exception class and CPython-like message for a parser error.
fn describe_parse_error(err: &ParseErrorType) -> (&'static str, String) {
    match err {
        ParseErrorType::Eof => ("SyntaxError", "unexpected EOF while parsing".to_string()),
        ParseErrorType::UnrecognizedToken(Tok::Indent, _) => ("IndentationError", "unexpected indent".to_string()),
        ParseErrorType::UnrecognizedToken(_, Some(expected)) if expected == "Indent" => {
            ("IndentationError", "expected an indented block".to_string())
        }
        ParseErrorType::UnrecognizedToken(tok, _) | ParseErrorType::ExtraToken(tok) => {
            ("SyntaxError", format!("invalid syntax (unexpected {})", token_name(tok)))
        }
        ParseErrorType::InvalidToken => ("SyntaxError", "invalid syntax".to_string()),
        ParseErrorType::Lexical(lex) => match lex {
            LexicalErrorType::IndentationError => ("IndentationError", lex.to_string()),
            LexicalErrorType::TabError | LexicalErrorType::TabsAfterSpaces => ("TabError", lex.to_string()),
            LexicalErrorType::Eof => ("SyntaxError", "unexpected EOF while parsing".to_string()),
            LexicalErrorType::NestingError => ("SyntaxError", "unmatched bracket".to_string()),
            LexicalErrorType::UnrecognizedToken { tok } => ("SyntaxError", format!("invalid character '{tok}'")),
            LexicalErrorType::StringError | LexicalErrorType::UnicodeError => {
                ("SyntaxError", "invalid string literal".to_string())
            }
            _ => ("SyntaxError", lex.to_string()),
        },
    }
}

/// How a token is named in an error message.
fn token_name(tok: &Tok) -> String {
    match tok {
        Tok::Newline => "end of line".to_string(),
        Tok::Dedent => "dedent".to_string(),
        Tok::EndOfFile => "end of file".to_string(),
        Tok::Name { name } => format!("name '{name}'"),
        Tok::Int { .. } | Tok::Float { .. } | Tok::Complex { .. } => "number".to_string(),
        Tok::String { .. } => "string".to_string(),
        other => {
            let s = other.to_string();
            if s.starts_with('\'') { s } else { format!("'{s}'") }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> SyntaxErrorInfo {
        parse("t.py", src).expect_err("should not parse")
    }

    #[test]
    fn parses_a_small_program() {
        let m = parse("t.py", "import tensorflow as tf\nx = tf.constant(1)\nprint(x)\n").unwrap();
        assert_eq!(m.body.len(), 3);
        assert_eq!(m.location(&m.body[1]), Location { line: 2, col: 1 });
    }

    #[test]
    fn reports_python_style_syntax_errors() {
        let e = err("x = 1\ny = = 2\n");
        assert_eq!(e.kind, "SyntaxError");
        assert_eq!(e.location.line, 2);
        let text = e.to_string();
        assert!(text.starts_with("  File \"t.py\", line 2\n    y = = 2\n"), "{text}");
        assert!(text.lines().last().unwrap().starts_with("SyntaxError: "), "{text}");
    }

    #[test]
    fn indentation_errors_have_their_own_class() {
        assert_eq!(err("x = 1\n    y = 2\n").kind, "IndentationError");
        assert_eq!(err("def f():\nreturn 1\n").kind, "IndentationError");
    }

    #[test]
    fn unclosed_brackets_and_null_bytes() {
        let e = err("x = [1, 2\ny = (3,\n");
        assert_eq!((e.message.as_str(), e.location.line), ("'[' was never closed", 1));
        assert_eq!(err("x = 1\0\n").message, "source code cannot contain null bytes");
    }

    #[test]
    fn tokenizer_limits() {
        let deep = format!("x = {}1{}\n", "(".repeat(300), ")".repeat(300));
        assert_eq!(err(&deep).message, "too many nested parentheses");
        let mut src = String::new();
        for i in 0..120 {
            src.push_str(&" ".repeat(i));
            src.push_str("if x:\n");
        }
        src.push_str(&" ".repeat(120));
        src.push_str("pass\n");
        assert_eq!(err(&src).kind, "IndentationError");
    }

    #[test]
    fn very_deep_expressions_are_a_recursion_error_not_a_crash() {
        let src = format!("x = {}1\n", "-".repeat(200_000));
        let e = err(&src);
        assert_eq!(e.kind, "RecursionError");
        assert_eq!(e.to_string(), "RecursionError: maximum recursion depth exceeded during compilation");
    }
}
