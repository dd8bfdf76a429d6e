//! Reading SBOMs back: CycloneDX 1.4 to 1.6 JSON and SPDX 2.3 JSON, into
//! the one inventory type the diff and the server use.
//!
//! Lenient on what it does not need (unknown fields, component types and
//! hash algorithms are skipped), strict on what it does: a document that is
//! neither format is an error, never an empty inventory.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::inventory::{
    Component, ComponentKind, HashAlg, Inventory, License, Property, Vulnerability, severity_rank,
};
use crate::license;

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("neither a CycloneDX nor an SPDX 2.x JSON document")]
    UnknownFormat,
    #[error("CycloneDX spec version {0} is not supported (1.4 to 1.6 are)")]
    UnsupportedCycloneDx(String),
    #[error("SPDX version {0} is not supported (SPDX-2.2 and SPDX-2.3 are)")]
    UnsupportedSpdx(String),
}

/// Nested components followed at most.
const MAX_NESTING: usize = 32;

/// Reads a CycloneDX or SPDX JSON document.
pub fn import(bytes: &[u8]) -> Result<Inventory, ImportError> {
    let doc: Value = serde_json::from_slice(bytes)?;
    if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        let spec = str_of(&doc, "specVersion").unwrap_or_default();
        if !matches!(spec.as_str(), "1.4" | "1.5" | "1.6") {
            return Err(ImportError::UnsupportedCycloneDx(spec));
        }
        return Ok(cyclonedx(&doc, &spec));
    }
    if let Some(v) = doc.get("spdxVersion").and_then(Value::as_str) {
        if !matches!(v, "SPDX-2.3" | "SPDX-2.2") {
            return Err(ImportError::UnsupportedSpdx(v.to_string()));
        }
        return Ok(spdx(&doc, v));
    }
    Err(ImportError::UnknownFormat)
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

fn array<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn cyclonedx(doc: &Value, spec: &str) -> Inventory {
    let mut inv = Inventory {
        source_format: format!("CycloneDX {spec}"),
        ..Inventory::default()
    };
    let mut anonymous = 0usize;
    if let Some(subject) = doc.get("metadata").and_then(|m| m.get("component")) {
        let c = cdx_component(subject, &mut anonymous);
        inv.subject = Some(c.bom_ref.clone());
        inv.components.push(c);
    }
    let mut stack: Vec<(&Value, usize)> = array(doc, "components").iter().map(|c| (c, 0)).collect();
    stack.reverse();
    while let Some((v, depth)) = stack.pop() {
        let c = cdx_component(v, &mut anonymous);
        if !inv.components.iter().any(|x| x.bom_ref == c.bom_ref) {
            inv.components.push(c);
        }
        if depth < MAX_NESTING {
            for child in array(v, "components").iter().rev() {
                stack.push((child, depth + 1));
            }
        }
    }
    for d in array(doc, "dependencies") {
        if let Some(r) = str_of(d, "ref") {
            let deps = array(d, "dependsOn")
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            inv.dependencies.insert(r, deps);
        }
    }
    for (i, v) in array(doc, "vulnerabilities").iter().enumerate() {
        let id = str_of(v, "id").unwrap_or_else(|| format!("vulnerability-{}", i + 1));
        let severity = array(v, "ratings")
            .iter()
            .filter_map(|r| r.get("severity").and_then(Value::as_str))
            .max_by_key(|s| severity_rank(s))
            .map(str::to_ascii_lowercase);
        let location = array(v, "properties")
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some("sentrascan:location"))
            .and_then(|p| str_of(p, "value"));
        inv.vulnerabilities.push(Vulnerability {
            bom_ref: str_of(v, "bom-ref").unwrap_or_else(|| format!("{id}#{}", i + 1)),
            source: v
                .get("source")
                .and_then(|s| str_of(s, "name"))
                .unwrap_or_default(),
            source_url: v.get("source").and_then(|s| str_of(s, "url")),
            id,
            severity,
            cwes: array(v, "cwes")
                .iter()
                .filter_map(Value::as_u64)
                .filter_map(|n| u32::try_from(n).ok())
                .collect(),
            description: str_of(v, "description"),
            detail: str_of(v, "detail"),
            recommendation: str_of(v, "recommendation"),
            affects: array(v, "affects")
                .iter()
                .filter_map(|a| str_of(a, "ref"))
                .collect(),
            related: array(v, "references")
                .iter()
                .filter_map(|r| str_of(r, "id"))
                .collect(),
            location,
        });
    }
    inv
}

