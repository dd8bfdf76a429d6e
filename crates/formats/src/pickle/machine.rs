//! The symbolic pickle machine: it interprets opcodes over symbolic values,
//! resolving every callable a real unpickler would import or call, and
//! records what it sees. It never imports or calls anything.

use std::collections::HashMap;
use std::rc::Rc;

use base64::Engine as _;

use super::ops::{Arg, DecodeError, Op, Opcode, decode_at};
use super::text::{decode_raw_unicode_escape, decode_string_repr, parse_int_line};
use super::value::{Blob, ContainerKind, GlobalRef, ObjKind, Text, Value};
use super::view::*;
use crate::Limits;

/// The wrapper joblib pickles in place of each NumPy array.
const JOBLIB_WRAPPER: &str = "joblib.numpy_pickle.NumpyArrayWrapper";
/// Object arrays inside object arrays, at most.
const JOBLIB_MAX_DEPTH: u32 = 8;

/// Objects a cycle search visits at most before assuming the worst.
const CYCLE_SEARCH_BUDGET: usize = 512;

/// `v`, or a placeholder if storing `v` inside `target` could close a
/// reference cycle. Values are reference-counted, so a cycle (a list appended
/// to itself, a state dict holding its own object) would never be freed: over
/// a long-running server, hostile pickles would leak memory. Only evidence is
/// lost: every import and call was already recorded when it happened.
fn acyclic<'a>(v: &Value<'a>, target: &Rc<std::cell::RefCell<super::value::Obj<'a>>>) -> Value<'a> {
    let mut budget = CYCLE_SEARCH_BUDGET;
    if reaches(v, target, &mut budget) || budget == 0 {
        Value::Unknown
    } else {
        v.clone()
    }
}

/// Whether `v` is, or holds a path to, `target` (bounded by `budget`).
fn reaches<'a>(
    v: &Value<'a>,
    target: &Rc<std::cell::RefCell<super::value::Obj<'a>>>,
    budget: &mut usize,
) -> bool {
    let Value::Obj(o) = v else {
        return match v {
            Value::MethodCaller(m) => reaches(&m.1, target, budget),
            Value::Partial(p) => {
                reaches(&p.0, target, budget) || p.1.iter().any(|x| reaches(x, target, budget))
            }
            _ => false,
        };
    };
    if Rc::ptr_eq(o, target) {
        return true;
    }
    if *budget == 0 {
        return false;
    }
    *budget = budget.saturating_sub(1);
    let Ok(inner) = o.try_borrow() else {
        return true;
    };
    inner
        .items
        .iter()
        .chain(inner.args.iter())
        .chain(inner.state.iter())
        .any(|x| reaches(x, target, budget))
}

/// Bytes per element of a NumPy dtype string such as `f8`, `<i4`, `U10`, `S5`, `V16`.
fn numpy_itemsize(descr: &str) -> Option<u64> {
    let d = descr.trim_start_matches(['<', '>', '|', '=']);
    let kind = d.chars().next()?;
    let digits: String = d.chars().skip(1).take_while(char::is_ascii_digit).collect();
    let n: u64 = if digits.is_empty() {
        if kind == '?' { 1 } else { return None }
    } else {
        digits.parse().ok()?
    };
    match kind {
        'U' | 'w' => n.checked_mul(4),
        'b' | 'i' | 'u' | 'f' | 'c' | 'S' | 'a' | 'V' | 'M' | 'm' | '?' => Some(n),
        _ => None,
    }
}

/// Evidence strings are cut to this many characters.
const ARG_RENDER_MAX: usize = 240;
/// Malformations recorded per stream; the rest are counted in the last one.
const MAX_MALFORMATIONS_PER_STREAM: usize = 16;
/// Persistent ids kept per file.
const MAX_PERSISTENT_IDS: usize = 1_000_000;
/// Tensor rebuild calls kept per file.
const MAX_TENSORS: usize = 1_000_000;
/// The callables `torch.load` rebuilds a tensor with from a storage.
const REBUILD_TENSOR: [&str; 2] = [
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor",
];
/// Most recent tensors searched when a dictionary item names one.
const NAME_WINDOW: usize = 4096;
/// Wraps a rebuilt tensor into a `Parameter` (whole-module saves).
const REBUILD_PARAMETER: &str = "torch._utils._rebuild_parameter";
/// Smallest carrier value checked for an embedded pickle.
const MIN_NESTED_LEN: usize = 8;

/// Analyses a whole buffer as pickle data: every stream, data after STOP,
/// garbage after a payload, hidden streams in trailing data.
pub fn analyze(data: &[u8], limits: &Limits) -> PickleAnalysis {
    let mut an = Analyzer::new(limits);
    an.run_buffer(data, 0);
    an.finish()
}

/// How a stream ended.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEnd {
    /// STOP reached; the next stream may start at `end`.
    Complete { end: usize },
    /// Decoding failed at `at`.
    Broken { at: usize },
    /// A limit stopped the machine.
    Limit,
}

/// Runs the machine over one or more streams, accumulating one analysis.
pub struct Analyzer<'l> {
    limits: &'l Limits,
    resync_ops: u64,
    joblib_depth: u32,
    /// Raw data between streams is part of the format (legacy tar members):
    /// it is still searched for hidden streams, but not reported as trailing.
    pub raw_data_expected: bool,
    out: PickleAnalysis,
    index: HashMap<(String, String, ImportKind, Option<String>), usize>,
    depth: u32,
    nested_bytes: u64,
    resync_bytes: u64,
    /// Bytes of `out.strings`.
    kept_string_bytes: usize,
}

impl<'l> Analyzer<'l> {
    pub fn new(limits: &'l Limits) -> Self {
        Analyzer {
            limits,
            resync_ops: 0,
            joblib_depth: 0,
            raw_data_expected: false,
            out: PickleAnalysis::default(),
            index: HashMap::new(),
            depth: 0,
            nested_bytes: 0,
            resync_bytes: 0,
            kept_string_bytes: 0,
        }
    }

    pub fn finish(self) -> PickleAnalysis {
        self.out
    }

    /// The analysis so far.
    pub fn view(&self) -> &PickleAnalysis {
        &self.out
    }

    pub fn limit_hit(&self) -> bool {
        self.out.limit.is_some()
    }

    /// Analyse `data[start..]` as a sequence of pickle streams, searching
    /// anything that is not a stream for hidden ones.
    pub fn run_buffer(&mut self, data: &[u8], start: usize) {
        let mut pos = start;
        let mut first = true;
        while pos < data.len() && !self.limit_hit() {
            if self.out.streams.len() >= self.limits.max_streams {
                self.hit("max_streams", self.limits.max_streams as u64, pos);
                break;
            }
            if first {
                // The file claims to be a pickle: whatever its first stream does is kept.
                first = false;
                match self.run_stream(data, pos, false) {
                    StreamEnd::Complete { end } => pos = end,
                    StreamEnd::Limit => break,
                    StreamEnd::Broken { at } => {
                        pos = self.resync(data, at.saturating_add(1).max(pos.saturating_add(1)))
                    }
                }
                continue;
            }
            let (end, probe) = self.probe(data, pos, false);
            match end {
                StreamEnd::Complete { end } => {
                    self.merge(probe);
                    pos = end;
                }
                StreamEnd::Limit => {
                    self.merge(probe);
                    break;
                }
                StreamEnd::Broken { at } if is_payload(&probe) => {
                    // Payload then garbage: keep what it did.
                    self.merge(probe);
                    pos = self.resync(data, at.saturating_add(1).max(pos.saturating_add(1)));
                }
                StreamEnd::Broken { .. } => {
                    // Not a pickle: trailing data. Search it for hidden streams.
                    if !self.raw_data_expected {
                        self.out.trailing.push(TrailingData {
                            offset: pos as u64,
                            length: data.len().saturating_sub(pos) as u64,
                        });
                    }
                    pos = self.resync(data, pos.saturating_add(1));
                }
            }
        }
    }

    /// Searches forward from `from` for the start of a hidden stream. Runs
    /// every plausible candidate; returns the position to continue from
    /// (the end of the buffer when nothing more is found).
    fn resync(&mut self, data: &[u8], from: usize) -> usize {
        let mut pos = from;
        while pos < data.len() && !self.limit_hit() {
            let Some(rest) = data.get(pos..) else { break };
            let Some(rel) = memchr::memchr3(0x80, b'c', b'i', rest) else {
                self.charge_resync(rest.len(), pos);
                break;
            };
            let cand = pos.saturating_add(rel);
            self.charge_resync(rel.saturating_add(1), cand);
            if self.limit_hit() {
                break;
            }
            if plausible_stream_start(data, cand) {
                if self.out.streams.len() >= self.limits.max_streams {
                    self.hit("max_streams", self.limits.max_streams as u64, cand);
                    break;
                }
                let (end, probe) = self.probe(data, cand, true);
                match end {
                    StreamEnd::Complete { end } => {
                        self.merge(probe);
                        return end;
                    }
                    StreamEnd::Broken { at } if is_payload(&probe) => {
                        self.merge(probe);
                        pos = at.saturating_add(1).max(cand.saturating_add(1));
                        continue;
                    }
                    StreamEnd::Broken { .. } => {}
                    StreamEnd::Limit => {
                        self.merge(probe);
                        return data.len();
                    }
                }
            }
            pos = cand.saturating_add(1);
        }
        data.len()
    }

    fn charge_resync(&mut self, n: usize, at: usize) {
        self.resync_bytes = self.resync_bytes.saturating_add(n as u64);
        if self.resync_bytes > self.limits.max_resync_scan_bytes {
            self.hit(
                "max_resync_scan_bytes",
                self.limits.max_resync_scan_bytes,
                at,
            );
        }
    }

