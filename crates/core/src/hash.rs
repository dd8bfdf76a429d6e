//! The single read pass over a file: the digests the SBOM needs (SHA-256,
//! SHA-1, MD5, any subset) and the CRC-32 of the byte ranges the analysis
//! asks for (stored zip members), from one sequential read.
//!
//! MD5 is the slowest of the three digests, so on large files each digest
//! runs on its own thread over the same chunks: the pass takes as long as
//! the slowest digest alone, not the sum of the three. Chunks are shared
//! (`Arc`), and bounded channels keep at most a few of them in memory.

use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

const CHUNK: usize = 4 << 20;
/// Chunks queued per digest thread: bounds the memory of a pass to about
/// `(QUEUE + 2) * CHUNK` whatever the file size.
const QUEUE: usize = 2;
/// Below this size the digests run one after the other on the calling
/// thread: starting threads would cost more than it saves.
pub(crate) const PARALLEL_MIN: u64 = 32 << 20;

/// Which digests to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digests {
    pub sha256: bool,
    pub sha1: bool,
    pub md5: bool,
}

impl Digests {
    /// All three (the default: the SBOM lists each).
    pub const ALL: Digests = Digests {
        sha256: true,
        sha1: true,
        md5: true,
    };
    /// None: a verdict-only scan that reads only what the analysis needs.
    pub const NONE: Digests = Digests {
        sha256: false,
        sha1: false,
        md5: false,
    };

    pub fn any(self) -> bool {
        self.sha256 || self.sha1 || self.md5
    }

    /// Parses `sha256,sha1,md5` (any subset, any order), `all` or `none`.
    pub fn parse(s: &str) -> Result<Digests, String> {
        let mut d = Digests::NONE;
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.to_ascii_lowercase().as_str() {
                "sha256" | "sha-256" => d.sha256 = true,
                "sha1" | "sha-1" => d.sha1 = true,
                "md5" => d.md5 = true,
                "all" => d = Digests::ALL,
                "none" => {}
                other => {
                    return Err(format!(
                        "unknown digest `{other}` (use sha256, sha1, md5, all or none)"
                    ));
                }
            }
        }
        Ok(d)
    }
}

impl Default for Digests {
    fn default() -> Self {
        Digests::ALL
    }
}

/// Hex digests of one file (those that were asked for).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FileDigests {
    pub sha256: Option<String>,
    pub sha1: Option<String>,
    pub md5: Option<String>,
}

pub(crate) struct PassResult {
    pub digests: FileDigests,
    /// CRC-32 of each requested range, in request order.
    pub crcs: Vec<u32>,
}

/// Digests of an in-memory buffer, on the calling thread.
pub(crate) fn digest_bytes(data: &[u8], which: Digests) -> FileDigests {
    let mut set = DigestSet::new(which);
    set.update(data);
    set.finish()
}

/// The selected digests, updated together (for small inputs).
struct DigestSet {
    sha256: Option<Sha256>,
    sha1: Option<Sha1>,
    md5: Option<Md5>,
}

impl DigestSet {
    fn new(which: Digests) -> Self {
        DigestSet {
            sha256: which.sha256.then(Sha256::new),
            sha1: which.sha1.then(Sha1::new),
            md5: which.md5.then(Md5::new),
        }
    }

    fn update(&mut self, chunk: &[u8]) {
        if let Some(h) = &mut self.sha256 {
            h.update(chunk);
        }
        if let Some(h) = &mut self.sha1 {
            h.update(chunk);
        }
        if let Some(h) = &mut self.md5 {
            h.update(chunk);
        }
    }

    fn finish(self) -> FileDigests {
        FileDigests {
            sha256: self.sha256.map(|h| hex(&h.finalize())),
            sha1: self.sha1.map(|h| hex(&h.finalize())),
            md5: self.md5.map(|h| hex(&h.finalize())),
        }
    }
}

