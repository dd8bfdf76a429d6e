//! The single read pass over a file: SHA-256 of the whole file and CRC-32 of
//! the byte ranges the analysis asks for (stored zip members), from one
//! sequential read through a bounded buffer.

use std::fs::File;
use std::io::Read;
use std::ops::Range;

use sha2::{Digest, Sha256};

const CHUNK: usize = 4 << 20;

pub(crate) struct PassResult {
    pub sha256: String,
    /// CRC-32 of each requested range, in request order.
    pub crcs: Vec<u32>,
}

/// Reads `file` once from the start, hashing everything and computing the
/// CRC-32 of each range.
pub(crate) fn read_pass(mut file: File, ranges: &[Range<u64>]) -> std::io::Result<PassResult> {
    let mut sha = Sha256::new();
    let mut crcs: Vec<flate2::Crc> = ranges.iter().map(|_| flate2::Crc::new()).collect();
    let mut buf = vec![0u8; CHUNK];
    let mut pos = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buf[..n];
        sha.update(chunk);
        let end = pos + n as u64;
        for (r, crc) in ranges.iter().zip(crcs.iter_mut()) {
            let s = r.start.max(pos);
            let e = r.end.min(end);
            if s < e {
                crc.update(&chunk[(s - pos) as usize..(e - pos) as usize]);
            }
        }
        pos = end;
    }
    Ok(PassResult {
        sha256: hex(&sha.finalize()),
        crcs: crcs.iter().map(|c| c.sum()).collect(),
    })
}

pub(crate) fn sha256_bytes(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
