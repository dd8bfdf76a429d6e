//! CycloneDX 1.6 (and 1.5) JSON encoder over the inventory.
//!
//! Our own typed structs, not `cyclonedx-bom`: that crate (0.8.1, the newest)
//! emits spec versions 1.3 to 1.5 only, and the ML-BOM we write is 1.6. The
//! structs cover the subset we emit; every level mirrors the schema's
//! `additionalProperties: false` objects field for field, so a misspelt key
//! is a compile error here instead of an invalid document.

use serde::Serialize;

use crate::collect::{SOURCE_NAME, TOOL_NAME};
use crate::inventory::{Component, ComponentKind, Inventory, License, Vulnerability};

/// The spec versions we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecVersion {
    V1_5,
    V1_6,
}

impl SpecVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            SpecVersion::V1_5 => "1.5",
            SpecVersion::V1_6 => "1.6",
        }
    }
}

/// Document-level facts the inventory does not carry.
#[derive(Debug, Clone)]
pub struct Header {
    /// `urn:uuid:…`, lower-case.
    pub serial_number: String,
    /// RFC 3339.
    pub timestamp: String,
    pub tool_version: String,
}

#[derive(Serialize)]
struct Bom<'a> {
    #[serde(rename = "$schema")]
    schema: String,
    #[serde(rename = "bomFormat")]
    bom_format: &'static str,
    #[serde(rename = "specVersion")]
    spec_version: &'static str,
    #[serde(rename = "serialNumber")]
    serial_number: &'a str,
    version: u32,
    metadata: Metadata<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    components: Vec<CdxComponent<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<Dependency<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<CdxVulnerability<'a>>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    timestamp: &'a str,
    tools: Tools<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    component: Option<CdxComponent<'a>>,
}

#[derive(Serialize)]
struct Tools<'a> {
    components: Vec<ToolComponent<'a>>,
}

#[derive(Serialize)]
struct ToolComponent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct CdxComponent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<Hash<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'a str>,
    #[serde(rename = "externalReferences", skip_serializing_if = "Vec::is_empty")]
    external_references: Vec<ExternalReference<'a>>,
    #[serde(rename = "modelCard", skip_serializing_if = "Option::is_none")]
    model_card: Option<CdxModelCard<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    data: Vec<ComponentData<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property<'a>>,
}

#[derive(Serialize)]
struct Hash<'a> {
    alg: &'static str,
    content: &'a str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum LicenseChoice<'a> {
    License { license: LicenseObject<'a> },
    Expression { expression: String },
}

#[derive(Serialize)]
struct LicenseObject<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct ExternalReference<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct Property<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct ComponentData<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    contents: Option<DataContents<'a>>,
}

#[derive(Serialize)]
struct DataContents<'a> {
    url: &'a str,
}

#[derive(Serialize)]
struct CdxModelCard<'a> {
    #[serde(rename = "modelParameters", skip_serializing_if = "Option::is_none")]
    model_parameters: Option<ModelParameters<'a>>,
    #[serde(
        rename = "quantitativeAnalysis",
        skip_serializing_if = "Option::is_none"
    )]
    quantitative_analysis: Option<QuantitativeAnalysis<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    considerations: Option<Considerations<'a>>,
}

#[derive(Serialize)]
struct ModelParameters<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    approach: Option<Approach<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task: Option<&'a str>,
    #[serde(rename = "architectureFamily", skip_serializing_if = "Option::is_none")]
    architecture_family: Option<&'a str>,
    #[serde(rename = "modelArchitecture", skip_serializing_if = "Option::is_none")]
    model_architecture: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    datasets: Vec<DatasetRef<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    inputs: Vec<IoFormat<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    outputs: Vec<IoFormat<'a>>,
}

#[derive(Serialize)]
struct Approach<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(Serialize)]
struct DatasetRef<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
}

#[derive(Serialize)]
struct IoFormat<'a> {
    format: &'a str,
}

