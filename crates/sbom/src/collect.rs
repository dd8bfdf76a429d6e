//! From a scan report to an inventory: the model, its files, the frameworks
//! the evidence names, its datasets and licences, and one vulnerability per
//! finding (plus the known CVEs a finding matches).
//!
//! Nothing here reads a file: every fact comes from the report, which the
//! engine filled in during its single read pass.

use std::collections::{BTreeMap, BTreeSet};

use sentrascan_types::{FileReport, ModelFormat, ScanReport, Severity};

use crate::cve;
use crate::inventory::{
    Component, ComponentKind, HashAlg, Inventory, License, Metric, ModelCard, Vulnerability,
};
use crate::license;

/// Who we are, in vulnerability sources and tool metadata.
pub const TOOL_NAME: &str = "sentrascan-model";
pub const SOURCE_NAME: &str = "SentraScan-Model";

/// Property namespace for our facts.
const NS: &str = "sentrascan";

/// Where the scanned model came from, when the caller knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// `hf://org/name@revision`, `https://…`, or a local path.
    pub uri: Option<String>,
}

/// A Hugging Face Hub repository named by an origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubRepo {
    pub namespace: Option<String>,
    pub name: String,
    pub revision: Option<String>,
}

impl HubRepo {
    /// Reads `hf://org/name[@rev]`, `huggingface.co/org/name[/tree/rev]`.
    pub fn parse(uri: &str) -> Option<Self> {
        let rest = uri
            .strip_prefix("hf://")
            .or_else(|| uri.strip_prefix("https://huggingface.co/"))
            .or_else(|| uri.strip_prefix("huggingface.co/"))?;
        let rest = rest.strip_prefix("models/").unwrap_or(rest);
        let (path, rev) = match rest.split_once('@') {
            Some((p, r)) => (p, Some(r)),
            None => match rest.split_once("/tree/") {
                Some((p, r)) => (p, Some(r)),
                None => (rest, None),
            },
        };
        let mut parts = path.trim_matches('/').split('/');
        let first = parts.next().filter(|s| !s.is_empty())?;
        let second = parts.next().filter(|s| !s.is_empty());
        let (namespace, name) = match second {
            Some(n) => (Some(first.to_string()), n.to_string()),
            None => (None, first.to_string()),
        };
        Some(HubRepo {
            namespace,
            name,
            revision: rev
                .map(|r| r.trim_matches('/').to_ascii_lowercase())
                .filter(|r| !r.is_empty()),
        })
    }

    pub fn purl(&self) -> String {
        let mut p = String::from("pkg:huggingface/");
        if let Some(ns) = &self.namespace {
            p.push_str(&purl_encode(ns));
            p.push('/');
        }
        p.push_str(&purl_encode(&self.name));
        if let Some(r) = &self.revision {
            p.push('@');
            p.push_str(&purl_encode(r));
        }
        p
    }

    pub fn url(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("https://huggingface.co/{ns}/{}", self.name),
            None => format!("https://huggingface.co/{}", self.name),
        }
    }
}

/// Percent-encodes what a purl segment may not hold verbatim.
fn purl_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Facts of every file, first value of a key wins (files in report order).
struct Facts<'r> {
    files: &'r [FileReport],
}