    /// Runs one stream in a separate analysis, to be merged only if it turns
    /// out to be a pickle. The opcode budget is shared either way.
    fn probe(&mut self, data: &[u8], start: usize, resynced: bool) -> (StreamEnd, PickleAnalysis) {
        let mut inner = Analyzer::new(self.limits);
        inner.depth = self.depth;
        inner.nested_bytes = self.nested_bytes;
        inner.resync_ops = self.resync_ops;
        inner.out.ops = self.out.ops;
        let end = inner.run_stream(data, start, resynced);
        self.nested_bytes = inner.nested_bytes;
        // Probes can overlap (each may run to the end of the data): their
        // total work has its own budget, so hostile trailing data cannot make
        // the search quadratic.
        self.resync_ops = inner
            .resync_ops
            .saturating_add(inner.out.ops.saturating_sub(self.out.ops));
        self.out.ops = inner.out.ops;
        if self.resync_ops > self.limits.max_resync_ops {
            self.hit("max_resync_ops", self.limits.max_resync_ops, start);
        }
        (end, inner.out)
    }

    /// Folds a probe's analysis into this one.
    fn merge(&mut self, other: PickleAnalysis) {
        for g in other.globals {
            let key = (g.module.clone(), g.name.clone(), g.kind, g.via.clone());
            match self
                .index
                .get(&key)
                .and_then(|&i| self.out.globals.get_mut(i))
            {
                Some(mine) => {
                    mine.imports = mine.imports.saturating_add(g.imports);
                    mine.calls = mine.calls.saturating_add(g.calls);
                    mine.constructs = mine.constructs.saturating_add(g.constructs);
                    if mine.first_call.is_none() {
                        mine.first_call = g.first_call;
                    }
                }
                None => {
                    self.index.insert(key, self.out.globals.len());
                    self.out.globals.push(g);
                }
            }
        }
        let o = &mut self.out;
        o.streams.extend(other.streams);
        o.unresolved.extend(other.unresolved);
        o.malformations.extend(other.malformations);
        o.ext_refs.extend(other.ext_refs);
        o.persistent_ids.extend(other.persistent_ids);
        o.tensors.extend(other.tensors);
        o.nested.extend(other.nested);
        o.expansions.extend(other.expansions);
        o.mutations.extend(other.mutations);
        o.proto_anomalies.extend(other.proto_anomalies);
        o.trailing.extend(other.trailing);
        o.joblib_arrays = o.joblib_arrays.saturating_add(other.joblib_arrays);
        for st in other.strings {
            if self.kept_string_bytes.saturating_add(st.text.len()) <= MAX_KEPT_STRING_BYTES {
                self.kept_string_bytes = self.kept_string_bytes.saturating_add(st.text.len());
                o.strings.push(st);
            }
        }
        o.executables.extend(other.executables);
        if o.limit.is_none() {
            o.limit = other.limit;
        }
    }

    fn hit(&mut self, limit: &'static str, value: u64, offset: usize) {
        if self.out.limit.is_none() {
            self.out.limit = Some(LimitHit {
                limit,
                value,
                offset: offset as u64,
            });
        }
    }

    /// Runs exactly one stream starting at `start`.
    pub fn run_stream(&mut self, data: &[u8], start: usize, resynced: bool) -> StreamEnd {
        let mut m = Machine::new(self, data, start);
        let end = m.run();
        let (result, protocol, ops, stream_end, nested) = m.into_parts();
        self.out.streams.push(StreamInfo {
            start: start as u64,
            end: stream_end as u64,
            protocol,
            ops,
            complete: matches!(end, StreamEnd::Complete { .. }),
            resynced,
            result,
        });
        for cand in nested {
            self.run_nested(cand);
        }
        end
    }

    fn run_nested(&mut self, cand: NestedCandidate) {
        if self.depth >= self.limits.max_nested_depth {
            self.hit(
                "max_nested_depth",
                u64::from(self.limits.max_nested_depth),
                cand.offset,
            );
            return;
        }
        let len = cand.bytes.len() as u64;
        self.nested_bytes = self.nested_bytes.saturating_add(len);
        if self.nested_bytes > self.limits.max_nested_bytes {
            self.hit(
                "max_nested_bytes",
                self.limits.max_nested_bytes,
                cand.offset,
            );
            return;
        }
        let mut inner = Analyzer::new(self.limits);
        inner.depth = self.depth.saturating_add(1);
        inner.nested_bytes = self.nested_bytes;
        inner.resync_ops = self.resync_ops;
        inner.out.ops = self.out.ops;
        inner.run_buffer(&cand.bytes, 0);
        self.nested_bytes = inner.nested_bytes;
        self.resync_ops = inner.resync_ops;
        let mut analysis = inner.finish();
        self.out.ops = analysis.ops;
        if let Some(l) = analysis.limit.take() {
            self.hit(l.limit, l.value, cand.offset);
        }
        // Text that merely starts like a pickle imports something but never
        // completes a stream or calls anything; a payload does one or both.
        let completes = analysis.streams.iter().any(|s| s.complete);
        if analysis.imports_nothing() || !(completes || is_payload(&analysis)) {
            return;
        }
        self.out.nested.push(NestedPickle {
            offset: cand.offset as u64,
            encoding: cand.encoding,
            length: len,
            analysis: Box::new(analysis),
        });
    }

    fn import(
        &mut self,
        module: &str,
        name: &str,
        kind: ImportKind,
        via: Option<String>,
        offset: usize,
    ) -> Rc<GlobalRef> {
        let key = (module.to_string(), name.to_string(), kind, via);
        let index = match self.index.get(&key) {
            Some(&i) => {
                if let Some(g) = self.out.globals.get_mut(i) {
                    g.imports = g.imports.saturating_add(1);
                }
                i
            }
            None => {
                let i = self.out.globals.len();
                self.out.globals.push(GlobalUse {
                    module: key.0.clone(),
                    name: key.1.clone(),
                    kind,
                    via: key.3.clone(),
                    offset: offset as u64,
                    imports: 1,
                    calls: 0,
                    first_call: None,
                    constructs: 0,
                    inert_calls: 0,
                    escapes: 0,
                });
                self.index.insert(key, i);
                i
            }
        };
        Rc::new(GlobalRef {
            module: module.to_string(),
            name: name.to_string(),
            index,
        })
    }

    fn record_call(
        &mut self,
        g: &GlobalRef,
        opcode: &'static str,
        args: &[Value<'_>],
        offset: usize,
    ) {
        if let Some(u) = self.out.globals.get_mut(g.index) {
            u.calls = u.calls.saturating_add(1);
            if matches!(opcode, "NEWOBJ" | "NEWOBJ_EX" | "copyreg") {
                u.constructs = u.constructs.saturating_add(1);
            }
            if u.first_call.is_none() {
                u.first_call = Some(CallSite {
                    offset: offset as u64,
                    opcode,
                    args: render_args(args),
                });
            }
        }
    }
}

struct NestedCandidate {
    offset: usize,
    encoding: NestedEncoding,
    bytes: Vec<u8>,
}

/// A cheap test that a hidden stream may start at `pos`: PROTO 2..5, or a
/// protocol-0 GLOBAL/INST whose operands look like dotted identifiers.
fn plausible_stream_start(data: &[u8], pos: usize) -> bool {
    match data.get(pos) {
        Some(0x80) => matches!(data.get(pos.saturating_add(1)), Some(2..=5)),
        Some(b'c') | Some(b'i') => {
            let Some(rest) = data.get(pos.saturating_add(1)..) else {
                return false;
            };
            let Some((m, after)) = ident_line(rest) else {
                return false;
            };
            let _ = m;
            ident_line(after).is_some()
        }
        _ => false,
    }
}

fn ident_line(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let window = b.get(..b.len().min(256))?;
    let nl = memchr::memchr(b'\n', window)?;
    let line = window.get(..nl)?;
    let first = *line.first()?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    if !line
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
    {
        return None;
    }
    Some((line, b.get(nl.saturating_add(1)..)?))
}

fn render_args(args: &[Value<'_>]) -> String {
    let lit = Literal::Tuple(args.iter().map(|a| a.to_literal(3)).collect());
    lit.render(ARG_RENDER_MAX)
}

/// Memo with a dense part for the sequential keys MEMOIZE uses.
struct Memo<'a> {
    dense: Vec<Option<Value<'a>>>,
    sparse: HashMap<u64, Value<'a>>,
    count: usize,
}

impl<'a> Memo<'a> {
    fn new() -> Self {
        Memo {
            dense: Vec::new(),
            sparse: HashMap::new(),
            count: 0,
        }
    }

    fn put(&mut self, key: u64, v: Value<'a>) {
        let dense_ok = key < (self.dense.len() as u64).saturating_add(4096);
        if dense_ok {
            let k = key as usize;
            if k >= self.dense.len() {
                self.dense.resize(k.saturating_add(1), None);
            }
            if let Some(slot) = self.dense.get_mut(k) {
                if slot.is_none() {
                    self.count = self.count.saturating_add(1);
                }
                *slot = Some(v);
            }
        } else if self.sparse.insert(key, v).is_none() {
            self.count = self.count.saturating_add(1);
        }
    }

    fn get(&self, key: u64) -> Option<&Value<'a>> {
        if let Ok(k) = usize::try_from(key)
            && let Some(Some(v)) = self.dense.get(k)
        {
            return Some(v);
        }
        self.sparse.get(&key)
    }
}

