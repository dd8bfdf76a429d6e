//! Digests computed while a download arrives, each in its own thread fed
//! through a bounded channel, so hashing overlaps the network instead of
//! following it (and a streamed file need not be read again to be hashed).

use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use bytes::Bytes;
use sha2::Digest;

use crate::http::hex;

/// The digests of one download.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileDigests {
    /// Empty when not computed (a streamed download nobody asked to hash).
    pub sha256: String,
    pub sha1: Option<String>,
    pub md5: Option<String>,
}

/// Hashing threads for one download. Network chunks are small (16-64 KiB);
/// they are handed over in batches of about a mebibyte, so the threads wake
/// a thousand times per gigabyte rather than tens of thousands.
pub(crate) struct DigestPipe {
    lanes: Vec<Lane>,
    batch: Vec<Bytes>,
    batched: usize,
}

type Lane = (Option<SyncSender<Vec<Bytes>>>, JoinHandle<String>);

const BATCH: usize = 1 << 20;
/// Batches in flight per lane: bounds memory when hashing lags the network.
const DEPTH: usize = 8;

fn lane<D: Digest + Send + 'static>() -> Lane {
    let (tx, rx) = sync_channel::<Vec<Bytes>>(DEPTH);
    let h = std::thread::spawn(move || {
        let mut d = D::new();
        for batch in rx {
            for chunk in batch {
                d.update(&chunk);
            }
        }
        hex(&d.finalize())
    });
    (Some(tx), h)
}

impl DigestPipe {
    /// SHA-256, SHA-1 and MD5 as asked.
    pub(crate) fn new(sha256: bool, sha1: bool, md5: bool) -> DigestPipe {
        let mut lanes = Vec::new();
        if sha256 {
            lanes.push(lane::<sha2::Sha256>());
        }
        if sha1 {
            lanes.push(lane::<sha1::Sha1>());
        }
        if md5 {
            lanes.push(lane::<md5::Md5>());
        }
        DigestPipe {
            lanes,
            batch: Vec::new(),
            batched: 0,
        }
    }

    pub(crate) fn feed(&mut self, chunk: &Bytes) {
        if self.lanes.is_empty() {
            return;
        }
        self.batched += chunk.len();
        self.batch.push(chunk.clone());
        if self.batched >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        self.batched = 0;
        for (tx, _) in &self.lanes {
            if let Some(tx) = tx {
                // A lane only stops when it panicked; its digest is then
                // empty, which no comparison accepts.
                let _ = tx.send(batch.clone());
            }
        }
    }

    pub(crate) fn finish(mut self, sha256: bool, sha1: bool, md5: bool) -> FileDigests {
        self.flush();
        let mut out = self.lanes.into_iter().map(|(mut tx, h)| {
            tx.take();
            h.join().unwrap_or_default()
        });
        FileDigests {
            sha256: if sha256 {
                out.next().unwrap_or_default()
            } else {
                String::new()
            },
            sha1: if sha1 { out.next() } else { None },
            md5: if md5 { out.next() } else { None },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        let mut p = DigestPipe::new(true, true, true);
        p.feed(&Bytes::from_static(b"ab"));
        p.feed(&Bytes::from_static(b"c"));
        let d = p.finish(true, true, true);
        assert_eq!(
            d.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            d.sha1.as_deref(),
            Some("a9993e364706816aba3e25717850c26c9cd0d89d")
        );
        assert_eq!(d.md5.as_deref(), Some("900150983cd24fb0d6963f7d28e17f72"));
    }
}
