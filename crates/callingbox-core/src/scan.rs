//! A forward scanner for JSON text that the host's `JSON.parse` has already accepted: it
//! steps over values without building them or re-checking the grammar, so the response
//! decoder can check a body's shape in one pass with no allocation (`response::quick`).
//!
//! It trusts nothing it needs for safety: every read is bounds-checked, every step moves
//! forward, nesting is bounded, and anything it does not expect ends the scan with `None`
//! (the full decoder then decides). Only its verdicts rely on the text being valid JSON.

use super::json::MAX_DEPTH;

/// A member key as written, and whether it has no escapes (then it is the key itself).
pub type Key<'a> = (&'a str, bool);

pub struct Scan<'a> {
    t: &'a str,
    i: usize,
}

impl<'a> Scan<'a> {
    /// At the start of `text` (a value there, no whitespace before it: anything else is
    /// left to the full decoder).
    pub fn new(text: &'a str) -> Self {
        Scan { t: text, i: 0 }
    }

    #[inline(always)]
    pub fn peek(&self) -> Option<u8> {
        self.t.as_bytes().get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// Whether only whitespace is left.
    pub fn done(&mut self) -> bool {
        self.ws();
        self.i >= self.t.len()
    }

    /// A string, at its opening quote.
    fn string(&mut self) -> Option<Key<'a>> {
        self.i += 1;
        let start = self.i;
        let mut plain = true;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => {
                    plain = false;
                    self.i += 2;
                }
                _ => self.i += 1,
            }
        }
        let raw = self.t.get(start..self.i)?;
        self.i += 1;
        Some((raw, plain))
    }

    /// Enters the array or object at `depth` that starts here; returns its closing byte
    /// for [`Scan::next`]. `None` if there is none, or it is nested too deep.
    pub fn open(&mut self, depth: usize) -> Option<u8> {
        let close = match self.peek()? {
            b'{' => b'}',
            b'[' => b']',
            _ => return None,
        };
        if depth >= MAX_DEPTH {
            return None;
        }
        self.i += 1;
        Some(close)
    }

    /// Moves to the next element of the array or object being read (`close` from
    /// [`Scan::open`]; `first` true before the first one): `Some(Some(key))` positioned at
    /// its value (the key is `("", true)` in arrays), `Some(None)` past its end.
    pub fn next(&mut self, close: u8, first: &mut bool) -> Option<Option<Key<'a>>> {
        self.ws();
        if self.peek()? == close {
            self.i += 1;
            return Some(None);
        }
        if !*first {
            if self.peek()? != b',' {
                return None;
            }
            self.i += 1;
            self.ws();
        }
        *first = false;
        if close == b']' {
            return Some(Some(("", true)));
        }
        if self.peek()? != b'"' {
            return None;
        }
        let key = self.string()?;
        self.ws();
        if self.peek()? != b':' {
            return None;
        }
        self.i += 1;
        self.ws();
        Some(Some(key))
    }

    /// Steps over one value (at `depth`); returns its first byte: `"` string, `{` object,
    /// `[` array, `t`/`f` boolean, `n` null, `-` or a digit for a number.
    pub fn skip(&mut self, depth: usize) -> Option<u8> {
        let first = self.peek()?;
        match first {
            b'"' => drop(self.string()?),
            b'{' | b'[' => {
                let close = self.open(depth)?;
                let mut at_start = true;
                while self.next(close, &mut at_start)?.is_some() {
                    self.skip(depth + 1)?;
                }
            }
            // A number or a literal: its letters, digits and signs.
            _ => {
                let start = self.i;
                while let Some(b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'.' | b'+' | b'-') =
                    self.peek()
                {
                    self.i += 1;
                }
                if self.i == start {
                    return None;
                }
            }
        }
        Some(first)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::prelude::*;

    /// Reads every value of a document back as (depth, key, first byte).
    fn walk(text: &str) -> Option<Vec<(usize, String, u8)>> {
        fn go(s: &mut Scan, depth: usize, out: &mut Vec<(usize, String, u8)>) -> Option<u8> {
            let first = s.peek()?;
            if first != b'{' && first != b'[' {
                return s.skip(depth);
            }
            let close = s.open(depth)?;
            let mut at_start = true;
            while let Some((key, _)) = s.next(close, &mut at_start)? {
                let at = out.len();
                out.push((depth + 1, key.to_string(), 0));
                let b = go(s, depth + 1, out)?;
                out.get_mut(at)?.2 = b;
            }
            Some(first)
        }
        let mut s = Scan::new(text);
        let mut out = Vec::new();
        go(&mut s, 0, &mut out)?;
        s.done().then_some(out)
    }

    #[test]
    fn steps_over_every_kind_of_value() {
        let doc = r#"{"a":[1,-2.5e3,true,false,null],"b\"c":{"d":"x\"}\\"},"e":[],"f":{}} "#;
        let got = walk(doc).unwrap();
        let keys: Vec<(usize, &str, u8)> =
            got.iter().map(|(d, k, b)| (*d, k.as_str(), *b)).collect();
        assert_eq!(
            keys,
            [
                (1, "a", b'['),
                (2, "", b'1'),
                (2, "", b'-'),
                (2, "", b't'),
                (2, "", b'f'),
                (2, "", b'n'),
                (1, "b\\\"c", b'{'),
                (2, "d", b'"'),
                (1, "e", b'['),
                (1, "f", b'{')
            ]
        );
    }

    #[test]
    fn gives_up_on_what_is_not_json_and_never_loops() {
        for text in [
            "",
            "{",
            "[1,",
            r#"{"a"}"#,
            r#"{"a":}"#,
            "[1 2]",
            "[,]",
            "[}",
            r#""abc"#,
            "{} x",
            r#"{"a":1,}"#,
            "[\"\\",
        ] {
            assert_eq!(walk(text), None, "{text:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(walk(&deep), None);
        let ok = "[".repeat(MAX_DEPTH - 1) + &"]".repeat(MAX_DEPTH - 1);
        assert!(walk(&ok).is_some());
    }

    /// `skip` counts every level it enters: `MAX_DEPTH` levels in all from the depth it
    /// starts at, and not one more.
    #[test]
    fn skip_refuses_nesting_past_max_depth() {
        // `n` levels: `n - 1` containers around an empty one.
        let nest = |n: usize, open: &str, close: &str| {
            let empty = if open == "[" { "[]" } else { "{}" };
            open.repeat(n - 1) + empty + &close.repeat(n - 1)
        };
        for (open, close, first) in [("[", "]", b'['), (r#"{"a":"#, "}", b'{')] {
            let text = nest(MAX_DEPTH, open, close);
            let mut s = Scan::new(&text);
            assert_eq!(s.skip(0), Some(first));
            assert!(s.done());
            assert_eq!(Scan::new(&nest(MAX_DEPTH + 1, open, close)).skip(0), None);
            assert_eq!(
                Scan::new(&nest(MAX_DEPTH - 2, open, close)).skip(2),
                Some(first)
            );
            assert_eq!(Scan::new(&nest(MAX_DEPTH - 1, open, close)).skip(2), None);
        }
        let mut s = Scan::new(r#"[1,{"b":[true]}] ,"#);
        assert_eq!(s.skip(0), Some(b'['));
        assert_eq!(s.peek(), Some(b' '));
        assert!(!s.done());
        assert_eq!(s.peek(), Some(b','));
    }
}
