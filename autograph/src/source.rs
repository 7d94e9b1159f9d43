//! Source positions: byte offsets (as carried by the AST's `TextRange`s)
//! to 1-based `line:col`, and the text of a line for error carets.

/// A 1-based position in a source file. `col` counts characters (not bytes)
/// from the start of the line, starting at 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// Maps byte offsets of one source text to lines and columns.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    text: String,
    /// Byte offset where each line starts; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
}

impl SourceMap {
    /// Index `text` (any of `\n`, `\r\n`, `\r` ends a line, as in Python).
    pub fn new(text: &str) -> SourceMap {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    line_starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        SourceMap { text: text.to_string(), line_starts }
    }

    /// The source text this map indexes.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of lines (a trailing newline does not start a new line).
    pub fn line_count(&self) -> usize {
        match self.line_starts.last() {
            Some(&last) if last == self.text.len() && self.line_starts.len() > 1 => {
                self.line_starts.len() - 1
            }
            _ => self.line_starts.len(),
        }
    }

    /// The 1-based location of byte `offset` (clamped to the text; an offset
    /// inside a multi-byte character counts as that character).
    pub fn location(&self, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        // Index of the last line start <= offset.
        let idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(idx).copied().unwrap_or(0);
        let prefix = self.text.get(start..offset).map_or(0, |s| s.chars().count());
        Location { line: idx + 1, col: prefix + 1 }
    }

    /// The 1-based location of a `TextSize` offset from the parser.
    pub fn location_of(&self, offset: rustpython_parser::text_size::TextSize) -> Location {
        self.location(u32::from(offset) as usize)
    }

    /// The text of 1-based line `line`, without its line end (`""` if out of range).
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = line.checked_sub(1).and_then(|i| self.line_starts.get(i)) else {
            return "";
        };
        let end = self.line_starts.get(line).copied().unwrap_or(self.text.len());
        self.text.get(start..end).unwrap_or("").trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_to_lines_and_columns() {
        let m = SourceMap::new("ab\ncé d\r\nx");
        assert_eq!(m.location(0), Location { line: 1, col: 1 });
        assert_eq!(m.location(1), Location { line: 1, col: 2 });
        assert_eq!(m.location(3), Location { line: 2, col: 1 });
        // 'é' is two bytes: "cé " -> ' ' at byte 6 is column 3.
        assert_eq!(m.location(6), Location { line: 2, col: 3 });
        assert_eq!(m.location(10), Location { line: 3, col: 1 });
        assert_eq!(m.location(999), Location { line: 3, col: 2 });
        assert_eq!(m.line_text(2), "cé d");
        assert_eq!(m.line_text(3), "x");
        assert_eq!(m.line_text(4), "");
        assert_eq!(m.line_count(), 3);
    }

    #[test]
    fn offset_inside_a_character_does_not_panic() {
        let m = SourceMap::new("é");
        assert_eq!(m.location(1), Location { line: 1, col: 1 });
    }
}
