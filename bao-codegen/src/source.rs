//! Stage 1 (read): schema source files, byte spans, and byte offset <-> line:column mapping.
//!
//! Every later stage refers to text through a [`Span`] (a file id and a byte range); a
//! [`SourceMap`] turns it back into a file name, a line and a column for diagnostics.

use std::ops::Range;
use std::sync::Arc;

/// One schema file held in memory.
#[derive(Debug)]
pub(crate) struct SourceFile {
    name: String,
    text: String,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// A file with this display name (e.g. `models.yaml`) and contents.
    pub(crate) fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The display name, as given.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The 1-based line and 1-based column (in characters) of a byte offset. Offsets past the
    /// end, or inside a multi-byte character, are clamped to the previous character boundary.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_boundary(offset);
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let column = self.text[start..offset].chars().count() + 1;
        (line, column)
    }

    /// The byte offset of a 1-based line and 1-based column (in characters), clamped to the
    /// end of that line, or of the file.
    pub(crate) fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let end = self.line_end(start);
        self.text[start..end]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(end, |(at, _)| start + at)
    }

    /// The byte range of the lines that `span` touches, without the final line break.
    pub(crate) fn line_range(&self, span: Range<usize>) -> Range<usize> {
        let start = self.floor_boundary(span.start);
        let end = self.floor_boundary(span.end.max(start));
        let first = self.line_starts[self.line_starts.partition_point(|&s| s <= start) - 1];
        (first)..self.line_end(end.max(first))
    }

    /// The number of the line containing a byte offset (1-based).
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.line_col(offset).0
    }

    fn line_end(&self, offset: usize) -> usize {
        self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |at| offset + at)
    }

    fn floor_boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

impl miette::SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// Identifies a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct FileId(usize);

impl FileId {
    /// The load order of the file.
    pub(crate) fn index(self) -> usize {
        self.0
    }
}

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Span {
    /// The file.
    pub(crate) file: FileId,
    /// Start byte offset.
    pub(crate) start: usize,
    /// End byte offset (exclusive).
    pub(crate) end: usize,
}

impl Span {
    /// The byte range.
    pub(crate) fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

/// A value and the span it was read from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Located<T> {
    /// The value.
    pub(crate) value: T,
    /// Where it is written.
    pub(crate) span: Span,
}

impl<T> Located<T> {
    /// Pairs a value with its span.
    pub(crate) fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// Every file of one schema, in load order.
#[derive(Debug, Default, Clone)]
pub(crate) struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    /// Adds a file and returns its id.
    pub(crate) fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(Arc::new(file));
        FileId(self.files.len() - 1)
    }

    /// The file with this id.
    pub(crate) fn file(&self, id: FileId) -> &Arc<SourceFile> {
        &self.files[id.0]
    }

    /// The display name of a span's file and the 1-based line of its start.
    pub(crate) fn line_of(&self, span: Span) -> (&str, usize) {
        let file = self.file(span.file);
        (file.name(), file.line_of(span.start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let file = SourceFile::new("m.yaml", "ab\nçd: x\n\nlast");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(2), (1, 3));
        assert_eq!(file.line_col(3), (2, 1));
        // `ç` is two bytes: `d` is byte 5 but column 2.
        assert_eq!(file.line_col(5), (2, 2));
        assert_eq!(file.line_col(4), (2, 1), "inside a character clamps back");
        assert_eq!(file.line_col(10), (3, 1));
        assert_eq!(file.line_col(11), (4, 1));
        assert_eq!(file.line_col(14), (4, 4));
        assert_eq!(file.line_col(999), (4, 5));
    }

    #[test]
    fn offset_is_the_inverse_of_line_col() {
        let text = "ab\nçd: x\n\nlast";
        let file = SourceFile::new("m.yaml", text);
        for (offset, _) in text.char_indices() {
            let (line, column) = file.line_col(offset);
            assert_eq!(file.offset(line, column), offset, "offset {offset}");
        }
        assert_eq!(file.offset(2, 99), 9, "clamped to the end of the line");
        assert_eq!(file.offset(99, 1), text.len());
    }

    #[test]
    fn line_range_covers_whole_lines() {
        let file = SourceFile::new("m.yaml", "one\ntwo\nthree\n");
        assert_eq!(file.line_range(5..6), 4..7);
        assert_eq!(file.line_range(1..9), 0..13);
        assert_eq!(file.line_range(14..14), 14..14);
    }
}
