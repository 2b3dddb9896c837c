//! Checksums of object data: the MD5 behind ETags, COS's CRC-64 (`x-cos-hash-crc64ecma`), and the
//! `Content-MD5` request check. Pure functions over bytes.

use base64::Engine;
use md5::{Digest, Md5};

use crate::data::Data;
use crate::error::{Code, CosError};

/// The CRC-64 COS answers in `x-cos-hash-crc64ecma`: CRC-64/XZ, computed with SIMD carry-less
/// multiplication where the CPU has it (tens of GB/s; the table-driven `crc` crate managed 3.3).
pub fn crc64(data: &[u8]) -> u64 {
    crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Xz, data)
}

/// [`crc64`] of `a` followed by `b`, from their checksums alone (`b_len` is `b`'s length): a
/// multipart object's CRC-64 from its parts' without reading the parts again.
pub fn crc64_combine(a: u64, b: u64, b_len: u64) -> u64 {
    crc_fast::checksum_combine(crc_fast::CrcAlgorithm::Crc64Xz, a, b, b_len)
}

/// The binary MD5 of `data`.
pub(crate) fn md5(data: &[u8]) -> [u8; 16] {
    Md5::digest(data).into()
}

/// Bytes to store, with their MD5 and CRC-64.
#[derive(Clone, Debug)]
pub struct Payload {
    pub data: Data,
    pub md5: [u8; 16],
    pub crc64: u64,
}

impl Payload {
    /// `data` and its sums, computed in one pass over it.
    pub fn of(data: impl Into<Data>) -> Payload {
        let data = data.into();
        let mut sums = Summing::default();
        for chunk in data.chunks() {
            sums.add(chunk);
        }
        sums.finish(data)
    }
}

/// The MD5 and CRC-64 of buffers as they arrive (a request body's frames), each block read once
/// while it is in cache: the body is summed while it is received, not after.
pub struct Summing {
    md5: Md5,
    crc: crc_fast::Digest,
}

impl Default for Summing {
    fn default() -> Summing {
        Summing {
            md5: Md5::new(),
            crc: crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc64Xz),
        }
    }
}

impl Summing {
    /// Bytes summed per step of each checksum: small enough to stay in the CPU's cache between the
    /// two.
    const BLOCK: usize = 64 * 1024;

    pub fn add(&mut self, chunk: &[u8]) {
        for block in chunk.chunks(Self::BLOCK) {
            self.md5.update(block);
            self.crc.update(block);
        }
    }

    /// The payload of `data`, which must be the bytes added, in order.
    pub fn finish(self, data: Data) -> Payload {
        Payload {
            data,
            md5: self.md5.finalize().into(),
            crc64: self.crc.finalize(),
        }
    }
}

/// An ETag of an MD5: quoted lowercase hex.
pub(crate) fn etag(md5: &[u8; 16]) -> String {
    format!("\"{}\"", hex::encode(md5))
}

/// An object's ETag, kept as the 16 bytes it is made of (no allocation per object) and written
/// as COS answers it: `"<md5 hex>"`, or `"<md5 of the parts' md5s>-<parts>"` after a multipart
/// upload.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ETag {
    md5: [u8; 16],
    /// 0 for a single upload.
    parts: u32,
}

impl ETag {
    /// The ETag of data whose MD5 is `md5`.
    pub fn of_md5(md5: [u8; 16]) -> ETag {
        ETag { md5, parts: 0 }
    }

    /// The ETag of a multipart upload of `parts` parts: the MD5 of their MD5s.
    pub fn multipart(md5_of_md5s: [u8; 16], parts: u32) -> ETag {
        ETag {
            md5: md5_of_md5s,
            parts,
        }
    }
}

impl std::fmt::Display for ETag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut buf = [0u8; 32];
        let hex = match hex::encode_to_slice(self.md5, &mut buf) {
            Ok(()) => std::str::from_utf8(&buf).unwrap_or_default(),
            Err(_) => "",
        };
        match self.parts {
            0 => write!(f, "\"{hex}\""),
            n => write!(f, "\"{hex}-{n}\""),
        }
    }
}

