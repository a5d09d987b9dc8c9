//! SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), written out here because the
//! SDK's wasm has a 20 KB gzip budget and a crypto crate would spend much of it.
//!
//! Only what webhook verification needs: one-shot hashing of inputs that fit in memory
//! (webhook bodies are a few KB). The message is copied into one padded buffer and
//! compressed block by block — the smallest code, not the fastest.

use crate::prelude::*;

/// The round constants: first 32 bits of the fractional parts of the cube roots of the
/// first 64 primes.
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// The initial hash value: first 32 bits of the fractional parts of the square roots of
/// the first 8 primes.
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// SHA-256 of the concatenation of `parts` (saves callers a copy when hashing `prefix ‖ msg`).
// The indices below are loop counters bounded by the fixed array sizes (i / 4 < 16 into a
// [u32; 64], 16..64 into a [u32; 64], i / 4 < 8 into a [u32; 8]), never derived from input.
#[allow(clippy::indexing_slicing)]
fn digest(parts: &[&[u8]]) -> [u8; 32] {
    // Padding: message, 0x80, zeros up to 56 mod 64, 64-bit big-endian bit length.
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let mut m = Vec::with_capacity(len + 72);
    for p in parts {
        m.extend_from_slice(p);
    }
    m.push(0x80);
    while m.len() % 64 != 56 {
        m.push(0);
    }
    m.extend_from_slice(&((len as u64) << 3).to_be_bytes());

    let mut h = H0;
    for block in m.chunks_exact(64) {
        // One block: message schedule, 64 rounds, add the result into the hash.
        let mut w = [0u32; 64];
        for (i, &b) in block.iter().enumerate() {
            w[i / 4] = w[i / 4] << 8 | u32::from(b);
        }
        for i in 16..64 {
            let (a, b) = (w[i - 15], w[i - 2]);
            let s0 = a.rotate_right(7) ^ a.rotate_right(18) ^ (a >> 3);
            let s1 = b.rotate_right(17) ^ b.rotate_right(19) ^ (b >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut s = h;
        for (k, wi) in K.iter().zip(w) {
            let [a, b, c, d, e, f, g, hh] = s;
            let t1 = hh
                .wrapping_add(e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25))
                .wrapping_add((e & f) ^ (!e & g))
                .wrapping_add(*k)
                .wrapping_add(wi);
            let t2 = (a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22))
                .wrapping_add((a & b) ^ (a & c) ^ (b & c));
            s = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
        }
        for i in 0..8 {
            h[i] = h[i].wrapping_add(s[i]);
        }
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = (h[i / 4] >> (24 - 8 * (i % 4))) as u8;
    }
    out
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    digest(&[data])
}

/// HMAC-SHA-256 (RFC 2104, block size 64). Keys longer than the block are hashed first.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let hashed;
    let key = if key.len() > 64 {
        hashed = sha256(key);
        hashed.as_slice()
    } else {
        key
    };
    // The key zero-padded to the block, XORed with ipad / opad.
    let (mut ipad, mut opad) = ([0x36u8; 64], [0x5cu8; 64]);
    for ((i, o), k) in ipad.iter_mut().zip(opad.iter_mut()).zip(key) {
        *i ^= k;
        *o ^= k;
    }
    let inner = digest(&[&ipad, msg]);
    digest(&[&opad, &inner])
}

/// Lowercase hex, two digits per byte.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        super::text::push_hex(&mut s, b);
    }
    s
}

#[cfg(test)]
// Tests may panic: that is how they fail. (The crate lints deny these outside tests.)
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn nist_sha256_vectors() {
        // FIPS 180-4 examples / NIST CSRC "SHA256.pdf" and the classic test set.
        let million_a = vec![b'a'; 1_000_000];
        let cases: &[(&[u8], &str)] = &[
            (b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
            (
                b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
            ),
            (
                &million_a,
                "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
            ),
        ];
        for (msg, want) in cases {
            assert_eq!(to_hex(&sha256(msg)), *want, "len {}", msg.len());
        }
    }

    #[test]
    fn padding_boundaries() {
        // n × 'a' on each side of the 56-byte (length no longer fits) and 64-byte edges;
        // digests from coreutils `sha256sum`.
        let cases = [
            (
                55,
                "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            ),
            (
                56,
                "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            ),
            (
                63,
                "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            ),
            (
                64,
                "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
            ),
            (
                119,
                "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb",
            ),
            (
                120,
                "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c",
            ),
        ];
        for (n, want) in cases {
            assert_eq!(to_hex(&sha256(&vec![b'a'; n])), want, "{n} bytes");
        }
    }

    #[test]
    fn rfc4231_hmac_vectors() {
        let c6_7_key = vec![0xaa; 131];
        let cases: &[(Vec<u8>, &[u8], &str)] = &[
            // Test Case 1
            (
                vec![0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            // Test Case 2
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            // Test Case 3
            (
                vec![0xaa; 20],
                &[0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            // Test Case 4
            (
                unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                &[0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            // Test Case 6: key longer than the block
            (
                c6_7_key.clone(),
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            // Test Case 7: key and data longer than the block
            (
                c6_7_key,
                b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (i, (key, msg, want)) in cases.iter().enumerate() {
            assert_eq!(to_hex(&hmac_sha256(key, msg)), *want, "case index {i}");
        }
    }

    #[test]
    fn hmac_keys_at_the_block_size() {
        // Keys of 63 and 64 bytes are used as they are (zero-padded), 65 bytes and more are
        // hashed first (RFC 2104: only keys *longer* than the block). Expected values from
        // Python: hmac.new(key, b"msg", hashlib.sha256).hexdigest().
        let cases: &[(&[u8], &str)] = &[
            (
                &[b'a'; 63],
                "96af966dc86f708c3275ee9cb05e6f8914b810345e38d3689bab0daa8606e03a",
            ),
            (
                &[b'a'; 64],
                "a999f1623f29424e2bb06144b76eda5671d4a67e448b7d35f13a316feeb67690",
            ),
            (
                &[b'a'; 65],
                "d7673dbaf2a54bca3e33667e6d8365c76ed5cb57bca284eadce56f0af6474742",
            ),
            (
                b"",
                "5f576a8d68fe4fb7eb823227246353c0870c3b0e878997341db1226b4bd88d61",
            ),
        ];
        for (key, want) in cases {
            assert_eq!(
                to_hex(&hmac_sha256(key, b"msg")),
                *want,
                "{}-byte key",
                key.len()
            );
        }
        // A long key and its hash are the same HMAC key; a 64-byte one is not hashed.
        let long: Vec<u8> = (0..65).collect();
        assert_eq!(hmac_sha256(&long, b"m"), hmac_sha256(&sha256(&long), b"m"));
        let block = [7u8; 64];
        assert_ne!(
            hmac_sha256(&block, b"m"),
            hmac_sha256(&sha256(&block), b"m")
        );
    }

    #[test]
    fn hex_is_lowercase_two_digits() {
        assert_eq!(to_hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(to_hex(&[]), "");
    }
}
