//! Weight statistics: decodes floating-point tensors from their raw bytes
//! and measures what tampering with a trained model shows.
//!
//! Nothing is loaded: callers hand over each tensor's declared dtype, shape
//! and the bytes the format says hold it (a slice of a memory map), and this
//! module streams over them element by element, reading at most a budget of
//! bytes per tensor and per file. See `docs/weights.md` for the method.
//!
//! - every sampled tensor: non-finite values (NaN, ±Inf), whether all values
//!   are equal, the largest magnitude against the median magnitude;
//! - the final layers (classification and LM heads): the L2 norm of each
//!   output unit's weights, and how far the largest lies from the others as a
//!   robust z-score (median and median absolute deviation).

/// Element types the statistics decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DType {
    F16,
    BF16,
    F32,
    F64,
}

impl DType {
    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            DType::F16 | DType::BF16 => 2,
            DType::F32 => 4,
            DType::F64 => 8,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DType::F16 => "F16",
            DType::BF16 => "BF16",
            DType::F32 => "F32",
            DType::F64 => "F64",
        }
    }

    /// A SafeTensors dtype (`F32`, `F16`, `BF16`, `F64`).
    pub fn from_safetensors(dtype: &str) -> Option<Self> {
        Some(match dtype {
            "F16" => DType::F16,
            "BF16" => DType::BF16,
            "F32" => DType::F32,
            "F64" => DType::F64,
            _ => return None,
        })
    }

    /// A PyTorch storage type (`torch.FloatStorage`, …).
    pub fn from_torch_storage(ty: &str) -> Option<Self> {
        Some(match ty.rsplit('.').next()? {
            "HalfStorage" => DType::F16,
            "BFloat16Storage" => DType::BF16,
            "FloatStorage" => DType::F32,
            "DoubleStorage" => DType::F64,
            _ => return None,
        })
    }

    /// An ONNX `TensorProto.DataType`.
    pub fn from_onnx(data_type: i32) -> Option<Self> {
        Some(match data_type {
            1 => DType::F32,
            10 => DType::F16,
            11 => DType::F64,
            16 => DType::BF16,
            _ => return None,
        })
    }

    /// Decodes one little-endian element; `None` if `b` is not one element.
    pub fn decode(self, b: &[u8]) -> Option<f64> {
        Some(match (self, b) {
            (DType::F16, &[a, c]) => f16_to_f64(u16::from_le_bytes([a, c])),
            (DType::BF16, &[a, c]) => {
                f64::from(f32::from_bits(u32::from(u16::from_le_bytes([a, c])) << 16))
            }
            (DType::F32, b) => f64::from(f32::from_le_bytes(b.try_into().ok()?)),
            (DType::F64, b) => f64::from_le_bytes(b.try_into().ok()?),
            _ => return None,
        })
    }
}

/// IEEE 754 half precision to double.
fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = (h >> 10) & 0x1f;
    let frac = f64::from(h & 0x3ff);
    match exp {
        0 => sign * frac * 2f64.powi(-24),
        0x1f if frac == 0.0 => sign * f64::INFINITY,
        0x1f => f64::NAN,
        e => sign * (1.0 + frac / 1024.0) * 2f64.powi(i32::from(e).saturating_sub(15)),
    }
}

/// Magnitudes kept (evenly strided) to estimate a tensor's median magnitude.
pub const MAX_MAGNITUDE_SAMPLE: usize = 65_536;
/// Fewest output units for a norm outlier to mean anything.
pub const MIN_ROWS: usize = 8;
/// Fewest inputs per output unit: a norm over fewer values is noise.
pub const MIN_INPUTS: u64 = 8;
/// Most output units measured in one tensor (columns of a `[in, out]` kernel).
pub const MAX_ROWS: u64 = 1 << 20;

/// What one pass over a tensor's sampled elements found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValueStats {
    /// Elements decoded.
    pub elements: u64,
    pub nan: u64,
    pub inf: u64,
    /// Index (in elements) of the first NaN or infinity.
    pub first_nonfinite: Option<u64>,
    /// Largest finite magnitude, and the index of its element.
    pub max_abs: f64,
    pub max_abs_index: u64,
    /// Median finite magnitude, estimated from an evenly strided sample.
    pub median_abs: f64,
    /// Every decoded element is finite and equal to this value.
    pub constant: Option<f64>,
}