enum Step<'a> {
    Continue,
    Stop(Value<'a>),
}

struct Machine<'a, 'an, 'l> {
    an: &'an mut Analyzer<'l>,
    data: &'a [u8],
    start: usize,
    pos: usize,
    stack: Vec<Value<'a>>,
    marks: Vec<usize>,
    memo: Memo<'a>,
    protocol: Option<u8>,
    ops: u64,
    malformed: usize,
    expansion_reported: bool,
    result: Literal,
    nested: Vec<NestedCandidate>,
}

impl<'a, 'an, 'l> Machine<'a, 'an, 'l> {
    fn new(an: &'an mut Analyzer<'l>, data: &'a [u8], start: usize) -> Self {
        Machine {
            an,
            data,
            start,
            pos: start,
            stack: Vec::new(),
            marks: Vec::new(),
            memo: Memo::new(),
            protocol: None,
            ops: 0,
            malformed: 0,
            expansion_reported: false,
            result: Literal::Other("no result".into()),
            nested: Vec::new(),
        }
    }

    fn into_parts(self) -> (Literal, Option<u8>, u64, usize, Vec<NestedCandidate>) {
        (self.result, self.protocol, self.ops, self.pos, self.nested)
    }

    fn run(&mut self) -> StreamEnd {
        let limits = self.an.limits;
        loop {
            if self.an.out.ops >= limits.max_pickle_ops {
                self.an
                    .hit("max_pickle_ops", limits.max_pickle_ops, self.pos);
                return StreamEnd::Limit;
            }
            // Reading the clock every op would cost more than the op.
            if self.an.out.ops % 65_536 == 65_535 && limits.out_of_time() {
                self.an.hit("time_budget", 0, self.pos);
                return StreamEnd::Limit;
            }
            let (op, next) = match decode_at(self.data, self.pos, limits.max_text_line) {
                Ok(x) => x,
                Err(e) => {
                    self.malformed_decode(&e);
                    return StreamEnd::Broken { at: e.offset() };
                }
            };
            self.an.out.ops = self.an.out.ops.saturating_add(1);
            self.ops = self.ops.saturating_add(1);
            self.pos = next;
            match self.exec(op) {
                Step::Continue => {}
                Step::Stop(v) => {
                    self.result = v.to_literal(4);
                    return StreamEnd::Complete { end: next };
                }
            }
            if self.stack.len().saturating_add(self.marks.len()) > limits.max_stack_depth {
                self.an
                    .hit("max_stack_depth", limits.max_stack_depth as u64, op.offset);
                return StreamEnd::Limit;
            }
            if self.memo.count > limits.max_memo_entries {
                self.an.hit(
                    "max_memo_entries",
                    limits.max_memo_entries as u64,
                    op.offset,
                );
                return StreamEnd::Limit;
            }
        }
    }

    fn malformed_decode(&mut self, e: &DecodeError) {
        self.malformed_at(e.offset(), e.to_string());
    }

    fn malformed_at(&mut self, offset: usize, message: String) {
        self.malformed = self.malformed.saturating_add(1);
        if self.malformed <= MAX_MALFORMATIONS_PER_STREAM {
            self.an.out.malformations.push(Malformation {
                offset: offset as u64,
                message,
            });
        }
    }

