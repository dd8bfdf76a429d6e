//! Single-file compression streams (gzip, zlib, bzip2, xz, lzma, zstd, lz4),
//! decompressed into a bounded buffer: a stream that inflates past the limit
//! is cut there and reported, never followed.

use std::cell::Cell;
use std::io::Read;

/// A compression format, recognised from its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    /// Raw deflate, as zip stores it (never sniffed).
    Deflate,
    Zlib,
    Bzip2,
    Xz,
    Lzma,
    Zstd,
    Lz4,
}

impl Compression {
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Deflate => "deflate",
            Compression::Zlib => "zlib",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
            Compression::Lzma => "lzma",
            Compression::Zstd => "zstd",
            Compression::Lz4 => "lz4",
        }
    }
}

/// Recognises a compression stream by its first bytes.
pub fn sniff(data: &[u8]) -> Option<Compression> {
    match data {
        [0x1f, 0x8b, ..] => Some(Compression::Gzip),
        [b'B', b'Z', b'h', b'1'..=b'9', ..] => Some(Compression::Bzip2),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => Some(Compression::Xz),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Some(Compression::Zstd),
        [0x04, 0x22, 0x4d, 0x18, ..] => Some(Compression::Lz4),
        // zlib: deflate with a 32 KiB window or less, and a valid header check.
        [cmf, flg, ..]
            if cmf & 0x0f == 8
                && cmf >> 4 <= 7
                && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0
                && flg & 0x20 == 0 =>
        {
            Some(Compression::Zlib)
        }
        // .lzma ("LZMA alone"): properties byte (lc/lp/pb) and a dictionary size.
        [0x5d, 0x00, 0x00, d3, d4, ..] if (*d3 >= 0x01 || *d4 >= 0x01) => Some(Compression::Lzma),
        _ => None,
    }
}

/// Reads a byte slice and records how much of it the decoder has consumed,
/// so the expansion ratio is measured against the input read so far, not the
/// whole input: a gigabyte bomb is caught after megabytes, not gigabytes.
struct Counting<'a> {
    data: &'a [u8],
    consumed: &'a Cell<u64>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // Small steps keep the consumed count close to what the decoder used.
        let take = buf.len().min(4096);
        let n = self.data.read(buf.get_mut(..take).unwrap_or(&mut []))?;
        self.consumed
            .set(self.consumed.get().saturating_add(n as u64));
        Ok(n)
    }
}

/// Dictionary memory a hostile header may ask the LZMA decoders for, in KiB.
const DICT_LIMIT_KB: u32 = 256 << 10;

/// Decompresses a zip member stored with LZMA (method 14): a 4-byte version
/// and size prefix, the 5-byte properties, then raw LZMA data.
pub fn decompress_zip_lzma(
    data: &[u8],
    uncompressed: u64,
    bound: &Bound,
) -> Result<Decompressed, DecompressError> {
    let corrupt = |m: String| DecompressError::Corrupt {
        format: "lzma",
        message: m,
    };
    let props = data
        .get(4..9)
        .ok_or_else(|| corrupt("member shorter than its LZMA header".into()))?;
    let (&pb, dict) = props
        .split_first()
        .ok_or_else(|| corrupt("no properties".into()))?;
    let mut d = [0u8; 4];
    d.copy_from_slice(dict);
    let dict_size = u32::from_le_bytes(d);
    if u64::from(dict_size) > u64::from(DICT_LIMIT_KB) << 10 {
        return Err(corrupt(format!(
            "dictionary of {dict_size} bytes exceeds the limit"
        )));
    }
    let consumed = Cell::new(0u64);
    let body = Counting {
        data: data.get(9..).unwrap_or(&[]),
        consumed: &consumed,
    };
    let r = lzma_rust2::LzmaReader::new_with_props(body, uncompressed, pb, dict_size, None)
        .map_err(|e| corrupt(e.to_string()))?;
    read_bounded(r, bound, data.len(), &consumed).map_err(|e| corrupt(e.to_string()))
}

/// Reads a decoder in chunks: stops at `bound.limit` bytes (truncated), or
/// as soon as the output passes `bound.bomb_min` while exceeding `bound.ratio`
/// times the input (a bomb: stopped early so memory stays small).
fn read_bounded(
    mut reader: impl Read,
    bound: &Bound,
    input_len: usize,
    consumed: &Cell<u64>,
) -> std::io::Result<Decompressed> {
    let mut out = Vec::with_capacity(
        usize::try_from(
            bound
                .limit
                .min((input_len as u64).saturating_mul(4))
                .min(64 << 20),
        )
        .unwrap_or(0),
    );
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let room =
            usize::try_from(bound.limit.saturating_sub(out.len() as u64)).unwrap_or(usize::MAX);
        out.extend_from_slice(chunk.get(..n.min(room)).unwrap_or(&[]));
        if n > room {
            return Ok(Decompressed {
                data: out,
                consumed: consumed.get(),
                truncated: true,
                bomb: false,
            });
        }
        let len = out.len() as u64;
        let input = consumed.get().max(1);
        if len >= bound.bomb_min && len.checked_div(input).unwrap_or(0) > bound.ratio {
            // Is there more? Then it is a bomb, and we stop here.
            let mut probe = [0u8; 1];
            let more = reader.read(&mut probe).map(|n| n > 0).unwrap_or(false);
            return Ok(Decompressed {
                data: out,
                consumed: consumed.get(),
                truncated: more,
                bomb: true,
            });
        }
    }
    Ok(Decompressed {
        data: out,
        consumed: consumed.get(),
        truncated: false,
        bomb: false,
    })
}

