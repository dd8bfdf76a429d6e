//! GGUF (stub while writing).