    fn pop(&mut self, op: &Op<'_>) -> Value<'a> {
        let floor = self.marks.last().copied().unwrap_or(0);
        if self.stack.len() > floor
            && let Some(v) = self.stack.pop()
        {
            return v;
        }
        self.malformed_at(
            op.offset,
            format!(
                "{} at offset {:#x} pops from an empty stack",
                op.code, op.offset
            ),
        );
        Value::Unknown
    }

    fn top(&mut self, op: &Op<'_>) -> Option<Value<'a>> {
        let floor = self.marks.last().copied().unwrap_or(0);
        if self.stack.len() > floor {
            return self.stack.last().cloned();
        }
        self.malformed_at(
            op.offset,
            format!(
                "{} at offset {:#x} needs a value on the stack",
                op.code, op.offset
            ),
        );
        None
    }

    fn pop_mark(&mut self, op: &Op<'_>) -> Vec<Value<'a>> {
        match self.marks.pop() {
            Some(m) => self.stack.split_off(m.min(self.stack.len())),
            None => {
                self.malformed_at(
                    op.offset,
                    format!("{} at offset {:#x} has no MARK", op.code, op.offset),
                );
                Vec::new()
            }
        }
    }

    fn push(&mut self, v: Value<'a>) {
        self.stack.push(v);
    }

    /// Globals stored as values (container items, argument lists, object
    /// state) rather than called: whatever receives them may call them.
    fn note_escapes(&mut self, values: &[Value<'a>]) {
        for v in values {
            let g = match v {
                Value::Global(g) => g,
                Value::Partial(p) => match &p.0 {
                    Value::Global(g) => g,
                    _ => continue,
                },
                _ => continue,
            };
            if let Some(u) = self.an.out.globals.get_mut(g.index) {
                u.escapes = u.escapes.saturating_add(1);
            }
        }
    }

    /// The last recorded call of `g` was proven inert by its arguments.
    fn mark_inert(&mut self, g: &GlobalRef) {
        if let Some(u) = self.an.out.globals.get_mut(g.index) {
            u.inert_calls = u.inert_calls.saturating_add(1).min(u.calls);
        }
    }

    fn push_container(&mut self, kind: ContainerKind, items: Vec<Value<'a>>, op: &Op<'_>) {
        self.note_escapes(&items);
        let v = Value::container(kind, items, self.an.limits.max_container_items);
        self.check_weight(v.weight(), op);
        self.push(v);
    }

    fn check_weight(&mut self, weight: u64, op: &Op<'_>) {
        if self.expansion_reported || weight < self.an.limits.expansion_threshold {
            return;
        }
        let consumed = self.pos.saturating_sub(self.start) as u64;
        if weight / 16 > consumed {
            self.expansion_reported = true;
            self.an.out.expansions.push(Expansion {
                offset: op.offset as u64,
                logical_size: weight,
                stream_bytes: consumed,
            });
        }
    }

    /// Keeps a constant for the secret scan and notes an executable in it.
    fn note_constant(&mut self, bytes: &[u8], offset: usize) {
        if bytes.len() >= 64
            && let Some(header) =
                crate::executable::sniff_header(bytes.get(..bytes.len().min(4096)).unwrap_or(bytes))
            && self.an.out.executables.len() < 64
        {
            self.an.out.executables.push(EmbeddedExecutable {
                offset: offset as u64,
                len: bytes.len() as u64,
                header,
            });
        }
        let an = &mut *self.an;
        if (MIN_KEPT_STRING..=MAX_KEPT_STRING).contains(&bytes.len())
            && an.kept_string_bytes.saturating_add(bytes.len()) <= MAX_KEPT_STRING_BYTES
        {
            an.kept_string_bytes = an.kept_string_bytes.saturating_add(bytes.len());
            an.out.strings.push(PickleString {
                offset: offset as u64,
                text: String::from_utf8_lossy(bytes).into_owned(),
            });
        }
    }

    fn push_text(&mut self, bytes: &'a [u8], op: &Op<'_>, strict_utf8: bool) {
        self.note_constant(bytes, op.offset);
        let v = match std::str::from_utf8(bytes) {
            Ok(s) => Value::Str(Text::Borrowed(s)),
            Err(_) => {
                if strict_utf8 {
                    self.malformed_at(
                        op.offset,
                        format!("{} at offset {:#x} is not valid UTF-8", op.code, op.offset),
                    );
                }
                Value::Str(Text::Owned(Rc::from(
                    String::from_utf8_lossy(bytes).as_ref(),
                )))
            }
        };
        if bytes.len() >= MIN_NESTED_LEN {
            self.check_nested(bytes, op.offset);
        }
        self.push(v);
    }

    fn push_bytes(&mut self, bytes: &'a [u8], op: &Op<'_>) {
        self.note_constant(bytes, op.offset);
        if bytes.len() >= MIN_NESTED_LEN {
            self.check_nested(bytes, op.offset);
        }
        self.push(Value::Bytes(Blob::Borrowed(bytes)));
    }

    /// Notes a carrier value that holds an embedded pickle (raw, base64 or hex).
    fn check_nested(&mut self, b: &[u8], offset: usize) {
        if self.an.depth >= self.an.limits.max_nested_depth.saturating_add(1) {
            return;
        }
        let budget = self
            .an
            .limits
            .max_nested_bytes
            .saturating_sub(self.an.nested_bytes);
        if let Some((encoding, bytes)) = embedded_pickle(b, budget) {
            self.nested.push(NestedCandidate {
                offset,
                encoding,
                bytes,
            });
        }
    }

    fn memo_key(&mut self, op: &Op<'_>) -> Option<u64> {
        match op.arg {
            Arg::Uint(n) => Some(n),
            Arg::Line(l) => match parse_int_line(l) {
                Some(Ok(n)) if n >= 0 => Some(n as u64),
                _ => {
                    self.malformed_at(
                        op.offset,
                        format!(
                            "{} at offset {:#x} has an invalid memo key",
                            op.code, op.offset
                        ),
                    );
                    None
                }
            },
            _ => None,
        }
    }

    fn exec(&mut self, op: Op<'a>) -> Step<'a> {
        use Opcode as O;
        match op.code {
            O::Mark => self.marks.push(self.stack.len()),
            O::Stop => {
                let v = self.pop(&op);
                return Step::Stop(v);
            }
            O::Pop => {
                let floor = self.marks.last().copied().unwrap_or(0);
                if self.stack.len() > floor {
                    self.stack.pop();
                } else if self.marks.pop().is_none() {
                    self.malformed_at(
                        op.offset,
                        format!("POP at offset {:#x} on an empty stack", op.offset),
                    );
                }
            }
            O::PopMark => {
                self.pop_mark(&op);
            }
            O::Dup => {
                if let Some(v) = self.top(&op) {
                    self.check_weight(v.weight().saturating_mul(2), &op);
                    self.push(v);
                }
            }
            O::Float => {
                let v = match op.arg {
                    Arg::Line(l) => std::str::from_utf8(l)
                        .ok()
                        .and_then(|s| s.trim().parse::<f64>().ok()),
                    _ => None,
                };
                match v {
                    Some(f) => self.push(Value::Float(f)),
                    None => {
                        self.malformed_at(
                            op.offset,
                            format!("FLOAT at offset {:#x} is not a number", op.offset),
                        );
                        self.push(Value::Unknown);
                    }
                }
            }
            O::Int | O::Long => {
                let line = if let Arg::Line(l) = op.arg {
                    l
                } else {
                    &[][..]
                };
                let v = if op.code == O::Int && line == b"00" {
                    Value::Bool(false)
                } else if op.code == O::Int && line == b"01" {
                    Value::Bool(true)
                } else {
                    match parse_int_line(line) {
                        Some(Ok(i)) => Value::Int(i),
                        Some(Err(digits)) => Value::BigInt(Rc::from(format!("of {digits} digits"))),
                        None => {
                            self.malformed_at(
                                op.offset,
                                format!("{} at offset {:#x} is not an integer", op.code, op.offset),
                            );
                            Value::Unknown
                        }
                    }
                };
                self.push(v);
            }
            O::BinFloat => {
                if let Arg::Float(f) = op.arg {
                    self.push(Value::Float(f));
                }
            }
            O::BinInt => {
                if let Arg::Int(i) = op.arg {
                    self.push(Value::Int(i));
                }
            }
            O::BinInt1 | O::BinInt2 => {
                if let Arg::Uint(u) = op.arg {
                    self.push(Value::Int(u as i64));
                }
            }
            O::Long1 | O::Long4 => {
                if let Arg::Bytes(b) = op.arg {
                    self.push(long_value(b));
                }
            }
            O::None => self.push(Value::None),
            O::NewTrue => self.push(Value::Bool(true)),
            O::NewFalse => self.push(Value::Bool(false)),
            O::PersId => {
                let id = match op.arg {
                    Arg::Line(l) => Literal::Str(String::from_utf8_lossy(l).into_owned()),
                    _ => Literal::None,
                };
                self.persistent(id, &op);
            }
            O::BinPersId => {
                let v = self.pop(&op);
                self.note_escapes(std::slice::from_ref(&v));
                let id = v.to_literal(4);
                self.persistent(id, &op);
            }
            O::Reduce => {
                let args = self.pop(&op);
                let callee = self.pop(&op);
                let args = args.items();
                let r = self.call(callee, args, "REDUCE", &op);
                self.push(r);
            }
            O::String => {
                let decoded = match op.arg {
                    Arg::Line(l) => decode_string_repr(l),
                    _ => None,
                };
                match decoded {
                    Some(b) => {
                        self.note_constant(&b, op.offset);
                        let s = String::from_utf8_lossy(&b).into_owned();
                        if b.len() >= MIN_NESTED_LEN {
                            self.check_nested(&b, op.offset);
                        }
                        self.push(Value::Str(Text::Owned(Rc::from(s))));
                    }
                    None => {
                        self.malformed_at(
                            op.offset,
                            format!("STRING at offset {:#x} is not a quoted string", op.offset),
                        );
                        self.push(Value::Unknown);
                    }
                }
            }
            O::BinString | O::ShortBinString => {
                if let Arg::Bytes(b) = op.arg {
                    self.push_text(b, &op, false);
                }
            }
            O::Unicode => {
                if let Arg::Line(l) = op.arg {
                    let s = decode_raw_unicode_escape(l);
                    self.note_constant(s.as_bytes(), op.offset);
                    if s.len() >= MIN_NESTED_LEN {
                        self.check_nested(s.as_bytes(), op.offset);
                    }
                    self.push(Value::Str(Text::Owned(Rc::from(s))));
                }
            }
            O::BinUnicode | O::ShortBinUnicode | O::BinUnicode8 => {
                if let Arg::Bytes(b) = op.arg {
                    self.push_text(b, &op, true);
                }
            }
            O::BinBytes | O::ShortBinBytes | O::BinBytes8 | O::ByteArray8 => {
                if let Arg::Bytes(b) = op.arg {
                    self.push_bytes(b, &op);
                }
            }
            O::Append => {
                let v = self.pop(&op);
                if let Some(target) = self.top(&op) {
                    self.add_items(&target, vec![v], &op);
                }
            }
            O::Appends | O::AddItems => {
                let items = self.pop_mark(&op);
                if let Some(target) = self.top(&op) {
                    self.add_items(&target, items, &op);
                }
            }
            O::SetItem => {
                let v = self.pop(&op);
                let k = self.pop(&op);
                if let Some(target) = self.top(&op) {
                    self.add_items(&target, vec![k, v], &op);
                }
            }
            O::SetItems => {
                let items = self.pop_mark(&op);
                if let Some(target) = self.top(&op) {
                    self.add_items(&target, items, &op);
                }
            }
            O::Build => {
                let state = self.pop(&op);
                self.note_escapes(std::slice::from_ref(&state));
                if let Some(target) = self.top(&op) {
                    match &target {
                        Value::Global(g) => {
                            let t = MutationTarget::Global(g.path());
                            self.an.out.mutations.push(Mutation {
                                offset: op.offset as u64,
                                opcode: "BUILD",
                                target: t,
                            });
                        }
                        Value::Module(m) => {
                            let t = MutationTarget::Global(m.to_string());
                            self.an.out.mutations.push(Mutation {
                                offset: op.offset as u64,
                                opcode: "BUILD",
                                target: t,
                            });
                        }
                        Value::Obj(o) => {
                            let kept = acyclic(&state, o);
                            if let Ok(mut o) = o.try_borrow_mut() {
                                o.weight = o.weight.saturating_add(state.weight());
                                o.state = Some(kept);
                            }
                            if target.result_path().as_deref() == Some(JOBLIB_WRAPPER) {
                                self.joblib_array(&state, &op);
                            }
                        }
                        _ => {}
                    }
                }
            }
            O::Global | O::Inst => {
                if let Arg::Lines(m, n) = op.arg {
                    let module = String::from_utf8_lossy(m);
                    let name = String::from_utf8_lossy(n);
                    if op.code == O::Global {
                        let g = self
                            .an
                            .import(&module, &name, ImportKind::Global, None, op.offset);
                        self.push(Value::Global(g));
                    } else {
                        let args = self.pop_mark(&op);
                        self.note_escapes(&args);
                        let g = self
                            .an
                            .import(&module, &name, ImportKind::Inst, None, op.offset);
                        let r = self.call(Value::Global(g), args, "INST", &op);
                        self.push(r);
                    }
                }
            }
            O::StackGlobal => {
                let name = self.pop(&op);
                let module = self.pop(&op);
                let v = match (module.as_text(), name.as_text()) {
                    (Some(m), Some(n)) => {
                        let (m, n) = (m.to_string(), n.to_string());
                        Value::Global(self.an.import(
                            &m,
                            &n,
                            ImportKind::StackGlobal,
                            None,
                            op.offset,
                        ))
                    }
                    _ => {
                        let reason = format!(
                            "STACK_GLOBAL operands are not literal strings: module {}, name {}",
                            describe(&module),
                            describe(&name)
                        );
                        let computed = match (module.any_text(), name.any_text()) {
                            (Some(m), Some(n)) => Some(format!("{m}.{n}")),
                            _ => None,
                        };
                        // What the computed operands name is recorded too, and is
                        // what a call on the result calls.
                        let target = match (module.any_text(), name.any_text(), &computed) {
                            (Some(m), Some(n), Some(c)) => {
                                let (m, n) = (m.to_string(), n.to_string());
                                let via =
                                    Some(format!("computed STACK_GLOBAL operands naming {c}"));
                                Value::Global(self.an.import(
                                    &m,
                                    &n,
                                    ImportKind::StackGlobal,
                                    via,
                                    op.offset,
                                ))
                            }
                            _ => Value::Unknown,
                        };
                        self.an.out.unresolved.push(Unresolved {
                            offset: op.offset as u64,
                            opcode: "STACK_GLOBAL",
                            reason,
                            computed,
                        });
                        target
                    }
                };
                self.push(v);
            }
            O::Dict => {
                let items = self.pop_mark(&op);
                if !items.len().is_multiple_of(2) {
                    self.malformed_at(
                        op.offset,
                        format!("DICT at offset {:#x} has an odd number of items", op.offset),
                    );
                }
                self.push_container(ContainerKind::Dict, items, &op);
            }
            O::EmptyDict => self.push_container(ContainerKind::Dict, Vec::new(), &op),
            O::List => {
                let items = self.pop_mark(&op);
                self.push_container(ContainerKind::List, items, &op);
            }
            O::EmptyList => self.push_container(ContainerKind::List, Vec::new(), &op),
            O::Tuple => {
                let items = self.pop_mark(&op);
                self.push_container(ContainerKind::Tuple, items, &op);
            }
            O::EmptyTuple => self.push_container(ContainerKind::Tuple, Vec::new(), &op),
            O::Tuple1 | O::Tuple2 | O::Tuple3 => {
                let n = match op.code {
                    O::Tuple1 => 1,
                    O::Tuple2 => 2,
                    _ => 3,
                };
                let mut items: Vec<Value<'a>> = (0..n).map(|_| self.pop(&op)).collect();
                items.reverse();
                self.push_container(ContainerKind::Tuple, items, &op);
            }
            O::EmptySet => self.push_container(ContainerKind::Set, Vec::new(), &op),
            O::FrozenSet => {
                let items = self.pop_mark(&op);
                self.push_container(ContainerKind::FrozenSet, items, &op);
            }
            O::Get | O::BinGet | O::LongBinGet => {
                if let Some(k) = self.memo_key(&op) {
                    match self.memo.get(k) {
                        Some(v) => {
                            let v = v.clone();
                            self.push(v);
                        }
                        None => {
                            self.malformed_at(
                                op.offset,
                                format!(
                                    "{} at offset {:#x} reads memo key {k}, which was never stored",
                                    op.code, op.offset
                                ),
                            );
                            self.an.out.unresolved.push(Unresolved {
                                offset: op.offset as u64,
                                opcode: op.code.name(),
                                reason: format!(
                                    "memo key {k} was never stored; the value depends on the loader"
                                ),
                                computed: None,
                            });
                            self.push(Value::Unknown);
                        }
                    }
                } else {
                    self.push(Value::Unknown);
                }
            }
            O::Put | O::BinPut | O::LongBinPut => {
                if let Some(k) = self.memo_key(&op)
                    && let Some(v) = self.top(&op)
                {
                    self.memo.put(k, v);
                }
            }
            O::Memoize => {
                if let Some(v) = self.top(&op) {
                    let k = self.memo.count as u64;
                    self.memo.put(k, v);
                }
            }
            O::Obj => {
                let mut items = self.pop_mark(&op);
                if items.is_empty() {
                    self.malformed_at(
                        op.offset,
                        format!("OBJ at offset {:#x} has no class", op.offset),
                    );
                    self.push(Value::Unknown);
                } else {
                    let args = items.split_off(1);
                    self.note_escapes(&args);
                    let cls = items.pop().unwrap_or(Value::Unknown);
                    let r = self.call(cls, args, "OBJ", &op);
                    self.push(r);
                }
            }
            O::NewObj => {
                let args = self.pop(&op).items();
                let cls = self.pop(&op);
                let r = self.call(cls, args, "NEWOBJ", &op);
                self.push(r);
            }
            O::NewObjEx => {
                let kwargs = self.pop(&op);
                let mut args = self.pop(&op).items();
                let cls = self.pop(&op);
                if !matches!(kwargs.to_literal(1), Literal::Dict(ref d) if d.is_empty()) {
                    args.push(kwargs);
                }
                let r = self.call(cls, args, "NEWOBJ_EX", &op);
                self.push(r);
            }
            O::Proto => {
                let n = if let Arg::Uint(n) = op.arg { n } else { 0 };
                if self.protocol.is_some() {
                    self.an.out.proto_anomalies.push(ProtoAnomaly {
                        offset: op.offset as u64,
                        protocol: n,
                        problem: "repeated PROTO",
                    });
                } else if self.ops > 1 {
                    self.an.out.proto_anomalies.push(ProtoAnomaly {
                        offset: op.offset as u64,
                        protocol: n,
                        problem: "PROTO after the first opcode",
                    });
                }
                if n > 5 {
                    self.malformed_at(
                        op.offset,
                        format!(
                            "PROTO at offset {:#x} declares unsupported protocol {n}",
                            op.offset
                        ),
                    );
                }
                if self.protocol.is_none() {
                    self.protocol = Some(n.min(255) as u8);
                }
            }
            O::Ext1 | O::Ext2 | O::Ext4 => {
                let code = if let Arg::Uint(c) = op.arg { c } else { 0 };
                self.an.out.ext_refs.push(ExtRef {
                    offset: op.offset as u64,
                    code,
                    called: false,
                });
                self.push(Value::Ext(code));
            }
            O::Frame => {
                let len = if let Arg::Uint(n) = op.arg { n } else { 0 };
                let remaining = self.data.len().saturating_sub(self.pos) as u64;
                if len > remaining {
                    self.malformed_at(
                        op.offset,
                        format!(
                            "FRAME at offset {:#x} declares {len} bytes, only {remaining} remain",
                            op.offset
                        ),
                    );
                }
            }
            O::NextBuffer => self.push(Value::Buffer),
            O::ReadonlyBuffer => {
                self.top(&op);
            }
        }
        Step::Continue
    }

    /// joblib writes each array's bytes into the stream right after the
    /// BUILD of its `NumpyArrayWrapper`: skip them (numeric dtypes), or run
    /// the pickle that holds them (object dtypes), as joblib's reader does.
    fn joblib_array(&mut self, state: &Value<'a>, op: &Op<'_>) {
        let pairs = state.dict_pairs();
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key.as_text() == Some(k))
                .map(|(_, v)| v.clone())
        };
        let shape: Option<Vec<i64>> = get("shape")
            .map(|s| s.items().iter().map(Value::as_int).collect())
            .unwrap_or(None);
        let dtype = get("dtype");
        let (dtype_name, elsize) = match &dtype {
            Some(Value::Obj(o)) => match o.try_borrow() {
                Ok(o) => {
                    let name = o
                        .args
                        .first()
                        .and_then(|a| a.any_text())
                        .map(str::to_string);
                    let elsize = o
                        .state
                        .as_ref()
                        .and_then(|s| s.items().get(5).and_then(Value::as_int));
                    (name, elsize)
                }
                Err(_) => (None, None),
            },
            _ => (None, None),
        };
        let alignment = get("numpy_array_alignment_bytes").and_then(|v| v.as_int());
        let Some(name) = dtype_name else {
            self.malformed_at(op.offset, format!("joblib array at offset {:#x} has no readable dtype; its data cannot be skipped", op.offset));
            return;
        };
        self.an.out.joblib_arrays = self.an.out.joblib_arrays.saturating_add(1);
        if name.starts_with('O') {
            if self.an.joblib_depth >= JOBLIB_MAX_DEPTH {
                self.an
                    .hit("joblib_nesting", u64::from(JOBLIB_MAX_DEPTH), op.offset);
                return;
            }
            // Object arrays are written as a pickle of their own.
            self.an.joblib_depth = self.an.joblib_depth.saturating_add(1);
            let end = self.an.run_stream(self.data, self.pos, false);
            self.an.joblib_depth = self.an.joblib_depth.saturating_sub(1);
            match end {
                StreamEnd::Complete { end } => self.pos = end,
                _ => self.pos = self.data.len(),
            }
            return;
        }
        let itemsize = match elsize {
            Some(e) if e > 0 => u64::try_from(e).ok(),
            _ => numpy_itemsize(&name),
        };
        let count = shape.and_then(|s| {
            s.iter().try_fold(1u64, |acc, &d| {
                u64::try_from(d).ok().and_then(|d| acc.checked_mul(d))
            })
        });
        let (Some(itemsize), Some(count)) = (itemsize, count) else {
            self.malformed_at(op.offset, format!("joblib array at offset {:#x} ({name}) has no computable size; its data cannot be skipped", op.offset));
            return;
        };
        let mut pos = self.pos as u64;
        if alignment.is_some_and(|a| a > 0) {
            let pad = self.data.get(self.pos).copied().map(u64::from).unwrap_or(0);
            pos = pos.saturating_add(1).saturating_add(pad);
        }
        let end = count.checked_mul(itemsize).and_then(|n| pos.checked_add(n));
        match end {
            Some(e) if e <= self.data.len() as u64 => self.pos = e as usize,
            _ => {
                self.malformed_at(op.offset, format!("joblib array at offset {:#x} declares {count} × {itemsize} bytes, past the end of the data", op.offset));
                self.pos = self.data.len();
            }
        }
    }

    fn persistent(&mut self, id: Literal, op: &Op<'_>) {
        let lit = Rc::new(id.clone());
        if self.an.out.persistent_ids.len() < MAX_PERSISTENT_IDS {
            self.an.out.persistent_ids.push(PersistentId {
                offset: op.offset as u64,
                id,
            });
        }
        self.push(Value::Persistent(lit));
    }

    /// Records a `_rebuild_tensor_v2(storage, offset, size, stride, …)` call.
    fn tensor_rebuild(&mut self, g: &GlobalRef, args: &[Value<'a>], op: &Op<'_>) {
        if !REBUILD_TENSOR.contains(&g.path().as_str()) || self.an.out.tensors.len() >= MAX_TENSORS
        {
            return;
        }
        let ints = |v: Option<&Value<'a>>| -> Vec<i64> {
            v.map(|v| {
                v.items()
                    .iter()
                    .filter_map(|x| match x {
                        Value::Int(i) => Some(*i),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
        };
        let (Some(Value::Persistent(storage)), Some(Value::Int(offset))) =
            (args.first(), args.get(1))
        else {
            return;
        };
        self.an.out.tensors.push(TensorRebuild {
            offset: op.offset as u64,
            storage: storage.as_ref().clone(),
            storage_offset: *offset,
            size: ints(args.get(2)),
            stride: ints(args.get(3)),
            name: None,
        });
    }

    /// Names the tensors a SETITEM(S) stores under string keys (state dicts).
    fn name_tensors(&mut self, items: &[Value<'a>]) {
        for pair in items.chunks_exact(2) {
            let (Some(key), Some(value)) = (pair.first().and_then(Value::any_text), pair.get(1))
            else {
                continue;
            };
            let Some((storage, offset)) = rebuilt_tensor(value, 0) else {
                continue;
            };
            // pickle batches SETITEMS by 1000: the tensor is among the last few.
            if let Some(t) = self
                .an
                .out
                .tensors
                .iter_mut()
                .rev()
                .take(NAME_WINDOW)
                .find(|t| {
                    t.name.is_none()
                        && t.storage_offset == offset
                        && *Rc::as_ref(&storage) == t.storage
                })
            {
                t.name = Some(key.chars().take(256).collect());
            }
        }
    }

    fn add_items(&mut self, target: &Value<'a>, items: Vec<Value<'a>>, op: &Op<'_>) {
        self.note_escapes(&items);
        if matches!(op.code, Opcode::SetItem | Opcode::SetItems) && !self.an.out.tensors.is_empty()
        {
            self.name_tensors(&items);
        }
        match target {
            Value::Obj(o) => {
                let items: Vec<Value<'a>> = items.into_iter().map(|v| acyclic(&v, o)).collect();
                let mutation = {
                    let Ok(mut o) = o.try_borrow_mut() else {
                        return;
                    };
                    let added: u64 = items.iter().fold(0u64, |w, v| w.saturating_add(v.weight()));
                    o.weight = o.weight.saturating_add(added);
                    o.len = o.len.saturating_add(items.len() as u64);
                    let room = self
                        .an
                        .limits
                        .max_container_items
                        .saturating_sub(o.items.len());
                    let keep = items.len().min(room);
                    o.items.extend(items.into_iter().take(keep));
                    let w = o.weight;
                    let m = match &o.kind {
                        ObjKind::Result(g)
                            if matches!(op.code, Opcode::SetItem | Opcode::SetItems) =>
                        {
                            Some(MutationTarget::CallResult(g.path()))
                        }
                        _ => None,
                    };
                    (w, m)
                };
                self.check_weight(mutation.0, op);
                if let Some(t) = mutation.1 {
                    self.an.out.mutations.push(Mutation {
                        offset: op.offset as u64,
                        opcode: op.code.name(),
                        target: t,
                    });
                }
            }
            Value::Global(g) => {
                let t = MutationTarget::Global(g.path());
                self.an.out.mutations.push(Mutation {
                    offset: op.offset as u64,
                    opcode: op.code.name(),
                    target: t,
                });
            }
            Value::Module(m) => {
                let t = MutationTarget::Global(m.to_string());
                self.an.out.mutations.push(Mutation {
                    offset: op.offset as u64,
                    opcode: op.code.name(),
                    target: t,
                });
            }
            _ => {}
        }
    }

    /// A derived global: `module.name` reached through `via`.
    fn derived(&mut self, module: &str, name: &str, via: String, op: &Op<'_>) -> Value<'a> {
        Value::Global(
            self.an
                .import(module, name, ImportKind::Derived, Some(via), op.offset),
        )
    }

    /// `getattr(obj, attr)` evaluated symbolically.
    fn getattr(&mut self, obj: &Value<'a>, attr: &str, via: &str, op: &Op<'_>) -> Value<'a> {
        match obj {
            Value::Global(g) => {
                let name = if g.name.is_empty() {
                    attr.to_string()
                } else {
                    format!("{}.{attr}", g.name)
                };
                let module = g.module.clone();
                self.derived(&module, &name, format!("{via}({}, {attr:?})", g.path()), op)
            }
            Value::Module(m) => {
                let m = m.to_string();
                self.derived(&m, attr, format!("{via}(<module {m}>, {attr:?})"), op)
            }
            Value::Str(_) | Value::Computed(_) => self.derived(
                "builtins",
                &format!("str.{attr}"),
                format!("{via}(<str>, {attr:?})"),
                op,
            ),
            Value::Bytes(_) => self.derived(
                "builtins",
                &format!("bytes.{attr}"),
                format!("{via}(<bytes>, {attr:?})"),
                op,
            ),
            Value::Obj(o) => {
                let owner = match o.try_borrow() {
                    Ok(o) => match &o.kind {
                        ObjKind::Result(g) => Some(g.path()),
                        ObjKind::Container(ContainerKind::Dict) => {
                            Some("builtins.dict".to_string())
                        }
                        ObjKind::Container(ContainerKind::List) => {
                            Some("builtins.list".to_string())
                        }
                        ObjKind::Container(_) => None,
                    },
                    Err(_) => None,
                };
                match owner {
                    Some(p) if p.starts_with("builtins.") => {
                        let name = format!("{}.{attr}", p.trim_start_matches("builtins."));
                        self.derived("builtins", &name, format!("{via}(<{p}>, {attr:?})"), op)
                    }
                    Some(p) => self.derived(
                        &format!("{p}()"),
                        attr,
                        format!("{via}(<{p}() result>, {attr:?})"),
                        op,
                    ),
                    None => Value::Unknown,
                }
            }
            _ => Value::Unknown,
        }
    }

    /// Symbolic call: records it, and evaluates the resolvers and string
    /// builders attackers use to hide what is called.
    fn call(
        &mut self,
        callee: Value<'a>,
        args: Vec<Value<'a>>,
        opcode: &'static str,
        op: &Op<'_>,
    ) -> Value<'a> {
        match callee {
            Value::Global(g) => {
                self.an.record_call(&g, opcode, &args, op.offset);
                self.tensor_rebuild(&g, &args, op);
                self.eval_known(g, args, op)
            }
            Value::AttrGetter(attrs) => {
                let Some(obj) = args.first().cloned() else {
                    return Value::Unknown;
                };
                let mut cur = obj;
                for a in attrs.iter() {
                    for part in a.split('.') {
                        cur = self.getattr(&cur, part, "operator.attrgetter", op);
                    }
                }
                cur
            }
            Value::MethodCaller(mc) => {
                let Some(obj) = args.first().cloned() else {
                    return Value::Unknown;
                };
                let (name, margs) = (&mc.0, mc.1.items());
                let target = self.getattr(&obj, name, "operator.methodcaller", op);
                self.call(target, margs, "operator.methodcaller", op)
            }
            Value::Partial(p) => {
                let (f, pargs) = (&p.0, &p.1);
                let mut all = pargs.clone();
                all.extend(args);
                self.call(f.clone(), all, "functools.partial", op)
            }
            Value::Ext(code) => {
                if let Some(e) = self
                    .an
                    .out
                    .ext_refs
                    .iter_mut()
                    .rev()
                    .find(|e| e.code == code)
                {
                    e.called = true;
                }
                Value::Unknown
            }
            Value::Unknown => Value::Unknown,
            other if is_dill_built_class(&other) => {
                // A class that dill rebuilt in this pickle from a name, bases
                // and a dict: instantiating it runs only what that dict holds,
                // and every value in it was recorded where it was built.
                // `_create_namedtuple(name, …, '__main__')` returns
                // `__main__.<name>` when the loading program has one (a module
                // or class it imported): constructing that is inert, calling
                // it is a call of the loader's own global.
                let main_name = match &other {
                    Value::Obj(o)
                        if other.result_path().as_deref().and_then(dill_function)
                            == Some("_create_namedtuple") =>
                    {
                        o.try_borrow().ok().and_then(|o| {
                            o.args
                                .first()
                                .and_then(|a| a.any_text().map(str::to_string))
                        })
                    }
                    _ => None,
                };
                if let Some(name) = main_name
                    && !matches!(opcode, "NEWOBJ" | "NEWOBJ_EX" | "copyreg")
                {
                    let via = format!("dill._dill._create_namedtuple({name:?}, …, \"__main__\")");
                    let target = self.derived("__main__", &name, via, op);
                    return self.call(target, args, opcode, op);
                }
                match other.result_global() {
                    Some(g) => Value::result_of(g),
                    None => Value::Unknown,
                }
            }
            other => {
                self.an.out.unresolved.push(Unresolved {
                    offset: op.offset as u64,
                    opcode,
                    reason: format!(
                        "{opcode} calls {}, which is not an imported global",
                        describe(&other)
                    ),
                    computed: None,
                });
                Value::Unknown
            }
        }
    }

    /// dill's reconstructors (`dill._dill._…`), evaluated from their
    /// literal arguments. Those that only rebuild data or look a name up in
    /// a fixed table are inert: what they resolve or call is recorded as its
    /// own global and classified there. The rest (`_create_function`,
    /// `_create_code`, `_eval_repr`, `_import_module`, `_get_attr`,
    /// `_create_filehandle`, ...) stay dangerous; resolvers among them still
    /// report what they reach. `None` leaves the call to the general path.
    fn eval_dill(
        &mut self,
        g: &Rc<GlobalRef>,
        f: &str,
        args: &[Value<'a>],
        op: &Op<'_>,
    ) -> Option<Value<'a>> {
        let text = |i: usize| args.get(i).and_then(|v| v.any_text()).map(str::to_string);
        match f {
            "_load_type" => {
                let name = text(0)?;
                let (module, attr) = dill_type(&name);
                self.mark_inert(g);
                Some(self.derived(
                    module,
                    &attr,
                    format!("dill._dill._load_type({name:?})"),
                    op,
                ))
            }
            "_create_type" => {
                // `_create_type(typeobj, name, bases, dict)` calls `typeobj(name, bases, dict)`.
                let (Some(typeobj @ Value::Global(_)), Some(rest)) = (args.first(), args.get(1..))
                else {
                    return None;
                };
                let (typeobj, rest) = (typeobj.clone(), rest.to_vec());
                self.call(typeobj, rest, "dill._create_type", op);
                self.mark_inert(g);
                Some(Value::result_of(g.clone()))
            }
            "_create_namedtuple" => {
                // `_create_namedtuple(name, fields, module)` first tries
                // `module.name` (an import), then builds a namedtuple.
                let (name, module) = (text(0)?, text(2)?);
                self.mark_inert(g);
                if module == "__main__" {
                    Some(Value::result_with(g.clone(), args.to_vec()))
                } else {
                    Some(self.derived(
                        &module,
                        &name,
                        format!("dill._dill._create_namedtuple({name:?}, …, {module:?})"),
                        op,
                    ))
                }
            }
            "_create_lock"
            | "_create_rlock"
            | "_create_cell"
            | "_create_stringi"
            | "_create_stringo"
            | "_create_typing_tuple"
            | "_create_dtypemeta" => {
                self.mark_inert(g);
                Some(Value::result_with(g.clone(), args.to_vec()))
            }
            // A callback argument would be called when the referent dies.
            "_create_weakref" if args.len() <= 1 => {
                self.mark_inert(g);
                Some(Value::result_with(g.clone(), args.to_vec()))
            }
            "_create_weakproxy" if args.len() <= 2 => {
                self.mark_inert(g);
                Some(Value::result_with(g.clone(), args.to_vec()))
            }
            "_create_array" => {
                // `_create_array(f, args, state, npdict)` calls `f(*args)`.
                let f = args.first()?.clone();
                let fargs = args.get(1).map(Value::items).unwrap_or_default();
                let r = self.call(f, fargs, "dill._create_array", op);
                self.mark_inert(g);
                Some(r)
            }
            "_create_ftype" => {
                // `_create_ftype(ftypeobj, func, args, kwds)` calls `ftypeobj(func, *args)`.
                let ftype = args.first()?.clone();
                let mut fargs = vec![args.get(1).cloned().unwrap_or(Value::None)];
                fargs.extend(args.get(2).map(Value::items).unwrap_or_default());
                let r = self.call(ftype, fargs, "dill._create_ftype", op);
                self.mark_inert(g);
                Some(r)
            }
            "_import_module" => {
                let name = text(0)?;
                let via = format!("dill._dill._import_module({name:?})");
                Some(match name.rsplit_once('.') {
                    Some((m, n)) => self.derived(m, n, via, op),
                    None => self.derived(&name, "", via, op),
                })
            }
            "_get_attr" => {
                // `getattr(obj, name, None) or getattr(builtins, name)`.
                let name = text(1)?;
                let obj = args.first()?.clone();
                Some(match obj {
                    Value::Global(_) | Value::Module(_) => {
                        self.getattr(&obj, &name, "dill._dill._get_attr", op)
                    }
                    _ => self.derived(
                        "builtins",
                        &name,
                        format!("dill._dill._get_attr(<object>, {name:?})"),
                        op,
                    ),
                })
            }
            _ => None,
        }
    }

    fn eval_known(&mut self, g: Rc<GlobalRef>, args: Vec<Value<'a>>, op: &Op<'_>) -> Value<'a> {
        let path = g.path();
        if let Some(f) = dill_function(&path)
            && let Some(v) = self.eval_dill(&g, f, &args, op)
        {
            return v;
        }
        let text = |i: usize| args.get(i).and_then(|v| v.any_text()).map(str::to_string);
        match path.as_str() {
            "builtins.setattr" => {
                if setattr_is_inert(&args) {
                    self.mark_inert(&g);
                }
                Value::result_with(g, args)
            }
            "builtins.type" if args.len() == 3 => {
                // `type(name, bases, dict)`: subclassing runs each base's
                // metaclass and `__init_subclass__`, so a base is called.
                let bases = args.get(1).map(Value::items).unwrap_or_default();
                for b in &bases {
                    if let Value::Global(base) = b {
                        let base = base.clone();
                        self.an.record_call(&base, "type", &[], op.offset);
                    }
                }
                Value::result_with(g, args)
            }
            "builtins.getattr" => {
                if let (Some(obj), Some(attr)) = (args.first(), text(1)) {
                    let obj = obj.clone();
                    return self.getattr(&obj, &attr, "getattr", op);
                }
                Value::Unknown
            }
            "importlib.import_module" | "builtins.__import__" | "importlib.__import__" => {
                match text(0) {
                    Some(m) => Value::Module(Rc::from(m.as_str())),
                    None => Value::Unknown,
                }
            }
            "pkgutil.resolve_name" | "pydoc.locate" | "pydoc.resolve" => match text(0) {
                Some(spec) => {
                    let (m, n) = match spec.split_once(':') {
                        Some((m, n)) => (m.to_string(), n.to_string()),
                        None => match spec.rsplit_once('.') {
                            Some((m, n)) => (m.to_string(), n.to_string()),
                            None => (spec.clone(), String::new()),
                        },
                    };
                    self.derived(&m, &n, format!("{path}({spec:?})"), op)
                }
                None => Value::Unknown,
            },
            "operator.attrgetter" => {
                let attrs: Option<Vec<String>> = args
                    .iter()
                    .map(|a| a.any_text().map(str::to_string))
                    .collect();
                match attrs {
                    Some(a) if !a.is_empty() => Value::AttrGetter(Rc::from(a)),
                    _ => Value::Unknown,
                }
            }
            "operator.methodcaller" => match text(0) {
                Some(name) => {
                    let rest: Vec<Value<'a>> = args.into_iter().skip(1).collect();
                    let tuple = Value::container(
                        ContainerKind::Tuple,
                        rest,
                        self.an.limits.max_container_items,
                    );
                    Value::MethodCaller(Rc::new((name, tuple)))
                }
                None => Value::Unknown,
            },
            "functools.partial" => {
                let mut it = args.into_iter();
                match it.next() {
                    Some(f) => Value::Partial(Rc::new((f, it.collect()))),
                    None => Value::Unknown,
                }
            }
            "copyreg._reconstructor" | "copyreg.__newobj__" | "copyreg.__newobj_ex__" => {
                // `_reconstructor(cls, base, state)` also calls `base.__init__(obj, state)`
                // unless base is `object`.
                if path == "copyreg._reconstructor"
                    && let Some(Value::Global(base)) = args.get(1)
                    && base.path() != "builtins.object"
                {
                    let base = base.clone();
                    self.an.record_call(
                        &base,
                        "copyreg._reconstructor",
                        args.get(2..).unwrap_or(&[]),
                        op.offset,
                    );
                }
                match args.first() {
                    Some(Value::Global(cls)) => {
                        let cls = cls.clone();
                        self.an.record_call(&cls, "copyreg", &[], op.offset);
                        Value::result_of(cls)
                    }
                    Some(Value::Unknown) | None => Value::Unknown,
                    Some(other) => {
                        let other = other.clone();
                        self.call(other, Vec::new(), "copyreg", op)
                    }
                }
            }
            "builtins.str.join" => {
                let sep = text(0);
                let parts: Option<Vec<String>> = args
                    .get(1)
                    .map(|l| {
                        l.items()
                            .iter()
                            .map(|v| v.any_text().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or(None);
                match (sep, parts) {
                    (Some(s), Some(p)) => Value::Computed(Rc::from(p.join(&s))),
                    _ => Value::result_of(g),
                }
            }
            "operator.add" | "operator.concat" | "builtins.str.__add__" => match (text(0), text(1))
            {
                (Some(a), Some(b)) => Value::Computed(Rc::from(format!("{a}{b}"))),
                _ => Value::result_of(g),
            },
            "codecs.decode" | "codecs.encode" => match (text(0), text(1)) {
                (Some(s), Some(enc))
                    if matches!(
                        enc.to_ascii_lowercase().as_str(),
                        "rot13" | "rot_13" | "rot-13"
                    ) =>
                {
                    Value::Computed(Rc::from(rot13(&s)))
                }
                _ => Value::result_of(g),
            },
            "builtins.str" | "builtins.str.lower" | "builtins.str.upper" | "builtins.str.strip" => {
                match text(0) {
                    Some(s) => Value::Computed(Rc::from(match path.as_str() {
                        "builtins.str.lower" => s.to_lowercase(),
                        "builtins.str.upper" => s.to_uppercase(),
                        "builtins.str.strip" => s.trim().to_string(),
                        _ => s,
                    })),
                    None => Value::result_of(g),
                }
            }
            "builtins.bytes.decode" => match args.first() {
                Some(Value::Bytes(b)) => {
                    Value::Computed(Rc::from(String::from_utf8_lossy(b.as_bytes()).as_ref()))
                }
                _ => Value::result_of(g),
            },
            _ => Value::result_with(g, args),
        }
    }
}

/// The function name of a dill reconstructor (`dill._dill._load_type`,
/// or `dill.dill.…` as dill 0.2 wrote it).
fn dill_function(path: &str) -> Option<&str> {
    path.strip_prefix("dill._dill.")
        .or_else(|| path.strip_prefix("dill.dill."))
}

/// An object that dill's `_create_type` or `_create_namedtuple` returned: a
/// class built inside the pickle.
fn is_dill_built_class(v: &Value<'_>) -> bool {
    v.result_path().is_some_and(|p| {
        matches!(
            dill_function(&p),
            Some("_create_type" | "_create_namedtuple")
        )
    })
}

/// Attribute names that `setattr` may write on an object the pickle built
/// without reaching anything: plain identifiers, and the naming dunders
/// that dill restores on the classes it rebuilds.
fn plain_attribute(name: &str) -> bool {
    let ident = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ident
        && (!(name.starts_with("__") && name.ends_with("__"))
            || matches!(name, "__qualname__" | "__name__" | "__doc__" | "__module__"))
}

/// `setattr(obj, name, value)` where `obj` was built by this pickle, `name`
/// is a literal plain attribute and `value` a literal: it changes nothing
/// outside the pickle's own objects.
fn setattr_is_inert(args: &[Value<'_>]) -> bool {
    let [target, name, value] = args else {
        return false;
    };
    matches!(target, Value::Obj(_))
        && name.as_text().is_some_and(plain_attribute)
        && matches!(
            value,
            Value::Str(_)
                | Value::Int(_)
                | Value::Float(_)
                | Value::Bool(_)
                | Value::None
                | Value::Bytes(_)
        )
}

/// Where dill's `_load_type(name)` looks a name up (`dill._dill._reverse_typemap`):
/// the `types` module's `…Type` names, builtins, and a few classes of
/// `functools`, `operator` and `io` under their dill names.
fn dill_type(name: &str) -> (&'static str, String) {
    let mapped = match name {
        "PartialType" => Some(("functools", "partial")),
        "AttrGetterType" => Some(("operator", "attrgetter")),
        "ItemGetterType" => Some(("operator", "itemgetter")),
        "SuperType" => Some(("builtins", "super")),
        "FileType" => Some(("io", "FileIO")),
        "TextWrapperType" => Some(("io", "TextIOWrapper")),
        "BufferedRandomType" => Some(("io", "BufferedRandom")),
        "BufferedReaderType" => Some(("io", "BufferedReader")),
        "BufferedWriterType" => Some(("io", "BufferedWriter")),
        "PyTextWrapperType" => Some(("_pyio", "TextIOWrapper")),
        "PyBufferedRandomType" => Some(("_pyio", "BufferedRandom")),
        "PyBufferedReaderType" => Some(("_pyio", "BufferedReader")),
        "PyBufferedWriterType" => Some(("_pyio", "BufferedWriter")),
        "ExitType" => Some(("_sitebuiltins", "Quitter")),
        "StringType" | "UnicodeType" => Some(("builtins", "str")),
        "ListType" => Some(("builtins", "list")),
        "DictType" => Some(("builtins", "dict")),
        "TupleType" => Some(("builtins", "tuple")),
        "IntType" | "LongType" => Some(("builtins", "int")),
        "FloatType" => Some(("builtins", "float")),
        "BooleanType" => Some(("builtins", "bool")),
        "ComplexType" => Some(("builtins", "complex")),
        "ObjectType" => Some(("builtins", "object")),
        "TypeType" => Some(("builtins", "type")),
        _ => None,
    };
    if let Some((m, n)) = mapped {
        return (m, n.to_string());
    }
    let identifier =
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !identifier {
        return ("dill._dill._reverse_typemap", name.to_string());
    }
    if name.ends_with("Type") && name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
        // `types.CodeType`, `types.FunctionType`, `types.NoneType`, ...
        ("types", name.to_string())
    } else {
        // `type`, `object`, `int`, `ValueError`, ...
        ("builtins", name.to_string())
    }
}

fn rot13(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='z' => {
                ((c as u8).wrapping_sub(b'a').wrapping_add(13) % 26).wrapping_add(b'a') as char
            }
            'A'..='Z' => {
                ((c as u8).wrapping_sub(b'A').wrapping_add(13) % 26).wrapping_add(b'A') as char
            }
            _ => c,
        })
        .collect()
}

/// Integer from LONG1/LONG4 little-endian two's complement bytes.
fn long_value<'a>(b: &[u8]) -> Value<'a> {
    if b.is_empty() {
        return Value::Int(0);
    }
    if b.len() <= 8 {
        let negative = b.last().is_some_and(|&x| x & 0x80 != 0);
        let mut buf = if negative { [0xffu8; 8] } else { [0u8; 8] };
        for (d, s) in buf.iter_mut().zip(b) {
            *d = *s;
        }
        return Value::Int(i64::from_le_bytes(buf));
    }
    let hex: String = b
        .iter()
        .rev()
        .take(32)
        .map(|x| format!("{x:02x}"))
        .collect();
    let hex = hex.trim_start_matches('0');
    Value::BigInt(Rc::from(if b.len() > 32 {
        format!("0x{hex}… ({} bytes)", b.len())
    } else {
        format!("0x{hex}")
    }))
}

/// A broken stream is kept only if it did something a loader would regret:
/// called a global, needed an unresolvable name or used the extension registry.
fn is_payload(a: &PickleAnalysis) -> bool {
    a.globals.iter().any(|g| g.calls > 0)
        || !a.unresolved.is_empty()
        || !a.ext_refs.is_empty()
        || !a.nested.is_empty()
}

/// Decodes `b` if it is a pickle, raw or wrapped in base64 (standard or
/// URL-safe), hex, zlib or gzip; decoding stops at `budget` bytes.
fn embedded_pickle(b: &[u8], budget: u64) -> Option<(NestedEncoding, Vec<u8>)> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    if looks_like_pickle(b) {
        return Some((NestedEncoding::Raw, b.to_vec()));
    }
    let cap = usize::try_from(budget).unwrap_or(usize::MAX);
    // zlib (RFC 1950) or gzip wrappers around a pickle.
    let inflated = match b {
        [0x78, 0x01 | 0x5e | 0x9c | 0xda, ..] => Some((
            NestedEncoding::Zlib,
            inflate(flate2::read::ZlibDecoder::new(b), cap),
        )),
        [0x1f, 0x8b, ..] => Some((
            NestedEncoding::Gzip,
            inflate(flate2::read::GzDecoder::new(b), cap),
        )),
        _ => None,
    };
    if let Some((enc, Some(out))) = inflated {
        return looks_like_pickle(&out).then_some((enc, out));
    }
    if b.len() < 12 {
        return None;
    }
    let b64 = |c: &u8| {
        c.is_ascii_alphanumeric()
            || matches!(c, b'+' | b'/' | b'-' | b'_' | b'=')
            || c.is_ascii_whitespace()
    };
    if b.iter().take(64).all(b64) {
        let clean: Vec<u8> = b
            .iter()
            .copied()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        // Decode a prefix first: most strings are not base64 pickles.
        let head_len = clean.len().min(64) & !3;
        let head = clean.get(..head_len).unwrap_or(&[]);
        for engine in [&STANDARD, &URL_SAFE] {
            let starts = engine
                .decode(head)
                .ok()
                .is_some_and(|d| looks_like_pickle_start(&d));
            let decoded_len = (clean.len() as u64).saturating_mul(3) / 4;
            if starts
                && decoded_len <= budget
                && let Ok(decoded) = engine.decode(&clean)
            {
                return Some((NestedEncoding::Base64, decoded));
            }
        }
    }
    let hexish = b.len() >= 16 && b.len().is_multiple_of(2) && b.iter().all(u8::is_ascii_hexdigit);
    if hexish && (b.len() as u64) / 2 <= budget {
        let decoded: Vec<u8> = b
            .chunks_exact(2)
            .filter_map(|p| {
                std::str::from_utf8(p)
                    .ok()
                    .and_then(|s| u8::from_str_radix(s, 16).ok())
            })
            .collect();
        if looks_like_pickle(&decoded) {
            return Some((NestedEncoding::Hex, decoded));
        }
    }
    None
}

/// Inflates at most `cap` bytes; `None` if the stream is not valid.
fn inflate(r: impl std::io::Read, cap: usize) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let mut out = Vec::new();
    r.take(cap as u64).read_to_end(&mut out).ok()?;
    Some(out)
}

/// The first bytes of a pickle: PROTO 2..5, or a protocol-0 GLOBAL line.
fn looks_like_pickle_start(b: &[u8]) -> bool {
    matches!(b, [0x80, 2..=5, ..])
        || (b.first() == Some(&b'c')
            && b.get(1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_'))
}

fn looks_like_pickle(b: &[u8]) -> bool {
    match b {
        [0x80, 2..=5, next, ..] => super::ops::Opcode::from_byte(*next).is_some(),
        [b'c', rest @ ..] => ident_line(rest)
            .and_then(|(_, after)| ident_line(after))
            .is_some(),
        _ => false,
    }
}

fn describe(v: &Value<'_>) -> String {
    match v {
        Value::Str(t) => format!("{:?}", t.as_str()),
        Value::Computed(s) => format!("a string computed at run time ({s:?})"),
        Value::Global(g) => format!("the object {}", g.path()),
        Value::Unknown => "an unknown value".to_string(),
        Value::Obj(o) => match o.try_borrow().map(|o| match &o.kind {
            ObjKind::Result(g) => format!("the result of {}(…)", g.path()),
            ObjKind::Container(_) => "a container".to_string(),
        }) {
            Ok(s) => s,
            Err(_) => "an object".to_string(),
        },
        other => format!("{}", other.to_literal(1)),
    }
}

/// The storage and storage offset of a value that is a rebuilt tensor (or a
/// `Parameter` wrapping one).
fn rebuilt_tensor(value: &Value<'_>, depth: u32) -> Option<(Rc<Literal>, i64)> {
    let Value::Obj(o) = value else {
        return None;
    };
    let o = o.try_borrow().ok()?;
    let ObjKind::Result(g) = &o.kind else {
        return None;
    };
    let path = g.path();
    if REBUILD_TENSOR.contains(&path.as_str()) {
        match (o.args.first(), o.args.get(1)) {
            (Some(Value::Persistent(p)), Some(Value::Int(off))) => Some((p.clone(), *off)),
            _ => None,
        }
    } else if path == REBUILD_PARAMETER && depth == 0 {
        rebuilt_tensor(o.args.first()?, 1)
    } else {
        None
    }
}