/// Reads `file` once from the start, computing the selected digests and the
/// CRC-32 of each range. Files of `PARALLEL_MIN` bytes and more get one
/// thread per digest.
pub(crate) fn read_pass(
    mut file: File,
    size: u64,
    which: Digests,
    ranges: &[Range<u64>],
) -> std::io::Result<PassResult> {
    let threads = usize::from(which.sha256) + usize::from(which.sha1) + usize::from(which.md5);
    if size < PARALLEL_MIN || threads < 2 {
        let mut set = DigestSet::new(which);
        let crcs = read_chunks(&mut file, ranges, |chunk| set.update(chunk))?;
        return Ok(PassResult {
            digests: set.finish(),
            crcs,
        });
    }
    std::thread::scope(|s| {
        let mut senders = Vec::new();
        let mut spawn = |f: fn(Receiver<Arc<Vec<u8>>>) -> String| {
            let (tx, rx) = sync_channel::<Arc<Vec<u8>>>(QUEUE);
            senders.push(tx);
            s.spawn(move || f(rx))
        };
        let sha256 = which.sha256.then(|| spawn(digest_thread::<Sha256>));
        let sha1 = which.sha1.then(|| spawn(digest_thread::<Sha1>));
        let md5 = which.md5.then(|| spawn(digest_thread::<Md5>));
        let crcs = read_shared_chunks(&mut file, ranges, |chunk| {
            for tx in &senders {
                // A digest thread only stops early if it panicked; the join
                // below reports that.
                let _ = tx.send(Arc::clone(chunk));
            }
        });
        drop(senders);
        let join = |h: Option<std::thread::ScopedJoinHandle<'_, String>>| {
            h.map(|h| {
                h.join()
                    .map_err(|_| std::io::Error::other("digest thread panicked"))
            })
            .transpose()
        };
        let digests = FileDigests {
            sha256: join(sha256)?,
            sha1: join(sha1)?,
            md5: join(md5)?,
        };
        Ok(PassResult {
            digests,
            crcs: crcs?,
        })
    })
}

fn digest_thread<D: Digest>(rx: Receiver<Arc<Vec<u8>>>) -> String {
    let mut h = D::new();
    for chunk in rx {
        h.update(chunk.as_slice());
    }
    hex(&h.finalize())
}

/// Reads the file through one reused buffer, handing each chunk to `sink`.
fn read_chunks(
    file: &mut File,
    ranges: &[Range<u64>],
    mut sink: impl FnMut(&[u8]),
) -> std::io::Result<Vec<u32>> {
    let mut buf = vec![0u8; CHUNK];
    let mut crcs = Crcs::new(ranges);
    loop {
        let n = read_some(file, &mut buf)?;
        if n == 0 {
            break;
        }
        sink(&buf[..n]);
        crcs.update(&buf[..n]);
    }
    Ok(crcs.finish())
}

/// Chunks alive at once in the threaded pass: each digest thread holds at
/// most `QUEUE` queued chunks and one in work, and the reader one more.
const POOL: usize = QUEUE + 3;

