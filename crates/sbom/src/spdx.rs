//! SPDX 2.3 JSON encoder over the same inventory: the model and each
//! framework or dataset as a package, each file as a file with its
//! checksums, licences as SPDX expressions (names become `LicenseRef-`s with
//! their text), and the graph as relationships.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::collect::TOOL_NAME;
use crate::cyclonedx::Header;
use crate::inventory::{Component, ComponentKind, HashAlg, Inventory, License};
use crate::license::license_ref;

/// Renders the inventory as an SPDX 2.3 JSON document.
pub fn render(inv: &Inventory, header: &Header) -> String {
    let mut ids = SpdxIds::default();
    let mut extracted: BTreeMap<String, String> = BTreeMap::new();
    let mut packages = Vec::new();
    let mut files = Vec::new();
    let subject_name = inv
        .subject_component()
        .map(|c| c.name.clone())
        .unwrap_or_else(|| "model".into());
    for c in &inv.components {
        let id = ids.assign(&c.bom_ref, c.kind == ComponentKind::File);
        let declared = license_expression(&c.licenses, &mut extracted);
        // SPDX files must carry a SHA1: a file without one is listed as a
        // package of purpose FILE instead.
        if matches!(c.kind, ComponentKind::File | ComponentKind::Data)
            && !c.bom_ref.starts_with("dataset:")
            && c.hashes.contains_key(&HashAlg::Sha1)
        {
            let mut f = json!({
                "SPDXID": id,
                "fileName": format!("./{}", c.name.trim_start_matches("./")),
                "checksums": checksums(c),
                "licenseConcluded": "NOASSERTION",
                "copyrightText": "NOASSERTION",
            });
            if let Some(d) = &declared {
                f["licenseInfoInFiles"] = json!(split_ids(d));
            }
            if let Some(comment) = comment(c) {
                f["comment"] = json!(comment);
            }
            files.push(f);
        } else {
            packages.push(package(c, &id, declared));
        }
    }
    let subject_id = inv
        .subject
        .as_deref()
        .and_then(|r| ids.get(r))
        .unwrap_or("SPDXRef-DOCUMENT")
        .to_string();
    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": subject_id,
    })];
    for (from, deps) in &inv.dependencies {
        let Some(from_id) = ids.get(from) else {
            continue;
        };
        for to in deps {
            let Some(to_id) = ids.get(to) else {
                continue;
            };
            let kind = match inv.component(to).map(|c| c.kind) {
                Some(ComponentKind::File) => "CONTAINS",
                Some(ComponentKind::Data) if to.starts_with("file:") => "CONTAINS",
                _ => "DEPENDS_ON",
            };
            relationships.push(json!({
                "spdxElementId": from_id,
                "relationshipType": kind,
                "relatedSpdxElement": to_id,
            }));
        }
    }
    let uuid = header
        .serial_number
        .strip_prefix("urn:uuid:")
        .unwrap_or(&header.serial_number);
    // A package that CONTAINS files must say its files were analysed.
    let containers: BTreeSet<String> = relationships
        .iter()
        .filter(|r| {
            r["relationshipType"] == "CONTAINS"
                && r["relatedSpdxElement"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("SPDXRef-File-"))
        })
        .filter_map(|r| r["spdxElementId"].as_str().map(str::to_string))
        .collect();
    for p in &mut packages {
        if p["SPDXID"]
            .as_str()
            .is_some_and(|id| containers.contains(id))
        {
            p["filesAnalyzed"] = json!(true);
        }
    }
    let mut doc = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": subject_name,
        "documentNamespace": format!("https://spdx.org/spdxdocs/{TOOL_NAME}/{}-{uuid}", slug(&subject_name)),
        "creationInfo": {
            "created": spdx_time(&header.timestamp),
            "creators": [format!("Tool: {TOOL_NAME}-{}", header.tool_version)],
        },
        "packages": packages,
        "relationships": relationships,
    });
    if !files.is_empty() {
        doc["files"] = json!(files);
    }
    if !extracted.is_empty() {
        doc["hasExtractedLicensingInfos"] = extracted
            .into_iter()
            .map(|(id, name)| {
                json!({
                    "licenseId": id,
                    "name": name,
                    "extractedText": format!("The licence named \"{name}\" (text not included in the model files scanned)."),
                })
            })
            .collect();
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn package(c: &Component, id: &str, declared: Option<String>) -> Value {
    let mut p = json!({
        "SPDXID": id,
        "name": c.name,
        "downloadLocation": c.url.clone().unwrap_or_else(|| "NOASSERTION".into()),
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": declared.unwrap_or_else(|| "NOASSERTION".into()),
        "copyrightText": "NOASSERTION",
        "primaryPackagePurpose": match c.kind {
            ComponentKind::Framework => "FRAMEWORK",
            ComponentKind::Library => "LIBRARY",
            ComponentKind::Application => "APPLICATION",
            ComponentKind::File => "FILE",
            _ => "OTHER",
        },
    });
    if let Some(v) = &c.version {
        p["versionInfo"] = json!(v);
    }
    if !c.hashes.is_empty() {
        p["checksums"] = checksums(c);
    }
    if let Some(purl) = &c.purl {
        p["externalRefs"] = json!([{
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": purl,
        }]);
    }
    if let Some(d) = &c.description {
        p["description"] = json!(d);
    }
    if let Some(comment) = comment(c) {
        p["comment"] = json!(comment);
    }
    p
}

fn checksums(c: &Component) -> Value {
    c.hashes
        .iter()
        .map(|(alg, v)| json!({"algorithm": alg.spdx(), "checksumValue": v}))
        .collect()
}

/// Properties as `name: value` lines (SPDX 2.3 has no property bag).
fn comment(c: &Component) -> Option<String> {
    let lines: Vec<String> = c
        .properties
        .iter()
        .map(|p| format!("{}: {}", p.name, p.value))
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// One SPDX expression for a component's licences; names become
/// `LicenseRef-`s recorded in `extracted`.
fn license_expression(
    list: &[License],
    extracted: &mut BTreeMap<String, String>,
) -> Option<String> {
    let parts: Vec<String> = list
        .iter()
        .map(|l| match l {
            License::Id(id) => id.clone(),
            License::Expression(e) if list.len() > 1 => format!("({e})"),
            License::Expression(e) => e.clone(),
            License::Name(name) => {
                let id = license_ref(name);
                extracted.insert(id.clone(), name.clone());
                id
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

fn split_ids(expr: &str) -> Vec<String> {
    expr.replace(['(', ')'], " ")
        .split_whitespace()
        .filter(|t| !matches!(*t, "AND" | "OR" | "WITH"))
        .map(str::to_string)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// SPDX ids are `SPDXRef-` plus letters, digits, `.` and `-`, unique.
#[derive(Default)]
struct SpdxIds {
    by_ref: BTreeMap<String, String>,
    used: BTreeSet<String>,
}

impl SpdxIds {
    fn assign(&mut self, bom_ref: &str, file: bool) -> String {
        let base = format!(
            "SPDXRef-{}-{}",
            if file { "File" } else { "Package" },
            slug(bom_ref)
        );
        let mut id = base.clone();
        let mut n = 1;
        while !self.used.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.by_ref.insert(bom_ref.to_string(), id.clone());
        id
    }

    fn get(&self, bom_ref: &str) -> Option<&str> {
        self.by_ref.get(bom_ref).map(String::as_str)
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "x".into() } else { out }
}

/// SPDX wants `YYYY-MM-DDThh:mm:ssZ` (no fractions, UTC).
fn spdx_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        })
        .unwrap_or_else(|_| chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sanitised_and_unique() {
        let mut ids = SpdxIds::default();
        assert_eq!(
            ids.assign("file:a b/c.pt", true),
            "SPDXRef-File-file-a-b-c.pt"
        );
        assert_eq!(
            ids.assign("file:a_b/c.pt", true),
            "SPDXRef-File-file-a-b-c.pt-2"
        );
    }

    #[test]
    fn times_lose_fractions_and_offsets() {
        assert_eq!(
            spdx_time("2026-11-22T03:04:05.123+01:00"),
            "2026-11-22T02:04:05Z"
        );
    }
}