impl<'r> Facts<'r> {
    fn get(&self, key: &str) -> Option<&'r str> {
        self.files
            .iter()
            .find_map(|f| f.metadata.get(key))
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    fn list(&self, key: &str) -> Vec<String> {
        self.get(key)
            .map(|v| {
                v.split(", ")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The inventory of one scan.
pub fn inventory(report: &ScanReport, origin: &Origin) -> Inventory {
    let facts = Facts {
        files: &report.files,
    };
    let hub = origin.uri.as_deref().and_then(HubRepo::parse);
    let single = report.files.len() == 1 && !report.model_path.contains(", ");
    let root = root_prefix(report);

    // The model.
    let name = model_name(report, &facts, hub.as_ref());
    let mut model = Component::new(
        format!("model:{name}"),
        ComponentKind::MachineLearningModel,
        name,
    );
    model.version = hub
        .as_ref()
        .and_then(|h| h.revision.clone())
        .or_else(|| facts.get("gguf.general.version").map(str::to_string))
        .or_else(|| facts.get("onnx.model_version").map(str::to_string));
    if let Some(h) = &hub {
        model.purl = Some(h.purl());
        model.url = Some(h.url());
    }
    model.description = facts
        .get("modelcard.summary")
        .or_else(|| facts.get("gguf.general.description"))
        .map(str::to_string);
    model.licenses = model_licenses(&facts);
    if single && let Some(f) = report.files.first() {
        model.hashes = hashes(f);
        add_file_properties(&mut model, f);
    }
    for (key, prop) in [
        ("modelcard.base_model", "base_model"),
        ("modelcard.library_name", "library_name"),
        ("modelcard.tags", "tags"),
        ("modelcard.language", "languages"),
        ("gguf.general.file_type", "quantization"),
        ("gguf.general.size_label", "parameter_count"),
        ("config.torch_dtype", "torch_dtype"),
    ] {
        if let Some(v) = facts.get(key) {
            model.property(format!("{NS}:model:{prop}"), v);
        }
    }
    for key in HYPERPARAMETERS {
        if let Some(v) = facts.get(&format!("config.{key}")) {
            model.property(format!("cdx:ai-ml:model:hyperparameter:{key}"), v);
        }
    }

    let mut components = Vec::new();
    let mut model_deps = Vec::new();
    let mut file_refs: BTreeMap<&str, String> = BTreeMap::new();

    // Files of a multi-file model.
    if !single {
        for f in &report.files {
            let rel = relative(&f.path, &root);
            let kind = file_kind(f, &rel);
            let mut c = Component::new(format!("file:{rel}"), kind, rel.clone());
            c.hashes = hashes(f);
            add_file_properties(&mut c, f);
            if let Some(l) = f
                .metadata
                .get("license")
                .and_then(|l| license::normalise(l))
            {
                c.licenses.push(l);
            }
            file_refs.insert(f.path.as_str(), c.bom_ref.clone());
            model_deps.push(c.bom_ref.clone());
            components.push(c);
        }
    }

    // Frameworks and libraries, merged by package name across files.
    let mut frameworks: BTreeMap<String, (Option<String>, Vec<String>)> = BTreeMap::new();
    for f in &report.files {
        for fw in &f.frameworks {
            let e = frameworks.entry(fw.name.clone()).or_default();
            if e.0.is_none() {
                e.0.clone_from(&fw.version);
            }
            let rel = relative(&f.path, &root);
            e.1.push(format!("{rel}: {}", fw.evidence));
        }
    }
    for (name, (version, evidence)) in frameworks {
        let purl = framework_purl(&name, version.as_deref());
        let kind = if FRAMEWORKS.contains(&name.as_str()) {
            ComponentKind::Framework
        } else {
            ComponentKind::Library
        };
        let mut c = Component::new(purl.clone(), kind, name);
        c.version = version;
        c.purl = Some(purl);
        for e in evidence {
            c.property(format!("{NS}:evidence"), e);
        }
        model_deps.push(c.bom_ref.clone());
        components.push(c);
    }

    // Datasets named by the model card.
    let mut card = model_card(&facts);
    for id in facts.list("modelcard.datasets") {
        let mut d = Component::new(format!("dataset:{id}"), ComponentKind::Data, id.clone());
        if is_hub_id(&id) {
            d.url = Some(format!("https://huggingface.co/datasets/{id}"));
        }
        card.datasets.push(d.bom_ref.clone());
        model_deps.push(d.bom_ref.clone());
        components.push(d);
    }
    if !card.is_empty() {
        model.model_card = Some(card);
    }

    // Vulnerabilities: one per finding, then the CVEs findings match.
    let mut vulns = Vec::new();
    let mut cves: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut known: BTreeMap<&str, cve::KnownCve> = BTreeMap::new();
    let mut used = BTreeSet::new();
    for finding in &report.findings {
        let loc = &finding.location_detail;
        let affected = file_refs
            .get(loc.file.as_str())
            .cloned()
            .unwrap_or_else(|| model.bom_ref.clone());
        let location = relative(&finding.location, &root);
        let base = format!("vuln:{}:{location}", finding.rule);
        let mut bom_ref = base.clone();
        let mut n = 1;
        while !used.insert(bom_ref.clone()) {
            n += 1;
            bom_ref = format!("{base}#{n}");
        }
        let matched = cve::matching(finding);
        for c in &matched {
            known.insert(c.id, *c);
            cves.entry((c.id.to_string(), affected.clone()))
                .or_default()
                .push(bom_ref.clone());
        }
        vulns.push(Vulnerability {
            bom_ref,
            id: finding.rule.clone(),
            source: SOURCE_NAME.into(),
            source_url: None,
            severity: Some(severity_name(finding.severity).into()),
            cwes: finding
                .cwe
                .as_deref()
                .and_then(cwe_number)
                .into_iter()
                .collect(),
            description: Some(finding.title.clone()),
            detail: Some(finding.description.clone()).filter(|d| !d.is_empty()),
            recommendation: Some(finding.remediation.clone()).filter(|r| !r.is_empty()),
            affects: vec![affected],
            related: matched.iter().map(|c| c.id.to_string()).collect(),
            location: Some(location),
        });
    }
    for ((id, affected), by) in cves {
        let Some(k) = known.get(id.as_str()) else {
            continue;
        };
        vulns.push(Vulnerability {
            bom_ref: format!("cve:{id}:{affected}"),
            source_url: Some(cve::nvd_url(&id)),
            id,
            source: "NVD".into(),
            severity: None,
            cwes: Vec::new(),
            description: Some(k.summary.into()),
            detail: Some(format!(
                "Affects {}. Matched by {}.",
                k.affects,
                by.join(", ")
            )),
            recommendation: None,
            affects: vec![affected],
            related: Vec::new(),
            location: None,
        });
    }

    let mut dependencies = BTreeMap::new();
    dependencies.insert(model.bom_ref.clone(), model_deps);
    for c in &components {
        dependencies.insert(c.bom_ref.clone(), Vec::new());
    }
    let subject = Some(model.bom_ref.clone());
    let mut all = vec![model];
    all.extend(components);
    Inventory {
        source_format: "sentrascan".into(),
        subject,
        components: all,
        dependencies,
        vulnerabilities: vulns,
    }
}

/// `config.json` keys recorded as CycloneDX AI/ML hyperparameters.
pub const HYPERPARAMETERS: &[&str] = &[
    "hidden_size",
    "intermediate_size",
    "max_position_embeddings",
    "num_attention_heads",
    "num_hidden_layers",
    "num_key_value_heads",
    "vocab_size",
];

/// Packages that are frameworks rather than libraries.
const FRAMEWORKS: &[&str] = &[
    "torch",
    "tensorflow",
    "keras",
    "jax",
    "llama.cpp",
    "onnxruntime",
    "transformers",
];

/// Ecosystems other than PyPI, by package name.
const NON_PYPI: &[(&str, &str)] = &[("llama.cpp", "pkg:generic/llama.cpp")];

fn framework_purl(name: &str, version: Option<&str>) -> String {
    let base = match NON_PYPI.iter().find(|(n, _)| *n == name) {
        Some((_, p)) => (*p).to_string(),
        // PyPI names are case-insensitive with `_` and `.` equal to `-`.
        None => format!(
            "pkg:pypi/{}",
            purl_encode(&name.to_ascii_lowercase().replace(['_', '.'], "-"))
        ),
    };
    match version {
        Some(v) => format!("{base}@{}", purl_encode(v)),
        None => base,
    }
}

fn is_hub_id(id: &str) -> bool {
    !id.contains("://")
        && id.split('/').count() <= 2
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

fn model_name(report: &ScanReport, facts: &Facts<'_>, hub: Option<&HubRepo>) -> String {
    if let Some(h) = hub {
        return match &h.namespace {
            Some(ns) => format!("{ns}/{}", h.name),
            None => h.name.clone(),
        };
    }
    facts
        .get("modelcard.model_name")
        .or_else(|| facts.get("gguf.general.name"))
        .or_else(|| {
            facts
                .get("config.name_or_path")
                .filter(|p| !p.starts_with('/') && !p.starts_with('.'))
        })
        .or_else(|| facts.get("onnx.graph_name"))
        .or_else(|| facts.get("keras.name"))
        .map(str::to_string)
        .unwrap_or_else(|| {
            let first = report.model_path.split(", ").next().unwrap_or_default();
            let trimmed = first.trim_end_matches(['/', '\\']);
            trimmed
                .rsplit(['/', '\\'])
                .next()
                .filter(|s| !s.is_empty())
                .unwrap_or("model")
                .to_string()
        })
}

fn model_licenses(facts: &Facts<'_>) -> Vec<License> {
    let mut out: Vec<License> = Vec::new();
    let card = facts.get("modelcard.license").map(|l| {
        if l.eq_ignore_ascii_case("other") {
            facts.get("modelcard.license_name").unwrap_or(l)
        } else {
            l
        }
    });
    for raw in [
        card,
        facts.get("gguf.general.license"),
        facts.get("license"),
        facts.get("config.license"),
        facts.get("onnx.license"),
    ]
    .into_iter()
    .flatten()
    // A card may list several licences (`license: [mit, apache-2.0]`).
    .flat_map(|raw| raw.split(", "))
    {
        if let Some(l) = license::normalise(raw)
            && !out.contains(&l)
        {
            out.push(l);
        }
    }
    out
}

fn model_card(facts: &Facts<'_>) -> ModelCard {
    let task = facts.get("modelcard.pipeline_tag").map(str::to_string);
    // The task's formats, else the graph's declared inputs and outputs.
    let (inputs, outputs) = task
        .as_deref()
        .and_then(task_io)
        .map(|(i, o)| (vec![i.to_string()], vec![o.to_string()]))
        .unwrap_or_else(|| {
            let io = |keys: [&str; 2]| {
                keys.iter()
                    .find_map(|k| facts.get(k))
                    .map(|v| vec![v.to_string()])
                    .unwrap_or_default()
            };
            (
                io(["onnx.inputs", "tflite.inputs"]),
                io(["onnx.outputs", "tflite.outputs"]),
            )
        });
    let metrics = facts
        .get("modelcard.metrics")
        .and_then(|m| serde_json::from_str::<Vec<Metric>>(m).ok())
        .unwrap_or_default();
    ModelCard {
        approach: None,
        task,
        architecture_family: facts
            .get("config.model_type")
            .or_else(|| facts.get("gguf.general.architecture"))
            .map(str::to_string),
        model_architecture: facts
            .list("config.architectures")
            .into_iter()
            .next()
            .or_else(|| facts.get("keras.class_name").map(str::to_string)),
        datasets: Vec::new(),
        inputs,
        outputs,
        metrics,
        use_cases: facts
            .get("modelcard.intended_uses")
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
        technical_limitations: facts
            .get("modelcard.limitations")
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
    }
}

/// Input and output formats of a Hugging Face pipeline task.
fn task_io(task: &str) -> Option<(&'static str, &'static str)> {
    Some(match task {
        "text-generation"
        | "text2text-generation"
        | "summarization"
        | "translation"
        | "question-answering"
        | "fill-mask"
        | "conversational" => ("string", "string"),
        "text-classification"
        | "token-classification"
        | "zero-shot-classification"
        | "sentiment-analysis" => ("string", "label"),
        "feature-extraction" | "sentence-similarity" => ("string", "vector"),
        "image-classification" | "object-detection" | "image-segmentation" => ("image", "label"),
        "image-to-text" => ("image", "string"),
        "text-to-image" => ("string", "image"),
        "automatic-speech-recognition" => ("audio", "string"),
        "text-to-speech" | "text-to-audio" => ("string", "audio"),
        "audio-classification" => ("audio", "label"),
        _ => return None,
    })
}

fn file_kind(f: &FileReport, rel: &str) -> ComponentKind {
    let lower = rel.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    if f.format == ModelFormat::Json
        || base.ends_with(".yaml")
        || base.ends_with(".yml")
        || base == "tokenizer.model"
    {
        ComponentKind::Data
    } else {
        ComponentKind::File
    }
}

fn hashes(f: &FileReport) -> BTreeMap<HashAlg, String> {
    [
        (HashAlg::Sha256, &f.sha256),
        (HashAlg::Sha1, &f.sha1),
        (HashAlg::Md5, &f.md5),
    ]
    .into_iter()
    .filter_map(|(a, h)| h.as_ref().map(|h| (a, h.to_ascii_lowercase())))
    .collect()
}

fn add_file_properties(c: &mut Component, f: &FileReport) {
    c.property(format!("{NS}:format"), f.format.as_str());
    c.property(format!("{NS}:size"), f.size.to_string());
    c.property(
        format!("{NS}:status"),
        serde_json::to_value(f.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
    );
    for (k, v) in &f.metadata {
        let mut v = v.clone();
        if v.len() > MAX_PROPERTY {
            let mut cut = MAX_PROPERTY;
            while !v.is_char_boundary(cut) {
                cut -= 1;
            }
            v.truncate(cut);
            v.push('…');
        }
        c.property(format!("{NS}:fact:{k}"), v);
    }
}

/// Longest fact value copied into a property.
const MAX_PROPERTY: usize = 2048;

/// The prefix stripped from file paths so that components and locations
/// name files relative to the scanned directory (or by their file name).
fn root_prefix(report: &ScanReport) -> String {
    let first = report.model_path.split(", ").next().unwrap_or_default();
    let trimmed = first.trim_end_matches(['/', '\\']);
    if report.files.len() == 1
        && report.files.first().is_some_and(|f| f.path == trimmed)
        && let Some(cut) = trimmed.rfind(['/', '\\'])
    {
        return trimmed[..=cut].to_string();
    }
    if report.files.iter().all(|f| {
        f.path
            .strip_prefix(trimmed)
            .is_some_and(|r| r.starts_with(['/', '\\']))
    }) {
        format!("{trimmed}/")
    } else {
        String::new()
    }
}

fn relative(path: &str, root: &str) -> String {
    path.strip_prefix(root).unwrap_or(path).replace('\\', "/")
}

/// CycloneDX severity name.
pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Info => "info",
    }
}

fn cwe_number(cwe: &str) -> Option<u32> {
    cwe.trim()
        .trim_start_matches("CWE-")
        .trim_start_matches("cwe-")
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_origins_become_huggingface_purls() {
        let h = HubRepo::parse("hf://Meta-Llama/Llama-3-8B@ABCDEF0123").unwrap();
        assert_eq!(h.purl(), "pkg:huggingface/Meta-Llama/Llama-3-8B@abcdef0123");
        let h = HubRepo::parse("https://huggingface.co/gpt2").unwrap();
        assert_eq!(h.purl(), "pkg:huggingface/gpt2");
        assert_eq!(
            HubRepo::parse("https://huggingface.co/org/m/tree/main")
                .unwrap()
                .purl(),
            "pkg:huggingface/org/m@main"
        );
        assert!(HubRepo::parse("/local/path").is_none());
    }

    #[test]
    fn framework_purls_follow_their_ecosystem() {
        assert_eq!(
            framework_purl("torch", Some("2.1.0+cu118")),
            "pkg:pypi/torch@2.1.0%2Bcu118"
        );
        assert_eq!(
            framework_purl("scikit_learn", None),
            "pkg:pypi/scikit-learn"
        );
        assert_eq!(framework_purl("llama.cpp", None), "pkg:generic/llama.cpp");
    }

    #[test]
    fn cwe_numbers_are_read_from_names() {
        assert_eq!(cwe_number("CWE-502"), Some(502));
        assert_eq!(cwe_number("n/a"), None);
    }
}
