//! Every single-file decompressor and the 7z reader, under small bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::compress::{self, Bound, Compression};
use sentrascan_formats::{Limits, sevenz};

fuzz_target!(|data: &[u8]| {
    let bound = Bound {
        limit: 4 << 20,
        ratio: 200,
        bomb_min: 1 << 20,
    };
    for c in [
        Compression::Gzip,
        Compression::Deflate,
        Compression::Zlib,
        Compression::Bzip2,
        Compression::Xz,
        Compression::Lzma,
        Compression::Zstd,
        Compression::Lz4,
    ] {
        if let Ok(d) = compress::decompress(data, c, &bound) {
            assert!(d.data.len() as u64 <= bound.limit);
        }
    }
    let _ = compress::decompress_zip_lzma(data, u64::MAX, &bound);
    let limits = Limits {
        max_member_bytes: 1 << 20,
        max_archive_bytes: 4 << 20,
        max_archive_entries: 1024,
        ..Limits::default()
    };
    let _ = sevenz::walk(data, &limits, |_, _| {});
});
