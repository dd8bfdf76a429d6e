//! `cargo xtask bench`: generated workloads, the read-and-hash floor, and
//! the scanner, each timed (best of three, warm cache) with peak RSS.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};

const RUNS: usize = 3;

struct Measure {
    secs: f64,
    rss_kb: Option<u64>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Best wall time of `RUNS` runs and the peak RSS of the last, via GNU time.
fn measure(cmd: &[&str]) -> anyhow::Result<Measure> {
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut best = f64::MAX;
    let mut rss = None;
    for _ in 0..RUNS {
        let mut c = if gnu_time {
            let mut c = Command::new("/usr/bin/time");
            c.args(["-f", "%M"]).args(cmd);
            c
        } else {
            let mut c = Command::new(cmd[0]);
            c.args(&cmd[1..]);
            c
        };
        let start = Instant::now();
        let out = c
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .with_context(|| format!("running {cmd:?}"))?;
        let secs = start.elapsed().as_secs_f64();
        if !matches!(out.status.code(), Some(0..=2)) {
            bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        best = best.min(secs);
        if gnu_time {
            rss = String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse().ok());
        }
    }
    Ok(Measure {
        secs: best,
        rss_kb: rss,
    })
}

/// xorshift bytes: incompressible, deterministic.
fn fill(buf: &mut [u8], seed: &mut u64) {
    for chunk in buf.chunks_mut(8) {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let b = seed.to_le_bytes();
        chunk.copy_from_slice(&b[..chunk.len()]);
    }
}

/// Produces a member's bytes by calling the sink with each chunk.
type Producer<'a> = dyn FnMut(&mut dyn FnMut(&[u8])) + 'a;

struct ZipOut {
    w: BufWriter<File>,
    pos: u64,
    central: Vec<u8>,
    count: u16,
}

impl ZipOut {
    fn member(&mut self, name: &str, parts: &mut Producer<'_>) -> anyhow::Result<()> {
        // Two passes over the generator: one for the CRC and size, one to write.
        let mut crc = flate2::Crc::new();
        let mut size = 0u64;
        parts(&mut |b| {
            crc.update(b);
            size += b.len() as u64;
        });
        let (crc, size32) = (crc.sum(), u32::try_from(size).context("member over 4 GiB")?);
        let offset = u32::try_from(self.pos).context("archive over 4 GiB")?;
        let mut h = Vec::new();
        h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        h.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        h.extend_from_slice(&crc.to_le_bytes());
        h.extend_from_slice(&size32.to_le_bytes());
        h.extend_from_slice(&size32.to_le_bytes());
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(name.as_bytes());
        self.w.write_all(&h)?;
        let mut err = None;
        parts(&mut |b| {
            if let Err(e) = self.w.write_all(b) {
                err = Some(e);
            }
        });
        if let Some(e) = err {
            return Err(e.into());
        }
        self.pos += h.len() as u64 + size;
        let c = &mut self.central;
        c.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        c.extend_from_slice(&[20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        c.extend_from_slice(&crc.to_le_bytes());
        c.extend_from_slice(&size32.to_le_bytes());
        c.extend_from_slice(&size32.to_le_bytes());
        c.extend_from_slice(&(name.len() as u16).to_le_bytes());
        c.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        c.extend_from_slice(&(0o100644u32 << 16).to_le_bytes());
        c.extend_from_slice(&offset.to_le_bytes());
        c.extend_from_slice(name.as_bytes());
        self.count += 1;
        Ok(())
    }

    fn finish(mut self) -> anyhow::Result<()> {
        let cd_off = u32::try_from(self.pos)?;
        self.w.write_all(&self.central)?;
        let mut e = Vec::new();
        e.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        e.extend_from_slice(&[0, 0, 0, 0]);
        e.extend_from_slice(&self.count.to_le_bytes());
        e.extend_from_slice(&self.count.to_le_bytes());
        e.extend_from_slice(&(self.central.len() as u32).to_le_bytes());
        e.extend_from_slice(&cd_off.to_le_bytes());
        e.extend_from_slice(&0u16.to_le_bytes());
        self.w.write_all(&e)?;
        self.w.flush()?;
        Ok(())
    }
}

/// A `torch.save`-shaped checkpoint: OrderedDict of float32 tensors, one
/// stored member per storage, `tensors` storages of `per` bytes each.
fn torch_checkpoint(path: &Path, tensors: usize, per: usize) -> anyhow::Result<()> {
    let mut pkl = b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01(".to_vec();
    for i in 0..tensors {
        let numel = per / 4;
        let key = format!("layers.{i}.weight");
        pkl.push(b'X');
        pkl.extend_from_slice(&(key.len() as u32).to_le_bytes());
        pkl.extend_from_slice(key.as_bytes());
        pkl.extend_from_slice(b"ctorch._utils\n_rebuild_tensor_v2\n(");
        pkl.extend_from_slice(b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\n");
        let k = i.to_string();
        pkl.push(b'X');
        pkl.extend_from_slice(&(k.len() as u32).to_le_bytes());
        pkl.extend_from_slice(k.as_bytes());
        pkl.extend_from_slice(b"X\x03\x00\x00\x00cpu");
        pkl.push(b'J');
        pkl.extend_from_slice(&(numel as i32).to_le_bytes());
        pkl.extend_from_slice(b"tQK\x00");
        pkl.push(b'J');
        pkl.extend_from_slice(&(numel as i32).to_le_bytes());
        pkl.extend_from_slice(b"\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtR");
    }
    pkl.extend_from_slice(b"u.");
    let mut z = ZipOut {
        w: BufWriter::with_capacity(8 << 20, File::create(path)?),
        pos: 0,
        central: Vec::new(),
        count: 0,
    };
    z.member("archive/data.pkl", &mut |f| f(&pkl))?;
    z.member("archive/byteorder", &mut |f| f(b"little"))?;
    for i in 0..tensors {
        z.member(&format!("archive/data/{i}"), &mut |f| {
            let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ i as u64;
            let mut buf = vec![0u8; 4 << 20];
            let mut left = per;
            while left > 0 {
                let n = left.min(buf.len());
                fill(&mut buf[..n], &mut seed);
                f(&buf[..n]);
                left -= n;
            }
        })?;
    }
    z.member("archive/version", &mut |f| f(b"3\n"))?;
    z.finish()
}

/// Writes `tensors` random float32 tensors of `per` bytes each after `header`.
fn write_tensors(w: &mut impl Write, tensors: usize, per: usize) -> anyhow::Result<()> {
    let mut buf = vec![0u8; 4 << 20];
    for i in 0..tensors {
        let mut seed = 0x2545_f491_4f6c_dd1du64 ^ i as u64;
        let mut left = per;
        while left > 0 {
            let n = left.min(buf.len());
            fill(&mut buf[..n], &mut seed);
            w.write_all(&buf[..n])?;
            left -= n;
        }
    }
    Ok(())
}

/// A SafeTensors file of `tensors` float32 tensors of `per` bytes each.
fn safetensors_file(path: &Path, tensors: usize, per: usize) -> anyhow::Result<()> {
    let mut header = String::from("{\"__metadata__\":{\"format\":\"pt\"}");
    for i in 0..tensors {
        let (start, end) = (i * per, (i + 1) * per);
        write!(
            header,
            ",\"layers.{i}.weight\":{{\"dtype\":\"F32\",\"shape\":[{}],\"data_offsets\":[{start},{end}]}}",
            per / 4
        )?;
    }
    header.push('}');
    while !header.len().is_multiple_of(8) {
        header.push(' ');
    }
    let mut w = BufWriter::with_capacity(8 << 20, File::create(path)?);
    w.write_all(&(header.len() as u64).to_le_bytes())?;
    w.write_all(header.as_bytes())?;
    write_tensors(&mut w, tensors, per)?;
    w.flush()?;
    Ok(())
}

/// An ONNX model directory: `model.onnx`, a chain of `Add` nodes over
/// `tensors` float32 initializers of `per` bytes each, whose data lives in
/// `model.onnx.data` beside it (what `onnx.save(..., save_as_external_data=True)`
/// writes). The protobuf is written by hand.
fn onnx_external(dir: &Path, tensors: usize, per: usize) -> anyhow::Result<()> {
    fn varint(mut v: u64, out: &mut Vec<u8>) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    fn int(field: u64, v: u64, out: &mut Vec<u8>) {
        varint(field << 3, out);
        varint(v, out);
    }
    fn bytes(field: u64, b: &[u8], out: &mut Vec<u8>) {
        varint((field << 3) | 2, out);
        varint(b.len() as u64, out);
        out.extend_from_slice(b);
    }
    fn entry(k: &str, v: &str) -> Vec<u8> {
        let mut e = Vec::new();
        bytes(1, k.as_bytes(), &mut e);
        bytes(2, v.as_bytes(), &mut e);
        e
    }
    /// A float32 vector of `n` elements.
    fn value_info(name: &str, n: u64) -> Vec<u8> {
        let (mut dim, mut shape, mut tensor, mut ty, mut v) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        int(1, n, &mut dim);
        bytes(1, &dim, &mut shape);
        int(1, 1, &mut tensor);
        bytes(2, &shape, &mut tensor);
        bytes(1, &tensor, &mut ty);
        bytes(1, name.as_bytes(), &mut v);
        bytes(2, &ty, &mut v);
        v
    }
    fs::create_dir_all(dir)?;
    let mut graph = Vec::new();
    let mut prev = "x".to_string();
    for i in 0..tensors {
        let mut node = Vec::new();
        bytes(1, prev.as_bytes(), &mut node);
        bytes(1, format!("w{i}").as_bytes(), &mut node);
        prev = format!("h{i}");
        bytes(2, prev.as_bytes(), &mut node);
        bytes(3, format!("add{i}").as_bytes(), &mut node);
        bytes(4, b"Add", &mut node);
        bytes(1, &node, &mut graph);
    }
    bytes(2, b"bench", &mut graph);
    for i in 0..tensors {
        let mut t = Vec::new();
        int(1, (per / 4) as u64, &mut t);
        int(2, 1, &mut t);
        bytes(8, format!("w{i}").as_bytes(), &mut t);
        bytes(13, &entry("location", "model.onnx.data"), &mut t);
        bytes(13, &entry("offset", &(i * per).to_string()), &mut t);
        bytes(13, &entry("length", &per.to_string()), &mut t);
        int(14, 1, &mut t);
        bytes(5, &t, &mut graph);
    }
    bytes(11, &value_info("x", (per / 4) as u64), &mut graph);
    bytes(12, &value_info(&prev, (per / 4) as u64), &mut graph);
    let mut model = Vec::new();
    int(1, 8, &mut model);
    bytes(2, b"sentrascan-bench", &mut model);
    bytes(7, &graph, &mut model);
    bytes(8, &[0x10, 17], &mut model); // opset_import { version: 17 }
    fs::write(dir.join("model.onnx"), model)?;
    let mut w = BufWriter::with_capacity(8 << 20, File::create(dir.join("model.onnx.data"))?);
    write_tensors(&mut w, tensors, per)?;
    w.flush()?;
    Ok(())
}

/// A GGUF v3 file: llama metadata with a chat template, `tensors` float32
/// tensors of `per` bytes each, 32-byte aligned.
fn gguf_file(path: &Path, tensors: usize, per: usize) -> anyhow::Result<()> {
    fn string(v: &mut Vec<u8>, s: &str) {
        v.extend_from_slice(&(s.len() as u64).to_le_bytes());
        v.extend_from_slice(s.as_bytes());
    }
    let template = "{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";
    let kvs: [(&str, &str); 3] = [
        ("general.architecture", "llama"),
        ("general.name", "bench"),
        ("tokenizer.chat_template", template),
    ];
    let mut h = b"GGUF".to_vec();
    h.extend_from_slice(&3u32.to_le_bytes());
    h.extend_from_slice(&(tensors as u64).to_le_bytes());
    h.extend_from_slice(&(kvs.len() as u64).to_le_bytes());
    for (k, v) in kvs {
        string(&mut h, k);
        h.extend_from_slice(&8u32.to_le_bytes()); // string
        string(&mut h, v);
    }
    for i in 0..tensors {
        string(&mut h, &format!("blk.{i}.weight"));
        h.extend_from_slice(&1u32.to_le_bytes());
        h.extend_from_slice(&((per / 4) as u64).to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes()); // F32
        h.extend_from_slice(&((i * per) as u64).to_le_bytes());
    }
    while !h.len().is_multiple_of(32) {
        h.push(0);
    }
    let mut w = BufWriter::with_capacity(8 << 20, File::create(path)?);
    w.write_all(&h)?;
    write_tensors(&mut w, tensors, per)?;
    w.flush()?;
    Ok(())
}

/// An opcode-dense pickle: a list appended in batches of small ints,
/// short strings and floats, with memo traffic, as pickle writes them.
fn dense_pickle(path: &Path, bytes: usize) -> anyhow::Result<()> {
    let mut w = BufWriter::with_capacity(8 << 20, File::create(path)?);
    w.write_all(b"\x80\x04]\x94")?;
    let mut written = 4usize;
    let mut i = 0u32;
    while written < bytes {
        let mut batch = vec![b'('];
        for _ in 0..1000 {
            match i % 4 {
                0 => batch.extend_from_slice(&[b'K', (i % 256) as u8]),
                1 => {
                    batch.extend_from_slice(b"\x8c\x05token\x94");
                }
                2 => {
                    batch.push(b'G');
                    batch.extend_from_slice(&(f64::from(i) * 0.5).to_be_bytes());
                }
                _ => batch.extend_from_slice(&[b'h', 0]),
            }
            i = i.wrapping_add(1);
        }
        batch.push(b'e');
        written += batch.len();
        w.write_all(&batch)?;
    }
    w.write_all(b".")?;
    w.flush()?;
    Ok(())
}

fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines().next().map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|k| k.parse::<u64>().ok())
                    .unwrap_or(0)
            })
        })
        .map(|kb| format!("{:.0} GiB", kb as f64 / 1_048_576.0))
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {mem} RAM")
}