fn cdx_component(v: &Value, anonymous: &mut usize) -> Component {
    let name = str_of(v, "name").unwrap_or_default();
    let bom_ref = str_of(v, "bom-ref")
        .or_else(|| str_of(v, "purl"))
        .unwrap_or_else(|| {
            *anonymous += 1;
            format!("component-{}:{name}", *anonymous)
        });
    let kind =
        ComponentKind::from_cyclonedx(v.get("type").and_then(Value::as_str).unwrap_or_default());
    let mut c = Component::new(bom_ref, kind, name);
    c.version = str_of(v, "version");
    c.purl = str_of(v, "purl");
    c.description = str_of(v, "description");
    for h in array(v, "hashes") {
        if let (Some(alg), Some(content)) = (
            h.get("alg")
                .and_then(Value::as_str)
                .and_then(HashAlg::parse),
            str_of(h, "content"),
        ) {
            c.hashes.insert(alg, content.to_ascii_lowercase());
        }
    }
    for l in array(v, "licenses") {
        if let Some(e) = str_of(l, "expression") {
            c.licenses
                .push(license::normalise(&e).unwrap_or(License::Name(e)));
        } else if let Some(obj) = l.get("license") {
            if let Some(id) = str_of(obj, "id") {
                c.licenses.push(License::Id(id));
            } else if let Some(name) = str_of(obj, "name") {
                c.licenses.push(License::Name(name));
            }
        }
    }
    for p in array(v, "properties") {
        if let Some(name) = str_of(p, "name") {
            c.properties.push(Property {
                name,
                value: str_of(p, "value").unwrap_or_default(),
            });
        }
    }
    c
}

fn spdx(doc: &Value, version: &str) -> Inventory {
    let mut inv = Inventory {
        source_format: version.to_string(),
        ..Inventory::default()
    };
    let extracted: BTreeMap<String, String> = array(doc, "hasExtractedLicensingInfos")
        .iter()
        .filter_map(|e| {
            let id = str_of(e, "licenseId")?;
            let name = str_of(e, "name").unwrap_or_else(|| id.clone());
            Some((id, name))
        })
        .collect();
    for p in array(doc, "packages") {
        let Some(id) = str_of(p, "SPDXID") else {
            continue;
        };
        let kind = match p.get("primaryPackagePurpose").and_then(Value::as_str) {
            Some("FRAMEWORK") => ComponentKind::Framework,
            Some("LIBRARY") => ComponentKind::Library,
            Some("APPLICATION") => ComponentKind::Application,
            Some("FILE") => ComponentKind::File,
            _ => ComponentKind::Other,
        };
        let mut c = Component::new(id, kind, str_of(p, "name").unwrap_or_default());
        c.version = str_of(p, "versionInfo");
        c.description = str_of(p, "description");
        c.url = str_of(p, "downloadLocation").filter(|d| d != "NOASSERTION" && d != "NONE");
        c.purl = array(p, "externalRefs")
            .iter()
            .find(|r| r.get("referenceType").and_then(Value::as_str) == Some("purl"))
            .and_then(|r| str_of(r, "referenceLocator"));
        spdx_checksums(p, &mut c);
        let declared = str_of(p, "licenseDeclared")
            .filter(|l| l != "NOASSERTION" && l != "NONE")
            .or_else(|| {
                str_of(p, "licenseConcluded").filter(|l| l != "NOASSERTION" && l != "NONE")
            });
        if let Some(l) = declared {
            c.licenses = spdx_licenses(&l, &extracted);
        }
        inv.components.push(c);
    }
    for f in array(doc, "files") {
        let Some(id) = str_of(f, "SPDXID") else {
            continue;
        };
        let name = str_of(f, "fileName").unwrap_or_default();
        let name = name.strip_prefix("./").unwrap_or(&name).to_string();
        let mut c = Component::new(id, ComponentKind::File, name);
        spdx_checksums(f, &mut c);
        for l in array(f, "licenseInfoInFiles")
            .iter()
            .filter_map(Value::as_str)
        {
            if l != "NOASSERTION" && l != "NONE" {
                c.licenses.extend(spdx_licenses(l, &extracted));
            }
        }
        inv.components.push(c);
    }
    let mut described: Vec<String> = array(doc, "documentDescribes")
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    for r in array(doc, "relationships") {
        let (Some(from), Some(kind), Some(to)) = (
            str_of(r, "spdxElementId"),
            str_of(r, "relationshipType"),
            str_of(r, "relatedSpdxElement"),
        ) else {
            continue;
        };
        match kind.as_str() {
            "DESCRIBES" if from == "SPDXRef-DOCUMENT" => described.push(to),
            "DESCRIBED_BY" if to == "SPDXRef-DOCUMENT" => described.push(from),
            "DEPENDS_ON" | "CONTAINS" => inv.dependencies.entry(from).or_default().push(to),
            "DEPENDENCY_OF" | "CONTAINED_BY" => inv.dependencies.entry(to).or_default().push(from),
            _ => {}
        }
    }
    if let Some(first) = described.into_iter().next() {
        if let Some(pos) = inv.components.iter().position(|c| c.bom_ref == first) {
            let c = inv.components.remove(pos);
            inv.components.insert(0, c);
        }
        inv.subject = Some(first);
    }
    inv
}

