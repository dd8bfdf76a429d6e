//! The secret-scan hook: every analyser that finds text hands it to
//! [`Ctx::secrets`], which searches it for credentials under a per-text and
//! a per-file byte budget, so weights are never searched and a huge file
//! costs at most `max_secret_file_bytes` of scanning.

use sentrascan_detectors as rules;
use sentrascan_detectors::SecretSite;
use sentrascan_formats::gguf::{GgufValue, GgufView};
use sentrascan_formats::onnx::OnnxView;
use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_formats::secrets;
use sentrascan_formats::tflite::TfLiteView;
use sentrascan_types::Location;

use super::Ctx;

/// Bytes of a file's head that decide whether unknown content is text.
const TEXT_PROBE: usize = 8 << 10;

/// True for content that reads as text: no NUL byte and valid UTF-8 (a
/// character cut at the end of the probe is allowed) in its first 8 KiB.
pub(crate) fn looks_like_text(data: &[u8]) -> bool {
    let head = data.get(..data.len().min(TEXT_PROBE)).unwrap_or(data);
    if head.is_empty() || head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && data.len() > TEXT_PROBE,
    }
}

impl Ctx<'_> {
    /// Searches `text` for credentials and reports each as a `SEC` finding.
    ///
    /// The hook for every analyser that finds text (configs, code, model
    /// cards, metadata values, pickle strings, archive comments):
    /// `context` names what the text is in the findings' titles ("file",
    /// "metadata `general.url`"); `offset_base` is the file offset of the
    /// text's first byte when it is a contiguous slice of the file (else
    /// `None`: the findings point at `location` itself).
    pub(crate) fn secrets(
        &mut self,
        text: &[u8],
        location: &Location,
        context: &str,
        offset_base: Option<u64>,
    ) {
        let budget = self
            .limits
            .max_secret_file_bytes
            .saturating_sub(self.secret_bytes);
        if budget == 0 || text.len() < 8 {
            if budget == 0 {
                self.fact("secrets.scan", "partial (file budget spent)");
            }
            return;
        }
        let max = self
            .limits
            .max_secret_scan_bytes
            .min(usize::try_from(budget).unwrap_or(usize::MAX));
        let scan = secrets::scan(text, max);
        self.secret_bytes = self.secret_bytes.saturating_add(scan.scanned as u64);
        if scan.truncated {
            self.fact(
                "secrets.scan",
                format!("partial (first {} bytes of a {context})", scan.scanned),
            );
        }
        if scan.matches.is_empty() {
            return;
        }
        self.out.scanners.insert("secrets");
        rules::check_secrets(
            &scan,
            &SecretSite {
                location,
                context,
                offset_base,
            },
            &mut self.out.findings,
        );
    }

    /// A file or member no dedicated analyser took (JSON, unknown content,
    /// text formats recognised but not analysed yet): searched whole when
    /// it reads as text. Binary content is never searched.
    pub(super) fn text_file_secrets(&mut self, data: &[u8], location: &Location) {
        if looks_like_text(data) {
            self.secrets(data, location, "file", Some(0));
        }
    }

    /// A pickle's string constants, scanned together (joined by a
    /// separator no pattern crosses) and reported at each string's opcode.
    pub(super) fn pickle_secrets(&mut self, view: &PickleAnalysis, location: &Location) {
        if view.strings.is_empty() {
            return;
        }
        const SEPARATOR: &[u8] = b"\n\"\n";
        let mut joined = Vec::new();
        let mut starts = Vec::with_capacity(view.strings.len());
        for s in &view.strings {
            starts.push(joined.len());
            joined.extend_from_slice(s.text.as_bytes());
            joined.extend_from_slice(SEPARATOR);
        }
        let budget = self
            .limits
            .max_secret_file_bytes
            .saturating_sub(self.secret_bytes);
        let max = self
            .limits
            .max_secret_scan_bytes
            .min(usize::try_from(budget).unwrap_or(usize::MAX));
        let mut scan = secrets::scan(&joined, max);
        self.secret_bytes = self.secret_bytes.saturating_add(scan.scanned as u64);
        if scan.matches.is_empty() {
            return;
        }
        self.out.scanners.insert("secrets");
        for m in std::mem::take(&mut scan.matches) {
            let i = starts.partition_point(|&s| s <= m.offset).saturating_sub(1);
            let at = view.strings.get(i).map(|s| s.offset).unwrap_or(0);
            let one = secrets::SecretScan {
                matches: vec![m],
                ..Default::default()
            };
            rules::check_secrets(
                &one,
                &SecretSite {
                    location: &location.at(at),
                    context: "pickle string",
                    offset_base: None,
                },
                &mut self.out.findings,
            );
        }
    }

    /// GGUF string values (arrays such as the vocabulary are not searched:
    /// tokens are word pieces, not configuration).
    pub(super) fn gguf_secrets(&mut self, view: &GgufView, location: &Location) {
        for kv in &view.metadata {
            let text: &[u8] = match &kv.value {
                GgufValue::Str(s) => s.as_bytes(),
                GgufValue::Bytes(b) => b,
                _ => continue,
            };
            let context = format!("metadata `{}`", kv.key);
            self.secrets(text, &location.at(kv.offset), &context, None);
        }
    }

    /// ONNX doc strings and `metadata_props`.
    pub(super) fn onnx_secrets(&mut self, view: &OnnxView, location: &Location) {
        for t in &view.texts {
            let context = format!("`{}`", t.key);
            self.secrets(t.text.as_bytes(), &location.at(t.offset), &context, None);
        }
    }

    /// TFLite description and metadata buffers that read as text.
    pub(super) fn tflite_secrets(&mut self, view: &TfLiteView, location: &Location) {
        if let Some(d) = &view.description {
            self.secrets(d.as_bytes(), location, "model description", None);
        }
        for m in &view.metadata {
            if looks_like_text(&m.data) {
                let context = format!("metadata `{}`", m.name);
                self.secrets(&m.data, location, &context, Some(m.offset));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_recognised_from_the_head() {
        assert!(looks_like_text(b"{\"a\": 1}"));
        assert!(looks_like_text("model card — ü".as_bytes()));
        assert!(!looks_like_text(b"\x7fELF\x02\x01\x01\x00"));
        assert!(!looks_like_text(b"\xff\xfe\x00a"));
        assert!(!looks_like_text(b""));
    }
}