/// A directory of `count` small files as a model repository holds them:
/// configs, tokenizer files, small pickles and arrays, in nested folders.
fn small_files_repo(dir: &Path, count: usize) -> anyhow::Result<()> {
    for i in 0..count {
        let sub = dir.join(format!("part{:03}", i / 100));
        fs::create_dir_all(&sub)?;
        match i % 4 {
            0 => fs::write(
                sub.join(format!("config_{i}.json")),
                format!(
                    "{{\"architectures\": [\"BertModel\"], \"hidden_size\": {}, \"num_layers\": {}, \"vocab_size\": 30522}}",
                    64 + i % 64,
                    i % 24
                ),
            )?,
            1 => {
                // A protocol-4 pickle of a dict of small ints and strings.
                let mut p = b"\x80\x04}\x94(".to_vec();
                for k in 0..64u8 {
                    p.extend_from_slice(b"\x8c\x03key\x94K");
                    p.push(k);
                }
                p.extend_from_slice(b"u.");
                fs::write(sub.join(format!("state_{i}.pkl")), p)?;
            }
            2 => {
                let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (256,), }";
                let mut h = format!("{header:<117}\n").into_bytes();
                let mut v = b"\x93NUMPY\x01\x00".to_vec();
                v.extend_from_slice(&(h.len() as u16).to_le_bytes());
                v.append(&mut h);
                let mut seed = i as u64 + 1;
                let mut data = vec![0u8; 1024];
                fill(&mut data, &mut seed);
                v.extend_from_slice(&data);
                fs::write(sub.join(format!("array_{i}.npy")), v)?;
            }
            _ => fs::write(
                sub.join(format!("notes_{i}.txt")),
                "Model card fragment: evaluation results and training notes.\n".repeat(20),
            )?,
        }
    }
    Ok(())
}

