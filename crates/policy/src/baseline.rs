//! Baselines (the specification's FR-7.1) and drift from them (FR-7.2).
//!
//! A baseline records an approved scan: the model's digest and size, every
//! file as a component, the frameworks the model needs as dependencies, the
//! licences the files declare and the findings (by fingerprint). Paths are
//! relative to the scan root, so a model moved elsewhere compares cleanly.
//! Drift is the difference between the baseline and the same record made
//! from a new scan.

use std::collections::BTreeMap;
use std::path::Path;

use sentrascan_types::{
    DriftChange, DriftKind, DriftReport, ModelFormat, ScanReport, Severity, Verdict,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::licence::file_licence;

/// Version of the baseline file format.
pub const BASELINE_VERSION: &str = "1.0";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: String,
    pub created_at: String,
    pub model: BaselineModel,
    pub sbom: BaselineSbom,
    pub scan_results: BaselineScan,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineModel {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The path scanned, as given.
    pub path: String,
    pub format: ModelFormat,
    /// `sha256:` and the file's digest; for several files, the digest of
    /// their sorted `path NUL sha256 LF` lines.
    pub hash: String,
    pub size_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BaselineSbom {
    pub components: Vec<Component>,
    pub dependencies: Vec<Dependency>,
    pub licenses: Vec<LicenceEntry>,
}

/// One file of the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// Relative to the scan root.
    pub path: String,
    pub format: ModelFormat,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// A framework the model needs, with the files that show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceEntry {
    pub path: String,
    pub license: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineScan {
    pub findings: Vec<BaselineFinding>,
    pub passed: bool,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineFinding {
    pub fingerprint: String,
    pub rule: String,
    pub severity: Severity,
    /// Relative to the scan root.
    pub location: String,
    pub title: String,
}

pub use sentrascan_types::relative_path as relative;

/// Why a baseline file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {error}")]
    Read {
        path: String,
        #[source]
        error: std::io::Error,
    },
    #[error("{path} is not a baseline: {error}")]
    Invalid {
        path: String,
        #[source]
        error: serde_json::Error,
    },
    #[error("{path} is a baseline of version {found}; this version reads {BASELINE_VERSION}")]
    Version { path: String, found: String },
}

impl Baseline {
    /// The baseline of `report`, a scan of `root` (the path as given).
    pub fn from_report(
        report: &ScanReport,
        root: &str,
        name: &str,
        approved_by: Option<&str>,
        now: &str,
    ) -> Baseline {
        let rel = |p: &str| relative(p, root);
        let mut components: Vec<Component> = report
            .files
            .iter()
            .map(|f| Component {
                path: rel(&f.path),
                format: f.format,
                size: f.size,
                sha256: f.sha256.clone(),
            })
            .collect();
        components.sort_by(|a, b| a.path.cmp(&b.path));
        let hash = match (report.files.as_slice(), components.as_slice()) {
            ([f], _) => format!("sha256:{}", f.sha256.as_deref().unwrap_or("-")),
            (_, cs) => {
                let mut h = Sha256::new();
                for c in cs {
                    h.update(c.path.as_bytes());
                    h.update(b"\0");
                    h.update(c.sha256.as_deref().unwrap_or("-").as_bytes());
                    h.update(b"\n");
                }
                let d = h.finalize();
                format!(
                    "sha256:{}",
                    d.iter().map(|b| format!("{b:02x}")).collect::<String>()
                )
            }
        };
        let mut deps: BTreeMap<(String, Option<String>), Vec<String>> = BTreeMap::new();
        for f in &report.files {
            for fw in &f.frameworks {
                deps.entry((fw.name.clone(), fw.version.clone()))
                    .or_default()
                    .push(format!("{}: {}", rel(&f.path), fw.evidence));
            }
        }
        let dependencies = deps
            .into_iter()
            .map(|((name, version), mut evidence)| {
                evidence.sort();
                evidence.dedup();
                Dependency {
                    name,
                    version,
                    evidence,
                }
            })
            .collect();
        let mut licenses: Vec<LicenceEntry> = report
            .files
            .iter()
            .filter_map(|f| {
                file_licence(f).map(|(_, l)| LicenceEntry {
                    path: rel(&f.path),
                    license: l.to_string(),
                })
            })
            .collect();
        licenses.sort_by(|a, b| a.path.cmp(&b.path));
        let mut findings: Vec<BaselineFinding> = report
            .findings
            .iter()
            .map(|f| {
                let artifact = rel(&f.location_detail.file);
                let mut location = artifact.clone();
                for m in &f.location_detail.members {
                    location.push_str("!/");
                    location.push_str(m);
                }
                BaselineFinding {
                    fingerprint: f.fingerprint_at(&artifact),
                    rule: f.rule.clone(),
                    severity: f.severity,
                    location,
                    title: f.title.clone(),
                }
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.location, &a.rule, &a.fingerprint).cmp(&(&b.location, &b.rule, &b.fingerprint))
        });
        findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            version: BASELINE_VERSION.into(),
            created_at: now.to_string(),
            model: BaselineModel {
                name: name.to_string(),
                version: None,
                path: root.to_string(),
                format: report.model_format,
                hash,
                size_bytes: report.files.iter().map(|f| f.size).sum(),
            },
            sbom: BaselineSbom {
                components,
                dependencies,
                licenses,
            },
            scan_results: BaselineScan {
                findings,
                passed: report.scan_result.passed,
                verdict: report.scan_result.verdict,
            },
            approved_by: approved_by.map(str::to_string),
            approval_date: approved_by.map(|_| now.to_string()),
        }
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| BaselineError::Read {
            path: name.clone(),
            error,
        })?;
        let b: Baseline = serde_json::from_str(&text).map_err(|error| BaselineError::Invalid {
            path: name.clone(),
            error,
        })?;
        if b.version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                path: name,
                found: b.version,
            });
        }
        Ok(b)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// What changed from this baseline to `current` (sorted by kind, subject).
    pub fn drift(&self, current: &Baseline, baseline_path: &str) -> DriftReport {
        let mut changes = Vec::new();
        let mut push = |kind,
                        subject: &str,
                        before: Option<String>,
                        after: Option<String>,
                        message: String| {
            changes.push(DriftChange {
                kind,
                subject: subject.to_string(),
                before,
                after,
                message,
            })
        };
        if self.model.hash != current.model.hash {
            push(
                DriftKind::HashChanged,
                &current.model.path,
                Some(self.model.hash.clone()),
                Some(current.model.hash.clone()),
                format!(
                    "model digest changed from {} to {}",
                    self.model.hash, current.model.hash
                ),
            );
        }
        let old: BTreeMap<&str, &Component> = self
            .sbom
            .components
            .iter()
            .map(|c| (c.path.as_str(), c))
            .collect();
        let new: BTreeMap<&str, &Component> = current
            .sbom
            .components
            .iter()
            .map(|c| (c.path.as_str(), c))
            .collect();
        for (path, c) in &new {
            match old.get(path) {
                None => push(
                    DriftKind::ComponentAdded,
                    path,
                    None,
                    c.sha256.as_ref().map(|s| format!("sha256:{s}")),
                    format!("new file {path} ({}, {} bytes)", c.format, c.size),
                ),
                Some(o) if o != c => {
                    let mut what = Vec::new();
                    if o.sha256 != c.sha256 {
                        what.push("content".to_string());
                    }
                    if o.size != c.size {
                        what.push(format!("size {} → {} bytes", o.size, c.size));
                    }
                    if o.format != c.format {
                        what.push(format!("format {} → {}", o.format, c.format));
                    }
                    push(
                        DriftKind::ComponentChanged,
                        path,
                        o.sha256.as_ref().map(|s| format!("sha256:{s}")),
                        c.sha256.as_ref().map(|s| format!("sha256:{s}")),
                        format!("{path} changed: {}", what.join(", ")),
                    );
                }
                Some(_) => {}
            }
        }
        for (path, c) in &old {
            if !new.contains_key(path) {
                push(
                    DriftKind::ComponentRemoved,
                    path,
                    c.sha256.as_ref().map(|s| format!("sha256:{s}")),
                    None,
                    format!("file {path} ({}) is gone", c.format),
                );
            }
        }
        let old_lic: BTreeMap<&str, &str> = self
            .sbom
            .licenses
            .iter()
            .map(|l| (l.path.as_str(), l.license.as_str()))
            .collect();
        let new_lic: BTreeMap<&str, &str> = current
            .sbom
            .licenses
            .iter()
            .map(|l| (l.path.as_str(), l.license.as_str()))
            .collect();
        for path in old.keys().filter(|p| new.contains_key(*p)) {
            let (a, b) = (old_lic.get(path).copied(), new_lic.get(path).copied());
            if a != b {
                push(
                    DriftKind::LicenceChanged,
                    path,
                    a.map(str::to_string),
                    b.map(str::to_string),
                    format!(
                        "licence of {path} changed from {} to {}",
                        a.unwrap_or("none"),
                        b.unwrap_or("none")
                    ),
                );
            }
        }
        let old_f: BTreeMap<&str, &BaselineFinding> = self
            .scan_results
            .findings
            .iter()
            .map(|f| (f.fingerprint.as_str(), f))
            .collect();
        let new_f: BTreeMap<&str, &BaselineFinding> = current
            .scan_results
            .findings
            .iter()
            .map(|f| (f.fingerprint.as_str(), f))
            .collect();
        for (fp, f) in &new_f {
            if !old_f.contains_key(fp) {
                push(
                    DriftKind::NewFinding,
                    &f.location,
                    None,
                    Some(fp.to_string()),
                    format!(
                        "new finding {} {} at {}: {}",
                        f.severity, f.rule, f.location, f.title
                    ),
                );
            }
        }
        for (fp, f) in &old_f {
            if !new_f.contains_key(fp) {
                push(
                    DriftKind::ResolvedFinding,
                    &f.location,
                    Some(fp.to_string()),
                    None,
                    format!(
                        "finding {} {} at {} is gone: {}",
                        f.severity, f.rule, f.location, f.title
                    ),
                );
            }
        }
        let versions = |b: &Baseline| -> BTreeMap<String, Vec<String>> {
            let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for d in &b.sbom.dependencies {
                m.entry(d.name.clone())
                    .or_default()
                    .push(d.version.clone().unwrap_or_else(|| "unknown".into()));
            }
            m
        };
        let (old_d, new_d) = (versions(self), versions(current));
        for (name, v) in &new_d {
            match old_d.get(name) {
                None => push(
                    DriftKind::DependencyAdded,
                    name,
                    None,
                    Some(v.join(", ")),
                    format!("the model now needs {name} {}", v.join(", ")),
                ),
                Some(o) if o != v => push(
                    DriftKind::DependencyUpdated,
                    name,
                    Some(o.join(", ")),
                    Some(v.join(", ")),
                    format!("{name} changed from {} to {}", o.join(", "), v.join(", ")),
                ),
                Some(_) => {}
            }
        }
        for (name, v) in &old_d {
            if !new_d.contains_key(name) {
                push(
                    DriftKind::DependencyRemoved,
                    name,
                    Some(v.join(", ")),
                    None,
                    format!("the model no longer needs {name} {}", v.join(", ")),
                );
            }
        }
        changes.sort();
        DriftReport {
            baseline: self.model.name.clone(),
            baseline_path: baseline_path.to_string(),
            baseline_created_at: self.created_at.clone(),
            drifted: changes.iter().any(|c| c.kind.is_drift()),
            changes,
        }
    }
}
