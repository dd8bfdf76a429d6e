//! Licence strings as model cards, GGUF headers and LICENSE files state them,
//! turned into SPDX ids, SPDX expressions or names.
//!
//! The table is bounded on purpose: it holds the ids ML repositories use,
//! each checked against the SPDX licence list that CycloneDX 1.6 ships
//! (`spdx.schema.json`, list 3.24), so an id we emit always validates. A
//! string we cannot map stays a name, never a guessed id.

use crate::inventory::License;

/// Hugging Face licence identifiers and common spellings (lower case) →
/// SPDX ids. Every right-hand side is on the SPDX licence list.
const SPDX_IDS: &[(&str, &str)] = &[
    ("0bsd", "0BSD"),
    ("afl-3.0", "AFL-3.0"),
    ("agpl-3.0", "AGPL-3.0-only"),
    ("agpl-3.0-only", "AGPL-3.0-only"),
    ("agpl-3.0-or-later", "AGPL-3.0-or-later"),
    ("apache-2.0", "Apache-2.0"),
    ("apache 2.0", "Apache-2.0"),
    ("apache license 2.0", "Apache-2.0"),
    ("apache license, version 2.0", "Apache-2.0"),
    ("artistic-2.0", "Artistic-2.0"),
    ("bsd-2-clause", "BSD-2-Clause"),
    ("bsd-3-clause", "BSD-3-Clause"),
    ("bsd-3-clause-clear", "BSD-3-Clause-Clear"),
    ("bsl-1.0", "BSL-1.0"),
    ("c-uda", "C-UDA-1.0"),
    ("c-uda-1.0", "C-UDA-1.0"),
    ("cc-by-2.0", "CC-BY-2.0"),
    ("cc-by-2.5", "CC-BY-2.5"),
    ("cc-by-3.0", "CC-BY-3.0"),
    ("cc-by-4.0", "CC-BY-4.0"),
    ("cc-by-nc-2.0", "CC-BY-NC-2.0"),
    ("cc-by-nc-3.0", "CC-BY-NC-3.0"),
    ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
    ("cc-by-nc-nd-3.0", "CC-BY-NC-ND-3.0"),
    ("cc-by-nc-nd-4.0", "CC-BY-NC-ND-4.0"),
    ("cc-by-nc-sa-2.0", "CC-BY-NC-SA-2.0"),
    ("cc-by-nc-sa-3.0", "CC-BY-NC-SA-3.0"),
    ("cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0"),
    ("cc-by-nd-4.0", "CC-BY-ND-4.0"),
    ("cc-by-sa-3.0", "CC-BY-SA-3.0"),
    ("cc-by-sa-4.0", "CC-BY-SA-4.0"),
    ("cc0-1.0", "CC0-1.0"),
    ("cdla-permissive-1.0", "CDLA-Permissive-1.0"),
    ("cdla-permissive-2.0", "CDLA-Permissive-2.0"),
    ("cdla-sharing-1.0", "CDLA-Sharing-1.0"),
    ("ecl-2.0", "ECL-2.0"),
    ("epl-1.0", "EPL-1.0"),
    ("epl-2.0", "EPL-2.0"),
    ("etalab-2.0", "etalab-2.0"),
    ("eupl-1.1", "EUPL-1.1"),
    ("eupl-1.2", "EUPL-1.2"),
    ("gpl-2.0", "GPL-2.0-only"),
    ("gpl-2.0-only", "GPL-2.0-only"),
    ("gpl-2.0-or-later", "GPL-2.0-or-later"),
    ("gpl-3.0", "GPL-3.0-only"),
    ("gpl-3.0-only", "GPL-3.0-only"),
    ("gpl-3.0-or-later", "GPL-3.0-or-later"),
    ("isc", "ISC"),
    ("lgpl-2.1", "LGPL-2.1-only"),
    ("lgpl-2.1-only", "LGPL-2.1-only"),
    ("lgpl-3.0", "LGPL-3.0-only"),
    ("lgpl-3.0-only", "LGPL-3.0-only"),
    ("lgpl-lr", "LGPLLR"),
    ("lppl-1.3c", "LPPL-1.3c"),
    ("mit", "MIT"),
    ("mit license", "MIT"),
    ("mit-0", "MIT-0"),
    ("mpl-2.0", "MPL-2.0"),
    ("ms-pl", "MS-PL"),
    ("ncsa", "NCSA"),
    ("odbl", "ODbL-1.0"),
    ("odbl-1.0", "ODbL-1.0"),
    ("odc-by", "ODC-By-1.0"),
    ("odc-by-1.0", "ODC-By-1.0"),
    ("ofl-1.1", "OFL-1.1"),
    ("osl-3.0", "OSL-3.0"),
    ("pddl", "PDDL-1.0"),
    ("pddl-1.0", "PDDL-1.0"),
    ("postgresql", "PostgreSQL"),
    ("unlicense", "Unlicense"),
    ("wtfpl", "WTFPL"),
    ("zlib", "Zlib"),
];