#[derive(Serialize)]
struct QuantitativeAnalysis<'a> {
    #[serde(rename = "performanceMetrics")]
    performance_metrics: Vec<PerformanceMetric<'a>>,
}

#[derive(Serialize)]
struct PerformanceMetric<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    slice: Option<&'a str>,
}

#[derive(Serialize)]
struct Considerations<'a> {
    #[serde(rename = "useCases", skip_serializing_if = "Vec::is_empty")]
    use_cases: Vec<&'a str>,
    #[serde(rename = "technicalLimitations", skip_serializing_if = "Vec::is_empty")]
    technical_limitations: Vec<&'a str>,
}

#[derive(Serialize)]
struct Dependency<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    #[serde(rename = "dependsOn")]
    depends_on: Vec<&'a str>,
}

#[derive(Serialize)]
struct CdxVulnerability<'a> {
    #[serde(rename = "bom-ref")]
    bom_ref: &'a str,
    id: &'a str,
    source: Source<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<VulnReference<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ratings: Vec<Rating<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cwes: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<&'a str>,
    affects: Vec<Affects<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property<'a>>,
}

#[derive(Serialize)]
struct Source<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct VulnReference<'a> {
    id: &'a str,
    source: Source<'static>,
}

#[derive(Serialize)]
struct Rating<'a> {
    source: Source<'static>,
    severity: &'a str,
    method: &'static str,
}

#[derive(Serialize)]
struct Affects<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
}

/// Renders the inventory as a CycloneDX JSON document.
pub fn render(inv: &Inventory, header: &Header, spec: SpecVersion) -> String {
    let subject = inv.subject_component();
    let components = inv
        .components
        .iter()
        .filter(|c| Some(c.bom_ref.as_str()) != inv.subject.as_deref())
        .map(component)
        .collect();
    let dependencies = inv
        .dependencies
        .iter()
        .map(|(r, deps)| Dependency {
            reference: r,
            depends_on: deps.iter().map(String::as_str).collect(),
        })
        .collect();
    let bom = Bom {
        schema: format!(
            "http://cyclonedx.org/schema/bom-{}.schema.json",
            spec.as_str()
        ),
        bom_format: "CycloneDX",
        spec_version: spec.as_str(),
        serial_number: &header.serial_number,
        version: 1,
        metadata: Metadata {
            timestamp: &header.timestamp,
            tools: Tools {
                components: vec![ToolComponent {
                    kind: "application",
                    name: TOOL_NAME,
                    version: &header.tool_version,
                }],
            },
            component: subject.map(component),
        },
        components,
        dependencies,
        vulnerabilities: inv.vulnerabilities.iter().map(vulnerability).collect(),
    };
    let mut s = serde_json::to_string_pretty(&bom).unwrap_or_default();
    s.push('\n');
    s
}

