//! Weight statistics (`WGT` rules): finds each format's floating-point
//! tensors without loading anything, hands their bytes to
//! [`sentrascan_formats::weights`], and records the parameter count and
//! dtypes for the SBOM.
//!
//! - SafeTensors: the header's dtype, shape and data offsets.
//! - PyTorch zip checkpoints: `_rebuild_tensor_v2` calls of `data.pkl`
//!   (storage, offset, size, stride) over the stored `data/<key>` records;
//!   only contiguous tensors of stored (uncompressed) records are read.
//! - ONNX: initializers of the main graph with `raw_data` or packed
//!   `float_data`/`double_data`; external data is not read.
//! - HDF5 (Keras): contiguous, unfiltered, little-endian float datasets.
//!   Chunked or compressed datasets are counted as skipped.

use std::collections::BTreeMap;

use sentrascan_detectors as rules;
use sentrascan_formats::hdf5::{Hdf5Layout, Hdf5View};
use sentrascan_formats::onnx;
use sentrascan_formats::pickle::{Literal, TensorRebuild};
use sentrascan_formats::safetensors::SafeTensorsView;
use sentrascan_formats::weights::{self, DType, OutputAxis, TensorData};
use sentrascan_types::Location;

use super::Ctx;

const ROWS: &[OutputAxis] = &[OutputAxis::Rows];
const COLUMNS: &[OutputAxis] = &[OutputAxis::Columns];
const BOTH: &[OutputAxis] = &[OutputAxis::Rows, OutputAxis::Columns];

impl Ctx<'_> {
    /// Runs the statistics and the `WGT` rules over `tensors`.
    fn weights(&mut self, tensors: &[TensorData<'_>], skipped: u64, location: &Location) {
        if tensors.is_empty() && skipped == 0 {
            return;
        }
        self.out.scanners.insert("weights");
        let budget = if self.skip_large_stored_crc {
            weights::VERDICT_ONLY
        } else {
            weights::FULL
        };
        let view = weights::analyze(tensors, budget);
        rules::check_weights(&view, location, &mut self.out.findings);
        self.fact("weights.tensors", view.tensors.to_string());
        self.fact("weights.parameters", view.parameters.to_string());
        self.fact("weights.dtypes", view.dtypes.join(", "));
        self.fact("weights.bytes_sampled", view.bytes_read.to_string());
        let unread = view.unread.saturating_add(skipped);
        if unread > 0 {
            self.fact("weights.tensors_not_sampled", unread.to_string());
        }
    }

    pub(super) fn safetensors_weights(
        &mut self,
        data: &[u8],
        view: &SafeTensorsView,
        location: &Location,
    ) {
        // The header is a JSON object, often sorted by name: the data offsets
        // give the order the tensors were written in (the "last matrix").
        let mut order: Vec<_> = view.tensors.iter().collect();
        order.sort_by_key(|t| t.data_offsets);
        let tensors: Vec<TensorData<'_>> = order
            .into_iter()
            .filter_map(|t| {
                let dtype = DType::from_safetensors(&t.dtype)?;
                let start = view.data_start.checked_add(t.data_offsets.0)?;
                let end = view.data_start.checked_add(t.data_offsets.1)?;
                let bytes = data.get(usize::try_from(start).ok()?..usize::try_from(end).ok()?)?;
                Some(TensorData {
                    name: t.name.clone(),
                    dtype,
                    shape: t.shape.clone(),
                    bytes,
                    axes: ROWS,
                    file_offset: start,
                })
            })
            .collect();
        self.weights(&tensors, 0, location);
    }

    /// `records` holds the bytes of the stored `data/<key>` members.
    pub(super) fn torch_weights(
        &mut self,
        archive: &[u8],
        rebuilds: &[TensorRebuild],
        records: &BTreeMap<String, &[u8]>,
        location: &Location,
    ) {
        let mut skipped = 0u64;
        let tensors: Vec<TensorData<'_>> = rebuilds
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let found = torch_tensor(t, records);
                if found.is_none() && torch_dtype(&t.storage).is_some() {
                    skipped = skipped.saturating_add(1);
                }
                let (dtype, bytes) = found?;
                let file_offset = (bytes.as_ptr() as usize)
                    .checked_sub(archive.as_ptr() as usize)
                    .map_or(0, |o| o as u64);
                Some(TensorData {
                    name: t.name.clone().unwrap_or_else(|| format!("tensor #{i}")),
                    dtype,
                    shape: t
                        .size
                        .iter()
                        .map(|d| u64::try_from(*d).unwrap_or(0))
                        .collect(),
                    bytes,
                    axes: ROWS,
                    file_offset,
                })
            })
            .collect();
        self.weights(&tensors, skipped, location);
    }

    pub(super) fn onnx_weights(&mut self, data: &[u8], location: &Location) {
        let mut skipped = 0u64;
        let mut tensors = Vec::new();
        for init in onnx::initializers(data) {
            let Some(dtype) = DType::from_onnx(init.data_type) else {
                continue;
            };
            let bytes = init
                .data
                .and_then(|(s, e)| data.get(usize::try_from(s).ok()?..usize::try_from(e).ok()?));
            let Some(bytes) = bytes else {
                skipped = skipped.saturating_add(1);
                continue;
            };
            tensors.push(TensorData {
                name: init.name,
                dtype,
                shape: init
                    .dims
                    .iter()
                    .map(|d| u64::try_from(*d).unwrap_or(0))
                    .collect(),
                bytes,
                axes: BOTH,
                file_offset: init.data.map_or(0, |d| d.0),
            });
        }
        self.weights(&tensors, skipped, location);
    }

    pub(super) fn hdf5_weights(&mut self, data: &[u8], view: &Hdf5View, location: &Location) {
        let mut skipped = 0u64;
        let mut tensors = Vec::new();
        for obj in &view.objects {
            let Some(d) = &obj.dataset else {
                continue;
            };
            let dtype = match d.dtype.as_str() {
                "float16" => DType::F16,
                "float32" => DType::F32,
                "float64" => DType::F64,
                _ => continue,
            };
            let bytes = match (d.layout, d.data_offset) {
                (Hdf5Layout::Contiguous, Some(off)) if d.filters.is_empty() && !d.big_endian => {
                    off.checked_add(d.storage_bytes).and_then(|end| {
                        data.get(usize::try_from(off).ok()?..usize::try_from(end).ok()?)
                    })
                }
                _ => None,
            };
            let Some(bytes) = bytes else {
                skipped = skipped.saturating_add(1);
                continue;
            };
            tensors.push(TensorData {
                name: obj.path.clone(),
                dtype,
                shape: d.shape.clone(),
                bytes,
                axes: COLUMNS,
                file_offset: d.data_offset.unwrap_or(0),
            });
        }
        self.weights(&tensors, skipped, location);
    }
}