/// Well-known non-SPDX ML licences (Hugging Face ids) → the name we print.
const NAMED: &[(&str, &str)] = &[
    (
        "bigcode-openrail-m",
        "BigCode Open RAIL-M v1 License Agreement",
    ),
    ("bigscience-bloom-rail-1.0", "BigScience BLOOM RAIL 1.0"),
    ("bigscience-openrail-m", "BigScience Open RAIL-M"),
    ("creativeml-openrail-m", "CreativeML Open RAIL-M"),
    (
        "deepfloyd-if-license",
        "DeepFloyd IF Research License Agreement",
    ),
    (
        "fair-noncommercial-research-license",
        "FAIR Noncommercial Research License",
    ),
    ("gemma", "Gemma Terms of Use"),
    ("llama2", "Llama 2 Community License Agreement"),
    ("llama3", "Meta Llama 3 Community License Agreement"),
    ("llama3.1", "Llama 3.1 Community License Agreement"),
    ("llama3.2", "Llama 3.2 Community License Agreement"),
    ("llama3.3", "Llama 3.3 Community License Agreement"),
    ("llama4", "Llama 4 Community License Agreement"),
    ("openrail", "Open RAIL"),
    ("openrail++", "Open RAIL++-M"),
];

/// SPDX licence exceptions we accept after `WITH`.
const EXCEPTIONS: &[&str] = &[
    "Classpath-exception-2.0",
    "LLVM-exception",
    "GCC-exception-3.1",
    "Autoconf-exception-3.0",
];

/// Is `id` an SPDX id we know to be on the list (exact spelling)?
pub fn is_known_spdx_id(id: &str) -> bool {
    SPDX_IDS.iter().any(|(_, s)| *s == id)
}

/// Every SPDX id in the table (for tests against the official list).
pub fn known_spdx_ids() -> impl Iterator<Item = &'static str> {
    SPDX_IDS.iter().map(|(_, s)| *s)
}

