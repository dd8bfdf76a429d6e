//! Validation of the marked YAML tree into a [`Policy`]. Every error names
//! the line and column of the offending key or value and what is allowed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use globset::{Glob, GlobMatcher};
use sentrascan_types::{RuleMeta, Severity};

use crate::PolicyError;
use crate::licence::expression_families;
use crate::model::{
    Allowlist, BlockedLicence, CATEGORIES, Entry, Exception, FormatRule, Policy, RuleSelection,
    SbomRequirements, Selector, known_format_names, parse_format,
};
use crate::yaml::{self, Node, Value};

const POLICY_KEYS: &[&str] = &[
    "name",
    "version",
    "severity_threshold",
    "block_issues",
    "allow_issues",
    "rules",
    "exceptions",
    "sbom_requirements",
    "format_rules",
    "allowlist",
    "fail_on_drift",
];
const RULES_KEYS: &[&str] = &["select", "ignore"];
const EXCEPTION_KEYS: &[&str] = &["rule", "paths", "hashes", "reason", "owner", "expires"];
const SBOM_KEYS: &[&str] = &["require_sbom", "require_licenses", "blocked_licenses"];
const FORMAT_RULE_KEYS: &[&str] = &["max_file_size", "strict_mode", "allow_external_data"];
const ALLOWLIST_KEYS: &[&str] = &["models", "hashes"];
const THRESHOLDS: &[&str] = &["CRITICAL", "HIGH", "MEDIUM", "LOW"];

struct Reader<'a> {
    source: &'a str,
    rules: &'a [&'a RuleMeta],
}

type Result<T> = std::result::Result<T, PolicyError>;

