//! `SEC` rules: credentials anywhere text is found (configs, model cards,
//! code, pickle string constants, metadata values, archive comments).
//!
//! The scanner ([`sentrascan_formats::secrets`]) finds and validates the
//! candidates; these rules turn them into findings, one rule per class.
//! Findings carry the masked secret only, never the secret itself.

pub mod sec001_provider_token;
pub mod sec002_private_key;
pub mod sec003_cloud_credential;
pub mod sec004_url_credential;
pub mod sec005_jwt;
pub mod sec006_secret_assignment;

use sentrascan_formats::secrets::{Confidence, SecretKind, SecretMatch, SecretScan};
use sentrascan_types::{Finding, Location, RuleFamily, RuleMeta, Severity};

pub(crate) const FAMILY: RuleFamily = RuleFamily::Secrets;

/// Where a text was found, for the findings' titles and locations.
pub struct SecretSite<'a> {
    /// The file or member holding the text.
    pub location: &'a Location,
    /// What the text is (`file`, `pickle string`, "metadata `general.url`").
    pub context: &'a str,
    /// File offset of the text's first byte, when the text is a contiguous
    /// slice of the file (offsets of findings are then exact).
    pub offset_base: Option<u64>,
}

fn rule_of(kind: SecretKind) -> &'static RuleMeta {
    match kind {
        SecretKind::ProviderToken => &sec001_provider_token::RULE,
        SecretKind::PrivateKey => &sec002_private_key::RULE,
        SecretKind::CloudCredential => &sec003_cloud_credential::RULE,
        SecretKind::UrlCredential => &sec004_url_credential::RULE,
        SecretKind::Jwt => &sec005_jwt::RULE,
        SecretKind::GenericAssignment => &sec006_secret_assignment::RULE,
    }
}

/// The severity of a match: the rule's default when validated, one step
/// down (at most MEDIUM) when only probable, LOW for examples.
fn severity(rule: &RuleMeta, c: Confidence) -> Severity {
    match c {
        Confidence::Validated => rule.default_severity,
        Confidence::Probable => rule.default_severity.min(Severity::Medium),
        Confidence::Example => Severity::Low,
    }
}

/// One finding per match, under the rule of its class.
pub fn check_secrets(scan: &SecretScan, site: &SecretSite<'_>, out: &mut Vec<Finding>) {
    for m in &scan.matches {
        out.push(finding(m, site));
    }
}

fn finding(m: &SecretMatch, site: &SecretSite<'_>) -> Finding {
    let rule = rule_of(m.kind);
    let location = match site.offset_base {
        Some(base) => site.location.at(base.saturating_add(m.offset as u64)),
        None => site.location.clone(),
    };
    let named = m
        .key
        .as_deref()
        .map(|k| format!(" assigned to `{k}`"))
        .unwrap_or_default();
    let mut f = Finding::new(
        rule,
        location,
        format!("{} in {}{named}", capitalised(m.provider), site.context),
    )
    .severity(severity(rule, m.confidence))
    .description(format!(
        "{} `{}`{named} in {}: {}.",
        capitalised(m.provider),
        m.masked,
        site.context,
        m.reason
    ))
    .evidence("kind", m.provider)
    .evidence("masked", m.masked.clone())
    .evidence("confidence", confidence_str(m.confidence))
    .evidence("context", site.context);
    if let Some(k) = &m.key {
        f = f.evidence("key", k.clone());
    }
    f
}

fn confidence_str(c: Confidence) -> &'static str {
    match c {
        Confidence::Validated => "validated",
        Confidence::Probable => "probable",
        Confidence::Example => "example",
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::secrets::scan;

    fn findings(text: &str) -> Vec<Finding> {
        let loc = Location::file("config.json");
        let mut out = Vec::new();
        check_secrets(
            &scan(text.as_bytes(), 1 << 20),
            &SecretSite {
                location: &loc,
                context: "file",
                offset_base: Some(0),
            },
            &mut out,
        );
        out
    }

    #[test]
    fn severities_follow_confidence_and_secrets_stay_masked() {
        let secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc9Q";
        let text = format!(
            "{{\"stripe\": \"{secret}\", \"aws_access_key_id\": \"AKIAIOSFODNN7EXAMPLE\"}}"
        );
        let out = findings(&text);
        let got: Vec<_> = out.iter().map(|f| (f.rule.as_str(), f.severity)).collect();
        assert_eq!(got, [("SEC001", Severity::High), ("SEC001", Severity::Low)]);
        assert_eq!(out[0].title, "Stripe secret key in file");
        assert_eq!(out[0].location_detail.offset, Some(12));
        let json = serde_json::to_string(&out).unwrap();
        assert!(!json.contains(secret));
        assert!(!json.contains("4eC39HqLyjWDarjtT1zdp7dc"));
        assert!(json.contains("sk_live_…dc9Q (34 chars)"));
    }

    #[test]
    fn assignment_findings_name_the_key() {
        let out = findings("client_secret: 'Zk3Lm9Np4Rt7Vw1Yb5Zc6Hf0'\n");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule.as_str(), "SEC006");
        assert_eq!(out[0].severity, Severity::Medium);
        assert_eq!(
            out[0].title,
            "Secret assignment in file assigned to `client_secret`"
        );
    }
}