impl ValueStats {
    /// `max_abs / median_abs`: how far the largest weight lies above a typical one.
    pub fn max_abs_ratio(&self) -> Option<f64> {
        (self.median_abs > 0.0 && self.max_abs.is_finite()).then(|| self.max_abs / self.median_abs)
    }
}

/// Streams over the elements of `bytes` (a whole number of elements; a
/// partial last element is ignored).
pub fn value_stats(dtype: DType, bytes: &[u8]) -> ValueStats {
    let size = dtype.size();
    let count = bytes.len().checked_div(size).unwrap_or(0);
    let stride = count.div_ceil(MAX_MAGNITUDE_SAMPLE).max(1);
    let mut s = ValueStats::default();
    let mut sample = Vec::with_capacity(count.min(MAX_MAGNITUDE_SAMPLE));
    let mut first: Option<f64> = None;
    let mut constant = true;
    for (i, chunk) in bytes.chunks_exact(size).enumerate() {
        let Some(x) = dtype.decode(chunk) else {
            continue;
        };
        s.elements = s.elements.saturating_add(1);
        if !x.is_finite() {
            if x.is_nan() {
                s.nan = s.nan.saturating_add(1);
            } else {
                s.inf = s.inf.saturating_add(1);
            }
            s.first_nonfinite.get_or_insert(i as u64);
            constant = false;
            continue;
        }
        match first {
            None => first = Some(x),
            Some(f) if f != x => constant = false,
            Some(_) => {}
        }
        let a = x.abs();
        if a > s.max_abs {
            s.max_abs = a;
            s.max_abs_index = i as u64;
        }
        if i.checked_rem(stride) == Some(0) && sample.len() < MAX_MAGNITUDE_SAMPLE {
            sample.push(a);
        }
    }
    s.median_abs = median(&mut sample).unwrap_or(0.0);
    s.constant = if constant && s.elements > 0 {
        first
    } else {
        None
    };
    s
}

/// Which axis of a 2-D weight indexes the layer's output units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputAxis {
    /// `[out, in]`: PyTorch `Linear`, SafeTensors, ONNX `Gemm` with `transB`.
    Rows,
    /// `[in, out]`: Keras `Dense` kernels, ONNX `MatMul` weights.
    Columns,
}

/// L2 norms of a 2-D weight's output units.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitNorms {
    /// Output units declared.
    pub units: u64,
    /// `(unit index, norm)` for each unit measured.
    pub norms: Vec<(u64, f64)>,
    /// Bytes read.
    pub bytes_read: u64,
    /// Not every unit, or not every input of each unit, was read.
    pub partial: bool,
}

/// Norms of the output units of a `rows × cols` weight stored row-major in
/// `bytes`, reading at most `max_bytes`. Along [`OutputAxis::Rows`] whole
/// rows are read, evenly spaced when they do not all fit; along
/// [`OutputAxis::Columns`] the leading rows are read and every column's norm
/// is taken over them. Non-finite values are left out of the norms.
pub fn unit_norms(
    dtype: DType,
    rows: u64,
    cols: u64,
    bytes: &[u8],
    axis: OutputAxis,
    max_bytes: u64,
) -> Option<UnitNorms> {
    let inputs = match axis {
        OutputAxis::Rows => cols,
        OutputAxis::Columns => rows,
    };
    if inputs < MIN_INPUTS {
        return None;
    }
    let size = dtype.size() as u64;
    let row_bytes = cols.checked_mul(size).filter(|b| *b > 0)?;
    // Rows actually present in the bytes.
    let present = (bytes.len() as u64).checked_div(row_bytes)?.min(rows);
    let readable = max_bytes.checked_div(row_bytes)?.min(present);
    if readable == 0 {
        return None;
    }
    let row = |r: u64| -> Option<&[u8]> {
        let start = usize::try_from(r.checked_mul(row_bytes)?).ok()?;
        let end = start.checked_add(usize::try_from(row_bytes).ok()?)?;
        bytes.get(start..end)
    };
    let size = usize::try_from(size).ok()?;
    let mut out = UnitNorms {
        partial: readable < rows,
        ..UnitNorms::default()
    };
    match axis {
        OutputAxis::Rows => {
            out.units = rows;
            if rows > MAX_ROWS.saturating_mul(16) {
                return None;
            }
            let step = present.div_ceil(readable).max(1);
            let mut r = 0u64;
            while r < present && (out.norms.len() as u64) < readable {
                let sum: f64 = row(r)?
                    .chunks_exact(size)
                    .filter_map(|c| dtype.decode(c))
                    .filter(|x| x.is_finite())
                    .map(|x| x * x)
                    .sum();
                out.norms.push((r, sum.sqrt()));
                out.bytes_read = out.bytes_read.saturating_add(row_bytes);
                r = r.saturating_add(step);
            }
        }
        OutputAxis::Columns => {
            out.units = cols;
            if cols > MAX_ROWS {
                return None;
            }
            let mut sums = vec![0f64; usize::try_from(cols).ok()?];
            for r in 0..readable {
                for (acc, c) in sums.iter_mut().zip(row(r)?.chunks_exact(size)) {
                    if let Some(x) = dtype.decode(c).filter(|x| x.is_finite()) {
                        *acc += x * x;
                    }
                }
                out.bytes_read = out.bytes_read.saturating_add(row_bytes);
            }
            out.norms = sums
                .into_iter()
                .enumerate()
                .map(|(i, s)| (i as u64, s.sqrt()))
                .collect();
        }
    }
    Some(out)
}