impl Reader<'_> {
    fn err<T>(&self, node: &Node, message: impl Into<String>) -> Result<T> {
        Err(PolicyError::at(self.source, node.span, message))
    }

    /// The pairs of a mapping whose keys are all in `allowed`, each once.
    fn map<'n>(
        &self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
    ) -> Result<Vec<(&'n str, &'n Node, &'n Node)>> {
        let Value::Map(pairs) = &node.value else {
            return self.err(
                node,
                format!("`{what}` must be a mapping, found {}", node.kind()),
            );
        };
        let mut out: Vec<(&str, &Node, &Node)> = Vec::new();
        for (k, v) in pairs {
            let Some(key) = k.scalar() else {
                return self.err(k, format!("keys of `{what}` must be plain names"));
            };
            if !allowed.contains(&key) {
                return self.err(
                    k,
                    format!(
                        "unknown key `{key}` in `{what}` (allowed: {})",
                        allowed.join(", ")
                    ),
                );
            }
            if out.iter().any(|(seen, _, _)| *seen == key) {
                return self.err(k, format!("`{what}.{key}` is given twice"));
            }
            out.push((key, k, v));
        }
        Ok(out)
    }

    fn string(&self, node: &Node, what: &str) -> Result<String> {
        match &node.value {
            Value::Scalar { text, .. } if !node.is_null() => Ok(text.clone()),
            _ => self.err(
                node,
                format!("`{what}` must be a string, found {}", node.kind()),
            ),
        }
    }

    fn boolean(&self, node: &Node, what: &str) -> Result<bool> {
        match &node.value {
            Value::Scalar {
                text,
                quoted: false,
            } if text == "true" => Ok(true),
            Value::Scalar {
                text,
                quoted: false,
            } if text == "false" => Ok(false),
            _ => self.err(
                node,
                format!(
                    "`{what}` must be true or false, found {}",
                    describe_value(node)
                ),
            ),
        }
    }

    fn list<'n>(&self, node: &'n Node, what: &str) -> Result<&'n [Node]> {
        match &node.value {
            Value::Seq(items) => Ok(items),
            _ if node.is_null() => Ok(&[]),
            _ => self.err(
                node,
                format!("`{what}` must be a list, found {}", node.kind()),
            ),
        }
    }

    fn rule_code(&self, node: &Node, what: &str) -> Result<String> {
        let text = self.string(node, what)?;
        match self
            .rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(&text) || r.name == text)
        {
            Some(r) => Ok(r.code.to_string()),
            None => self.err(
                node,
                format!(
                    "unknown rule `{text}` in `{what}` (expected a rule code such as {} or a rule name such as {}; `sentrascan-model rules list` shows them all)",
                    self.rules.first().map_or("PKL001", |r| r.code),
                    self.rules.first().map_or("dangerous-pickle-global", |r| r.name),
                ),
            ),
        }
    }

    fn selector(&self, node: &Node, what: &str) -> Result<Entry<Selector>> {
        let text = self.string(node, what)?;
        if let Some(c) = CATEGORIES.iter().find(|c| c.as_str() == text) {
            return Ok(Entry {
                text,
                value: Selector::Category(*c),
            });
        }
        if let Some(r) = self
            .rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(&text) || r.name == text)
        {
            return Ok(Entry {
                text,
                value: Selector::Rule(r.code.to_string()),
            });
        }
        if looks_like_code(&text) {
            return self.rule_code(node, what).map(|code| Entry {
                text,
                value: Selector::Rule(code),
            });
        }
        let cats: Vec<_> = CATEGORIES.iter().map(|c| c.as_str()).collect();
        self.err(
            node,
            format!(
                "unknown issue type `{text}` in `{what}` (allowed: a category, one of {}; or a rule code or name, see `sentrascan-model rules list`)",
                cats.join(", ")
            ),
        )
    }

    fn selectors(&self, node: &Node, what: &str) -> Result<Vec<Entry<Selector>>> {
        self.list(node, what)?
            .iter()
            .map(|n| self.selector(n, what))
            .collect()
    }

    fn glob(&self, node: &Node, what: &str) -> Result<Entry<GlobMatcher>> {
        let text = self.string(node, what)?;
        match Glob::new(&text) {
            Ok(g) => Ok(Entry {
                value: g.compile_matcher(),
                text,
            }),
            Err(e) => self.err(
                node,
                format!("`{text}` in `{what}` is not a valid glob: {}", e.kind()),
            ),
        }
    }

    fn hash(&self, node: &Node, what: &str) -> Result<String> {
        let text = self.string(node, what)?;
        let hex = text.strip_prefix("sha256:").unwrap_or(&text);
        if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(hex.to_ascii_lowercase())
        } else {
            self.err(
                node,
                format!(
                    "`{text}` in `{what}` is not a SHA-256 digest (expected `sha256:` and 64 hex digits)"
                ),
            )
        }
    }

    fn policy(&self, node: &Node) -> Result<Policy> {
        let mut p = Policy {
            source: self.source.to_string(),
            ..Policy::default()
        };
        for (key, _, v) in self.map(node, "policy", POLICY_KEYS)? {
            match key {
                "name" => p.name = Some(self.string(v, "policy.name")?),
                "version" => p.version = Some(self.string(v, "policy.version")?),
                "severity_threshold" => p.severity_threshold = Some(self.threshold(v)?),
                "block_issues" => p.block_issues = self.selectors(v, "block_issues")?,
                "allow_issues" => p.allow_issues = self.selectors(v, "allow_issues")?,
                "rules" => p.rules = self.rule_selection(v)?,
                "exceptions" => {
                    p.exceptions = self
                        .list(v, "exceptions")?
                        .iter()
                        .enumerate()
                        .map(|(i, n)| self.exception(n, i))
                        .collect::<Result<_>>()?
                }
                "sbom_requirements" => p.sbom_requirements = self.sbom(v)?,
                "format_rules" => p.format_rules = self.format_rules(v)?,
                "allowlist" => p.allowlist = self.allowlist(v)?,
                "fail_on_drift" => p.fail_on_drift = self.boolean(v, "fail_on_drift")?,
                _ => unreachable!("keys are checked by map()"),
            }
        }
        for a in &p.allow_issues {
            if let Some(b) = p.block_issues.iter().find(|b| b.value == a.value) {
                let node = find_entry(node, "allow_issues", &a.text).unwrap_or(node);
                return self.err(
                    node,
                    format!(
                        "`{}` is both in block_issues and in allow_issues; keep it in one",
                        b.text
                    ),
                );
            }
        }
        Ok(p)
    }

    fn threshold(&self, v: &Node) -> Result<Severity> {
        let text = v.scalar().unwrap_or_default();
        let upper = text.to_ascii_uppercase();
        if THRESHOLDS.contains(&upper.as_str())
            && let Ok(s) = upper.parse()
        {
            return Ok(s);
        }
        self.err(
            v,
            format!(
                "`severity_threshold` must be one of {}, found {}",
                THRESHOLDS.join(", "),
                describe_value(v)
            ),
        )
    }

    fn rule_selection(&self, node: &Node) -> Result<RuleSelection> {
        let mut r = RuleSelection::default();
        for (key, _, v) in self.map(node, "rules", RULES_KEYS)? {
            match key {
                "select" => r.select = Some(self.selectors(v, "rules.select")?),
                _ => r.ignore = self.selectors(v, "rules.ignore")?,
            }
        }
        Ok(r)
    }

    fn exception(&self, node: &Node, index: usize) -> Result<Exception> {
        let what = format!("exceptions[{index}]");
        let pairs = self.map(node, &what, EXCEPTION_KEYS)?;
        // A missing field is reported at the entry's first key.
        let anchor = pairs.first().map_or(node.span, |(_, k, _)| k.span);
        let mut rule = None;
        let mut paths = Vec::new();
        let mut hashes = Vec::new();
        let (mut reason, mut owner, mut expires) = (None, None, None);
        for (key, _, v) in pairs {
            let field = format!("{what}.{key}");
            match key {
                "rule" => rule = Some(self.rule_code(v, &field)?),
                "paths" => {
                    paths = self
                        .list(v, &field)?
                        .iter()
                        .map(|n| self.glob(n, &field))
                        .collect::<Result<_>>()?
                }
                "hashes" => {
                    hashes = self
                        .list(v, &field)?
                        .iter()
                        .map(|n| self.hash(n, &field))
                        .collect::<Result<_>>()?
                }
                "reason" => reason = Some(self.non_empty(v, &field)?),
                "owner" => owner = Some(self.non_empty(v, &field)?),
                _ => {
                    let text = self.string(v, &field)?;
                    match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                        Ok(d) => expires = Some(d),
                        Err(_) => {
                            return self.err(
                                v,
                                format!(
                                    "`{field}` must be a date as YYYY-MM-DD (such as 2026-12-31), found `{text}`"
                                ),
                            );
                        }
                    }
                }
            }
        }
        let missing = |k: &str| {
            PolicyError::at(
                self.source,
                anchor,
                format!(
                    "`{what}` needs `{k}` (every exception names a rule and carries a reason, an owner and an expiry date)"
                ),
            )
        };
        Ok(Exception {
            rule: rule.ok_or_else(|| missing("rule"))?,
            paths,
            hashes,
            reason: reason.ok_or_else(|| missing("reason"))?,
            owner: owner.ok_or_else(|| missing("owner"))?,
            expires: expires.ok_or_else(|| missing("expires"))?,
        })
    }

    fn non_empty(&self, v: &Node, what: &str) -> Result<String> {
        let s = self.string(v, what)?;
        if s.trim().is_empty() {
            return self.err(v, format!("`{what}` must not be empty"));
        }
        Ok(s)
    }

    fn sbom(&self, node: &Node) -> Result<SbomRequirements> {
        let mut s = SbomRequirements::default();
        for (key, _, v) in self.map(node, "sbom_requirements", SBOM_KEYS)? {
            let field = format!("sbom_requirements.{key}");
            match key {
                "require_sbom" => s.require_sbom = self.boolean(v, &field)?,
                "require_licenses" => s.require_licenses = self.boolean(v, &field)?,
                _ => {
                    for n in self.list(v, &field)? {
                        let text = self.string(n, &field)?;
                        match expression_families(&text) {
                            Ok(families) => {
                                s.blocked_licenses.push(BlockedLicence { text, families })
                            }
                            Err(e) => {
                                return self.err(
                                    n,
                                    format!(
                                        "`{text}` in `{field}` is not an SPDX licence id or expression: {e} (examples: GPL-3.0-only, AGPL-3.0-or-later, CC-BY-NC-4.0)"
                                    ),
                                );
                            }
                        }
                    }
                }
            }
        }
        Ok(s)
    }

    fn format_rules(
        &self,
        node: &Node,
    ) -> Result<BTreeMap<sentrascan_types::ModelFormat, FormatRule>> {
        let Value::Map(pairs) = &node.value else {
            if node.is_null() {
                return Ok(BTreeMap::new());
            }
            return self.err(
                node,
                format!("`format_rules` must be a mapping, found {}", node.kind()),
            );
        };
        let mut out = BTreeMap::new();
        for (k, v) in pairs {
            let name = k.scalar().unwrap_or_default();
            let Some(format) = parse_format(name).filter(|f| {
                !matches!(
                    f,
                    sentrascan_types::ModelFormat::Directory
                        | sentrascan_types::ModelFormat::Unknown
                )
            }) else {
                return self.err(
                    k,
                    format!(
                        "unknown format `{name}` in `format_rules` (allowed: {})",
                        known_format_names().join(", ")
                    ),
                );
            };
            if out.contains_key(&format) {
                return self.err(k, format!("`format_rules.{name}` is given twice"));
            }
            let what = format!("format_rules.{name}");
            let mut rule = FormatRule::default();
            for (key, _, v) in self.map(v, &what, FORMAT_RULE_KEYS)? {
                let field = format!("{what}.{key}");
                match key {
                    "max_file_size" => rule.max_file_size = Some(self.size(v, &field)?),
                    "strict_mode" => rule.strict_mode = self.boolean(v, &field)?,
                    _ => rule.allow_external_data = Some(self.boolean(v, &field)?),
                }
            }
            out.insert(format, rule);
        }
        Ok(out)
    }

    fn size(&self, v: &Node, what: &str) -> Result<u64> {
        let text = self.string(v, what)?;
        parse_size(&text)
            .map_err(|e| PolicyError::at(self.source, v.span, format!("`{what}`: {e}")))
    }

    fn allowlist(&self, node: &Node) -> Result<Allowlist> {
        let mut a = Allowlist::default();
        for (key, _, v) in self.map(node, "allowlist", ALLOWLIST_KEYS)? {
            let field = format!("allowlist.{key}");
            let items = self.list(v, &field)?;
            match key {
                "models" => {
                    a.models = items
                        .iter()
                        .map(|n| self.glob(n, &field))
                        .collect::<Result<_>>()?
                }
                _ => {
                    a.hashes = items
                        .iter()
                        .map(|n| self.hash(n, &field))
                        .collect::<Result<_>>()?
                }
            }
        }
        Ok(a)
    }
}

