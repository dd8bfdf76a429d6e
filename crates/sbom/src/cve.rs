//! Known CVEs a finding matches: a small table reviewed like code. A row
//! matches a finding by its rule code (or code prefix) and, where the family
//! is broad, by words of the rule name; each row says why it applies.

use sentrascan_types::Finding;

/// One known advisory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownCve {
    pub id: &'static str,
    /// Affected software and versions, in a phrase.
    pub affects: &'static str,
    pub summary: &'static str,
}

struct Row {
    /// Rule code, or a family prefix ending in `*` (`KER*`).
    code: &'static str,
    /// Words that must all appear in the rule name (kebab-case), if any.
    name_words: &'static [&'static str],
    cve: KnownCve,
}

const TABLE: &[Row] = &[
    Row {
        code: "NPY001",
        name_words: &[],
        cve: KnownCve {
            id: "CVE-2019-6446",
            affects: "numpy < 1.16.3 (np.load with allow_pickle on by default)",
            summary: "NumPy loads object arrays with pickle, so a crafted .npy runs code when loaded.",
        },
    },
    Row {
        code: "PKL009",
        name_words: &[],
        cve: KnownCve {
            id: "CVE-2026-24747",
            affects: "torch < 2.10 (torch.load with weights_only=True)",
            summary: "The weights_only unpickler allowed SETITEM/SETITEMS on non-dict objects, corrupting memory.",
        },
    },
    Row {
        code: "PT001",
        name_words: &[],
        cve: KnownCve {
            id: "CVE-2025-32434",
            affects: "torch <= 2.5.1 (torch.load with weights_only=True)",
            summary: "torch.load could run code from a crafted archive despite weights_only=True.",
        },
    },
    Row {
        code: "TPL*",
        name_words: &[],
        cve: KnownCve {
            id: "CVE-2024-34359",
            affects: "llama-cpp-python < 0.2.72",
            summary: "Chat templates were rendered by an unsandboxed Jinja2 environment (server-side template injection).",
        },
    },
    Row {
        code: "KER*",
        name_words: &["lambda"],
        cve: KnownCve {
            id: "CVE-2024-3660",
            affects: "keras < 2.13",
            summary: "A Lambda layer in a saved model runs arbitrary code when the model is loaded.",
        },
    },
    Row {
        code: "KER004",
        name_words: &[],
        cve: KnownCve {
            id: "CVE-2025-1550",
            affects: "keras < 3.9",
            summary: "config.json module/class_name entries import and call arbitrary functions even with safe_mode=True.",
        },
    },
    Row {
        code: "KER005",
        name_words: &[],
        cve: KnownCve {
            id: "CVE-2025-8747",
            affects: "keras 3.0 to 3.10",
            summary: "A saved model can turn safe mode off from inside its config (enable_unsafe_deserialization, nested load_model).",
        },
    },
    Row {
        code: "KER007",
        name_words: &[],
        cve: KnownCve {
            id: "CVE-2026-1462",
            affects: "keras < 3.13.2",
            summary: "A TFSMLayer loads an attacker-referenced SavedModel despite safe_mode.",
        },
    },
    Row {
        code: "KER008",
        name_words: &[],
        cve: KnownCve {
            id: "CVE-2025-49655",
            affects: "keras (TorchModuleWrapper deserialisation)",
            summary: "TorchModuleWrapper deserialises its module with torch.load, running pickled code.",
        },
    },
    Row {
        code: "ONNX001",
        name_words: &[],
        cve: KnownCve {
            id: "CVE-2024-27318",
            affects: "onnx < 1.16",
            summary: "An absolute external_data location makes the loader read any file on the host.",
        },
    },
    Row {
        code: "ONNX002",
        name_words: &[],
        cve: KnownCve {
            id: "CVE-2022-25882",
            affects: "onnx < 1.13",
            summary: "A `..` external_data location makes the loader read files outside the model directory.",
        },
    },
];

/// The known CVEs `finding` matches.
pub fn matching(finding: &Finding) -> Vec<KnownCve> {
    TABLE
        .iter()
        .filter(|r| match r.code.strip_suffix('*') {
            Some(prefix) => finding.rule.starts_with(prefix),
            None => finding.rule == r.code,
        })
        .filter(|r| {
            r.name_words
                .iter()
                .all(|w| finding.rule_name.split('-').any(|p| p == *w))
        })
        .map(|r| r.cve)
        .collect()
}

/// The NVD page of a CVE.
pub fn nvd_url(id: &str) -> String {
    format!("https://nvd.nist.gov/vuln/detail/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_types::{Category, Location, Severity};

    fn finding(rule: &str, name: &str) -> Finding {
        Finding {
            id: String::new(),
            rule: rule.into(),
            rule_name: name.into(),
            scanner: "x".into(),
            severity: Severity::High,
            category: Category::ArbitraryCodeExecution,
            title: String::new(),
            description: String::new(),
            location: String::new(),
            location_detail: Location::file("m"),
            evidence: Default::default(),
            remediation: String::new(),
            cwe: None,
        }
    }

    #[test]
    fn codes_and_name_words_select_rows() {
        let ids = |f: &Finding| matching(f).iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(ids(&finding("NPY001", "object-array")), ["CVE-2019-6446"]);
        assert_eq!(
            ids(&finding("KER001", "keras-lambda-dangerous-code")),
            ["CVE-2024-3660"]
        );
        assert_eq!(
            ids(&finding("KER004", "keras-dangerous-callable")),
            ["CVE-2025-1550"]
        );
        assert_eq!(
            ids(&finding("ONNX002", "onnx-external-data-path-traversal")),
            ["CVE-2022-25882"]
        );
        assert_eq!(
            ids(&finding("TPL004", "template-code-execution")),
            ["CVE-2024-34359"]
        );
        assert!(ids(&finding("PKL001", "dangerous-pickle-global")).is_empty());
        assert!(ids(&finding("KER009", "lambdas")).is_empty());
    }
}