/// The output unit whose norm lies farthest above the others.
#[derive(Debug, Clone, PartialEq)]
pub struct NormOutlier {
    pub unit: u64,
    pub norm: f64,
    /// Median norm of the units measured.
    pub median: f64,
    /// `(norm − median) / (1.4826 × MAD)`, the scale floored at 0.1 % of the median.
    pub z: f64,
    /// `norm / median`.
    pub ratio: f64,
    pub units_measured: u64,
}

/// The unit with the largest robust z-score; `None` with fewer than
/// [`MIN_ROWS`] units or a zero median.
pub fn norm_outlier(norms: &[(u64, f64)]) -> Option<NormOutlier> {
    if norms.len() < MIN_ROWS {
        return None;
    }
    let mut values: Vec<f64> = norms.iter().map(|(_, n)| *n).collect();
    let med = median(&mut values)?;
    if med <= 0.0 || !med.is_finite() {
        return None;
    }
    let mut dev: Vec<f64> = norms.iter().map(|(_, n)| (n - med).abs()).collect();
    let mad = median(&mut dev)?;
    let scale = (1.4826 * mad).max(1e-3 * med);
    let (unit, norm) = norms.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1))?;
    Some(NormOutlier {
        unit,
        norm,
        median: med,
        z: (norm - med) / scale,
        ratio: norm / med,
        units_measured: norms.len() as u64,
    })
}

/// Median of finite values (sorts `v`).
fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v.get(mid).copied()
    } else {
        Some((v.get(mid.checked_sub(1)?)? + v.get(mid)?) / 2.0)
    }
}

/// Name segments of classification and LM heads.
const HEAD_SEGMENTS: [&str; 6] = ["lm_head", "classifier", "fc", "head", "output", "score"];

/// True when a tensor's name marks it as a final layer: a segment (split on
/// `.`, `/`, `:`) that is one of `lm_head`, `classifier`, `fc`, `head`,
/// `output`, `score` (or starts with `lm_head`/`classifier`), outside any
/// numbered block (`layer.5.output.dense` is inside a stack, not a head).
pub fn is_head_name(name: &str) -> bool {
    let segments: Vec<&str> = name
        .split(['.', '/', ':'])
        .filter(|s| !s.is_empty())
        .collect();
    if segments
        .iter()
        .any(|s| s.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    segments.iter().any(|s| {
        let s = s.to_ascii_lowercase();
        HEAD_SEGMENTS.contains(&s.as_str())
            || s.starts_with("lm_head")
            || s.starts_with("classifier")
    })
}

/// One tensor handed to [`analyze`]: its declared layout and the bytes the
/// format says hold its elements (row-major, little-endian).
#[derive(Debug, Clone)]
pub struct TensorData<'a> {
    pub name: String,
    pub dtype: DType,
    pub shape: Vec<u64>,
    pub bytes: &'a [u8],
    /// How the format lays out a 2-D weight; both are tried when unknown.
    pub axes: &'static [OutputAxis],
    /// File offset of the first byte, for finding locations.
    pub file_offset: u64,
}