fn spdx_checksums(v: &Value, c: &mut Component) {
    for h in array(v, "checksums") {
        if let (Some(alg), Some(value)) = (
            h.get("algorithm")
                .and_then(Value::as_str)
                .and_then(HashAlg::parse),
            str_of(h, "checksumValue"),
        ) {
            c.hashes.insert(alg, value.to_ascii_lowercase());
        }
    }
}

/// An SPDX expression: a `LicenseRef-` with a known name becomes that name,
/// a single known id an id, anything else the expression as written.
fn spdx_licenses(expr: &str, extracted: &BTreeMap<String, String>) -> Vec<License> {
    let parts: Vec<&str> = expr.split(" AND ").map(str::trim).collect();
    let simple = parts.iter().all(|p| !p.contains(' ') && !p.contains('('));
    if !simple {
        return vec![License::Expression(expr.to_string())];
    }
    parts
        .into_iter()
        .map(|p| match extracted.get(p) {
            Some(name) => License::Name(name.clone()),
            None => license::normalise(p).unwrap_or_else(|| License::Name(p.to_string())),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_documents_are_errors() {
        assert!(matches!(import(b"{}"), Err(ImportError::UnknownFormat)));
        assert!(matches!(import(b"[1,"), Err(ImportError::Json(_))));
        assert!(matches!(
            import(br#"{"bomFormat":"CycloneDX","specVersion":"1.2"}"#),
            Err(ImportError::UnsupportedCycloneDx(_))
        ));
    }

    #[test]
    fn cyclonedx_1_4_components_hashes_and_licences_are_read() {
        let doc = br#"{"bomFormat":"CycloneDX","specVersion":"1.4","version":1,
          "metadata":{"component":{"type":"application","name":"app","bom-ref":"app"}},
          "components":[{"type":"library","name":"torch","version":"2.1.0","purl":"pkg:pypi/torch@2.1.0",
            "hashes":[{"alg":"SHA-256","content":"AB"}],"licenses":[{"license":{"id":"BSD-3-Clause"}}],
            "components":[{"type":"library","name":"inner"}]}],
          "dependencies":[{"ref":"app","dependsOn":["pkg:pypi/torch@2.1.0"]}],
          "vulnerabilities":[{"id":"CVE-1","ratings":[{"severity":"low"},{"severity":"high"}],
            "affects":[{"ref":"pkg:pypi/torch@2.1.0"}]}]}"#;
        let inv = import(doc).unwrap();
        assert_eq!(inv.subject.as_deref(), Some("app"));
        assert_eq!(inv.components.len(), 3);
        let torch = &inv.components[1];
        assert_eq!(torch.bom_ref, "pkg:pypi/torch@2.1.0");
        assert_eq!(torch.hashes[&HashAlg::Sha256], "ab");
        assert_eq!(torch.licenses, [License::Id("BSD-3-Clause".into())]);
        assert_eq!(inv.vulnerabilities[0].severity.as_deref(), Some("high"));
        assert_eq!(inv.dependencies["app"], ["pkg:pypi/torch@2.1.0"]);
    }

    #[test]
    fn spdx_packages_files_and_licence_refs_are_read() {
        let doc = br#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT",
          "packages":[{"SPDXID":"SPDXRef-m","name":"m","downloadLocation":"NOASSERTION",
            "licenseDeclared":"Apache-2.0 AND LicenseRef-x"}],
          "files":[{"SPDXID":"SPDXRef-f","fileName":"./a.pt","checksums":[{"algorithm":"SHA1","checksumValue":"AA"}]}],
          "hasExtractedLicensingInfos":[{"licenseId":"LicenseRef-x","name":"X licence","extractedText":"x"}],
          "relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-m"},
            {"spdxElementId":"SPDXRef-m","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-f"}]}"#;
        let inv = import(doc).unwrap();
        assert_eq!(inv.subject.as_deref(), Some("SPDXRef-m"));
        assert_eq!(
            inv.components[0].licenses,
            [
                License::Id("Apache-2.0".into()),
                License::Name("X licence".into())
            ]
        );
        assert_eq!(inv.components[1].name, "a.pt");
        assert_eq!(inv.components[1].hashes[&HashAlg::Sha1], "aa");
        assert_eq!(inv.dependencies["SPDXRef-m"], ["SPDXRef-f"]);
    }
}
