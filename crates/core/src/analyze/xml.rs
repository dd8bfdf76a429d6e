//! XML documents: the safe XML view and the `XML` rules for every XML
//! file, then OpenVINO IR (`OV` rules, `.bin` range checks, SBOM facts) or
//! PMML (`PMML` rules, facts) by root element.

use sentrascan_detectors as rules;
use sentrascan_detectors::rules::openvino as ov_rules;
use sentrascan_formats::{openvino, pmml, xml};
use sentrascan_types::{Location, ModelFormat};

use super::Ctx;

/// Names kept in list-valued facts.
const MAX_FACT_NAMES: usize = 256;

/// Names of documentation files, whose markup is HTML rather than XML.
pub(super) fn is_documentation_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        ".md",
        ".markdown",
        ".txt",
        ".html",
        ".htm",
        ".rst",
        ".jinja",
        ".j2",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
}

impl Ctx<'_> {
    pub(super) fn xml(
        &mut self,
        data: &[u8],
        location: &Location,
        name: &str,
        format: ModelFormat,
        depth: u32,
    ) {
        let scanner = match format {
            ModelFormat::OpenVino => "openvino",
            ModelFormat::Pmml => "pmml",
            _ => "xml",
        };
        self.out.scanners.insert(scanner);
        let view = match xml::parse(data, self.limits) {
            Ok(v) => v,
            Err(e) => {
                self.out
                    .findings
                    .push(rules::xml_malformed(location, &e.to_string()).scanner(scanner));
                self.inconclusive(location, format!("XML cannot be read: {e}"));
                return;
            }
        };
        rules::check_xml(&view, location, scanner, &mut self.out.findings);
        for (limit, value) in &view.limits_hit {
            self.limit(location, limit, *value);
        }
        if let Some((offset, why)) = &view.malformed {
            self.inconclusive(location, format!("XML is malformed at {offset:#x}: {why}"));
        }
        if let Some(root) = view.root() {
            self.fact("xml.root", root.local.clone());
        }
        if let Some(enc) = &view.encoding {
            self.fact("xml.encoding", enc.clone());
        }
        self.fact("xml.elements", view.elements.len().to_string());
        if openvino::is_ir(&view) {
            self.openvino(&view, location, name, depth);
        } else if pmml::is_pmml(&view) {
            self.pmml(&view, location);
        }
    }

    fn openvino(&mut self, view: &xml::XmlView, location: &Location, name: &str, depth: u32) {
        let ir = openvino::read(view);
        rules::check_openvino(&ir, location, &mut self.out.findings);
        self.fact("openvino.ir_version", ir.ir_version.clone());
        self.fact("openvino.name", ir.name.clone());
        self.fact("openvino.layers", ir.layers.len().to_string());
        self.fact("openvino.opsets", ir.opsets().join(","));
        let types: std::collections::BTreeSet<&str> =
            ir.layers.iter().map(|l| l.kind.as_str()).collect();
        let types: Vec<&str> = types.into_iter().take(MAX_FACT_NAMES).collect();
        self.fact("openvino.layer_types", types.join(","));
        let runtime = ir
            .rt("OpenVINO Runtime")
            .or_else(|| ir.rt("Runtime_version"))
            .map(str::to_string);
        if let Some(v) = &runtime {
            self.fact("openvino.runtime_version", v.clone());
        }
        for (key, fact) in [
            ("MO_version", "openvino.mo_version"),
            (
                "conversion_parameters.framework",
                "openvino.source_framework",
            ),
        ] {
            if let Some(v) = ir.rt(key) {
                self.fact(fact, v.to_string());
            }
        }
        // `2026.4.1-22982-e213a147257-releases/2026/4`: the release is the first part.
        let release = runtime.as_deref().and_then(|v| v.split('-').next());
        self.framework(
            "openvino",
            release,
            format!(
                "OpenVINO IR version {} ({} layers)",
                ir.ir_version,
                ir.layers.len()
            ),
        );
        // The weights: `model.xml` reads `model.bin` from the same directory.
        let dir = if depth == 0 {
            self.model_dir.clone()
        } else {
            None
        };
        let consts: Vec<&openvino::ConstRange> = ir.consts.iter().collect();
        if consts.is_empty() {
            return;
        }
        let bin = match name.rsplit_once('.') {
            Some((stem, ext)) if ext.eq_ignore_ascii_case("xml") => format!("{stem}.bin"),
            _ => format!("{name}.bin"),
        };
        let Some(dir) = dir else {
            return;
        };
        match std::fs::metadata(dir.join(&bin)) {
            Ok(meta) if meta.is_file() => {
                let size = meta.len();
                let mut reported = 0usize;
                for c in consts {
                    let end = c.offset.zip(c.size).map(|(o, s)| o.checked_add(s));
                    let bad = match end {
                        Some(Some(e)) => e > size,
                        Some(None) => true,
                        None => false,
                    };
                    if bad && reported < 64 {
                        reported = reported.saturating_add(1);
                        self.out
                            .findings
                            .push(ov_rules::weights_out_of_bounds(location, c, &bin, size));
                    }
                }
                self.fact("openvino.weights_bytes", size.to_string());
            }
            _ => {
                self.out
                    .findings
                    .push(ov_rules::weights_missing(location, &bin, ir.consts.len()));
            }
        }
    }

    fn pmml(&mut self, view: &xml::XmlView, location: &Location) {
        let p = pmml::read(view);
        rules::check_pmml(&p, location, &mut self.out.findings);
        self.fact("pmml.version", p.version.clone());
        if let Some(a) = &p.application {
            self.fact("pmml.application", a.clone());
        }
        if let Some(v) = &p.application_version {
            self.fact("pmml.application_version", v.clone());
        }
        let models: Vec<&str> = p
            .models
            .iter()
            .map(|m| m.kind.as_str())
            .take(MAX_FACT_NAMES)
            .collect();
        self.fact("pmml.models", models.join(","));
        let functions: Vec<&str> = p
            .models
            .iter()
            .map(|m| m.function_name.as_str())
            .take(MAX_FACT_NAMES)
            .collect();
        self.fact("pmml.function_names", functions.join(","));
        self.fact("pmml.data_fields", p.data_fields.len().to_string());
        self.fact("pmml.extensions", p.extensions.len().to_string());
    }
}