/// Turns a stated licence into an SPDX id, a valid SPDX expression, or a
/// name. Empty strings and `unknown` give nothing.
pub fn normalise(raw: &str) -> Option<License> {
    let s = raw.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    if s.is_empty() || s.eq_ignore_ascii_case("unknown") || s.eq_ignore_ascii_case("noassertion") {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    if let Some((_, id)) = SPDX_IDS.iter().find(|(k, v)| *k == lower || *v == s) {
        return Some(License::Id((*id).to_string()));
    }
    // Exact SPDX spelling in another case (`APACHE-2.0`).
    if let Some((_, id)) = SPDX_IDS.iter().find(|(_, v)| v.eq_ignore_ascii_case(s)) {
        return Some(License::Id((*id).to_string()));
    }
    if is_valid_expression(s) {
        return Some(License::Expression(s.to_string()));
    }
    if let Some((_, name)) = NAMED.iter().find(|(k, _)| *k == lower) {
        return Some(License::Name((*name).to_string()));
    }
    Some(License::Name(s.to_string()))
}

/// A compound expression whose every licence is a known SPDX id or a
/// `LicenseRef-`, with balanced parentheses and operators in place.
pub fn is_valid_expression(s: &str) -> bool {
    let spaced = s.replace('(', " ( ").replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    if tokens.len() < 3 {
        return false;
    }
    let mut depth: i32 = 0;
    // Expect an operand (true) or an operator (false).
    let mut want_operand = true;
    let mut after_with = false;
    for t in tokens {
        match t {
            "(" if want_operand => depth += 1,
            ")" if !want_operand => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            "AND" | "OR" if !want_operand => want_operand = true,
            "WITH" if !want_operand => {
                want_operand = true;
                after_with = true;
            }
            id if want_operand => {
                let ok = if after_with {
                    EXCEPTIONS.contains(&id)
                } else {
                    is_known_spdx_id(id.trim_end_matches('+')) || is_license_ref(id)
                };
                if !ok {
                    return false;
                }
                after_with = false;
                want_operand = false;
            }
            _ => return false,
        }
    }
    depth == 0 && !want_operand
}

fn is_license_ref(s: &str) -> bool {
    s.strip_prefix("LicenseRef-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    })
}

/// An SPDX `LicenseRef-` id for a licence we only know by name.
pub fn license_ref(name: &str) -> String {
    let mut id = String::from("LicenseRef-");
    let mut last_dash = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            id.push(c);
            last_dash = false;
        } else if !last_dash {
            id.push('-');
            last_dash = true;
        }
    }
    let trimmed = id.trim_end_matches('-').to_string();
    if trimmed == "LicenseRef" {
        "LicenseRef-unnamed".into()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hugging_face_ids_map_to_spdx_ids() {
        assert_eq!(
            normalise("apache-2.0"),
            Some(License::Id("Apache-2.0".into()))
        );
        assert_eq!(normalise("MIT"), Some(License::Id("MIT".into())));
        assert_eq!(
            normalise("cc-by-nc-4.0"),
            Some(License::Id("CC-BY-NC-4.0".into()))
        );
        assert_eq!(
            normalise("gpl-3.0"),
            Some(License::Id("GPL-3.0-only".into()))
        );
    }

    #[test]
    fn ml_licences_without_spdx_ids_stay_names() {
        assert_eq!(
            normalise("llama3"),
            Some(License::Name(
                "Meta Llama 3 Community License Agreement".into()
            ))
        );
        assert_eq!(
            normalise("creativeml-openrail-m"),
            Some(License::Name("CreativeML Open RAIL-M".into()))
        );
        assert_eq!(
            normalise("my own terms"),
            Some(License::Name("my own terms".into()))
        );
        assert_eq!(normalise("unknown"), None);
        assert_eq!(normalise("  "), None);
    }

    #[test]
    fn expressions_are_kept_only_when_every_part_is_known() {
        assert_eq!(
            normalise("Apache-2.0 AND MIT"),
            Some(License::Expression("Apache-2.0 AND MIT".into()))
        );
        assert!(is_valid_expression(
            "(MIT OR Apache-2.0) AND LicenseRef-llama3"
        ));
        assert!(is_valid_expression(
            "GPL-2.0-only WITH Classpath-exception-2.0"
        ));
        assert!(!is_valid_expression("MIT AND"));
        assert!(!is_valid_expression("MIT AND Foo-1.0"));
        assert!(!is_valid_expression("(MIT OR Apache-2.0"));
        assert_eq!(
            normalise("MIT or Apache"),
            Some(License::Name("MIT or Apache".into()))
        );
    }

    #[test]
    fn license_refs_use_only_allowed_characters() {
        assert_eq!(
            license_ref("Llama 2 Community License"),
            "LicenseRef-Llama-2-Community-License"
        );
        assert_eq!(license_ref("++"), "LicenseRef-unnamed");
    }
}
