//! Checksums of object data: the MD5 behind ETags, COS's CRC-64 (`x-cos-hash-crc64ecma`), and the
//! `Content-MD5` request check. Pure functions over bytes.

use base64::Engine;
use md5::{Digest, Md5};

use crate::error::{Code, CosError};

/// The CRC-64 COS answers in `x-cos-hash-crc64ecma`: CRC-64/XZ, computed with SIMD carry-less
/// multiplication where the CPU has it (tens of GB/s; the table-driven `crc` crate managed 3.3).
pub fn crc64(data: &[u8]) -> u64 {
    crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Xz, data)
}

/// [`crc64`] of buffers taken one after the other.
pub fn crc64_of<'a>(chunks: impl IntoIterator<Item = &'a bytes::Bytes>) -> u64 {
    let mut digest = crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc64Xz);
    for chunk in chunks {
        digest.update(chunk);
    }
    digest.finalize()
}

/// The binary MD5 of `data`.
pub(crate) fn md5(data: &[u8]) -> [u8; 16] {
    Md5::digest(data).into()
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

/// Checks `Content-MD5` against the body: not base64 of 16 bytes → `InvalidDigest`, different →
/// `BadDigest`. Absent is fine: COS never requires it.
pub(crate) fn check_content_md5(header: Option<&[u8]>, body: &[u8]) -> Result<(), CosError> {
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
    if md5(body).as_slice() != expected.as_slice() {
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
        let parts = [
            bytes::Bytes::from_static(b"1234"),
            bytes::Bytes::from_static(b"56789"),
        ];
        assert_eq!(crc64_of(&parts), 0x995DC9BBDF1939FA);
        assert_eq!(crc64_of(&[]), 0);
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
        assert!(check_content_md5(None, b"x").is_ok());
        assert!(check_content_md5(Some(b"XUFAKrxLKna5cZ2REBfFkg=="), b"hello").is_ok());
        assert_eq!(
            check_content_md5(Some(b"nope"), b"hello").unwrap_err().code,
            Code::InvalidDigest
        );
        assert_eq!(
            check_content_md5(Some(b"aGVsbG8="), b"hello")
                .unwrap_err()
                .code,
            Code::InvalidDigest
        );
        assert_eq!(
            check_content_md5(Some(b"1B2M2Y8AsgTpgAmY7PhCfg=="), b"hello")
                .unwrap_err()
                .code,
            Code::BadDigest
        );
    }
}