/// A Hugging Face-style repository of about `total` bytes: two SafeTensors
/// shards, a PyTorch checkpoint, configs, tokenizer files and a model card.
fn mixed_repo(dir: &Path, total: usize) -> anyhow::Result<()> {
    fs::create_dir_all(dir)?;
    let shard = total * 2 / 5;
    safetensors_file(
        &dir.join("model-00001-of-00002.safetensors"),
        32,
        shard / 32,
    )?;
    safetensors_file(
        &dir.join("model-00002-of-00002.safetensors"),
        32,
        shard / 32,
    )?;
    torch_checkpoint(&dir.join("pytorch_model.bin"), 16, (total - 2 * shard) / 16)?;
    fs::write(
        dir.join("config.json"),
        r#"{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "torch_dtype": "bfloat16", "transformers_version": "4.46.0"}"#,
    )?;
    fs::write(
        dir.join("generation_config.json"),
        r#"{"bos_token_id": 1, "eos_token_id": 2, "max_length": 4096}"#,
    )?;
    fs::write(
        dir.join("tokenizer_config.json"),
        r#"{"bos_token": "<s>", "eos_token": "</s>", "chat_template": "{% for message in messages %}{{ '<|' + message['role'] + '|>\n' + message['content'] + '</s>\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"}"#,
    )?;
    fs::write(
        dir.join("README.md"),
        "---\nlicense: apache-2.0\nlibrary_name: transformers\npipeline_tag: text-generation\n---\n# Bench model\n\nA generated repository for benchmarks.\n",
    )?;
    Ok(())
}