/// The storage type of a `('storage', type, key, location, numel)` id.
fn torch_dtype(storage: &Literal) -> Option<DType> {
    match storage {
        Literal::Tuple(items) => match items.get(1) {
            Some(Literal::Global(ty)) => DType::from_torch_storage(ty),
            _ => None,
        },
        _ => None,
    }
}

/// The dtype and bytes of a contiguous tensor in its storage record.
fn torch_tensor<'d>(
    t: &TensorRebuild,
    records: &BTreeMap<String, &'d [u8]>,
) -> Option<(DType, &'d [u8])> {
    let dtype = torch_dtype(&t.storage)?;
    let key = match &t.storage {
        Literal::Tuple(items) => match items.get(2)? {
            Literal::Str(s) => s.clone(),
            other => other.to_string(),
        },
        _ => return None,
    };
    // Row-major contiguous: stride[i] = product of size[i+1..].
    let mut expected = 1i64;
    for (size, stride) in t.size.iter().zip(&t.stride).rev() {
        if *size > 1 && *stride != expected {
            return None;
        }
        expected = expected.checked_mul(*size)?;
    }
    if t.size.len() != t.stride.len() {
        return None;
    }
    let numel = u64::try_from(expected).ok()?;
    let size = dtype.size() as u64;
    let start = u64::try_from(t.storage_offset).ok()?.checked_mul(size)?;
    let end = start.checked_add(numel.checked_mul(size)?)?;
    records
        .get(&key)?
        .get(usize::try_from(start).ok()?..usize::try_from(end).ok()?)
        .map(|b| (dtype, b))
}
