//! ExecuTorch programs: the flatbuffer view, the `PTE` rules, the SBOM
//! facts (schema version, plans, operators, backends), and recursion into
//! delegate payloads so that whatever a backend receives (a pickle, an
//! archive, another model) goes through the whole engine.

use sentrascan_detectors as rules;
use sentrascan_formats::executorch::{self, ExecuTorchAnomaly};
use sentrascan_types::Location;

use super::Ctx;

/// Names kept per list fact.
const MAX_NAMES: usize = 256;

impl Ctx<'_> {
    pub(super) fn executorch(&mut self, data: &[u8], location: &Location, depth: u32) {
        self.out.scanners.insert("executorch");
        let view = match executorch::parse(data) {
            Ok(v) => v,
            Err(e) => {
                self.out
                    .findings
                    .push(rules::executorch_program_unreadable(location, &e));
                self.inconclusive(location, format!("ExecuTorch program cannot be read: {e}"));
                return;
            }
        };
        rules::check_executorch(&view, data, location, &mut self.out.findings);
        for (limit, value) in &view.limits_hit {
            self.limit(location, limit, *value);
        }
        let malformed = view
            .anomalies
            .iter()
            .filter(|a| matches!(a, ExecuTorchAnomaly::Malformed { .. }))
            .count();
        if malformed > 0 {
            self.inconclusive(
                location,
                format!("{malformed} part(s) of the ExecuTorch flatbuffer could not be read"),
            );
        }
        self.fact("executorch.identifier", view.identifier.clone());
        self.fact("executorch.schema_version", view.schema_version.to_string());
        self.fact("executorch.plans", view.plans.join(","));
        let mut ops: Vec<String> = view.operators.iter().map(|o| o.qualified()).collect();
        ops.sort();
        ops.dedup();
        ops.truncate(MAX_NAMES);
        self.fact("executorch.operators", ops.join(","));
        let mut backends: Vec<&str> = view.delegates.iter().map(|d| d.id.as_str()).collect();
        backends.sort_unstable();
        backends.dedup();
        self.fact("executorch.backends", backends.join(","));
        self.fact("executorch.segments", view.segments.len().to_string());
        if !view.named_data.is_empty() {
            self.fact("executorch.named_data", view.named_data.len().to_string());
        }
        self.framework(
            "executorch",
            None,
            format!("ExecuTorch program ({})", view.identifier),
        );
        if depth >= self.limits.max_archive_depth {
            if !view.delegates.is_empty() {
                self.limit(
                    location,
                    "max_archive_depth",
                    u64::from(self.limits.max_archive_depth),
                );
            }
            return;
        }
        for (i, d) in view.delegates.iter().enumerate() {
            if self.out_of_time(location) {
                return;
            }
            let Some((offset, size)) = d.payload else {
                continue;
            };
            let bytes = usize::try_from(offset)
                .ok()
                .and_then(|o| data.get(o..)?.get(..usize::try_from(size).ok()?));
            let Some(bytes) = bytes else { continue };
            let name = format!("delegate[{i}]:{}", d.id);
            let member = location.member(&name);
            self.analyze(bytes, &member, &name, depth + 1, None);
        }
    }
}
