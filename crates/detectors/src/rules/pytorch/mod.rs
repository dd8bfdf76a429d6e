//! `PT` rules: PyTorch checkpoints, legacy files and TorchScript archives.

pub mod pt001_torchscript_code;
pub mod pt002_nonstandard_member;
pub mod pt003_legacy_magic;
pub mod pt004_storage_bounds;

pub use pt001_torchscript_code::check as check_torchscript_code;
pub use pt002_nonstandard_member::finding as nonstandard_pickle_member;
pub use pt003_legacy_magic::check as check_legacy;
pub use pt004_storage_bounds::{check as check_storage_bounds, declared_storages};
