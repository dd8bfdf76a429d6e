//! `SCN` rules: what the scanner could not do, and what the file claims to be.

pub mod scn001_unsupported;
pub mod scn002_limit;
pub mod scn003_unreadable;
pub mod scn004_extension_mismatch;

pub use scn001_unsupported::finding as unsupported;
pub use scn002_limit::finding as limit_reached;
pub use scn003_unreadable::finding as unreadable;
pub use scn004_extension_mismatch::check as extension_mismatch;
