//! A finding's identity across runs: rule, artifact, member path and
//! evidence, hashed. Run-specific values (report ids, time, the order of
//! findings) take no part, so the same finding in the same file always has
//! the same fingerprint (SARIF `partialFingerprints`, baseline drift).

use sha2::{Digest, Sha256};

use crate::Finding;

impl Finding {
    /// The fingerprint of this finding in `artifact` (the file's path as the
    /// caller names it, such as relative to the scan root): 32 hex digits.
    pub fn fingerprint_at(&self, artifact: &str) -> String {
        let mut h = Sha256::new();
        h.update(b"sentrascan-finding/v1\0");
        h.update(self.rule.as_bytes());
        h.update(b"\0");
        h.update(artifact.as_bytes());
        for m in &self.location_detail.members {
            h.update(b"\0!/");
            h.update(m.as_bytes());
        }
        h.update(b"\0");
        // Evidence is a sorted map: its JSON is canonical.
        h.update(
            serde_json::to_string(&self.evidence)
                .unwrap_or_default()
                .as_bytes(),
        );
        let digest = h.finalize();
        digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
    }

    /// [`Finding::fingerprint_at`] the finding's own file path.
    pub fn fingerprint(&self) -> String {
        self.fingerprint_at(&self.location_detail.file)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

    fn rule() -> RuleMeta {
        RuleMeta {
            code: "PKL001",
            name: "dangerous-pickle-global",
            family: RuleFamily::Pickle,
            default_severity: Severity::Critical,
            category: Category::ArbitraryCodeExecution,
            scanner: "pickle",
            cwe: None,
            owasp_ml: None,
            version: 1,
            summary: "",
            docs: "",
            remediation: "",
        }
    }

    #[test]
    fn fingerprints_ignore_ids_and_follow_rule_member_and_evidence() {
        let loc = Location::file("m.pt").member("archive/data.pkl");
        let a = Finding::new(&rule(), loc.clone(), "t").evidence("global", "os.system");
        let mut b = a.clone();
        b.id = "finding-009".into();
        b.title = "another title".into();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 32);
        let c = a.clone().evidence("global", "posix.system");
        assert_ne!(a.fingerprint(), c.fingerprint());
        let d = Finding::new(&rule(), Location::file("m.pt").member("other.pkl"), "t")
            .evidence("global", "os.system");
        assert_ne!(a.fingerprint(), d.fingerprint());
        assert_ne!(a.fingerprint_at("m.pt"), a.fingerprint_at("x/m.pt"));
    }
}
