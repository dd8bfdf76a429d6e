//! Resource bounds for every parser.

/// Upper bounds applied while parsing untrusted bytes. Hitting one is never
/// silent: the view records which limit stopped it, and the caller reports
/// the file as inconclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Pickle opcodes executed symbolically per file (all streams, nested included).
    pub max_pickle_ops: u64,
    /// Memo entries alive at once in one stream.
    pub max_memo_entries: usize,
    /// Depth of the value stack plus mark stack.
    pub max_stack_depth: usize,
    /// Items kept per container for evidence (the count is always exact).
    pub max_container_items: usize,
    /// Pickle streams per file (concatenated pickles).
    pub max_streams: usize,
    /// Bytes searched for hidden pickle starts in data that follows a stream.
    pub max_resync_scan_bytes: u64,
    /// Opcodes spent probing data after a stream for hidden streams.
    pub max_resync_ops: u64,
    /// Nesting depth of pickles embedded in pickles.
    pub max_nested_depth: u32,
    /// Decoded bytes of embedded pickles per file.
    pub max_nested_bytes: u64,
    /// Length of one protocol-0 text line.
    pub max_text_line: usize,
    /// Archive members per archive.
    pub max_archive_entries: usize,
    /// Bytes decompressed from one archive member.
    pub max_member_bytes: u64,
    /// Bytes decompressed from one archive in total (stored members are not copied and do not count).
    pub max_archive_bytes: u64,
    /// Bytes one compressed stream (or member) may inflate to in memory.
    pub max_decompressed_bytes: u64,
    /// Ratio of decompressed to compressed size above which a member is a bomb.
    pub max_compression_ratio: u64,
    /// Smallest expanded size that the ratio check applies to.
    pub bomb_min_bytes: u64,
    /// Containers within containers.
    pub max_archive_depth: u32,
    /// Logical size (elements counted through aliases) that marks an expansion attack.
    pub expansion_threshold: u64,
    /// TensorFlow graph nodes per file (graphs and library functions together).
    pub max_tf_nodes: u64,
    /// TensorFlow library functions per file.
    pub max_tf_functions: u64,
    /// XML elements per document.
    pub max_xml_elements: u64,
    /// XML element nesting depth.
    pub max_xml_depth: u32,
    /// Attributes per XML element.
    pub max_xml_attributes: usize,
    /// Text and attribute bytes read from one XML document.
    pub max_xml_text_bytes: u64,
    /// Bytes of source text (Python, scripts, configs) parsed per file.
    pub max_source_bytes: u64,
    /// Bytes of one JSON file walked (tokenizer.json files run to tens of MiB).
    pub max_json_bytes: u64,
    /// Syntax-tree nesting followed in source files and configs.
    pub max_syntax_depth: u32,
    /// Values walked in one configuration file.
    pub max_config_nodes: u64,
    /// Bytes of one text searched for secrets (a file, a metadata value, a string).
    pub max_secret_scan_bytes: usize,
    /// Bytes of all texts searched for secrets in one file together; what
    /// is past it (strings of huge pickles, metadata of huge models) is not
    /// searched.
    pub max_secret_file_bytes: u64,
    /// Values decoded from one MessagePack or UBJSON document (Flax state,
    /// XGBoost UBJSON): each costs a few dozen bytes of memory.
    pub max_structured_values: u64,
    /// Wall-clock deadline for the analysis of one file (the engine sets it
    /// from its per-file time budget). Long loops check it and stop with a
    /// `time_budget` limit, which makes the result inconclusive.
    pub deadline: Option<std::time::Instant>,
}

impl Limits {
    /// True once the deadline (if any) has passed.
    pub fn out_of_time(&self) -> bool {
        self.deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pickle_ops: 2_000_000_000,
            max_memo_entries: 20_000_000,
            max_stack_depth: 1_000_000,
            max_container_items: 64,
            max_streams: 10_000,
            max_resync_scan_bytes: 256 << 20,
            max_resync_ops: 20_000_000,
            max_nested_depth: 3,
            max_nested_bytes: 64 << 20,
            max_text_line: 16 << 20,
            max_archive_entries: 100_000,
            max_member_bytes: 4 << 30,
            max_archive_bytes: 4 << 30,
            max_decompressed_bytes: 1 << 30,
            max_compression_ratio: 200,
            bomb_min_bytes: 16 << 20,
            max_archive_depth: 5,
            expansion_threshold: 100_000_000,
            max_tf_nodes: 1_000_000,
            max_structured_values: 20_000_000,
            max_tf_functions: 100_000,
            max_xml_elements: 2_000_000,
            max_xml_depth: 256,
            max_xml_attributes: 1024,
            max_xml_text_bytes: 256 << 20,
            max_source_bytes: 16 << 20,
            max_json_bytes: 128 << 20,
            max_syntax_depth: 256,
            max_config_nodes: 4_000_000,
            max_secret_scan_bytes: 16 << 20,
            max_secret_file_bytes: 64 << 20,
            deadline: None,
        }
    }
}
