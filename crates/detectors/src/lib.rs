//! Detection rules: each rule reads a parsed view and pushes findings.
//!
//! One rule, one file, one stable code (`PKL001`), one document. Rules never
//! fail: what a rule cannot decide becomes an inconclusive finding. The
//! registry in [`registry`] is the explicit list of every rule; nothing
//! registers itself.

pub mod pickle_globals;
pub mod registry;
pub mod rules;

pub use registry::{all_rules, find_rule};
pub use rules::archive::arc001_crc_mismatch::finding as zip_crc_mismatch;
pub use rules::archive::arc005_path_traversal::{
    link_escape as archive_link_escape, name_escape as archive_name_escape,
};
pub use rules::archive::arc007_compression_bomb::finding as compression_bomb;
pub use rules::archive::arc008_special_member::finding as special_member;
pub use rules::archive::{check_tar_names, check_zip};
pub use rules::executable::{
    check_pickle_executables, executable_in_container, executable_unreadable, standalone_executable,
};
pub use rules::flax::{
    check_flax, check_orbax, pickled_object_array, state_unreadable as flax_state_unreadable,
};
pub use rules::gbt::{check_gbt, model_unreadable as gbt_model_unreadable};
pub use rules::gguf::{check_gguf, header_unreadable as gguf_header_unreadable};
pub use rules::hdf5::{
    check_hdf5, unreadable as hdf5_unreadable, user_block_content as hdf5_user_block_content,
};
pub use rules::keras::{
    check_keras_config, config_unreadable as keras_config_unreadable,
    expected_member as keras_expected_member, unexpected_member as keras_unexpected_member,
};
pub use rules::numpy as npy;
pub use rules::onnx::check_onnx;
pub use rules::openvino::check_openvino;
pub use rules::paddle::{
    check_paddle_program, params_malformed as paddle_params_malformed,
    program_unreadable as paddle_program_unreadable,
};
pub use rules::pmml::check_pmml;
pub use rules::skops::{check_skops, schema_unreadable as skops_schema_unreadable};
pub use rules::xml::{check_xml, malformed as xml_malformed};

pub use rules::cntk::check_cntk;
pub use rules::config::{check_config, check_script};
pub use rules::coreml::{check_coreml, model_unreadable as coreml_model_unreadable};
pub use rules::executorch::pte008_mobile_custom_operator::check as check_mobile_operators;
pub use rules::executorch::{
    check_executorch, program_unreadable as executorch_program_unreadable,
};
pub use rules::hfrepo::check_hf_config;
pub use rules::llamafile::{check_llamafile_args, native_executable as llamafile_executable};
pub use rules::mar::{
    check_mar, check_requirements, manifest_unreadable as mar_manifest_unreadable,
};
pub use rules::mxnet::{check_mxnet_params, check_mxnet_symbol};
pub use rules::nemo::{
    check_nemo, check_nemo_member, code_kind, config_unreadable as nemo_config_unreadable,
};
pub use rules::oci;
pub use rules::pickle::{PickleCtx, check_pickle};
pub use rules::python::check_python;
pub use rules::pytorch::{
    check_legacy, check_storage_bounds, check_torchscript_code, declared_storages,
    nonstandard_pickle_member,
};
pub use rules::rds::check_rds;
pub use rules::rknn::{check_rknn, model_unreadable as rknn_model_unreadable};
pub use rules::safetensors::{
    check_safetensors, header_unreadable as safetensors_header_unreadable,
};
pub use rules::scanner::{extension_mismatch, limit_reached, unreadable, unsupported};
pub use rules::secrets::{SecretSite, check_secrets};
pub use rules::template::check_template;
pub use rules::tensorflow::{check_tensorflow, check_tf_asset, tf_malformed};
pub use rules::tensorrt::{check_tensorrt, engine_unreadable as tensorrt_engine_unreadable};
pub use rules::tflite::{check_tflite, model_unreadable as tflite_model_unreadable};
pub use rules::torch7::check_torch7;
pub use rules::weights::check_weights;