/// `PKL999`: letters then three digits, the shape of a rule code.
fn looks_like_code(s: &str) -> bool {
    let letters = s.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    letters > 0 && s.len() == letters + 3 && s[letters..].bytes().all(|b| b.is_ascii_digit())
}

/// `found `x`` for a scalar, `found a list` otherwise.
fn describe_value(node: &Node) -> String {
    match node.scalar() {
        Some(s) if !node.is_null() => format!("`{s}`"),
        _ => node.kind().to_string(),
    }
}

/// The node of `text` in the list under `key` of the `policy` mapping.
fn find_entry<'n>(policy: &'n Node, key: &str, text: &str) -> Option<&'n Node> {
    let Value::Map(pairs) = &policy.value else {
        return None;
    };
    let (_, list) = pairs.iter().find(|(k, _)| k.scalar() == Some(key))?;
    let Value::Seq(items) = &list.value else {
        return None;
    };
    items.iter().find(|n| n.scalar() == Some(text))
}

/// `2GB`, `512MiB`, `1000000`: a byte count with an optional unit.
pub fn parse_size(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (examples: 512MiB, 2GB, 1000000)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        "t" | "tb" => 1_000_000_000_000,
        "tib" => 1 << 40,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (allowed: B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)"
            ));
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{s}` is too large"))
}

impl Policy {
    /// Validates policy `text` read from `source`; `rules` are the rules the
    /// policy may name.
    pub fn parse(
        text: &str,
        source: &str,
        rules: &[&RuleMeta],
    ) -> std::result::Result<Policy, PolicyError> {
        let root = yaml::parse(source, text)?;
        let r = Reader { source, rules };
        let pairs = r.map(&root, "the policy file", &["policy"])?;
        match pairs.first() {
            Some((_, _, node)) => r.policy(node),
            None => r.err(&root, "the policy file needs a top-level `policy:` mapping"),
        }
    }
}