impl TensorData<'_> {
    pub fn elements(&self) -> Option<u64> {
        self.shape.iter().try_fold(1u64, |a, d| a.checked_mul(*d))
    }

    /// A trained weight matrix: 2-D (or more, flattened after the first
    /// dimension), at least 2 × 2, and not named as a bias, a normalisation
    /// parameter, a running statistic or a LoRA up-projection (`lora_B`,
    /// `lora_up`: zero until trained, by design).
    fn is_matrix(&self) -> bool {
        let lower = self.name.to_ascii_lowercase();
        self.shape.len() >= 2
            && self.shape.iter().all(|d| *d >= 2)
            && !["bias", "norm", "running_", "lora_b", "lora_up"]
                .iter()
                .any(|w| lower.contains(w))
    }
}

/// Bytes read per file and per tensor.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub per_file: u64,
    pub per_tensor: u64,
    /// Only the head tensors are read (verdict-only scans).
    pub heads_only: bool,
}

/// The default budget: 64 MiB per file, 16 MiB per tensor.
pub const FULL: Budget = Budget {
    per_file: 64 << 20,
    per_tensor: 16 << 20,
    heads_only: false,
};

/// Verdict-only scans: the head tensors only, 4 MiB in all.
pub const VERDICT_ONLY: Budget = Budget {
    per_file: 4 << 20,
    per_tensor: 4 << 20,
    heads_only: true,
};

/// What was measured on one tensor.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorStats {
    pub name: String,
    pub dtype: DType,
    pub shape: Vec<u64>,
    pub file_offset: u64,
    /// Chosen as a final layer (by name, or as the last matrix).
    pub head: bool,
    pub values: ValueStats,
    /// Bytes of the tensor the value statistics covered.
    pub sampled_bytes: u64,
    /// The value statistics covered every element.
    pub complete: bool,
    /// Heads only: the most extreme output unit, with the axis it was found on.
    pub outlier: Option<(OutputAxis, NormOutlier)>,
    /// A trained weight matrix (not a bias or normalisation vector).
    pub matrix: bool,
}

/// The statistics of a file's tensors.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WeightsView {
    /// Floating-point tensors declared, and their parameter count.
    pub tensors: u64,
    pub parameters: u64,
    /// Element types seen (of every tensor handed over).
    pub dtypes: Vec<&'static str>,
    pub stats: Vec<TensorStats>,
    /// Bytes read in all.
    pub bytes_read: u64,
    /// Tensors not read because the budget was spent.
    pub unread: u64,
}