fn component(c: &Component) -> CdxComponent<'_> {
    let mut external_references = Vec::new();
    let mut data = Vec::new();
    match c.kind {
        ComponentKind::Data if c.bom_ref.starts_with("dataset:") => data.push(ComponentData {
            kind: "dataset",
            name: &c.name,
            contents: c.url.as_deref().map(|url| DataContents { url }),
        }),
        ComponentKind::Data => data.push(ComponentData {
            kind: "configuration",
            name: &c.name,
            contents: None,
        }),
        _ => {
            if let Some(url) = &c.url {
                external_references.push(ExternalReference {
                    kind: "website",
                    url,
                });
            }
        }
    }
    CdxComponent {
        kind: match c.kind {
            ComponentKind::Other => "file",
            k => k.as_str(),
        },
        bom_ref: &c.bom_ref,
        name: &c.name,
        version: c.version.as_deref(),
        description: c.description.as_deref(),
        hashes: c
            .hashes
            .iter()
            .map(|(alg, content)| Hash {
                alg: alg.cyclonedx(),
                content,
            })
            .collect(),
        licenses: licenses(&c.licenses),
        purl: c.purl.as_deref(),
        external_references,
        model_card: c.model_card.as_ref().map(|m| CdxModelCard {
            model_parameters: Some(ModelParameters {
                approach: m.approach.as_deref().map(|kind| Approach { kind }),
                task: m.task.as_deref(),
                architecture_family: m.architecture_family.as_deref(),
                model_architecture: m.model_architecture.as_deref(),
                datasets: m
                    .datasets
                    .iter()
                    .map(|r| DatasetRef { reference: r })
                    .collect(),
                inputs: m.inputs.iter().map(|f| IoFormat { format: f }).collect(),
                outputs: m.outputs.iter().map(|f| IoFormat { format: f }).collect(),
            }),
            quantitative_analysis: (!m.metrics.is_empty()).then(|| QuantitativeAnalysis {
                performance_metrics: m
                    .metrics
                    .iter()
                    .map(|x| PerformanceMetric {
                        kind: &x.kind,
                        value: &x.value,
                        slice: x.slice.as_deref(),
                    })
                    .collect(),
            }),
            considerations: (!m.use_cases.is_empty() || !m.technical_limitations.is_empty()).then(
                || Considerations {
                    use_cases: m.use_cases.iter().map(String::as_str).collect(),
                    technical_limitations: m
                        .technical_limitations
                        .iter()
                        .map(String::as_str)
                        .collect(),
                },
            ),
        }),
        data,
        properties: c
            .properties
            .iter()
            .map(|p| Property {
                name: &p.name,
                value: &p.value,
            })
            .collect(),
    }
}

/// CycloneDX 1.5/1.6 cannot mix `license` objects and an `expression` in
/// one list: with an expression present, every licence that has an SPDX
/// form joins one `AND` expression.
fn licenses(list: &[License]) -> Vec<LicenseChoice<'_>> {
    if list.iter().any(|l| matches!(l, License::Expression(_))) {
        let parts: Vec<String> = list
            .iter()
            .filter_map(|l| match l {
                License::Id(s) => Some(s.clone()),
                License::Expression(s) if list.len() > 1 => Some(format!("({s})")),
                License::Expression(s) => Some(s.clone()),
                License::Name(_) => None,
            })
            .collect();
        return vec![LicenseChoice::Expression {
            expression: parts.join(" AND "),
        }];
    }
    list.iter()
        .map(|l| LicenseChoice::License {
            license: match l {
                License::Id(id) => LicenseObject {
                    id: Some(id),
                    name: None,
                },
                other => LicenseObject {
                    id: None,
                    name: Some(other.text()),
                },
            },
        })
        .collect()
}

fn vulnerability(v: &Vulnerability) -> CdxVulnerability<'_> {
    let ours = v.source == SOURCE_NAME;
    let mut properties = Vec::new();
    if let Some(l) = &v.location {
        properties.push(Property {
            name: "sentrascan:location",
            value: l,
        });
    }
    CdxVulnerability {
        bom_ref: &v.bom_ref,
        id: &v.id,
        source: Source {
            name: &v.source,
            url: v.source_url.as_deref(),
        },
        references: v
            .related
            .iter()
            .map(|id| VulnReference {
                id,
                source: Source {
                    name: "NVD",
                    url: None,
                },
            })
            .collect(),
        ratings: v
            .severity
            .as_deref()
            .filter(|_| ours)
            .map(|severity| Rating {
                source: Source {
                    name: SOURCE_NAME,
                    url: None,
                },
                severity,
                method: "other",
            })
            .into_iter()
            .collect(),
        cwes: v.cwes.clone(),
        description: v.description.as_deref(),
        detail: v.detail.as_deref(),
        recommendation: v.recommendation.as_deref(),
        affects: v.affects.iter().map(|r| Affects { reference: r }).collect(),
        properties,
    }
}
