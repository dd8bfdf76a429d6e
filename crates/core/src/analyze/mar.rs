//! TorchServe model archives: the manifest's handler, model file and
//! requirements. The zip walk (every member through the engine) has
//! already run when this is called.

use sentrascan_detectors as rules;
use sentrascan_formats::mar::{self, MANIFEST};
use sentrascan_formats::zip::{self, ZipView};
use sentrascan_types::Location;

use super::Ctx;

/// True when a zip carries `MAR-INF/MANIFEST.json`.
pub(super) fn is_mar_zip(view: &ZipView) -> bool {
    view.entries.iter().any(|e| e.name == MANIFEST)
}

impl Ctx<'_> {
    pub(super) fn mar(&mut self, data: &[u8], view: &ZipView, location: &Location) {
        let Some(entry) = view.entries.iter().find(|e| e.name == MANIFEST) else {
            return;
        };
        let manifest_loc = location.member(MANIFEST);
        let parsed = match zip::member_data(data, entry, self.limits) {
            Ok(bytes) => mar::parse_manifest(&bytes),
            Err(e) => {
                // Already reported by the zip walk as unreadable.
                self.inconclusive(&manifest_loc, format!("TorchServe manifest: {e}"));
                return;
            }
        };
        let manifest = match parsed {
            Ok(m) => m,
            Err(e) => {
                self.out
                    .findings
                    .push(rules::mar_manifest_unreadable(&manifest_loc, &e));
                self.inconclusive(&manifest_loc, e.to_string());
                return;
            }
        };
        let facts = [
            ("mar.model_name", &manifest.model_name),
            ("mar.model_version", &manifest.model_version),
            ("mar.handler", &manifest.handler),
            ("mar.runtime", &manifest.runtime),
            ("mar.archiver_version", &manifest.archiver_version),
            ("mar.serialized_file", &manifest.serialized_file),
        ];
        for (key, value) in facts {
            if let Some(v) = value {
                self.fact(key, v.clone());
            }
        }
        self.framework(
            "torchserve",
            None,
            "TorchServe model archive (MAR-INF/MANIFEST.json)",
        );
        let members: Vec<&str> = view.entries.iter().map(|e| e.name.as_str()).collect();
        rules::check_mar(&manifest, &members, &manifest_loc, &mut self.out.findings);
        let Some(req_name) = manifest
            .requirements_file
            .as_deref()
            .filter(|r| !mar::path_escapes(r))
        else {
            return;
        };
        let Some(req) = view
            .entries
            .iter()
            .find(|e| e.name.trim_start_matches("./") == req_name.trim_start_matches("./"))
        else {
            return;
        };
        let req_loc = location.member(&req.name);
        match zip::member_data(data, req, self.limits) {
            Ok(bytes) => {
                let reqs = mar::requirements(&String::from_utf8_lossy(&bytes));
                self.fact("mar.requirements", reqs.len().to_string());
                rules::check_requirements(&reqs, &req_loc, &mut self.out.findings);
            }
            Err(e) => self.inconclusive(&req_loc, format!("requirements file: {e}")),
        }
    }
}
