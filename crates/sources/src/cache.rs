//! The download cache: content-addressed by SHA-256, so the same bytes are
//! stored once whatever their name or source, and verified (hashed again)
//! every time they are reused.
//!
//! Layout under the cache directory:
//! - `blobs/sha256/ab/abcd…`: the bytes, named by their digest;
//! - `refs/<sha256 of the key>.json`: which source (key) resolved to which
//!   blob, with its ETag and times;
//! - `tmp/`: downloads in progress and the per-scan links to blobs.
//!
//! Writes go to `tmp/` first and are renamed into place, so a concurrent
//! scan never sees half a blob or half a ref.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::SourceError;
use crate::http::hex;

/// A cache directory.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

/// What the cache knows about one source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CacheEntry {
    /// The source, as shown in reports (no credentials).
    pub source: String,
    pub sha256: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Unix seconds.
    pub fetched: u64,
    /// Unix seconds of the last reuse.
    pub used: u64,
    /// The lookup key (not shown; it identifies the ref file).
    #[serde(default)]
    key: String,
}

/// What `prune` removed.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct PruneSummary {
    pub refs_removed: usize,
    pub blobs_removed: usize,
    pub bytes_freed: u64,
}

impl Cache {
    /// Opens (creating) a cache directory.
    pub fn open(root: impl Into<PathBuf>) -> Result<Cache, SourceError> {
        let root = root.into();
        for d in ["blobs/sha256", "refs", "tmp"] {
            let p = root.join(d);
            fs::create_dir_all(&p).map_err(|e| SourceError::io(&p, e))?;
        }
        Ok(Cache { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    fn blob_path(&self, sha256: &str) -> PathBuf {
        let shard = sha256.get(..2).unwrap_or("00");
        self.root.join("blobs/sha256").join(shard).join(sha256)
    }

    fn ref_path(&self, key: &str) -> PathBuf {
        self.root
            .join("refs")
            .join(format!("{}.json", hex(&Sha256::digest(key.as_bytes()))))
    }

    /// The entry for `key`, if its blob is present and still hashes to its
    /// name. A blob that does not is removed, with its ref.
    pub(crate) fn lookup(&self, key: &str) -> Option<(CacheEntry, PathBuf)> {
        let rp = self.ref_path(key);
        let mut entry: CacheEntry = serde_json::from_slice(&fs::read(&rp).ok()?).ok()?;
        if entry.key != key || !is_sha256(&entry.sha256) {
            return None;
        }
        let blob = self.blob_path(&entry.sha256);
        match sha256_file(&blob) {
            Ok((sha, size)) if sha == entry.sha256 && size == entry.size => {}
            _ => {
                let _ = fs::remove_file(&blob);
                let _ = fs::remove_file(&rp);
                return None;
            }
        }
        entry.used = now();
        let _ = self.write_ref(&entry);
        Some((entry, blob))
    }

    /// Moves a finished download into the cache under its digest and
    /// records `key` → blob. Returns the blob's path.
    pub(crate) fn insert(
        &self,
        key: &str,
        source: &str,
        etag: Option<String>,
        downloaded: &Path,
        sha256: &str,
        size: u64,
    ) -> Result<PathBuf, SourceError> {
        let blob = self.blob_path(sha256);
        if let Some(dir) = blob.parent() {
            fs::create_dir_all(dir).map_err(|e| SourceError::io(dir, e))?;
        }
        if blob.exists() {
            // Same bytes already here (another name or source).
            let _ = fs::remove_file(downloaded);
        } else {
            fs::rename(downloaded, &blob).map_err(|e| SourceError::io(&blob, e))?;
        }
        let t = now();
        self.write_ref(&CacheEntry {
            source: source.to_string(),
            sha256: sha256.to_string(),
            size,
            etag,
            fetched: t,
            used: t,
            key: key.to_string(),
        })?;
        Ok(blob)
    }

    fn write_ref(&self, entry: &CacheEntry) -> Result<(), SourceError> {
        let rp = self.ref_path(&entry.key);
        let tmp = tempfile::NamedTempFile::new_in(self.tmp_dir())
            .map_err(|e| SourceError::io(self.tmp_dir(), e))?;
        let json = serde_json::to_vec_pretty(entry).unwrap_or_default();
        fs::write(tmp.path(), json).map_err(|e| SourceError::io(tmp.path(), e))?;
        tmp.persist(&rp)
            .map_err(|e| SourceError::io(&rp, e.error))?;
        Ok(())
    }

    /// Every entry, sorted by source.
    pub fn list(&self) -> Result<Vec<CacheEntry>, SourceError> {
        let dir = self.root.join("refs");
        let mut out = Vec::new();
        for e in fs::read_dir(&dir).map_err(|e| SourceError::io(&dir, e))? {
            let Ok(e) = e else { continue };
            if let Ok(entry) = fs::read(e.path())
                .map_err(|_| ())
                .and_then(|b| serde_json::from_slice::<CacheEntry>(&b).map_err(|_| ()))
            {
                out.push(entry);
            }
        }
        out.sort_by(|a, b| a.source.cmp(&b.source).then(a.fetched.cmp(&b.fetched)));
        Ok(out)
    }

    /// Removes everything.
    pub fn clear(&self) -> Result<PruneSummary, SourceError> {
        self.prune_where(|_| true)
    }

    /// Removes entries not used for `max_age`, refs without a blob, blobs
    /// without a ref, and leftovers of interrupted downloads; then, if
    /// `max_bytes` is given, the least recently used entries until the
    /// blobs fit.
    pub fn prune(
        &self,
        max_age: Duration,
        max_bytes: Option<u64>,
    ) -> Result<PruneSummary, SourceError> {
        let cutoff = now().saturating_sub(max_age.as_secs());
        let mut summary = self.prune_where(|e| e.used < cutoff)?;
        if let Some(limit) = max_bytes {
            let mut entries = self.list()?;
            entries.sort_by_key(|e| std::cmp::Reverse(e.used));
            let mut kept = 0u64;
            let mut seen = std::collections::BTreeSet::new();
            let mut drop_keys = std::collections::BTreeSet::new();
            for e in &entries {
                if seen.insert(e.sha256.clone()) {
                    kept = kept.saturating_add(e.size);
                }
                if kept > limit {
                    drop_keys.insert(e.key.clone());
                }
            }
            let more = self.prune_where(|e| drop_keys.contains(&e.key))?;
            summary.refs_removed += more.refs_removed;
            summary.blobs_removed += more.blobs_removed;
            summary.bytes_freed += more.bytes_freed;
        }
        Ok(summary)
    }

    fn prune_where(
        &self,
        remove: impl Fn(&CacheEntry) -> bool,
    ) -> Result<PruneSummary, SourceError> {
        let mut summary = PruneSummary::default();
        let mut live = std::collections::BTreeSet::new();
        let refs = self.root.join("refs");
        for e in fs::read_dir(&refs)
            .map_err(|e| SourceError::io(&refs, e))?
            .flatten()
        {
            let p = e.path();
            let entry = fs::read(&p)
                .ok()
                .and_then(|b| serde_json::from_slice::<CacheEntry>(&b).ok());
            match entry {
                Some(en) if !remove(&en) && self.blob_path(&en.sha256).exists() => {
                    live.insert(en.sha256);
                }
                _ => {
                    if fs::remove_file(&p).is_ok() {
                        summary.refs_removed += 1;
                    }
                }
            }
        }
        let blobs = self.root.join("blobs/sha256");
        for shard in fs::read_dir(&blobs)
            .map_err(|e| SourceError::io(&blobs, e))?
            .flatten()
        {
            for b in fs::read_dir(shard.path()).into_iter().flatten().flatten() {
                let name = b.file_name().to_string_lossy().into_owned();
                if !live.contains(&name) {
                    let len = b.metadata().map(|m| m.len()).unwrap_or(0);
                    if fs::remove_file(b.path()).is_ok() {
                        summary.blobs_removed += 1;
                        summary.bytes_freed += len;
                    }
                }
            }
        }
        // Leftovers older than a day belong to no running scan.
        let tmp = self.tmp_dir();
        for t in fs::read_dir(&tmp).into_iter().flatten().flatten() {
            let old = t
                .metadata()
                .and_then(|m| m.modified())
                .map(|m| m.elapsed().unwrap_or_default() > Duration::from_secs(86_400))
                .unwrap_or(false);
            if old {
                let p = t.path();
                let _ = if p.is_dir() {
                    fs::remove_dir_all(&p)
                } else {
                    fs::remove_file(&p)
                };
            }
        }
        Ok(summary)
    }
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// SHA-256 and length of a file.
pub(crate) fn sha256_file(p: &Path) -> std::io::Result<(String, u64)> {
    let mut f = fs::File::open(p)?;
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        sha.update(&buf[..k]);
        n += k as u64;
    }
    Ok((hex(&sha.finalize()), n))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(cache: &Cache, key: &str, bytes: &[u8]) -> PathBuf {
        let tmp = cache.tmp_dir().join(format!("dl-{key}"));
        fs::write(&tmp, bytes).unwrap();
        let sha = hex(&Sha256::digest(bytes));
        cache
            .insert(key, key, None, &tmp, &sha, bytes.len() as u64)
            .unwrap()
    }

    #[test]
    fn entries_are_content_addressed_and_verified() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let a = put(&cache, "a", b"same bytes");
        let b = put(&cache, "b", b"same bytes");
        assert_eq!(a, b, "one blob for the same content");
        assert!(cache.lookup("a").is_some());
        assert_eq!(cache.list().unwrap().len(), 2);
        // A blob changed on disk is not reused, and is dropped.
        fs::write(&a, b"tampered!!").unwrap();
        assert!(cache.lookup("a").is_none());
        assert!(!a.exists());
        assert!(cache.lookup("missing").is_none());
    }

    #[test]
    fn prune_and_clear() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        put(&cache, "a", b"aaaa");
        put(&cache, "b", b"bbbbbbbb");
        // Fresh entries survive an age prune; the size cap drops the oldest.
        let s = cache.prune(Duration::from_secs(3600), None).unwrap();
        assert_eq!(s, PruneSummary::default());
        let s = cache.prune(Duration::from_secs(3600), Some(8)).unwrap();
        assert_eq!(s.refs_removed, 1);
        assert_eq!(cache.list().unwrap().len(), 1);
        let s = cache.clear().unwrap();
        assert_eq!((s.refs_removed, s.blobs_removed), (1, 1));
        assert!(cache.list().unwrap().is_empty());
    }
}