/// What a decompression produced.
#[derive(Debug)]
pub struct Decompressed {
    pub data: Vec<u8>,
    /// Compressed bytes the decoder had read when it stopped.
    pub consumed: u64,
    /// Decompression stopped before the end of the stream.
    pub truncated: bool,
    /// The output grew past the ratio limit (a compression bomb).
    pub bomb: bool,
}

/// How far decompression may go.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    /// Bytes of output at most.
    pub limit: u64,
    /// Output-to-input ratio above which a large output is a bomb.
    pub ratio: u64,
    /// Output size from which the ratio applies.
    pub bomb_min: u64,
}

impl Bound {
    pub fn from_limits(limits: &crate::Limits) -> Self {
        Bound {
            limit: limits.max_decompressed_bytes,
            ratio: limits.max_compression_ratio,
            bomb_min: limits.bomb_min_bytes,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecompressError {
    #[error("{format} stream is corrupt: {message}")]
    Corrupt {
        format: &'static str,
        message: String,
    },
}

/// Decompresses at most `limit` bytes of `data` in format `c`.
pub fn decompress(
    data: &[u8],
    c: Compression,
    bound: &Bound,
) -> Result<Decompressed, DecompressError> {
    let corrupt = |e: std::io::Error| DecompressError::Corrupt {
        format: c.as_str(),
        message: e.to_string(),
    };
    let consumed = Cell::new(0u64);
    let data = Counting {
        data,
        consumed: &consumed,
    };
    let input_len = data.data.len();
    let reader: Box<dyn Read + '_> = match c {
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(data)),
        Compression::Deflate => Box::new(flate2::read::DeflateDecoder::new(data)),
        Compression::Zlib => Box::new(flate2::read::ZlibDecoder::new(data)),
        Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(data)),
        Compression::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(
            data,
            true,
            DICT_LIMIT_KB,
        )),
        Compression::Lzma => {
            let r = lzma_rust2::LzmaReader::new_mem_limit(data, DICT_LIMIT_KB, None)
                .map_err(corrupt)?;
            Box::new(r)
        }
        Compression::Zstd => {
            let r = ruzstd::decoding::StreamingDecoder::new(data).map_err(|e| {
                DecompressError::Corrupt {
                    format: "zstd",
                    message: e.to_string(),
                }
            })?;
            Box::new(r)
        }
        Compression::Lz4 => Box::new(lz4_flex::frame::FrameDecoder::new(data)),
    };
    read_bounded(reader, bound, input_len, &consumed).map_err(corrupt)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn lim(limit: u64) -> Bound {
        Bound {
            limit,
            ratio: 200,
            bomb_min: 1 << 30,
        }
    }

    #[test]
    fn bombs_stop_early() {
        let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        g.write_all(&vec![0u8; 40 << 20]).unwrap();
        let gz = g.finish().unwrap();
        let d = decompress(
            &gz,
            Compression::Gzip,
            &Bound {
                limit: 1 << 30,
                ratio: 200,
                bomb_min: 4 << 20,
            },
        )
        .unwrap();
        assert!(d.bomb && d.truncated);
        // The ratio is measured against the input consumed so far, so it
        // stops right after bomb_min (4 MiB), long before 40 MiB.
        assert!(d.data.len() <= 6 << 20, "{}", d.data.len());
    }

    #[test]
    fn gzip_and_zlib_round_trip_and_bounded() {
        let body = vec![b'a'; 100_000];
        let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        g.write_all(&body).unwrap();
        let gz = g.finish().unwrap();
        assert_eq!(sniff(&gz), Some(Compression::Gzip));
        let d = decompress(&gz, Compression::Gzip, &lim(1 << 20)).unwrap();
        assert_eq!(d.data, body);
        assert!(!d.truncated);
        let d = decompress(&gz, Compression::Gzip, &lim(1000)).unwrap();
        assert_eq!(d.data.len(), 1000);
        assert!(d.truncated);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"hello").unwrap();
        let zl = z.finish().unwrap();
        assert_eq!(sniff(&zl), Some(Compression::Zlib));
        assert_eq!(
            decompress(&zl, Compression::Zlib, &lim(100)).unwrap().data,
            b"hello"
        );
    }

    #[test]
    fn other_formats_round_trip() {
        let mut b = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        b.write_all(b"bz data").unwrap();
        let bz = b.finish().unwrap();
        assert_eq!(sniff(&bz), Some(Compression::Bzip2));
        assert_eq!(
            decompress(&bz, Compression::Bzip2, &lim(100)).unwrap().data,
            b"bz data"
        );
        let lz = lz4_flex::frame::FrameEncoder::new(Vec::new());
        let mut lz = lz;
        lz.write_all(b"lz4 data").unwrap();
        let lz = lz.finish().unwrap();
        assert_eq!(sniff(&lz), Some(Compression::Lz4));
        assert_eq!(
            decompress(&lz, Compression::Lz4, &lim(100)).unwrap().data,
            b"lz4 data"
        );
    }

    #[test]
    fn corrupt_streams_are_errors() {
        assert!(decompress(&[0x1f, 0x8b, 8, 0, 0, 0], Compression::Gzip, &lim(100)).is_err());
        assert!(
            decompress(
                &[0x28, 0xb5, 0x2f, 0xfd, 0xff, 0xff],
                Compression::Zstd,
                &lim(100)
            )
            .is_err()
        );
        assert_eq!(sniff(b"plain text"), None);
    }
}
