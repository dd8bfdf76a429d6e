use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Category, RuleMeta, Severity};

/// Evidence attached to a finding: named facts, serialised in sorted order.
pub type Evidence = BTreeMap<String, serde_json::Value>;

/// Where a finding is: the file, the member path inside containers, and the
/// byte offset inside the innermost stream.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The scanned file, as given or as found by the walk.
    pub file: String,
    /// Member path inside containers, outermost first (`archive/data.pkl`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// Byte offset inside the innermost stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            members: Vec::new(),
            offset: None,
        }
    }

    /// This location, one container level deeper.
    pub fn member(&self, name: impl Into<String>) -> Self {
        let mut members = self.members.clone();
        members.push(name.into());
        Location {
            file: self.file.clone(),
            members,
            offset: None,
        }
    }

    pub fn at(&self, offset: u64) -> Self {
        Location {
            offset: Some(offset),
            ..self.clone()
        }
    }
}

impl fmt::Display for Location {
    /// `outer.zip!/inner.tar!/data.pkl@0x1f`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        for m in &self.members {
            write!(f, "!/{m}")?;
        }
        if let Some(off) = self.offset {
            write!(f, "@{off:#x}")?;
        }
        Ok(())
    }
}

/// One thing a rule found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Report-local id (`finding-001`), assigned once findings are sorted.
    #[serde(default)]
    pub id: String,
    /// Stable rule code (`PKL001`).
    pub rule: String,
    /// Rule name (`dangerous-pickle-global`).
    pub rule_name: String,
    /// The scanner that produced it (`pickle`, `pytorch_zip`).
    pub scanner: String,
    pub severity: Severity,
    pub category: Category,
    pub title: String,
    /// The fact and its evidence, in a sentence.
    pub description: String,
    /// `location_detail` rendered as text, for readers of the JSON.
    pub location: String,
    pub location_detail: Location,
    #[serde(default)]
    pub evidence: Evidence,
    pub remediation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwe: Option<String>,
}

impl Finding {
    /// A finding of `rule` at `location`, with the rule's defaults.
    pub fn new(rule: &RuleMeta, location: Location, title: impl Into<String>) -> Self {
        Finding {
            id: String::new(),
            rule: rule.code.to_string(),
            rule_name: rule.name.to_string(),
            scanner: rule.scanner.to_string(),
            severity: rule.default_severity,
            category: rule.category,
            title: title.into(),
            description: String::new(),
            location: location.to_string(),
            location_detail: location,
            evidence: Evidence::new(),
            remediation: rule.remediation.to_string(),
            cwe: rule.cwe.map(str::to_string),
        }
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn category(mut self, category: Category) -> Self {
        self.category = category;
        self
    }

    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    pub fn scanner(mut self, scanner: impl Into<String>) -> Self {
        self.scanner = scanner.into();
        self
    }

    pub fn evidence(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.evidence.insert(key.to_string(), value.into());
        self
    }

    /// Re-root this finding one container level deeper than `outer`.
    pub fn nest_under(&mut self, outer: &Location) {
        let mut loc = outer.clone();
        loc.members.append(&mut self.location_detail.members);
        loc.offset = self.location_detail.offset;
        self.location = loc.to_string();
        self.location_detail = loc;
    }

    /// Moves this finding to another file (same content found under another
    /// path, as when a cached verdict is reused).
    pub fn relocate(&mut self, file: &str) {
        self.location_detail.file = file.to_string();
        self.location = self.location_detail.to_string();
    }

    /// Sort key: artifact, offset, code (deterministic output).
    pub fn sort_key(&self) -> (&str, &[String], Option<u64>, &str, &str) {
        (
            &self.location_detail.file,
            &self.location_detail.members,
            self.location_detail.offset,
            &self.rule,
            &self.title,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_renders_member_chain_and_offset() {
        let loc = Location::file("outer.zip")
            .member("inner.tar")
            .member("data.pkl")
            .at(0x1f);
        assert_eq!(loc.to_string(), "outer.zip!/inner.tar!/data.pkl@0x1f");
        assert_eq!(Location::file("m.pkl").to_string(), "m.pkl");
    }
}
