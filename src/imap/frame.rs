//! Framing: where one complete server response ends in the bytes read so far. A response is
//! one line, or several when it carries literals (`{n}` at a line's end announces `n` bytes
//! that follow the CRLF, then the response continues). The scan is incremental: bytes already
//! looked at are not looked at again, and a literal's bytes are skipped without being read, so
//! a 30 MB message is scanned once and decoded once, when its frame is complete.

/// Longest stretch of line text (outside literals) accepted in one response: a `SEARCH` for a
/// million UIDs is ~8 MB, so this only stops a broken server from growing memory for ever.
pub const MAX_LINE: usize = 64 << 20;
/// Largest literal accepted.
pub const MAX_LITERAL: usize = 1 << 30;

/// The scanning state of the response being received. Offsets are relative to the
/// response's first byte.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Framer {
    /// Where the current line starts.
    line_start: usize,
    /// Scanned up to here (the next LF is searched from here; past a literal's end when the
    /// literal is not complete yet).
    scan: usize,
    /// Line bytes scanned since the last literal (for [`MAX_LINE`]).
    line_bytes: usize,
    /// The literals of the response so far: where `{` is, where the data starts, its length.
    literals: Vec<Literal>,
}

/// Where a literal is inside its response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Literal {
    /// The offset of the `{` that announces it.
    pub brace: usize,
    /// The offset of its first data byte.
    pub start: usize,
    pub len: usize,
}

/// What the bytes so far hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framed {
    /// A complete response of this many bytes.
    Complete(usize),
    /// Not yet; the response is at least this long (more than the bytes so far when a
    /// literal is announced, so the reader can make room for all of it at once).
    Need(usize),
}

impl Framer {
    /// Looks at `data` (the response's bytes received so far, from its first byte). After
    /// [`Framed::Complete`], [`Self::take_literals`] tells where the response's literals are.
    pub fn advance(&mut self, data: &[u8]) -> Result<Framed, String> {
        if self.scan == 0 {
            self.literals.clear();
        }
        loop {
            let Some(unscanned) = data.get(self.scan..) else {
                return Ok(Framed::Need(self.scan));
            };
            let Some(nl) = memchr(b'\n', unscanned) else {
                self.line_bytes += data.len() - self.scan;
                self.scan = data.len();
                if self.line_bytes > MAX_LINE {
                    return Err("the server sent an overlong line".to_string());
                }
                return Ok(Framed::Need(data.len() + 1));
            };
            let line_end = self.scan + nl + 1;
            self.line_bytes += nl + 1;
            if self.line_bytes > MAX_LINE {
                return Err("the server sent an overlong line".to_string());
            }
            // line_start <= scan < line_end <= data.len(): the line just found.
            let line = data.get(self.line_start..line_end).unwrap_or_default();
            match literal_len(line) {
                Some(n) if n > MAX_LITERAL => {
                    return Err(format!("the server announced a literal of {n} bytes"))
                }
                Some(n) => {
                    let brace = line.iter().rposition(|&b| b == b'{').unwrap_or(0);
                    self.literals.push(Literal {
                        brace: self.line_start + brace,
                        start: line_end,
                        len: n,
                    });
                    self.scan = line_end + n;
                    self.line_start = self.scan;
                    self.line_bytes = 0;
                }
                None => {
                    self.line_start = 0;
                    self.scan = 0;
                    self.line_bytes = 0;
                    return Ok(Framed::Complete(line_end));
                }
            }
        }
    }
}

impl Framer {
    /// The literals of the response just completed.
    pub fn literals(&self) -> &[Literal] {
        &self.literals
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// The length of a literal announced at the end of a line: `... {123}\r\n`, `{123+}` or
/// `~{123}` (RFC 3516 literal8).
pub fn literal_len(line: &[u8]) -> Option<usize> {
    let line = line.strip_suffix(b"\n")?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_suffix(b"}")?;
    let open = line.iter().rposition(|&b| b == b'{')?;
    let digits = line.get(open + 1..)?;
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || digits.len() > 12 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `data` in chunks of `chunk` bytes, like reads from a socket; returns the frames.
    fn frames(data: &[u8], chunk: usize) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut pending: Vec<u8> = Vec::new();
        let mut f = Framer::default();
        for c in data.chunks(chunk) {
            pending.extend_from_slice(c);
            while let Framed::Complete(n) = f.advance(&pending).unwrap() {
                out.push(pending.drain(..n).collect());
            }
        }
        assert!(pending.is_empty(), "left over: {pending:?}");
        out
    }

    #[test]
    fn literals_are_kept_inside_their_response_in_any_chunking() {
        let data = b"* 1 FETCH (UID 5 BODY[] {12}\r\nab\r\ncd\r\n\r\nxy)\r\n* 2 EXISTS\r\n\
* 3 FETCH (UID 9 BODY[HEADER] {4}\r\n{2}\n BODY[TEXT] {0}\r\n)\r\na1 OK done\r\n";
        for chunk in [1, 2, 3, 7, 64, 4096] {
            let f = frames(data, chunk);
            assert_eq!(f.len(), 4, "chunk {chunk}");
            assert!(f[0].ends_with(b"xy)\r\n"));
            assert_eq!(f[1], b"* 2 EXISTS\r\n");
            assert!(f[2].starts_with(b"* 3 FETCH") && f[2].ends_with(b")\r\n"));
            assert_eq!(f[3], b"a1 OK done\r\n");
        }
    }

    #[test]
    fn a_big_literal_asks_for_all_of_its_room_at_once() {
        let mut f = Framer::default();
        let head = b"* 1 FETCH (BODY[] {30000000}\r\n";
        assert_eq!(
            f.advance(head).unwrap(),
            Framed::Need(head.len() + 30_000_000)
        );
        // More bytes of the literal: nothing is rescanned, the need stays.
        let mut more = head.to_vec();
        more.extend(std::iter::repeat_n(b'x', 1000));
        assert_eq!(
            f.advance(&more).unwrap(),
            Framed::Need(head.len() + 30_000_000)
        );
    }

    #[test]
    fn literal_len_table() {
        for (line, want) in [
            (&b"* 1 FETCH (BODY[] {12}\r\n"[..], Some(12)),
            (b"APPEND x {5+}\r\n", Some(5)),
            (b"* 1 FETCH (BINARY[] ~{7}\r\n", Some(7)),
            (b"* OK no literal\r\n", None),
            (b"* OK {abc}\r\n", None),
            (b"* OK {}\r\n", None),
            (b"* OK {99999999999999}\r\n", None),
        ] {
            assert_eq!(literal_len(line), want, "{line:?}");
        }
    }

    #[test]
    fn overlong_lines_and_literals_are_refused() {
        let mut f = Framer::default();
        let big = format!("* 1 FETCH (BODY[] {{{}}}\r\n", MAX_LITERAL + 1);
        assert!(f.advance(big.as_bytes()).is_err());
        let mut f = Framer::default();
        let line = vec![b'a'; MAX_LINE + 2];
        assert!(f.advance(&line).is_err());
    }
}