/// Reads the file into shared chunks handed to `sink` (for the digest
/// threads). Chunk buffers are recycled once every thread has dropped its
/// handle, so a pass allocates (and the kernel zero-fills) `POOL` buffers
/// rather than one per chunk.
fn read_shared_chunks(
    file: &mut File,
    ranges: &[Range<u64>],
    mut sink: impl FnMut(&Arc<Vec<u8>>),
) -> std::io::Result<Vec<u32>> {
    let mut crcs = Crcs::new(ranges);
    let mut pool: Vec<Arc<Vec<u8>>> = Vec::with_capacity(POOL);
    loop {
        let idx = loop {
            if let Some(i) = pool.iter_mut().position(|a| Arc::get_mut(a).is_some()) {
                break i;
            }
            if pool.len() < POOL {
                pool.push(Arc::new(vec![0u8; CHUNK]));
                break pool.len() - 1;
            }
            // Every buffer is still being digested: the slowest thread is
            // at most `QUEUE + 1` chunks behind, so one frees up shortly.
            std::thread::sleep(std::time::Duration::from_micros(50));
        };
        let slot = &mut pool[idx];
        let Some(buf) = Arc::get_mut(slot) else {
            continue;
        };
        buf.resize(CHUNK, 0);
        let mut filled = 0;
        // Fill whole chunks so each digest thread wakes up once per CHUNK.
        while filled < CHUNK {
            let n = read_some(file, &mut buf[filled..])?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        if filled == 0 {
            break;
        }
        buf.truncate(filled);
        crcs.update(buf);
        sink(slot);
    }
    Ok(crcs.finish())
}

fn read_some(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// CRC-32 of byte ranges, fed with consecutive chunks of the file.
struct Crcs<'r> {
    ranges: &'r [Range<u64>],
    crcs: Vec<flate2::Crc>,
    pos: u64,
}

impl<'r> Crcs<'r> {
    fn new(ranges: &'r [Range<u64>]) -> Self {
        Crcs {
            ranges,
            crcs: ranges.iter().map(|_| flate2::Crc::new()).collect(),
            pos: 0,
        }
    }

    fn update(&mut self, chunk: &[u8]) {
        let end = self.pos + chunk.len() as u64;
        for (r, crc) in self.ranges.iter().zip(self.crcs.iter_mut()) {
            let s = r.start.max(self.pos);
            let e = r.end.min(end);
            if s < e {
                crc.update(&chunk[(s - self.pos) as usize..(e - self.pos) as usize]);
            }
        }
        self.pos = end;
    }

    fn finish(self) -> Vec<u32> {
        self.crcs.iter().map(|c| c.sum()).collect()
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    // Published test vectors for "abc".
    const SHA256_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const SHA1_ABC: &str = "a9993e364706816aba3e25717850c26c9cd0d89d";
    const MD5_ABC: &str = "900150983cd24fb0d6963f7d28e17f72";

    #[test]
    fn digests_of_bytes_match_published_vectors() {
        let d = digest_bytes(b"abc", Digests::ALL);
        assert_eq!(d.sha256.as_deref(), Some(SHA256_ABC));
        assert_eq!(d.sha1.as_deref(), Some(SHA1_ABC));
        assert_eq!(d.md5.as_deref(), Some(MD5_ABC));
        let only_md5 = digest_bytes(b"abc", Digests::parse("md5").unwrap());
        assert_eq!(only_md5.sha256, None);
        assert_eq!(only_md5.md5.as_deref(), Some(MD5_ABC));
    }

    #[test]
    fn parses_digest_lists() {
        assert_eq!(Digests::parse("sha256,sha1,md5").unwrap(), Digests::ALL);
        assert_eq!(Digests::parse("none").unwrap(), Digests::NONE);
        assert_eq!(Digests::parse("all").unwrap(), Digests::ALL);
        let d = Digests::parse("SHA-1, md5").unwrap();
        assert!(!d.sha256 && d.sha1 && d.md5);
        assert!(
            Digests::parse("crc32")
                .unwrap_err()
                .contains("unknown digest `crc32`")
        );
    }

    /// The threaded pass (large files) and the inline pass agree with
    /// hashing the bytes directly, CRCs of ranges included, across chunk
    /// boundaries.
    #[test]
    fn threaded_and_inline_passes_agree() {
        let len = PARALLEL_MIN as usize + CHUNK + 12345;
        let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&data).unwrap();
        let ranges = vec![
            10..20,
            (CHUNK as u64 - 5)..(CHUNK as u64 + 5),
            0..len as u64,
        ];
        let want_crcs: Vec<u32> = ranges
            .iter()
            .map(|r| {
                let mut c = flate2::Crc::new();
                c.update(&data[r.start as usize..r.end as usize]);
                c.sum()
            })
            .collect();
        let want = digest_bytes(&data, Digests::ALL);
        let threaded = read_pass(f.reopen().unwrap(), len as u64, Digests::ALL, &ranges).unwrap();
        assert_eq!(threaded.digests, want);
        assert_eq!(threaded.crcs, want_crcs);
        let inline = read_pass(f.reopen().unwrap(), 100, Digests::ALL, &ranges).unwrap();
        assert_eq!(inline.digests, want);
        assert_eq!(inline.crcs, want_crcs);
        let none = read_pass(f.reopen().unwrap(), len as u64, Digests::NONE, &ranges).unwrap();
        assert_eq!(none.digests, FileDigests::default());
        assert_eq!(none.crcs, want_crcs);
    }
}
