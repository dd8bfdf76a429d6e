//! The explicit list of every rule, in code order.

use sentrascan_types::RuleMeta;

use crate::rules::tensorflow;
use crate::rules::tflite;
use crate::rules::weights;
use crate::rules::{
    archive, gguf, hdf5, keras, numpy, pickle, pytorch, safetensors, scanner, template,
};

use crate::rules::onnx;
use crate::rules::{openvino, paddle, pmml, skops, xml};

static RULES: &[&RuleMeta] = &[
    &pickle::pkl001_dangerous_global::RULE,
    &pickle::pkl002_unknown_global_imported::RULE,
    &pickle::pkl003_unknown_global_called::RULE,
    &pickle::pkl004_unresolved_callable::RULE,
    &pickle::pkl005_extension_registry::RULE,
    &pickle::pkl006_malformed::RULE,
    &pickle::pkl007_nested_pickle::RULE,
    &pickle::pkl008_expansion::RULE,
    &pickle::pkl009_setitem_on_non_dict::RULE,
    &pickle::pkl010_global_mutated::RULE,
    &pickle::pkl011_misplaced_proto::RULE,
    &pickle::pkl012_trailing_data::RULE,
    &pytorch::pt001_torchscript_code::RULE,
    &pytorch::pt002_nonstandard_member::RULE,
    &pytorch::pt003_legacy_magic::RULE,
    &pytorch::pt004_storage_bounds::RULE,
    &archive::arc001_crc_mismatch::RULE,
    &archive::arc002_name_mismatch::RULE,
    &archive::arc003_duplicate_member::RULE,
    &archive::arc004_encrypted_flag::RULE,
    &archive::arc005_path_traversal::RULE,
    &archive::arc006_structure::RULE,
    &archive::arc007_compression_bomb::RULE,
    &archive::arc008_special_member::RULE,
    &numpy::npy001_object_array::RULE,
    &numpy::npy002_header_invalid::RULE,
    &numpy::npy003_data_size::RULE,
    &safetensors::st001_header_unreadable::RULE,
    &safetensors::st002_duplicate_key::RULE,
    &safetensors::st003_invalid_tensor_entry::RULE,
    &safetensors::st004_tensor_layout::RULE,
    &safetensors::st005_metadata_not_string::RULE,
    &safetensors::st006_metadata_code::RULE,
    &safetensors::st007_metadata_embedded_binary::RULE,
    &safetensors::st008_metadata_external_url::RULE,
    &gguf::gguf001_header_unreadable::RULE,
    &gguf::gguf002_malformed_metadata::RULE,
    &gguf::gguf003_duplicate_key::RULE,
    &gguf::gguf004_invalid_tensor_info::RULE,
    &gguf::gguf005_tensor_data_out_of_bounds::RULE,
    &gguf::gguf006_tensor_layout::RULE,
    &gguf::gguf007_metadata_code::RULE,
    &gguf::gguf008_metadata_embedded_binary::RULE,
    &gguf::gguf009_metadata_external_url::RULE,
    &hdf5::hdf001_unreadable::RULE,
    &hdf5::hdf002_malformed_structure::RULE,
    &hdf5::hdf003_external_link::RULE,
    &hdf5::hdf004_external_storage::RULE,
    &hdf5::hdf005_virtual_source::RULE,
    &hdf5::hdf006_hard_link_cycle::RULE,
    &hdf5::hdf007_invalid_link_name::RULE,
    &hdf5::hdf008_user_block_content::RULE,
    &hdf5::hdf009_filter_plugin::RULE,
    &keras::ker001_lambda_dangerous_code::RULE,
    &keras::ker002_lambda_undecodable::RULE,
    &keras::ker003_lambda_code::RULE,
    &keras::ker004_dangerous_callable::RULE,
    &keras::ker005_safe_mode_bypass::RULE,
    &keras::ker006_custom_object::RULE,
    &keras::ker007_tfsm_layer::RULE,
    &keras::ker008_torch_module_wrapper::RULE,
    &keras::ker009_unknown_callable::RULE,
    &keras::ker010_external_reference::RULE,
    &keras::ker011_unexpected_member::RULE,
    &keras::ker012_config_unreadable::RULE,
    &onnx::onnx001_external_data_absolute_path::RULE,
    &onnx::onnx002_external_data_path_traversal::RULE,
    &onnx::onnx003_external_data_symlink_escape::RULE,
    &onnx::onnx004_external_data_missing::RULE,
    &onnx::onnx005_external_data_out_of_bounds::RULE,
    &onnx::onnx006_python_operator::RULE,
    &onnx::onnx007_custom_operator_domain::RULE,
    &onnx::onnx008_metadata_code::RULE,
    &onnx::onnx009_metadata_embedded_binary::RULE,
    &onnx::onnx010_metadata_external_url::RULE,
    &onnx::onnx011_model_unreadable::RULE,
    &onnx::onnx012_external_data_unverifiable::RULE,
    &template::tpl001_internal_attribute::RULE,
    &template::tpl002_gadget_global::RULE,
    &template::tpl003_obfuscated_name::RULE,
    &template::tpl004_code_execution::RULE,
    &template::tpl005_template_not_analysed::RULE,
    &tflite::tfl001_model_unreadable::RULE,
    &tflite::tfl002_malformed_structure::RULE,
    &tflite::tfl003_dangerous_flex_op::RULE,
    &tflite::tfl004_flex_op::RULE,
    &tflite::tfl005_custom_op::RULE,
    &tflite::tfl006_buffer_out_of_bounds::RULE,
    &tflite::tfl007_index_out_of_range::RULE,
    &tflite::tfl008_metadata_code::RULE,
    &tflite::tfl009_metadata_embedded_binary::RULE,
    &tflite::tfl010_metadata_external_url::RULE,
    &tensorflow::tf001_python_op::RULE,
    &tensorflow::tf002_file_write_op::RULE,
    &tensorflow::tf003_file_read_op::RULE,
    &tensorflow::tf004_checkpoint_path_outside_model::RULE,
    &tensorflow::tf005_network_op::RULE,
    &tensorflow::tf006_native_code_op::RULE,
    &tensorflow::tf007_custom_op::RULE,
    &tensorflow::tf008_process_control_op::RULE,
    &tensorflow::tf009_string_code::RULE,
    &tensorflow::tf010_string_external_url::RULE,
    &tensorflow::tf011_asset_payload::RULE,
    &tensorflow::tf012_malformed_graph::RULE,
    &xml::xml001_external_entity::RULE,
    &xml::xml002_entity_expansion::RULE,
    &xml::xml003_parameter_entity::RULE,
    &xml::xml004_xinclude::RULE,
    &xml::xml005_processing_instruction::RULE,
    &xml::xml006_malformed::RULE,
    &openvino::ov001_custom_layer::RULE,
    &openvino::ov002_weights_out_of_bounds::RULE,
    &openvino::ov003_external_path::RULE,
    &openvino::ov004_malformed_ir::RULE,
    &pmml::pmml001_extension_code::RULE,
    &pmml::pmml002_extension_url::RULE,
    &pmml::pmml003_unknown_function::RULE,
    &paddle::pdl001_py_func::RULE,
    &paddle::pdl002_io_operator::RULE,
    &paddle::pdl003_unknown_operator::RULE,
    &paddle::pdl004_program_unreadable::RULE,
    &paddle::pdl005_params_malformed::RULE,
    &skops::sko001_untrusted_type::RULE,
    &skops::sko002_operator_func::RULE,
    &skops::sko003_method_node::RULE,
    &skops::sko004_unknown_loader::RULE,
    &skops::sko005_schema_unreadable::RULE,
    &weights::wgt001_head_norm_outlier::RULE,
    &weights::wgt002_head_extreme_weight::RULE,
    &weights::wgt003_non_finite_weights::RULE,
    &weights::wgt004_constant_weight_matrix::RULE,
    &scanner::scn001_unsupported::RULE,
    &scanner::scn002_limit::RULE,
    &scanner::scn003_unreadable::RULE,
    &scanner::scn004_extension_mismatch::RULE,
];