/// Measures `tensors` (in file order) within `budget`: the heads first (by
/// name, else the last weight matrix), then every other tensor in order
/// until the file budget is spent.
pub fn analyze(tensors: &[TensorData<'_>], budget: Budget) -> WeightsView {
    let mut view = WeightsView::default();
    let mut dtypes: Vec<DType> = Vec::new();
    for t in tensors {
        view.tensors = view.tensors.saturating_add(1);
        view.parameters = view.parameters.saturating_add(t.elements().unwrap_or(0));
        if !dtypes.contains(&t.dtype) {
            dtypes.push(t.dtype);
        }
    }
    dtypes.sort();
    view.dtypes = dtypes.into_iter().map(DType::name).collect();
    let mut heads: Vec<usize> = tensors
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_matrix() && is_head_name(&t.name))
        .map(|(i, _)| i)
        .collect();
    if let Some(last) = tensors.iter().rposition(TensorData::is_matrix)
        && !heads.contains(&last)
    {
        heads.push(last);
    }
    let rest = (0..tensors.len()).filter(|i| !heads.contains(i));
    let order: Vec<usize> = if budget.heads_only {
        heads.clone()
    } else {
        heads.iter().copied().chain(rest).collect()
    };
    let mut left = budget.per_file;
    for i in order {
        let Some(t) = tensors.get(i) else {
            continue;
        };
        if left == 0 {
            view.unread = view.unread.saturating_add(1);
            continue;
        }
        let head = heads.contains(&i);
        let cap = left.min(budget.per_tensor);
        let declared = t
            .elements()
            .and_then(|n| n.checked_mul(t.dtype.size() as u64))
            .unwrap_or(u64::MAX);
        let have = declared.min(t.bytes.len() as u64);
        let take = usize::try_from(have.min(cap)).unwrap_or(usize::MAX);
        let sampled = t.bytes.get(..take).unwrap_or(t.bytes);
        let values = value_stats(t.dtype, sampled);
        let mut read = sampled.len() as u64;
        let mut outlier = None;
        if head && let (Some(&rows), Some(rest)) = (t.shape.first(), t.shape.get(1..)) {
            let cols = rest.iter().try_fold(1u64, |a, d| a.checked_mul(*d));
            for &axis in t.axes {
                let Some(norms) =
                    cols.and_then(|c| unit_norms(t.dtype, rows, c, t.bytes, axis, cap))
                else {
                    continue;
                };
                read = read.max(norms.bytes_read);
                if let Some(o) = norm_outlier(&norms.norms)
                    && outlier
                        .as_ref()
                        .is_none_or(|(_, b): &(OutputAxis, NormOutlier)| o.z > b.z)
                {
                    outlier = Some((axis, o));
                }
            }
        }
        left = left.saturating_sub(read);
        view.bytes_read = view.bytes_read.saturating_add(read);
        view.stats.push(TensorStats {
            name: t.name.clone(),
            dtype: t.dtype,
            shape: t.shape.clone(),
            file_offset: t.file_offset,
            head,
            values,
            sampled_bytes: sampled.len() as u64,
            complete: (sampled.len() as u64) == declared,
            outlier,
            matrix: t.is_matrix(),
        });
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32s(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    #[test]
    fn decodes_every_dtype() {
        assert_eq!(DType::F16.decode(&0x3c00u16.to_le_bytes()), Some(1.0));
        assert_eq!(DType::F16.decode(&0xc000u16.to_le_bytes()), Some(-2.0));
        assert_eq!(
            DType::F16.decode(&0x7c00u16.to_le_bytes()),
            Some(f64::INFINITY)
        );
        assert!(
            DType::F16
                .decode(&0x7e00u16.to_le_bytes())
                .unwrap()
                .is_nan()
        );
        assert_eq!(
            DType::F16.decode(&0x0001u16.to_le_bytes()),
            Some(2f64.powi(-24))
        );
        assert_eq!(DType::BF16.decode(&0x3f80u16.to_le_bytes()), Some(1.0));
        assert_eq!(DType::F32.decode(&1.5f32.to_le_bytes()), Some(1.5));
        assert_eq!(DType::F64.decode(&(-0.25f64).to_le_bytes()), Some(-0.25));
        assert_eq!(DType::F32.decode(&[0, 0]), None);
    }

    #[test]
    fn counts_non_finite_and_constants() {
        let s = value_stats(DType::F32, &f32s(&[1.0, f32::NAN, 2.0, f32::INFINITY]));
        assert_eq!((s.nan, s.inf, s.first_nonfinite), (1, 1, Some(1)));
        assert_eq!(s.constant, None);
        let z = value_stats(DType::F32, &f32s(&[0.0; 16]));
        assert_eq!(z.constant, Some(0.0));
        assert_eq!(z.max_abs_ratio(), None);
        let m = value_stats(DType::F32, &f32s(&[1.0, -1.0, 1.0, 1000.0, 1.0]));
        assert_eq!((m.max_abs, m.max_abs_index, m.median_abs), (1000.0, 3, 1.0));
        // A partial trailing element is ignored.
        assert_eq!(value_stats(DType::F32, &[0, 0, 128, 63, 1]).elements, 1);
    }

    #[test]
    fn row_and_column_norms() {
        // 8 × 8: row r holds r+1 in column r, zeros elsewhere.
        let mut v = [0f32; 64];
        for r in 0..8 {
            v[r * 8 + r] = (r + 1) as f32;
        }
        v[1] = 3.0;
        let b = f32s(&v);
        let r = unit_norms(DType::F32, 8, 8, &b, OutputAxis::Rows, 1 << 20).unwrap();
        assert_eq!(r.norms[0], (0, 10f64.sqrt()));
        assert_eq!(r.norms[7], (7, 8.0));
        let c = unit_norms(DType::F32, 8, 8, &b, OutputAxis::Columns, 1 << 20).unwrap();
        assert_eq!(c.norms[1], (1, 13f64.sqrt()));
        // A budget of two rows reads two rows, evenly spaced.
        let two = unit_norms(DType::F32, 8, 8, &b, OutputAxis::Rows, 64).unwrap();
        assert_eq!(
            two.norms.iter().map(|n| n.0).collect::<Vec<_>>(),
            vec![0, 4]
        );
        assert!(two.partial);
        // Declared shapes past the bytes are cut to what is there.
        let short = unit_norms(DType::F32, 1000, 8, &b, OutputAxis::Rows, 1 << 20).unwrap();
        assert_eq!(short.norms.len(), 8);
        // Units with fewer than MIN_INPUTS inputs are not measured.
        assert!(unit_norms(DType::F32, 16, 4, &b, OutputAxis::Rows, 1 << 20).is_none());
        assert!(unit_norms(DType::F32, 4, 16, &b, OutputAxis::Columns, 1 << 20).is_none());
        assert!(
            unit_norms(
                DType::F32,
                u64::MAX,
                u64::MAX,
                &b,
                OutputAxis::Rows,
                u64::MAX
            )
            .is_none()
        );
    }

    #[test]
    fn outlier_z_and_ratio() {
        let mut norms: Vec<(u64, f64)> = (0..10).map(|i| (i, 1.0 + 0.01 * i as f64)).collect();
        let o = norm_outlier(&norms).unwrap();
        assert!(o.z < 3.0 && o.ratio < 1.1, "{o:?}");
        norms[4].1 = 50.0;
        let o = norm_outlier(&norms).unwrap();
        assert_eq!(o.unit, 4);
        assert!(o.z > 1000.0 && o.ratio > 45.0, "{o:?}");
        assert!(norm_outlier(&norms[..7]).is_none());
        assert!(norm_outlier(&[(0, 0.0); 10]).is_none());
    }

    #[test]
    fn head_names() {
        for n in [
            "lm_head.weight",
            "classifier.weight",
            "fc.weight",
            "score.weight",
            "model.head.weight",
            "output.weight",
            "classifier.out_proj.weight",
        ] {
            assert!(is_head_name(n), "{n}");
        }
        for n in [
            "encoder.layer.5.output.dense.weight",
            "fc1.weight",
            "transformer.h.0.mlp.c_fc.weight",
            "embeddings.word_embeddings.weight",
        ] {
            assert!(!is_head_name(n), "{n}");
        }
    }

    #[test]
    fn lora_b_is_not_a_trained_matrix() {
        let b = f32s(&[0.0; 64]);
        let t = TensorData {
            name: "layers.0.q_proj.lora_B.weight".into(),
            dtype: DType::F32,
            shape: vec![8, 8],
            bytes: &b,
            axes: &[OutputAxis::Rows],
            file_offset: 0,
        };
        assert!(!t.is_matrix());
    }

    #[test]
    fn heads_come_first_and_the_budget_holds() {
        let body = f32s(&[0.5; 64]);
        let mut head_vals = vec![0.1f32; 80];
        for v in &mut head_vals[8..16] {
            *v = 5.0;
        }
        let head = f32s(&head_vals);
        let t = |name: &str, shape: Vec<u64>, bytes| TensorData {
            name: name.into(),
            dtype: DType::F32,
            shape,
            bytes,
            axes: &[OutputAxis::Rows],
            file_offset: 0,
        };
        let tensors = vec![
            t("body.weight", vec![8, 8], &body[..]),
            t("classifier.weight", vec![10, 8], &head[..]),
        ];
        let v = analyze(&tensors, FULL);
        assert_eq!(
            (v.tensors, v.parameters, v.dtypes.clone()),
            (2, 144, vec!["F32"])
        );
        assert_eq!(v.stats[0].name, "classifier.weight");
        let (_, o) = v.stats[0].outlier.clone().unwrap();
        assert_eq!(o.unit, 1);
        assert_eq!(v.stats[1].values.constant, Some(0.5));
        let only = analyze(
            &tensors,
            Budget {
                per_file: 320,
                per_tensor: 320,
                heads_only: false,
            },
        );
        assert_eq!((only.stats.len(), only.unread), (1, 1));
        let verdict = analyze(&tensors, VERDICT_ONLY);
        assert_eq!(verdict.stats.len(), 1);
    }
}
