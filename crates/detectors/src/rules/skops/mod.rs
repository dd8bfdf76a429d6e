//! `SKO` rules: skops archives. `skops.io.load` only builds types that its
//! trusted list (or the caller's `trusted=`) allows; these rules apply the
//! default trusted list of the pinned skops per loader, grade what falls
//! outside it by what it can do, and recognise the published bypasses:
//! operator functions (CVE-2025-54412), bound methods (CVE-2025-54413) and
//! loaders the library does not define.

pub mod sko001_untrusted_type;
pub mod sko002_operator_func;
pub mod sko003_method_node;
pub mod sko004_unknown_loader;
pub mod sko005_schema_unreadable;

use sentrascan_formats::skops::{SkopsNode, SkopsSchema};
use sentrascan_types::{Finding, Location, RuleFamily};

pub use sko005_schema_unreadable::finding as schema_unreadable;

pub(crate) const FAMILY: RuleFamily = RuleFamily::Skops;

/// `loader<TAB>module.Class`: skops' default trusted types (generated).
const TRUSTED: &str = include_str!("trusted_types.tsv");

/// Loaders skops defines (all protocols), whatever their trusted lists.
pub const KNOWN_LOADERS: &[&str] = &[
    "BytearrayNode",
    "BytesNode",
    "CachedNode",
    "ConstructorFromReduceNode",
    "DTypeNode",
    "DefaultDictNode",
    "DictNode",
    "FunctionNode",
    "JsonNode",
    "ListNode",
    "LossNode",
    "MaskedArrayNode",
    "MethodNode",
    "NdArrayNode",
    "ObjectNode",
    "OperatorFuncNode",
    "PartialNode",
    "QuantileForestNode",
    "RandomGeneratorNode",
    "RandomStateNode",
    "SetNode",
    "SliceNode",
    "SparseMatrixNode",
    "TreeNode",
    "TupleNode",
    "TypeNode",
    "_DictWithDeprecatedKeysNode",
];

/// True when skops' defaults trust `type_name` for `loader`.
pub fn is_trusted(loader: &str, type_name: &str) -> bool {
    TRUSTED
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .any(|(l, t)| l == loader && t == type_name)
}

/// Loaders that never import a type (plain JSON values, back-references).
fn imports_nothing(loader: &str) -> bool {
    matches!(loader, "JsonNode" | "CachedNode")
}

/// True when the node's own type is outside skops' default trusted set.
pub fn is_untrusted(n: &SkopsNode) -> bool {
    !imports_nothing(&n.loader) && !is_trusted(&n.loader, &n.type_name())
}

pub fn check_skops(schema: &SkopsSchema, location: &Location, out: &mut Vec<Finding>) {
    sko001_untrusted_type::check(schema, location, out);
    sko002_operator_func::check(schema, location, out);
    sko003_method_node::check(schema, location, out);
    sko004_unknown_loader::check(schema, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_table() {
        assert!(is_trusted(
            "ObjectNode",
            "sklearn.linear_model._logistic.LogisticRegression"
        ));
        assert!(is_trusted("DictNode", "builtins.dict"));
        assert!(is_trusted("NdArrayNode", "numpy.ndarray"));
        assert!(is_trusted("FunctionNode", "numpy.exp"));
        assert!(!is_trusted("ObjectNode", "builtins.dict"));
        assert!(!is_trusted("FunctionNode", "builtins.eval"));
        assert!(!is_trusted("TreeNode", "sklearn.tree._tree.Tree"));
    }
}
