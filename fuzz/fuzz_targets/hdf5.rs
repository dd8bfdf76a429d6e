//! The HDF5 reader (superblocks, object headers and continuation blocks,
//! messages, old-style and dense groups, fractal heaps, v2 B-trees, global
//! heap, virtual-dataset mappings) and the `HDF` rules over its view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::Limits;
use sentrascan_formats::hdf5::{self, Hdf5ObjectKind};

fuzz_target!(|data: &[u8]| {
    let sniffed = hdf5::sniff(data);
    let location = Location::file("model.h5");
    let mut findings = Vec::new();
    match hdf5::parse(data, &Limits::default()) {
        Ok(view) => {
            assert!(sniffed);
            assert!(view.superblock_version <= 3);
            assert!((view.superblock_offset as usize) < data.len());
            if let Some(root) = view.objects.first() {
                assert_eq!(root.path, "/");
                assert_eq!(root.kind, Hdf5ObjectKind::Group);
            }
            let mut addresses = std::collections::HashSet::new();
            for o in &view.objects {
                assert!(addresses.insert(o.address), "object walked twice");
                assert!(o.path.starts_with('/'));
            }
            if view.complete {
                assert!(view.limits_hit.is_empty());
            }
            let _ = view.attr_str("/", "model_config");
            for a in &view.anomalies {
                let _ = a.to_string();
            }
            sentrascan_detectors::rules::hdf5::check_hdf5(&view, &location, &mut findings);
        }
        Err(e) => findings.push(sentrascan_detectors::rules::hdf5::unreadable(&location, &e)),
    }
    for f in &findings {
        assert!(f.rule.starts_with("HDF"), "{}", f.rule);
    }
});
