//! Tiny text builders used instead of `format!`/`to_string`: core::fmt's machinery
//! (`Arguments`, `Formatter`, padding, integer `Display`) costs several KB of wasm, and
//! every `format!` call site adds its own argument-table code (measured with
//! twiggy). Each helper is one small non-generic function.

use crate::prelude::*;

/// The concatenation of `parts`.
pub fn cat(parts: &[&str]) -> String {
    // Sized once: growing a String step by step was a third of a rejected checkE164's time.
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// `template` with each `{}` replaced by the next of `args` (a missing argument is empty).
/// One template and a short argument list take less wasm at each call site than [`cat`]'s
/// alternating pieces. Only the template is scanned, never the arguments.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out =
        String::with_capacity(template.len() + args.iter().map(|a| a.len()).sum::<usize>());
    let mut args = args.iter();
    let mut rest = template;
    while let Some(i) = find(rest, "{}") {
        out.push_str(rest.get(..i).unwrap_or_default());
        out.push_str(args.next().copied().unwrap_or_default());
        rest = rest.get(i + 2..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Appends `n` in decimal (what `{n}` would write).
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_uint(out, n.unsigned_abs());
}

/// Appends `n` in decimal.
pub fn push_uint(out: &mut String, n: u64) {
    if n >= 10 {
        push_uint(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// `n` in decimal.
pub fn dec(n: u64) -> String {
    let mut s = String::new();
    push_uint(&mut s, n);
    s
}

/// `n` in decimal, with a `-` when negative.
pub fn dec_signed(n: i64) -> String {
    let mut s = String::new();
    push_int(&mut s, n);
    s
}

/// Appends the two lowercase hex digits of `b`.
pub fn push_hex(out: &mut String, b: u8) {
    for n in [b >> 4, b & 15] {
        out.push(char::from(if n < 10 { b'0' + n } else { b'a' - 10 + n }));
    }
}

/// Byte offset of `needle` in `haystack`. (A plain loop: `str::find(&str)` would link
/// core's substring searcher and its panic-message tables, ~4 KB of wasm.)
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    // The first byte is tested inline; only candidates pay for the slice comparison.
    h.windows(n.len())
        .position(|w| w.first() == n.first() && w == n)
}

/// The byte range of `s` without leading and trailing whitespace (as `str::trim` defines
/// it). One forward pass: `str::trim`'s backward UTF-8 decoding and searcher cost ~0.5 KB
/// of wasm; the strings trimmed here are short (a full body is only trimmed to describe an
/// error).
pub fn trim_range(s: &str) -> (usize, usize) {
    // Nothing to trim when both ends are visible ASCII (the common case: no char decoding).
    let b = s.as_bytes();
    if b.first().is_some_and(u8::is_ascii_graphic) && b.last().is_some_and(u8::is_ascii_graphic) {
        return (0, s.len());
    }
    let (mut start, mut end) = (None, 0);
    for (i, c) in s.char_indices() {
        if !c.is_whitespace() {
            start.get_or_insert(i);
            end = i + c.len_utf8();
        }
    }
    (start.unwrap_or(0), end)
}

/// `s.trim()`.
pub fn trim(s: &str) -> &str {
    let (start, end) = trim_range(s);
    s.get(start..end).unwrap_or_default()
}

/// Whether `s` is empty or only whitespace (stops at the first other character).
pub fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// `s` split around the first `b` (an ASCII byte), like `split_once` without linking
/// core's char searcher.
pub fn split_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = s.as_bytes().iter().position(|x| *x == b)?;
    let (head, tail) = s.split_at_checked(i)?;
    Some((head, tail.get(1..)?))
}

/// At most `max` characters of `s` (a prefix, cut at a character boundary), and whether
/// anything was cut. (Counting with `chars().count()` links a ~0.8 KB SIMD-style counter.)
pub fn clip(s: &str, max: usize) -> (&str, bool) {
    match s.char_indices().nth(max) {
        Some((i, _)) => (s.get(..i).unwrap_or(s), true),
        None => (s, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_clips() {
        assert_eq!(dec(0), "0");
        assert_eq!(dec(u64::MAX), u64::MAX.to_string());
        assert_eq!(dec_signed(i64::MIN), i64::MIN.to_string());
        assert_eq!(dec_signed(-42), "-42");
        let mut h = String::new();
        for b in [0u8, 9, 10, 0xab, 0xff] {
            push_hex(&mut h, b);
        }
        assert_eq!(h, "00090aabff");
        assert_eq!(cat(&["a", "", "bc"]), "abc");
        assert_eq!(fill("a{}b{}c", &["1", "{}"]), "a1b{}c");
        assert_eq!(fill("{}{}", &["x"]), "x");
        assert_eq!(fill("none", &[]), "none");
        assert_eq!(clip("héllo", 2), ("hé", true));
        assert_eq!(clip("héllo", 5), ("héllo", false));
        assert_eq!(clip("", 0), ("", false));
        assert_eq!(find("abcabd", "abd"), Some(3));
        assert_eq!(split_byte("a=b=c", b'='), Some(("a", "b=c")));
        assert_eq!(split_byte("é=", b'='), Some(("é", "")));
        assert_eq!(split_byte("abc", b'='), None);
        for t in [
            "",
            " ",
            " \t\n",
            "a",
            " a ",
            "\u{a0}x y\u{3000}",
            "\u{2028} é \u{85}",
            "x\u{200a}",
            "+1 (415) 555-0123",
            "ab",
            "a \u{a0}b",
            "\u{a0}+1",
        ] {
            assert_eq!(trim(t), t.trim(), "{t:?}");
            assert_eq!(trim_range(t).1, t.trim_end().len(), "{t:?}");
            assert_eq!(is_blank(t), t.trim().is_empty(), "{t:?}");
        }
        assert_eq!(find("ab", "abc"), None);
    }
}
