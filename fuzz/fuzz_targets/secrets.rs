//! The secret scanner: every pattern and validator over arbitrary bytes,
//! the redaction of quoted text, and the `SEC` rules over its matches.
//! Matches must lie inside the scanned text, never carry the secret in
//! their mask, and redaction must remove every non-example match.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_detectors::{SecretSite, check_secrets};
use sentrascan_formats::secrets::{self, Confidence, MAX_MATCHES};

fuzz_target!(|data: &[u8]| {
    let max = data.first().map_or(usize::MAX, |&b| usize::from(b) * 64 + 64);
    let scan = secrets::scan(data, max);
    assert!(scan.scanned <= data.len().min(max));
    assert_eq!(scan.truncated, data.len() > max);
    assert!(scan.matches.len() <= MAX_MATCHES);
    for m in &scan.matches {
        let end = m.offset.checked_add(m.len).expect("match end");
        assert!(end <= scan.scanned, "{m:?}");
        let secret = &data[m.offset..end];
        // A mask shows at most a public prefix and the last four characters.
        // A PEM match is masked as its header line; with no key body the
        // header is the whole match, and it is public.
        if m.len >= 24 && !secret.starts_with(b"-----BEGIN ") {
            let s = String::from_utf8_lossy(secret);
            assert!(!m.masked.contains(s.as_ref()), "{m:?}");
        }
    }
    let location = Location::file("config.json");
    let mut out = Vec::new();
    check_secrets(
        &scan,
        &SecretSite {
            location: &location,
            context: "file",
            offset_base: Some(0),
        },
        &mut out,
    );
    assert_eq!(out.len(), scan.matches.len());
    assert!(out.iter().all(|f| f.rule.starts_with("SEC")));
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(red) = secrets::redact(text)
    {
        let again = secrets::scan(red.as_bytes(), red.len());
        assert!(
            again
                .matches
                .iter()
                .all(|m| m.confidence == Confidence::Example || m.len < 24),
            "redaction left a secret: {:?}",
            again.matches
        );
    }
});
