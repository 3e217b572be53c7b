//! Byte-string mutations: bit flips, byte inserts and deletes, dictionary
//! tokens, long runs, and splices of two corpus entries.

use kplay_engine::rng::SimRng;

/// Tokens every target's mutator uses: JSON punctuation and keywords, edge
/// numbers (Java int and long bounds and one past them, subnormal and huge
/// floats), percent escapes, markup, and path-like names.
pub const COMMON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "false",
    "0",
    "1",
    "-1",
    "-0",
    "2",
    "2147483647",
    "2147483648",
    "-2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "18446744073709551616",
    "99999999999999999999999999",
    "9007199254740993",
    "1e-320",
    "1e308",
    "1e309",
    "-1e308",
    "0.5",
    "1.5",
    "NaN",
    "Infinity",
    "%",
    "%41",
    "%zz",
    "%4",
    "%%",
    "<script>",
    ".",
    "..",
    "=",
    "&",
    "\\",
    "\\u0000",
    "\\ud800",
    "é",
    "\u{feff}",
    " ",
    "\n",
    "\r\n",
    "\t",
];

/// A mutator for one target.
pub struct Mutator<'a> {
    rng: SimRng,
    tokens: Vec<&'a str>,
    max_len: usize,
}

impl<'a> Mutator<'a> {
    /// A mutator seeded with `seed`, using `extra` tokens besides
    /// [`COMMON_TOKENS`], producing inputs of at most `max_len` bytes.
    pub fn new(seed: u64, extra: &'a [&'a str], max_len: usize) -> Self {
        let mut tokens: Vec<&str> = COMMON_TOKENS.to_vec();
        tokens.extend_from_slice(extra);
        Self {
            rng: SimRng::seeded(seed),
            tokens,
            max_len: max_len.max(1),
        }
    }

    /// A value in `0..n` (`n` ≥ 1).
    pub fn below(&mut self, n: usize) -> usize {
        self.rng.below(n as u64) as usize
    }

    fn token(&mut self) -> &'a str {
        let i = self.below(self.tokens.len());
        self.tokens[i]
    }

    /// Mutates `data` in place with 1 to 4 stacked mutations; `other` is a
    /// second corpus entry for splicing.
    pub fn mutate(&mut self, data: &mut Vec<u8>, other: &[u8]) {
        let rounds = 1 + self.below(4);
        for _ in 0..rounds {
            self.one(data, other);
        }
        data.truncate(self.max_len);
    }

    fn pos(&mut self, data: &[u8]) -> usize {
        self.below(data.len() + 1)
    }

    fn one(&mut self, data: &mut Vec<u8>, other: &[u8]) {
        match self.below(11) {
            // Flip one bit.
            0 if !data.is_empty() => {
                let i = self.below(data.len());
                data[i] ^= 1 << self.below(8);
            }
            // Set one byte to a random or an interesting value.
            1 if !data.is_empty() => {
                let i = self.below(data.len());
                const SPECIAL: [u8; 10] =
                    [0, 0x7f, 0x80, 0xff, b'"', b'\\', b'%', b'.', b'=', b'&'];
                data[i] = if self.below(2) == 0 {
                    self.rng.next_u32() as u8
                } else {
                    SPECIAL[self.below(SPECIAL.len())]
                };
            }
            // Insert random bytes.
            2 => {
                let at = self.pos(data);
                let n = 1 + self.below(4);
                for _ in 0..n {
                    data.insert(at, self.rng.next_u32() as u8);
                }
            }
            // Delete a range.
            3 if !data.is_empty() => {
                let at = self.below(data.len());
                let n = 1 + self.below((data.len() - at).min(16));
                data.drain(at..at + n);
            }
            // Insert a dictionary token.
            4 | 5 => {
                let at = self.pos(data);
                let t = self.token().as_bytes();
                data.splice(at..at, t.iter().copied());
            }
            // Replace a range with a dictionary token.
            6 if !data.is_empty() => {
                let at = self.below(data.len());
                let n = 1 + self.below((data.len() - at).min(8));
                let t = self.token().as_bytes();
                data.splice(at..at + n, t.iter().copied());
            }
            // Replace a run of digits with an edge number.
            7 => {
                let digits: Vec<usize> = (0..data.len())
                    .filter(|&i| data[i].is_ascii_digit())
                    .collect();
                if digits.is_empty() {
                    return;
                }
                let start = digits[self.below(digits.len())];
                let mut end = start;
                while end < data.len() && data[end].is_ascii_digit() {
                    end += 1;
                }
                const NUMS: [&str; 12] = [
                    "0",
                    "-1",
                    "1",
                    "2147483647",
                    "2147483648",
                    "4294967296",
                    "9223372036854775807",
                    "9223372036854775808",
                    "1e-320",
                    "1e309",
                    "9007199254740993",
                    "10000",
                ];
                let n = NUMS[self.below(NUMS.len())].as_bytes();
                data.splice(start..end, n.iter().copied());
            }
            // A long run: repeat one byte or a chunk.
            8 => {
                let at = self.pos(data);
                let len = 1 + self.below(self.max_len.min(4096));
                if data.is_empty() || self.below(2) == 0 {
                    let b = if data.is_empty() {
                        b'a'
                    } else {
                        data[self.below(data.len())]
                    };
                    data.splice(at..at, std::iter::repeat_n(b, len));
                } else {
                    let s = self.below(data.len());
                    let e = s + 1 + self.below((data.len() - s).min(32));
                    let chunk = data[s..e].to_vec();
                    let times = 1 + len / chunk.len();
                    let rep: Vec<u8> = chunk
                        .iter()
                        .copied()
                        .cycle()
                        .take(chunk.len() * times.min(256))
                        .collect();
                    data.splice(at..at, rep);
                }
            }
            // Splice: a prefix of this entry and a suffix of the other.
            9 if !other.is_empty() => {
                let cut = self.pos(data);
                let from = self.below(other.len());
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            // Swap two ranges' order (moves structure around).
            _ if data.len() > 2 => {
                let a = self.below(data.len());
                let b = self.below(data.len());
                data.swap(a, b);
            }
            _ => data.push(self.token().as_bytes().first().copied().unwrap_or(b'0')),
        }
        if data.len() > self.max_len {
            data.truncate(self.max_len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_seeded_and_bounded() {
        let run = |seed| {
            let mut m = Mutator::new(seed, &["topics"], 64);
            let mut d = b"{\"topics\": {\"t\": 3}}".to_vec();
            let mut out = Vec::new();
            for _ in 0..200 {
                m.mutate(&mut d, b"[1,2]");
                assert!(d.len() <= 64);
                out.push(d.clone());
            }
            out
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }
}
