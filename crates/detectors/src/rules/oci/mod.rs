//! `OCI` rules: OCI image layouts and `docker save` archives. Blob
//! integrity, blobs the documents reference but the layout lacks, and files
//! a later layer hides. Every file of every layer goes through the engine.

pub mod oci001_blob_digest_mismatch;
pub mod oci002_blob_missing;
pub mod oci003_document_unreadable;
pub mod oci004_whiteout_hides_file;

use sentrascan_types::RuleFamily;

pub use oci001_blob_digest_mismatch::finding as blob_digest_mismatch;
pub use oci002_blob_missing::finding as blob_missing;
pub use oci003_document_unreadable::finding as document_unreadable;
pub use oci004_whiteout_hides_file::finding as whiteout_hides_file;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Oci;