/// A Keras 2 HDF5 model written by h5py (there is no HDF5 writer in Rust
/// worth trusting for a faithful layout), from the bench's throwaway
/// virtualenv.
fn keras_h5(data: &Path, path: &Path, size: usize) -> anyhow::Result<()> {
    let venv = data.join("h5py-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()?
            .success()
            && Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "h5py==3.12.1", "numpy==2.1.3"])
                .status()?
                .success();
        if !ok {
            bail!("could not install h5py for the Keras H5 workload");
        }
    }
    let script = root().join("xtask/scripts/keras_h5.py");
    let ok = Command::new(python)
        .arg(script)
        .arg(path)
        .arg(size.to_string())
        .status()?
        .success();
    if !ok {
        bail!("writing {} failed", path.display());
    }
    Ok(())
}

/// Bytes of a file, or of every file under a directory (any depth).
fn size_of(p: &Path) -> u64 {
    if p.is_dir() {
        fs::read_dir(p)
            .map(|rd| rd.flatten().map(|e| size_of(&e.path())).sum())
            .unwrap_or(0)
    } else {
        fs::metadata(p).map(|m| m.len()).unwrap_or(0)
    }
}

/// The read-and-hash floor over a file or every file of a directory.
fn floor_cmd(tool: &str, path: &Path) -> Vec<String> {
    vec![
        "sh".into(),
        "-c".into(),
        format!(
            "find '{}' -type f -print0 | xargs -0 {tool} > /dev/null",
            path.display()
        ),
    ]
}