/// Every rule, in code order.
pub fn all_rules() -> &'static [&'static RuleMeta] {
    RULES
}

/// A rule by code (`PKL001`, any case) or name (`dangerous-pickle-global`).
pub fn find_rule(code_or_name: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_well_formed_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.code), "duplicate code {}", r.code);
            let digits = r.code.trim_start_matches(r.family.prefix());
            assert_eq!(digits.len(), 3, "{}", r.code);
            assert!(digits.chars().all(|c| c.is_ascii_digit()), "{}", r.code);
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                r.name
            );
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## How to fix",
                "## References",
            ] {
                assert!(r.docs.contains(heading), "{} docs lack {heading}", r.code);
            }
            assert!(!r.remediation.is_empty() && !r.summary.is_empty());
        }
    }

    /// The full set of codes; a change here is a change to a public contract.
    #[test]
    fn code_table_is_stable() {
        let codes: Vec<String> = RULES
            .iter()
            .map(|r| format!("{} {}", r.code, r.name))
            .collect();
        assert_eq!(
            codes,
            [
                "PKL001 dangerous-pickle-global",
                "PKL002 unknown-global-imported",
                "PKL003 unknown-global-called",
                "PKL004 unresolved-callable",
                "PKL005 extension-registry-global",
                "PKL006 malformed-pickle",
                "PKL007 nested-pickle",
                "PKL008 pickle-expansion",
                "PKL009 setitem-on-non-dict",
                "PKL010 global-object-mutated",
                "PKL011 misplaced-proto",
                "PKL012 trailing-data",
                "PT001 torchscript-dangerous-code",
                "PT002 nonstandard-pickle-member",
                "PT003 legacy-magic-not-literal",
                "PT004 storage-size-mismatch",
                "ARC001 zip-crc-mismatch",
                "ARC002 zip-header-name-mismatch",
                "ARC003 zip-duplicate-member",
                "ARC004 zip-flag-anomaly",
                "ARC005 archive-path-traversal",
                "ARC006 zip-structure-anomaly",
                "ARC007 compression-bomb",
                "ARC008 archive-special-member",
                "NPY001 numpy-object-array",
                "NPY002 npy-header-invalid",
                "NPY003 npy-data-size-mismatch",
                "ST001 safetensors-header-unreadable",
                "ST002 safetensors-duplicate-key",
                "ST003 safetensors-invalid-tensor-entry",
                "ST004 safetensors-tensor-layout",
                "ST005 safetensors-metadata-not-string",
                "ST006 safetensors-metadata-code",
                "ST007 safetensors-metadata-embedded-binary",
                "ST008 safetensors-metadata-external-url",
                "GGUF001 gguf-header-unreadable",
                "GGUF002 gguf-malformed-metadata",
                "GGUF003 gguf-duplicate-key",
                "GGUF004 gguf-invalid-tensor-info",
                "GGUF005 gguf-tensor-data-out-of-bounds",
                "GGUF006 gguf-tensor-layout",
                "GGUF007 gguf-metadata-code",
                "GGUF008 gguf-metadata-embedded-binary",
                "GGUF009 gguf-metadata-external-url",
                "HDF001 hdf-unreadable",
                "HDF002 hdf-malformed-structure",
                "HDF003 hdf-external-link",
                "HDF004 hdf-external-storage",
                "HDF005 hdf-virtual-dataset-source",
                "HDF006 hdf-hard-link-cycle",
                "HDF007 hdf-invalid-link-name",
                "HDF008 hdf-user-block-content",
                "HDF009 hdf-filter-plugin",
                "KER001 keras-lambda-dangerous-code",
                "KER002 keras-lambda-undecodable",
                "KER003 keras-lambda-code",
                "KER004 keras-dangerous-callable",
                "KER005 keras-safe-mode-bypass",
                "KER006 keras-custom-object",
                "KER007 keras-tfsm-layer",
                "KER008 keras-torch-module-wrapper",
                "KER009 keras-unknown-callable",
                "KER010 keras-external-reference",
                "KER011 keras-unexpected-member",
                "KER012 keras-config-unreadable",
                "ONNX001 onnx-external-data-absolute-path",
                "ONNX002 onnx-external-data-path-traversal",
                "ONNX003 onnx-external-data-symlink-escape",
                "ONNX004 onnx-external-data-missing",
                "ONNX005 onnx-external-data-out-of-bounds",
                "ONNX006 onnx-python-operator",
                "ONNX007 onnx-custom-operator-domain",
                "ONNX008 onnx-metadata-code",
                "ONNX009 onnx-metadata-embedded-binary",
                "ONNX010 onnx-metadata-external-url",
                "ONNX011 onnx-model-unreadable",
                "ONNX012 onnx-external-data-unverifiable",
                "TPL001 template-internal-attribute",
                "TPL002 template-gadget-global",
                "TPL003 template-obfuscated-attribute-name",
                "TPL004 template-code-execution",
                "TPL005 template-not-analysed",
                "TFL001 tflite-model-unreadable",
                "TFL002 tflite-malformed-structure",
                "TFL003 tflite-dangerous-flex-op",
                "TFL004 tflite-flex-op",
                "TFL005 tflite-custom-op",
                "TFL006 tflite-buffer-out-of-bounds",
                "TFL007 tflite-index-out-of-range",
                "TFL008 tflite-metadata-code",
                "TFL009 tflite-metadata-embedded-binary",
                "TFL010 tflite-metadata-external-url",
                "TF001 tf-python-op",
                "TF002 tf-file-write-op",
                "TF003 tf-file-read-op",
                "TF004 tf-checkpoint-path-outside-model",
                "TF005 tf-network-op",
                "TF006 tf-native-code-op",
                "TF007 tf-custom-op",
                "TF008 tf-process-control-op",
                "TF009 tf-string-code",
                "TF010 tf-string-external-url",
                "TF011 tf-asset-payload",
                "TF012 tf-malformed-graph",
                "XML001 xml-external-entity",
                "XML002 xml-entity-expansion",
                "XML003 xml-parameter-entity",
                "XML004 xml-xinclude",
                "XML005 xml-processing-instruction",
                "XML006 xml-malformed",
                "OV001 openvino-custom-layer",
                "OV002 openvino-weights-out-of-bounds",
                "OV003 openvino-external-path",
                "OV004 openvino-malformed-ir",
                "PMML001 pmml-extension-code",
                "PMML002 pmml-extension-url",
                "PMML003 pmml-unknown-function",
                "PDL001 paddle-py-func",
                "PDL002 paddle-io-operator",
                "PDL003 paddle-unknown-operator",
                "PDL004 paddle-program-unreadable",
                "PDL005 paddle-params-malformed",
                "SKO001 skops-untrusted-type",
                "SKO002 skops-operator-func",
                "SKO003 skops-method-node",
                "SKO004 skops-unknown-loader",
                "SKO005 skops-schema-unreadable",
                "WGT001 head-weight-norm-outlier",
                "WGT002 head-extreme-weight",
                "WGT003 non-finite-weights",
                "WGT004 constant-weight-matrix",
                "SCN001 unsupported-format",
                "SCN002 scan-limit-reached",
                "SCN003 unreadable-file",
                "SCN004 extension-mismatch",
            ]
        );
    }

    #[test]
    fn lookup_by_code_or_name() {
        assert_eq!(find_rule("pkl001").unwrap().code, "PKL001");
        assert_eq!(find_rule("dangerous-pickle-global").unwrap().code, "PKL001");
        assert!(find_rule("XYZ999").is_none());
    }
}
