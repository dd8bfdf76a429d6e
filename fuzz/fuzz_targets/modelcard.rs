//! The model-card reader: README YAML front matter (event stream into a
//! budgeted tree, aliases ignored), config.json facts and LICENSE matching.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::modelcard::{self, CardFile};

fuzz_target!(|data: &[u8]| {
    for kind in [CardFile::Readme, CardFile::Config, CardFile::License] {
        let facts = modelcard::facts(kind, data);
        // A fixed set of keys: the count never grows with the input.
        assert!(facts.len() <= 32, "{} facts", facts.len());
    }
    // As front matter too, whatever the input looks like.
    let mut card = b"---\n".to_vec();
    card.extend_from_slice(data);
    card.extend_from_slice(b"\n---\n");
    let _ = modelcard::facts(CardFile::Readme, &card);
});