fn run_strs(cmd: &[String]) -> anyhow::Result<Measure> {
    let v: Vec<&str> = cmd.iter().map(String::as_str).collect();
    measure(&v)
}

/// One peer scanner run (they are slow: one run, two-minute cap), with its
/// exit code as the verdict.
fn measure_peer(cmd: &[String]) -> (Option<Measure>, String) {
    let mut c = Command::new("/usr/bin/time");
    c.args(["-f", "%M", "timeout", "120"]).args(cmd);
    c.env("PROMPTFOO_DISABLE_TELEMETRY", "1");
    let start = Instant::now();
    let Ok(out) = c.stdout(Stdio::null()).stderr(Stdio::piped()).output() else {
        return (None, "could not run".into());
    };
    let secs = start.elapsed().as_secs_f64();
    let rss = String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok());
    let verdict = match out.status.code() {
        Some(0) => "clean (0)".to_string(),
        Some(1) => "issues (1)".to_string(),
        Some(2) => "error/inconclusive (2)".to_string(),
        Some(3) => "nothing scanned (3)".to_string(),
        Some(124) => return (None, "timed out (over 120 s)".into()),
        Some(c) => format!("exit {c}"),
        None => "killed".into(),
    };
    (Some(Measure { secs, rss_kb: rss }), verdict)
}

/// The peers installed by `bench-data/peers` (a throwaway virtualenv).
fn peers(data: &Path) -> anyhow::Result<Vec<(&'static str, PathBuf)>> {
    let venv = data.join("peers");
    let bin = venv.join("bin");
    let tools = [
        ("modelaudit", "modelaudit"),
        ("modelscan", "modelscan"),
        ("picklescan", "picklescan"),
        ("fickling", "fickling"),
    ];
    if tools.iter().any(|(_, exe)| !bin.join(exe).exists()) {
        eprintln!("installing the peers into {}", venv.display());
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()?
            .success()
            && Command::new(bin.join("pip"))
                .args([
                    "install",
                    "-q",
                    "modelaudit",
                    "modelscan",
                    "picklescan",
                    "fickling",
                ])
                .status()?
                .success();
        if !ok {
            bail!("could not install the peers from PyPI");
        }
    }
    Ok(tools
        .iter()
        .map(|(name, exe)| (*name, bin.join(exe)))
        .collect())
}

fn peer_cmd(name: &str, exe: &Path, target: &Path) -> Vec<String> {
    let (e, t) = (exe.display().to_string(), target.display().to_string());
    match name {
        "modelaudit" => vec![e, "scan".into(), "--no-cache".into(), t],
        "modelscan" => vec![e, "-p".into(), t],
        "picklescan" => vec![e, "-p".into(), t],
        _ => vec![e, t, "--check-safety".into()],
    }
}

