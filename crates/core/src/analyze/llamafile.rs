//! llamafiles: an executable with a zip of GGUF weights appended. The zip's
//! members go through the engine (GGUF rules for the weights); `.args` is
//! read for network exposure and host paths.

use sentrascan_detectors as rules;
use sentrascan_formats::Limits;
use sentrascan_formats::llamafile::{self, ARGS_MEMBER, MAX_ARGS};
use sentrascan_formats::zip::{self, ZipView};
use sentrascan_types::{Location, ModelFormat};

use super::Ctx;

/// The zip directory of `data` when it is a llamafile: an executable
/// prefix and an appended zip that holds `.gguf` weights.
pub(super) fn refine(
    data: &[u8],
    format: ModelFormat,
    zip_view: Option<&ZipView>,
    limits: &Limits,
) -> Option<ZipView> {
    let candidate = matches!(
        format,
        ModelFormat::Zip
            | ModelFormat::Unknown
            | ModelFormat::Pe
            | ModelFormat::Elf
            | ModelFormat::MachO
            | ModelFormat::ShellScript
    );
    if !candidate || llamafile::executable_prefix(data).is_none() || !zip::sniff(data) {
        return None;
    }
    let view = match zip_view {
        Some(v) => v.clone(),
        None => zip::parse(data, limits).ok()?,
    };
    view.entries
        .iter()
        .any(|e| llamafile::is_weights_member(&e.name))
        .then_some(view)
}

impl Ctx<'_> {
    pub(super) fn llamafile(
        &mut self,
        data: &[u8],
        view: &ZipView,
        location: &Location,
        depth: u32,
    ) {
        self.out.scanners.insert("llamafile");
        let kind = llamafile::executable_prefix(data)
            .map(|k| k.as_str())
            .unwrap_or("unknown");
        let zip_start = view
            .entries
            .iter()
            .map(|e| e.local_header_offset)
            .min()
            .unwrap_or(0);
        let weights: Vec<(String, u64)> = view
            .entries
            .iter()
            .filter(|e| llamafile::is_weights_member(&e.name))
            .map(|e| (e.name.clone(), e.uncompressed_size))
            .collect();
        self.out.findings.push(rules::llamafile_executable(
            location, kind, zip_start, &weights,
        ));
        self.fact("llamafile.executable", kind);
        self.fact("llamafile.executable_bytes", zip_start.to_string());
        let names: Vec<&str> = weights.iter().map(|(n, _)| n.as_str()).collect();
        self.fact("llamafile.weights", names.join(","));
        self.framework(
            "llamafile",
            None,
            format!("{kind} executable with GGUF weights"),
        );
        if let Some(entry) = view.entries.iter().find(|e| e.name == ARGS_MEMBER) {
            let args_loc = location.member(ARGS_MEMBER);
            match zip::member_data(data, entry, self.limits) {
                Ok(bytes) => {
                    let members: Vec<&str> = view.entries.iter().map(|e| e.name.as_str()).collect();
                    let args = llamafile::parse_args(&bytes, &members);
                    let shown = args.argv.join(" ");
                    self.fact(
                        "llamafile.args",
                        shown.get(..shown.len().min(MAX_ARGS)).unwrap_or(&shown),
                    );
                    rules::check_llamafile_args(&args, &args_loc, &mut self.out.findings);
                }
                Err(e) => self.inconclusive(&args_loc, format!("`.args`: {e}")),
            }
        }
        if depth >= self.limits.max_archive_depth {
            return self.limit(
                location,
                "max_archive_depth",
                u64::from(self.limits.max_archive_depth),
            );
        }
        // The bytes before the zip are the executable LMF001 reports, not a
        // polyglot stub (ARC006); any other structural anomaly stays.
        let mut view = view.clone();
        view.anomalies.retain(
            |a| !matches!(a, zip::ZipAnomaly::PrependedData { length } if *length == zip_start),
        );
        self.zip(data, &view, location, ModelFormat::Llamafile, depth);
    }
}