/// Checks `Content-MD5` against the body's MD5 (computed only when the header is there): not
/// base64 of 16 bytes → `InvalidDigest`, different → `BadDigest`. Absent is fine: COS never
/// requires it.
pub(crate) fn check_content_md5(
    header: Option<&[u8]>,
    body_md5: impl FnOnce() -> [u8; 16],
) -> Result<(), CosError> {
    let Some(value) = header else { return Ok(()) };
    let text = std::str::from_utf8(value).map(str::trim).unwrap_or("");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()
        .filter(|d| d.len() == 16);
    let Some(expected) = decoded else {
        return Err(CosError::with_message(
            Code::InvalidDigest,
            format!("The Content-MD5 you specified is not valid: {text:?} is not the base64 of 16 bytes."),
        ));
    };
    if body_md5().as_slice() != expected.as_slice() {
        return Err(CosError::new(Code::BadDigest));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CRC-64/XZ one bit at a time (reflected polynomial 0xC96C5795D7870F42, init and xorout all
    /// ones): the definition, to check the fast one against.
    fn bitwise_crc64_xz(data: &[u8]) -> u64 {
        let mut crc = u64::MAX;
        for byte in data {
            crc ^= u64::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xC96C_5795_D787_0F42
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn etag_renders_quoted_hex_and_multipart_count() {
        assert_eq!(
            ETag::of_md5(md5(b"hello")).to_string(),
            "\"5d41402abc4b2a76b9719d911017c592\""
        );
        assert_eq!(
            ETag::of_md5(md5(b"hello")).to_string(),
            etag(&md5(b"hello"))
        );
        assert_eq!(
            ETag::multipart(md5(b"hello"), 3).to_string(),
            "\"5d41402abc4b2a76b9719d911017c592-3\""
        );
    }

    #[test]
    fn crc64_check_values() {
        assert_eq!(crc64(b"123456789"), 0x995DC9BBDF1939FA);
        assert_eq!(crc64(b"hello"), 11177612005948864433);
        assert_eq!(crc64(b""), 0);
        assert_eq!(
            crc64_combine(crc64(b"1234"), crc64(b"56789"), 5),
            0x995DC9BBDF1939FA
        );
        // Past the SIMD block sizes, against a bitwise reference.
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        for len in [1, 15, 16, 17, 63, 64, 65, 255, 256, 257, 4096, 5000] {
            assert_eq!(crc64(&data[..len]), bitwise_crc64_xz(&data[..len]), "{len}");
        }
    }

    #[test]
    fn etag_is_quoted_hex_md5() {
        assert_eq!(etag(&md5(b"hello")), "\"5d41402abc4b2a76b9719d911017c592\"");
    }

    #[test]
    fn content_md5_rules() {
        assert!(check_content_md5(None, || md5(b"x")).is_ok());
        assert!(check_content_md5(Some(b"XUFAKrxLKna5cZ2REBfFkg=="), || md5(b"hello")).is_ok());
        assert_eq!(
            check_content_md5(Some(b"nope"), || md5(b"hello"))
                .unwrap_err()
                .code,
            Code::InvalidDigest
        );
        assert_eq!(
            check_content_md5(Some(b"aGVsbG8="), || md5(b"hello"))
                .unwrap_err()
                .code,
            Code::InvalidDigest
        );
        assert_eq!(
            check_content_md5(Some(b"1B2M2Y8AsgTpgAmY7PhCfg=="), || md5(b"hello"))
                .unwrap_err()
                .code,
            Code::BadDigest
        );
    }

    #[test]
    fn payload_sums_match_the_whole_buffer_however_it_arrives() {
        let body: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let whole = Payload::of(bytes::Bytes::from(body.clone()));
        assert_eq!(whole.md5, md5(&body));
        assert_eq!(whole.crc64, crc64(&body));
        // Frames of odd sizes, summed as they come.
        let mut sums = Summing::default();
        let mut frames = Vec::new();
        for piece in body.chunks(70_001) {
            sums.add(piece);
            frames.push(bytes::Bytes::copy_from_slice(piece));
        }
        let framed = sums.finish(Data::joined(frames));
        assert_eq!((framed.md5, framed.crc64), (whole.md5, whole.crc64));
        assert_eq!(framed.data.to_bytes(), body);
        let empty = Payload::of(bytes::Bytes::new());
        assert_eq!((empty.md5, empty.crc64), (md5(b""), crc64(b"")));
    }

    #[test]
    fn crc64_combine_equals_the_crc_of_the_joined_bytes() {
        let (a, b) = (b"hello, ".as_slice(), b"multipart world".as_slice());
        let joined = [a, b].concat();
        assert_eq!(
            crc64_combine(crc64(a), crc64(b), b.len() as u64),
            crc64(&joined)
        );
        // An empty second part changes nothing.
        assert_eq!(crc64_combine(crc64(a), crc64(b""), 0), crc64(a));
    }
}
