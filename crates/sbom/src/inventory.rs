//! The neutral inventory every encoder writes from and every importer reads
//! into: components with hashes and licences, the dependency graph, and
//! vulnerabilities. CycloneDX and SPDX are two spellings of it.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A bill of materials in our own terms.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    /// What the inventory was read from (`sentrascan`, `CycloneDX 1.6`, `SPDX-2.3`).
    pub source_format: String,
    /// The bom-ref of the component the document describes (the model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Every component, the subject first.
    pub components: Vec<Component>,
    /// bom-ref → the bom-refs it depends on.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dependencies: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerabilities: Vec<Vulnerability>,
}

impl Inventory {
    pub fn component(&self, bom_ref: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.bom_ref == bom_ref)
    }

    pub fn subject_component(&self) -> Option<&Component> {
        self.subject.as_deref().and_then(|r| self.component(r))
    }
}

/// What a component is (the CycloneDX component types we use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    MachineLearningModel,
    Data,
    File,
    Library,
    Framework,
    Application,
    Other,
}

impl ComponentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::MachineLearningModel => "machine-learning-model",
            ComponentKind::Data => "data",
            ComponentKind::File => "file",
            ComponentKind::Library => "library",
            ComponentKind::Framework => "framework",
            ComponentKind::Application => "application",
            ComponentKind::Other => "other",
        }
    }

    /// Reads a CycloneDX component type; types we do not model become `Other`.
    pub fn from_cyclonedx(s: &str) -> Self {
        match s {
            "machine-learning-model" => ComponentKind::MachineLearningModel,
            "data" => ComponentKind::Data,
            "file" => ComponentKind::File,
            "library" => ComponentKind::Library,
            "framework" => ComponentKind::Framework,
            "application" => ComponentKind::Application,
            _ => ComponentKind::Other,
        }
    }
}

/// Digest algorithms the inventory carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum HashAlg {
    #[serde(rename = "SHA-256")]
    Sha256,
    #[serde(rename = "SHA-1")]
    Sha1,
    #[serde(rename = "MD5")]
    Md5,
    #[serde(rename = "SHA-512")]
    Sha512,
}

impl HashAlg {
    /// CycloneDX spelling.
    pub fn cyclonedx(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Md5 => "MD5",
            HashAlg::Sha512 => "SHA-512",
        }
    }

    /// SPDX spelling.
    pub fn spdx(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "SHA256",
            HashAlg::Sha1 => "SHA1",
            HashAlg::Md5 => "MD5",
            HashAlg::Sha512 => "SHA512",
        }
    }

    /// Reads either spelling; other algorithms are not carried.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA256" => Some(HashAlg::Sha256),
            "SHA1" => Some(HashAlg::Sha1),
            "MD5" => Some(HashAlg::Md5),
            "SHA512" => Some(HashAlg::Sha512),
            _ => None,
        }
    }
}

/// A licence as a document states it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum License {
    /// A single SPDX licence id from the SPDX list.
    Id(String),
    /// A compound SPDX expression (`Apache-2.0 AND MIT`).
    Expression(String),
    /// Anything else, by name (`llama3`, `openrail`, a custom licence).
    Name(String),
}

impl License {
    /// The text a person reads and a diff compares.
    pub fn text(&self) -> &str {
        match self {
            License::Id(s) | License::Expression(s) | License::Name(s) => s,
        }
    }
}

impl fmt::Display for License {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// A named fact (CycloneDX property, SPDX annotation).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Property {
    pub name: String,
    pub value: String,
}

/// One thing in the inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub bom_ref: String,
    pub kind: ComponentKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hashes: BTreeMap<HashAlg, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<License>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
    /// Where the component can be had (a dataset or model URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The model card (machine-learning-model components we generate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_card: Option<ModelCard>,
}

impl Component {
    pub fn new(bom_ref: impl Into<String>, kind: ComponentKind, name: impl Into<String>) -> Self {
        Component {
            bom_ref: bom_ref.into(),
            kind,
            name: name.into(),
            version: None,
            purl: None,
            description: None,
            hashes: BTreeMap::new(),
            licenses: Vec::new(),
            properties: Vec::new(),
            url: None,
            model_card: None,
        }
    }

    pub fn property(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.properties.push(Property {
            name: name.into(),
            value: value.into(),
        });
    }

    /// The key two inventories match components on: the purl without its
    /// version, else the name (the same in CycloneDX and SPDX).
    pub fn identity(&self) -> String {
        match &self.purl {
            Some(p) => p.split('@').next().unwrap_or(p).to_string(),
            None => self.name.clone(),
        }
    }
}

/// The CycloneDX model card, limited to what evidence can support.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approach: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture_family: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_architecture: Option<String>,
    /// bom-refs of `data` components.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub use_cases: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technical_limitations: Vec<String>,
}

impl ModelCard {
    pub fn is_empty(&self) -> bool {
        *self == ModelCard::default()
    }
}

/// One performance figure from a model card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metric {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice: Option<String>,
}

/// A vulnerability: one of our findings, or a known CVE a finding matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    pub bom_ref: String,
    /// Rule code (`PKL001`) or advisory id (`CVE-2024-3660`).
    pub id: String,
    /// Who says so (`SentraScan-Model`, `NVD`).
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// CycloneDX severity, lower case (`critical` … `info`, `unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwes: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
    /// bom-refs of the affected components.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affects: Vec<String>,
    /// Related advisory ids (a finding's matching CVEs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// Where the finding is (`model.pt!/archive/data.pkl@0x1f`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Vulnerability {
    /// The key two inventories match vulnerabilities on.
    pub fn identity(&self) -> String {
        match &self.location {
            Some(l) => format!("{}@{l}", self.id),
            None => format!("{}@{}", self.id, self.affects.join(",")),
        }
    }

    /// Severity rank for comparisons: unknown 0, none/info 1 … critical 5.
    pub fn rank(&self) -> u8 {
        severity_rank(self.severity.as_deref().unwrap_or("unknown"))
    }
}

/// Rank of a severity name (any case): unknown 0, none/info 1, low 2,
/// medium 3, high 4, critical 5.
pub fn severity_rank(s: &str) -> u8 {
    match s.to_ascii_lowercase().as_str() {
        "critical" => 5,
        "high" => 4,
        "medium" | "moderate" => 3,
        "low" => 2,
        "info" | "none" | "informational" => 1,
        _ => 0,
    }
}
