//! Licences declared by model files, read as SPDX expressions.

use sentrascan_types::FileReport;
use spdx::{Expression, LicenseItem, LicenseReq, ParseMode};

use crate::model::BlockedLicence;

/// How a declared licence reads as SPDX.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LicenceCheck {
    /// A valid SPDX expression as written.
    Valid,
    /// Not valid as written, but a common spelling of one (`apache-2.0`,
    /// `GPL-3.0`): the canonical form.
    Imprecise(String),
    /// Not an SPDX expression at all (`llama2`, `other`).
    Invalid(String),
}

/// The licence a file declares: `license`, or a namespaced `*.license` fact
/// (`gguf.general.license`), the shortest key first.
pub fn file_licence(file: &FileReport) -> Option<(&str, &str)> {
    let mut keys: Vec<_> = file
        .metadata
        .iter()
        .filter(|(k, v)| (*k == "license" || k.ends_with(".license")) && !v.trim().is_empty())
        .collect();
    keys.sort_by_key(|(k, _)| k.len());
    keys.first().map(|(k, v)| (k.as_str(), v.as_str()))
}

pub fn check_licence(text: &str) -> LicenceCheck {
    if Expression::parse_mode(text, ParseMode::STRICT).is_ok() {
        return LicenceCheck::Valid;
    }
    match lax(text) {
        Ok((_, canonical)) => LicenceCheck::Imprecise(canonical),
        Err(e) => LicenceCheck::Invalid(e),
    }
}

/// Parses leniently: case, deprecated ids, `/` for OR and common misspellings.
fn lax(text: &str) -> Result<(Expression, String), String> {
    let text = &fix_case(text);
    let canonical = match Expression::canonicalize(text) {
        Ok(Some(c)) => c,
        Ok(None) => text.to_string(),
        Err(e) => return Err(e.reason.to_string()),
    };
    Expression::parse_mode(&canonical, ParseMode::LAX)
        .map(|e| (e, canonical))
        .map_err(|e| e.reason.to_string())
}

/// `apache-2.0 or mit` → `Apache-2.0 OR MIT`: licence ids and operators
/// in their SPDX case (model hubs often write them in lower case).
fn fix_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let upper = word.to_ascii_uppercase();
        if matches!(upper.as_str(), "AND" | "OR" | "WITH") {
            out.push_str(&upper);
        } else {
            let (base, plus) = match word.strip_suffix('+') {
                Some(b) => (b, "+"),
                None => (word.as_str(), ""),
            };
            match spdx::identifiers::LICENSES
                .iter()
                .find(|l| l.name.eq_ignore_ascii_case(base))
            {
                Some(l) => {
                    out.push_str(l.name);
                    out.push_str(plus);
                }
                None => out.push_str(word),
            }
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() || c == '(' || c == ')' {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `GPL-3.0-or-later` → `GPL-3.0`: the licence without its version range.
fn family(req: &LicenseReq) -> String {
    match &req.license {
        LicenseItem::Spdx { id, .. } => {
            let n = id.name.trim_end_matches('+');
            n.strip_suffix("-only")
                .or_else(|| n.strip_suffix("-or-later"))
                .unwrap_or(n)
                .to_string()
        }
        LicenseItem::Other(r) => format!("LicenseRef-{}", r.lic_ref),
    }
}

/// The licence families an expression names (for `blocked_licenses`).
pub(crate) fn expression_families(text: &str) -> Result<Vec<String>, String> {
    let (expr, _) = lax(text)?;
    let mut v: Vec<String> = expr.requirements().map(|r| family(&r.req)).collect();
    v.sort();
    v.dedup();
    Ok(v)
}

/// The blocked entry a declared licence cannot avoid, if any: `MIT OR
/// GPL-3.0-only` is fine with GPL-3.0 blocked (MIT can be chosen), `MIT AND
/// GPL-3.0-only` is not. A licence that is not SPDX is blocked only when it
/// equals a blocked entry (ignoring case).
pub(crate) fn blocked_by<'b>(
    text: &str,
    blocked: &'b [BlockedLicence],
) -> Option<&'b BlockedLicence> {
    match lax(text) {
        Ok((expr, _)) => {
            let ok = expr.evaluate(|req| {
                let f = family(req);
                !blocked.iter().any(|b| b.families.contains(&f))
            });
            if ok {
                return None;
            }
            // The first blocked entry one of its licences falls under.
            expr.requirements()
                .map(|r| family(&r.req))
                .find_map(|f| blocked.iter().find(|b| b.families.contains(&f)))
        }
        Err(_) => blocked
            .iter()
            .find(|b| b.text.eq_ignore_ascii_case(text.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked(list: &[&str]) -> Vec<BlockedLicence> {
        list.iter()
            .map(|t| BlockedLicence {
                text: t.to_string(),
                families: expression_families(t).unwrap(),
            })
            .collect()
    }

    #[test]
    fn a_blocked_family_covers_its_version_ranges() {
        let b = blocked(&["GPL-3.0"]);
        assert!(blocked_by("GPL-3.0-only", &b).is_some());
        assert!(blocked_by("GPL-3.0-or-later", &b).is_some());
        assert!(blocked_by("gpl-3.0", &b).is_some());
        assert!(blocked_by("GPL-2.0-only", &b).is_none());
    }

    #[test]
    fn a_choice_avoids_the_blocked_licence_but_a_conjunction_does_not() {
        let b = blocked(&["AGPL-3.0-only OR GPL-3.0-only"]);
        assert!(blocked_by("MIT OR GPL-3.0-only", &b).is_none());
        assert!(blocked_by("MIT AND AGPL-3.0-or-later", &b).is_some());
        assert!(blocked_by("Apache-2.0", &b).is_none());
    }

    #[test]
    fn licences_are_graded_valid_imprecise_or_invalid() {
        assert_eq!(check_licence("Apache-2.0"), LicenceCheck::Valid);
        assert_eq!(
            check_licence("apache-2.0"),
            LicenceCheck::Imprecise("Apache-2.0".into())
        );
        assert!(matches!(check_licence("llama2"), LicenceCheck::Invalid(_)));
    }

    #[test]
    fn non_spdx_licences_match_blocked_entries_by_text_only() {
        let b = vec![BlockedLicence {
            text: "llama2".into(),
            families: vec![],
        }];
        assert!(blocked_by("Llama2", &b).is_some());
        assert!(blocked_by("other", &b).is_none());
    }
}
