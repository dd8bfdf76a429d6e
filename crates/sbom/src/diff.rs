//! Differences between two inventories (of either format): components
//! added, removed and modified (versions, hashes), licence changes, new and
//! resolved vulnerabilities; and what of it a policy forbids.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::inventory::{Component, Inventory, License, Vulnerability, severity_rank};

/// What a diff may not contain.
#[derive(Debug, Clone, Default)]
pub struct DiffPolicy {
    /// New vulnerabilities at or above this severity (`high`) are forbidden.
    pub fail_on: Option<String>,
    /// Licences (SPDX ids or names, any case) no component may newly carry.
    pub blocked_licenses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SbomDiff {
    pub added: Vec<ComponentSummary>,
    pub removed: Vec<ComponentSummary>,
    pub modified: Vec<ComponentChange>,
    pub license_changes: Vec<LicenseChange>,
    pub new_vulnerabilities: Vec<VulnerabilitySummary>,
    pub resolved_vulnerabilities: Vec<VulnerabilitySummary>,
    /// What the policy forbids, one sentence each; empty when allowed.
    pub violations: Vec<String>,
}

impl SbomDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.modified.is_empty()
            && self.license_changes.is_empty()
            && self.new_vulnerabilities.is_empty()
            && self.resolved_vulnerabilities.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentSummary {
    pub name: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentChange {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<Change>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub hashes: BTreeMap<String, Change>,
}

/// Before and after; `None` when absent on that side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LicenseChange {
    pub name: String,
    pub from: Vec<String>,
    pub to: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VulnerabilitySummary {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

fn summary(c: &Component) -> ComponentSummary {
    ComponentSummary {
        name: c.name.clone(),
        kind: c.kind.as_str().into(),
        version: c.version.clone(),
        purl: c.purl.clone(),
        licenses: c.licenses.iter().map(|l| l.text().to_string()).collect(),
    }
}

fn vuln_summary(v: &Vulnerability) -> VulnerabilitySummary {
    VulnerabilitySummary {
        id: v.id.clone(),
        severity: v.severity.clone(),
        location: v
            .location
            .clone()
            .or_else(|| (!v.affects.is_empty()).then(|| v.affects.join(", "))),
        description: v.description.clone(),
    }
}

/// Compares `old` with `new` and judges the result against `policy`.
pub fn diff(old: &Inventory, new: &Inventory, policy: &DiffPolicy) -> SbomDiff {
    let index = |inv: &'_ Inventory| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for (i, c) in inv.components.iter().enumerate() {
            m.entry(c.identity()).or_insert(i);
        }
        m
    };
    let (a, b) = (index(old), index(new));
    let mut out = SbomDiff {
        added: Vec::new(),
        removed: Vec::new(),
        modified: Vec::new(),
        license_changes: Vec::new(),
        new_vulnerabilities: Vec::new(),
        resolved_vulnerabilities: Vec::new(),
        violations: Vec::new(),
    };
    for (key, &j) in &b {
        let Some(nc) = new.components.get(j) else {
            continue;
        };
        let Some(oc) = a.get(key).and_then(|&i| old.components.get(i)) else {
            out.added.push(summary(nc));
            continue;
        };
        let mut change = ComponentChange {
            name: nc.name.clone(),
            version: None,
            hashes: BTreeMap::new(),
        };
        if oc.version != nc.version {
            change.version = Some(Change {
                from: oc.version.clone(),
                to: nc.version.clone(),
            });
        }
        // Only algorithms both sides state can disagree.
        for (alg, h) in &nc.hashes {
            if let Some(o) = oc.hashes.get(alg).filter(|o| *o != h) {
                change.hashes.insert(
                    alg.cyclonedx().to_string(),
                    Change {
                        from: Some(o.clone()),
                        to: Some(h.clone()),
                    },
                );
            }
        }
        if change.version.is_some() || !change.hashes.is_empty() {
            out.modified.push(change);
        }
        let set = |l: &[License]| -> BTreeSet<String> {
            l.iter().map(|x| x.text().to_string()).collect()
        };
        let (ol, nl) = (set(&oc.licenses), set(&nc.licenses));
        if ol != nl {
            out.license_changes.push(LicenseChange {
                name: nc.name.clone(),
                from: ol.into_iter().collect(),
                to: nl.into_iter().collect(),
            });
        }
    }
    for (key, &i) in &a {
        if !b.contains_key(key)
            && let Some(c) = old.components.get(i)
        {
            out.removed.push(summary(c));
        }
    }
    let ids = |inv: &Inventory| -> BTreeSet<String> {
        inv.vulnerabilities
            .iter()
            .map(Vulnerability::identity)
            .collect()
    };
    let (ov, nv) = (ids(old), ids(new));
    let mut seen = BTreeSet::new();
    for v in &new.vulnerabilities {
        let id = v.identity();
        if !ov.contains(&id) && seen.insert(id) {
            out.new_vulnerabilities.push(vuln_summary(v));
        }
    }
    for v in &old.vulnerabilities {
        let id = v.identity();
        if !nv.contains(&id) && seen.insert(id) {
            out.resolved_vulnerabilities.push(vuln_summary(v));
        }
    }
    out.violations = violations(&out, policy);
    out
}

fn violations(d: &SbomDiff, policy: &DiffPolicy) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(threshold) = &policy.fail_on {
        let min = severity_rank(threshold);
        for v in &d.new_vulnerabilities {
            let rank = severity_rank(v.severity.as_deref().unwrap_or("unknown"));
            if min > 0 && rank >= min {
                out.push(format!(
                    "new vulnerability {} ({}) at {} is at or above {threshold}",
                    v.id,
                    v.severity.as_deref().unwrap_or("unknown"),
                    v.location.as_deref().unwrap_or("?")
                ));
            }
        }
    }
    if !policy.blocked_licenses.is_empty() {
        let blocked = |l: &str| {
            policy.blocked_licenses.iter().find(|b| {
                l.eq_ignore_ascii_case(b)
                    || l.replace(['(', ')'], " ")
                        .split_whitespace()
                        .any(|t| t.eq_ignore_ascii_case(b))
            })
        };
        for c in &d.added {
            for l in &c.licenses {
                if let Some(b) = blocked(l) {
                    out.push(format!(
                        "added component {} carries blocked licence {b} ({l})",
                        c.name
                    ));
                }
            }
        }
        for ch in &d.license_changes {
            for l in ch.to.iter().filter(|l| !ch.from.contains(l)) {
                if let Some(b) = blocked(l) {
                    out.push(format!(
                        "component {} now carries blocked licence {b} ({l})",
                        ch.name
                    ));
                }
            }
        }
    }
    out
}

