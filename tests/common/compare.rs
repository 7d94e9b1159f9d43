//! The output comparison of `shared/conformance/compare.py`, ported:
//! numbers match with a relative tolerance of 1e-5 or an absolute one of
//! 1e-6 (integers exactly); other text matches after runs of spaces/tabs
//! collapse to one space and line ends are stripped.

/// Relative tolerance for numbers.
pub const REL_TOL: f64 = 1e-5;
/// Absolute tolerance for numbers.
pub const ABS_TOL: f64 = 1e-6;

/// A piece of a line: text or a number token.
#[derive(Debug, PartialEq)]
enum Token<'a> {
    Text(&'a str),
    Num(&'a str),
}

/// Strip the line end and collapse runs of spaces and tabs to one space.
pub fn normalize(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_ws = false;
    for c in line.trim_end().chars() {
        if c == ' ' || c == '\t' {
            if !in_ws {
                out.push(' ');
            }
            in_ws = true;
        } else {
            out.push(c);
            in_ws = false;
        }
    }
    out
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn digits(s: &[u8], i: usize) -> usize {
    s[i.min(s.len())..].iter().take_while(|c| c.is_ascii_digit()).count()
}

/// End of an exponent `[eE][-+]?\d+` starting at `i`, if there is one.
fn exponent(s: &[u8], i: usize) -> Option<usize> {
    if !matches!(s.get(i), Some(b'e' | b'E')) {
        return None;
    }
    let mut j = i + 1;
    if matches!(s.get(j), Some(b'-' | b'+')) {
        j += 1;
    }
    let d = digits(s, j);
    (d > 0).then_some(j + d)
}

/// The end of the number token starting at byte `start`, following the
/// regular expression of compare.py and its order of alternatives. Only
/// maximal digit runs need trying: a shorter run is always followed by a
/// digit, which the final `(?![A-Za-z0-9_])` rejects.
fn number_at(s: &[u8], start: usize) -> Option<usize> {
    if start > 0 && (is_word(s[start - 1]) || s[start - 1] == b'.') {
        return None;
    }
    let body = if matches!(s.get(start), Some(b'-' | b'+')) { start + 1 } else { start };
    let mut candidates: Vec<usize> = Vec::new();
    let int_len = digits(s, body);
    // (?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?
    let mantissa_end = if int_len > 0 && s.get(body + int_len) == Some(&b'.') {
        Some(body + int_len + 1 + digits(s, body + int_len + 1))
    } else if int_len == 0 && s.get(body) == Some(&b'.') && digits(s, body + 1) > 0 {
        Some(body + 1 + digits(s, body + 1))
    } else {
        None
    };
    if let Some(m) = mantissa_end {
        candidates.extend(exponent(s, m));
        candidates.push(m);
    }
    if int_len > 0 {
        // \d+[eE][-+]?\d+
        candidates.extend(exponent(s, body + int_len));
        // \d+
        candidates.push(body + int_len);
    }
    for word in ["nan", "NaN", "inf", "Inf", "infinity", "Infinity"] {
        if s[body.min(s.len())..].starts_with(word.as_bytes()) {
            candidates.push(body + word.len());
        }
    }
    candidates.into_iter().find(|&end| !s.get(end).is_some_and(|&c| is_word(c)))
}

fn tokenize(line: &str) -> Vec<Token<'_>> {
    let s = line.as_bytes();
    let mut out = Vec::new();
    let (mut pos, mut i) = (0, 0);
    while i < s.len() {
        // Number tokens start at ASCII bytes, so `i` is a char boundary.
        if let Some(end) = number_at(s, i).filter(|&e| e > i) {
            if i > pos {
                out.push(Token::Text(&line[pos..i]));
            }
            out.push(Token::Num(&line[i..end]));
            pos = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if pos < s.len() {
        out.push(Token::Text(&line[pos..]));
    }
    out
}

/// `Some((negative, digits without leading zeros))` if `s` is an integer.
fn as_int(s: &str) -> Option<(bool, &str)> {
    let (neg, d) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if d.is_empty() || !d.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let d = d.trim_start_matches('0');
    Some((neg && !d.is_empty(), d))
}

fn to_float(s: &str) -> Option<f64> {
    s.parse::<f64>().ok()
}

/// compare.py's `numbers_match`.
pub fn numbers_match(exp: &str, got: &str) -> bool {
    if let Some(e) = as_int(exp) {
        return as_int(got) == Some(e);
    }
    let (Some(a), Some(b)) = (to_float(exp), to_float(got)) else { return exp == got };
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= (REL_TOL * a.abs().max(b.abs())).max(ABS_TOL)
}

/// compare.py's `lines_match`.
pub fn lines_match(exp_line: &str, got_line: &str) -> bool {
    let e = normalize(exp_line);
    let g = normalize(got_line);
    if e == g {
        return true;
    }
    let te = tokenize(&e);
    let tg = tokenize(&g);
    te.len() == tg.len()
        && te.iter().zip(&tg).all(|pair| match pair {
            (Token::Text(a), Token::Text(b)) => a == b,
            (Token::Num(a), Token::Num(b)) => numbers_match(a, b),
            _ => false,
        })
}

fn split_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    lines
}

/// compare.py's `first_difference`: `None` if the outputs match, else the
/// 1-based line number and the expected and actual lines (`<EOF>` past the end).
pub fn first_difference(expected: &str, got: &str) -> Option<(usize, String, String)> {
    let el = split_lines(expected);
    let gl = split_lines(got);
    for i in 0..el.len().max(gl.len()) {
        let (e, g) = (el.get(i), gl.get(i));
        match (e, g) {
            (Some(e), Some(g)) if lines_match(e, g) => continue,
            _ => {
                let show = |l: Option<&&str>| l.map_or("<EOF>".to_string(), |l| l.trim_end().to_string());
                return Some((i + 1, show(e), show(g)));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_follow_compare_py() {
        let nums = |l: &str| -> Vec<String> {
            tokenize(l).into_iter().filter_map(|t| match t {
                Token::Num(n) => Some(n.to_string()),
                Token::Text(_) => None,
            }).collect()
        };
        assert_eq!(nums("tf.Tensor([1. 2.5 -3.], shape=(3,), dtype=float32)"), ["1.", "2.5", "-3.", "3"]);
        assert_eq!(nums("float32 v1 info 1.e-08 1.2345679e+08 nan -inf"), ["1.e-08", "1.2345679e+08", "nan", "-inf"]);
        assert_eq!(nums("a-1 x+1.5 1.5e5x 3e"), ["1", "1.5", "1"]);
        assert_eq!(nums("infinity Infinity .5 -0."), ["infinity", "Infinity", ".5", "-0."]);
    }

    #[test]
    fn lines_compare_like_compare_py() {
        assert!(lines_match("[1.  2.5]", "[1.0000001 2.5]"));
        assert!(lines_match("x   =\t1  ", "x = 1"));
        assert!(!lines_match("3", "3.0"));
        assert!(!lines_match("3", "4"));
        assert!(lines_match("007", "7"));
        assert!(lines_match("-0.", "0.0"));
        assert!(lines_match("nan", "NaN"));
        assert!(!lines_match("inf", "-inf"));
        assert!(!lines_match("1.0", "1.1"));
        assert!(lines_match("1e-7", "0.0"));
        assert!(!lines_match("shape=(3,)", "shape=(3, )"));
        assert!(!lines_match("float32", "float64"));
    }

    #[test]
    fn first_difference_reports_the_line() {
        assert_eq!(first_difference("a\nb\n", "a\nb"), None);
        assert_eq!(first_difference("a\r\nb\n", "a\nb\n"), None);
        assert_eq!(first_difference("a\nb\n", "a\nc\n"), Some((2, "b".into(), "c".into())));
        assert_eq!(first_difference("a\n", "a\nextra\n"), Some((2, "<EOF>".into(), "extra".into())));
    }
}