fn rss(m: &Measure) -> String {
    m.rss_kb
        .map(|k| format!("{:.1} MB", k as f64 / 1024.0))
        .unwrap_or_else(|| "n/a".into())
}

fn version_of(exe: &Path, name: &str) -> String {
    let out = Command::new(exe.parent().map(|b| b.join("pip")).unwrap_or_default())
        .args(["show", name])
        .output();
    out.ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find_map(|l| l.strip_prefix("Version: ").map(str::to_string))
        })
        .unwrap_or_else(|| "?".into())
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let quick = args.iter().any(|a| a == "--quick");
    let with_peers = !args.iter().any(|a| a == "--no-peers");
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let root = root();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "-p", "sentrascan-model"])
        .current_dir(&root)
        .status()?;
    if !status.success() {
        bail!("release build failed");
    }
    let bin = root.join("target/release/sentrascan-model");
    let data = root.join("bench-data");
    fs::create_dir_all(&data)?;
    let (big, small, dense, repo, files) = if quick {
        (
            64usize << 20,
            16usize << 20,
            16usize << 20,
            256usize << 20,
            1000usize,
        )
    } else {
        (
            1usize << 30,
            100usize << 20,
            100usize << 20,
            5usize << 30,
            10_000usize,
        )
    };
    let workloads = [
        (
            "PyTorch zip checkpoint",
            data.join(format!("torch_{}m.pt", big >> 20)),
            big,
        ),
        (
            "PyTorch zip checkpoint",
            data.join(format!("torch_{}m.pt", small >> 20)),
            small,
        ),
        (
            "SafeTensors",
            data.join(format!("model_{}m.safetensors", big >> 20)),
            big,
        ),
        (
            "GGUF v3",
            data.join(format!("model_{}m.gguf", big >> 20)),
            big,
        ),
        (
            "Opcode-dense pickle",
            data.join(format!("dense_{}m.pkl", dense >> 20)),
            dense,
        ),
        (
            "Repository of small files",
            data.join(format!("small_files_{files}")),
            files,
        ),
        (
            "Hugging Face-style repository",
            data.join(format!("hf_repo_{}m", repo >> 20)),
            repo,
        ),
        (
            "ONNX + external data",
            data.join(format!("onnx_external_{}m", (big / 2) >> 20)),
            big / 2,
        ),
        (
            "Keras H5 (Keras 2 layout)",
            data.join(format!("keras_{}m.h5", (big / 2) >> 20)),
            big / 2,
        ),
    ];
    for (label, path, size) in &workloads {
        let done = path.join(".complete");
        let ready = match *label {
            "Repository of small files"
            | "Hugging Face-style repository"
            | "ONNX + external data" => done.exists(),
            _ => fs::metadata(path)
                .map(|m| m.len() >= *size as u64)
                .unwrap_or(false),
        };
        if ready {
            continue;
        }
        eprintln!("generating {}", path.display());
        match *label {
            "SafeTensors" => safetensors_file(path, 16, size / 16)?,
            "GGUF v3" => gguf_file(path, 16, size / 16)?,
            "Opcode-dense pickle" => dense_pickle(path, *size)?,
            "Repository of small files" => {
                small_files_repo(path, *size)?;
                fs::write(&done, b"")?;
            }
            "Hugging Face-style repository" => {
                mixed_repo(path, *size)?;
                fs::write(&done, b"")?;
            }
            "ONNX + external data" => {
                onnx_external(path, 500, size / 500)?;
                fs::write(&done, b"")?;
            }
            "Keras H5 (Keras 2 layout)" => keras_h5(&data, path, *size)?,
            _ => torch_checkpoint(path, 16, size / 16)?,
        }
    }
    let mut md = String::new();
    writeln!(md, "# Benchmarks\n")?;
    writeln!(
        md,
        "Generated by `cargo xtask bench{}` on {}. Wall time is the best of {RUNS} runs with a warm page cache (peers: one run, two-minute cap); peak RSS from GNU time. Ratios are what compare across machines; absolute times hold for this machine only.\n",
        if quick { " --quick" } else { "" },
        machine()
    )?;
    writeln!(md, "## Against the read-and-hash floor\n")?;
    writeln!(
        md,
        "The default scan computes SHA-256, SHA-1 and MD5 of every byte (side by side, so MD5 alone sets the pace) and analyses the file in the same pass; the verdict-only scan (`--hashes none`) reads only what the analysis needs. Both with `--no-cache`.\n"
    )?;
    writeln!(
        md,
        "| workload | size | read (`cat`) | `sha256sum` | `sha1sum` | `md5sum` | scan (3 digests) | scan ÷ md5sum | peak RSS | verdict-only scan | peak RSS |"
    )?;
    writeln!(md, "|---|---|---|---|---|---|---|---|---|---|---|")?;
    let bin_s = bin.display().to_string();
    let mut scans = Vec::new();
    for (label, path, _) in &workloads {
        let p = path.display().to_string();
        let size = size_of(path);
        eprintln!("measuring {label} ({p})");
        let read = run_strs(&floor_cmd("cat", path))?;
        let sha256 = run_strs(&floor_cmd("sha256sum", path))?;
        let sha1 = run_strs(&floor_cmd("sha1sum", path))?;
        let md5 = run_strs(&floor_cmd("md5sum", path))?;
        let scan = measure(&[&bin_s, "scan", "-q", "--no-cache", "-f", "json", &p])?;
        let verdict = measure(&[
            &bin_s,
            "scan",
            "-q",
            "--no-cache",
            "--hashes",
            "none",
            "-f",
            "json",
            &p,
        ])?;
        writeln!(
            md,
            "| {label} | {:.0} MB | {:.3} s | {:.3} s | {:.3} s | {:.3} s | {:.3} s | **{:.2}×** | {} | {:.3} s | {} |",
            size as f64 / 1e6,
            read.secs,
            sha256.secs,
            sha1.secs,
            md5.secs,
            scan.secs,
            scan.secs / md5.secs,
            rss(&scan),
            verdict.secs,
            rss(&verdict),
        )?;
        scans.push((label, path.clone(), verdict.secs));
    }
    // Re-scanning an unchanged repository with the verdict cache.
    let hf = &workloads[6].1;
    let cache = tempfile_dir(&data, "verdict-cache")?;
    let cache_s = cache.display().to_string();
    let hf_s = hf.display().to_string();
    let cold = measure(&[
        &bin_s,
        "scan",
        "-q",
        "--cache-dir",
        &cache_s,
        "-f",
        "json",
        &hf_s,
    ])?;
    let warm = measure(&[
        &bin_s,
        "scan",
        "-q",
        "--cache-dir",
        &cache_s,
        "-f",
        "json",
        &hf_s,
    ])?;
    writeln!(
        md,
        "\nRe-scan of the unchanged Hugging Face-style repository with the verdict cache: {:.3} s (every file hashed, none analysed again) against {:.3} s without it; the saving is the analysis, since the digests must be recomputed to know the files are unchanged.",
        warm.secs,
        cold.secs.max(warm.secs)
    )?;
    if with_peers {
        let peers = peers(&data)?;
        writeln!(md, "\n## Against the peers\n")?;
        let versions: Vec<String> = peers
            .iter()
            .map(|(n, exe)| format!("{n} {}", version_of(exe, n)))
            .collect();
        writeln!(
            md,
            "Installed from PyPI into a throwaway virtualenv by the bench ({}), each run once on the same files with its default settings; the peers read headers and pickles only, so the like-for-like comparison is our verdict-only scan. Verdict is the exit code (0 clean, 1 issues, 2 error, 3 nothing scanned). All these inputs are benign.\n",
            versions.join(", ")
        )?;
        writeln!(
            md,
            "| workload | ours, verdict-only | tool | wall time | ours ÷ tool | peak RSS | verdict |"
        )?;
        writeln!(md, "|---|---|---|---|---|---|---|")?;
        for (label, path, ours) in &scans {
            for (name, exe) in &peers {
                eprintln!("peer {name} on {label}");
                let (m, verdict) = measure_peer(&peer_cmd(name, exe, path));
                match m {
                    Some(m) => writeln!(
                        md,
                        "| {label} | {ours:.3} s | {name} | {:.3} s | {:.3}× ({:.0}× faster) | {} | {verdict} |",
                        m.secs,
                        ours / m.secs,
                        m.secs / ours.max(1e-6),
                        rss(&m),
                    )?,
                    None => writeln!(
                        md,
                        "| {label} | {ours:.3} s | {name} | — | — | — | {verdict} |"
                    )?,
                }
            }
        }
    }
    print!("{md}");
    if let Some(out) = out {
        fs::write(root.join(out), md)?;
    }
    Ok(())
}

/// An empty directory under `data` (emptied if it exists).
fn tempfile_dir(data: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let dir = data.join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    Ok(dir)
}
