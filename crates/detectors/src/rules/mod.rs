//! Rule families, one module each, one file per rule.

pub mod archive;
pub mod numpy;
pub mod pickle;
pub mod pytorch;
pub mod scanner;