/// The diff as Markdown, for a pull-request comment.
pub fn markdown(d: &SbomDiff) -> String {
    let mut s = String::from("# SBOM diff\n\n");
    if d.is_empty() {
        s.push_str("No differences.\n");
    }
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "—".into());
    if !d.added.is_empty() || !d.removed.is_empty() {
        s.push_str("## Components added and removed\n\n| change | name | type | version | licences |\n|---|---|---|---|---|\n");
        for (sign, list) in [("added", &d.added), ("removed", &d.removed)] {
            for c in list {
                let _ = writeln!(
                    s,
                    "| {sign} | {} | {} | {} | {} |",
                    cell(&c.name),
                    c.kind,
                    cell(&opt(&c.version)),
                    cell(&c.licenses.join(", "))
                );
            }
        }
        s.push('\n');
    }
    if !d.modified.is_empty() {
        s.push_str("## Components modified\n\n| name | what | from | to |\n|---|---|---|---|\n");
        for c in &d.modified {
            if let Some(v) = &c.version {
                let _ = writeln!(
                    s,
                    "| {} | version | {} | {} |",
                    cell(&c.name),
                    cell(&opt(&v.from)),
                    cell(&opt(&v.to))
                );
            }
            for (alg, h) in &c.hashes {
                let _ = writeln!(
                    s,
                    "| {} | {alg} | `{}` | `{}` |",
                    cell(&c.name),
                    opt(&h.from),
                    opt(&h.to)
                );
            }
        }
        s.push('\n');
    }
    if !d.license_changes.is_empty() {
        s.push_str("## Licence changes\n\n| name | from | to |\n|---|---|---|\n");
        for c in &d.license_changes {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                cell(&c.name),
                cell(&c.from.join(", ")),
                cell(&c.to.join(", "))
            );
        }
        s.push('\n');
    }
    for (title, list) in [
        ("New vulnerabilities", &d.new_vulnerabilities),
        ("Resolved vulnerabilities", &d.resolved_vulnerabilities),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(
            s,
            "## {title}\n\n| id | severity | location | description |\n|---|---|---|---|\n"
        );
        for v in list {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                cell(&v.id),
                cell(&opt(&v.severity)),
                cell(&opt(&v.location)),
                cell(&opt(&v.description))
            );
        }
        s.push('\n');
    }
    if !d.violations.is_empty() {
        s.push_str("## Policy violations\n\n");
        for v in &d.violations {
            let _ = writeln!(s, "- {v}");
        }
    }
    s
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{ComponentKind, HashAlg};

    fn inv(components: Vec<Component>, vulns: Vec<Vulnerability>) -> Inventory {
        Inventory {
            source_format: "test".into(),
            subject: None,
            components,
            dependencies: BTreeMap::new(),
            vulnerabilities: vulns,
        }
    }

    fn vuln(id: &str, sev: &str, loc: &str) -> Vulnerability {
        Vulnerability {
            bom_ref: format!("{id}{loc}"),
            id: id.into(),
            source: "s".into(),
            source_url: None,
            severity: Some(sev.into()),
            cwes: vec![],
            description: None,
            detail: None,
            recommendation: None,
            affects: vec![],
            related: vec![],
            location: Some(loc.into()),
        }
    }

    #[test]
    fn components_vulnerabilities_and_licences_are_compared() {
        let mut torch = Component::new("t", ComponentKind::Framework, "torch");
        torch.purl = Some("pkg:pypi/torch@2.0".into());
        torch.version = Some("2.0".into());
        let mut w = Component::new("w", ComponentKind::File, "model.pt");
        w.hashes.insert(HashAlg::Sha256, "aa".into());
        w.licenses.push(License::Id("MIT".into()));
        let old = inv(
            vec![
                torch.clone(),
                w.clone(),
                Component::new("g", ComponentKind::File, "gone"),
            ],
            vec![vuln("PKL001", "critical", "a"), vuln("ST001", "low", "b")],
        );
        torch.purl = Some("pkg:pypi/torch@2.1".into());
        torch.version = Some("2.1".into());
        w.hashes.insert(HashAlg::Sha256, "bb".into());
        w.licenses = vec![License::Id("AGPL-3.0-only".into())];
        let new = inv(
            vec![
                torch,
                w,
                Component::new("n", ComponentKind::File, "new.bin"),
            ],
            vec![vuln("PKL001", "critical", "a"), vuln("NPY001", "high", "c")],
        );
        let policy = DiffPolicy {
            fail_on: Some("high".into()),
            blocked_licenses: vec!["agpl-3.0-only".into()],
        };
        let d = diff(&old, &new, &policy);
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.removed[0].name, "gone");
        assert_eq!(d.modified.len(), 2);
        assert_eq!(d.license_changes[0].to, ["AGPL-3.0-only"]);
        assert_eq!(d.new_vulnerabilities[0].id, "NPY001");
        assert_eq!(d.resolved_vulnerabilities[0].id, "ST001");
        assert_eq!(d.violations.len(), 2, "{:?}", d.violations);
        let md = markdown(&d);
        assert!(md.contains("| removed | gone |"));
        assert!(md.contains("## Policy violations"));
    }

    #[test]
    fn a_diff_of_an_inventory_with_itself_is_empty() {
        let c = Component::new("x", ComponentKind::File, "x");
        let i = inv(vec![c], vec![vuln("PKL001", "critical", "a")]);
        let d = diff(
            &i,
            &i,
            &DiffPolicy {
                fail_on: Some("low".into()),
                blocked_licenses: vec![],
            },
        );
        assert!(d.is_empty());
        assert!(d.violations.is_empty());
    }
}
