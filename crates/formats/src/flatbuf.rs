//! Checked reads over one flatbuffer, shared by the TFLite and ExecuTorch
//! readers. Written by hand rather than on the `flatbuffers` crate (see
//! [`crate::tflite`]): every offset, vtable and vector is checked against
//! the buffer with checked arithmetic, and budgets of elements visited and
//! string bytes copied bound the work on files whose tables share vectors.

/// Work budgets of one read, with the limit names reported when they run out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budgets {
    pub max_elements: u64,
    pub elements_limit: &'static str,
    pub max_string_bytes: u64,
    pub string_bytes_limit: &'static str,
}

/// A flatbuffer structure that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FbError {
    #[error("{what} at offset {offset:#x} runs past the end of the {len}-byte buffer")]
    OutOfBounds {
        what: &'static str,
        offset: u64,
        len: u64,
    },
    #[error("{what} at offset {offset:#x}: offset arithmetic overflows")]
    Overflow { what: &'static str, offset: u64 },
    #[error("vtable of the table at {table:#x} is malformed ({reason})")]
    BadVtable { table: u64, reason: &'static str },
    #[error("string at offset {offset:#x} lacks its NUL terminator")]
    Unterminated { offset: u64 },
}

impl FbError {
    /// File offset of the bad structure.
    pub fn offset(&self) -> u64 {
        match self {
            FbError::OutOfBounds { offset, .. }
            | FbError::Overflow { offset, .. }
            | FbError::Unterminated { offset } => *offset,
            FbError::BadVtable { table, .. } => *table,
        }
    }
}

/// A table's position and its vtable, both checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Table {
    pub(crate) pos: usize,
    vtable: usize,
    vtable_len: usize,
    table_len: usize,
}

/// Checked reads over one flatbuffer, with the work budgets.
pub(crate) struct Fb<'a> {
    pub(crate) data: &'a [u8],
    budgets: Budgets,
    elements: u64,
    pub(crate) string_bytes: u64,
    pub(crate) high_water: usize,
    /// Set when a budget ran out: (limit, value).
    pub(crate) exhausted: Option<(&'static str, u64)>,
}

pub(crate) type FbResult<T> = Result<T, FbError>;

impl<'a> Fb<'a> {
    pub(crate) fn new(data: &'a [u8], budgets: Budgets) -> Self {
        Fb {
            data,
            budgets,
            elements: 0,
            string_bytes: 0,
            high_water: 0,
            exhausted: None,
        }
    }

    pub(crate) fn bytes(&mut self, what: &'static str, pos: usize, n: usize) -> FbResult<&'a [u8]> {
        let end = pos.checked_add(n).ok_or(FbError::Overflow {
            what,
            offset: pos as u64,
        })?;
        let b = self.data.get(pos..end).ok_or(FbError::OutOfBounds {
            what,
            offset: pos as u64,
            len: self.data.len() as u64,
        })?;
        self.high_water = self.high_water.max(end);
        Ok(b)
    }

    pub(crate) fn u16(&mut self, what: &'static str, pos: usize) -> FbResult<u16> {
        let b = self.bytes(what, pos, 2)?;
        Ok(u16::from_le_bytes(b.try_into().unwrap_or([0; 2])))
    }

    pub(crate) fn u32(&mut self, what: &'static str, pos: usize) -> FbResult<u32> {
        let b = self.bytes(what, pos, 4)?;
        Ok(u32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
    }

    pub(crate) fn u64(&mut self, what: &'static str, pos: usize) -> FbResult<u64> {
        let b = self.bytes(what, pos, 8)?;
        Ok(u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
    }

    /// Counts `n` elements against the budget; false once it is spent.
    pub(crate) fn spend(&mut self, n: u64) -> bool {
        if self.exhausted.is_some() {
            return false;
        }
        match self.elements.checked_add(n) {
            Some(e) if e <= self.budgets.max_elements => {
                self.elements = e;
                true
            }
            _ => {
                self.exhausted = Some((self.budgets.elements_limit, self.budgets.max_elements));
                false
            }
        }
    }

    /// Follows the uoffset stored at `pos`.
    pub(crate) fn follow(&mut self, what: &'static str, pos: usize) -> FbResult<usize> {
        let off = self.u32(what, pos)?;
        let off = usize::try_from(off).map_err(|_| FbError::Overflow {
            what,
            offset: pos as u64,
        })?;
        pos.checked_add(off).ok_or(FbError::Overflow {
            what,
            offset: pos as u64,
        })
    }

    pub(crate) fn root(&mut self) -> FbResult<Table> {
        let pos = self.follow("root offset", 0)?;
        self.table(pos)
    }

    pub(crate) fn table(&mut self, pos: usize) -> FbResult<Table> {
        let bad = |reason| FbError::BadVtable {
            table: pos as u64,
            reason,
        };
        let b = self.bytes("table", pos, 4)?;
        let soffset = i32::from_le_bytes(b.try_into().unwrap_or([0; 4]));
        // The vtable is at `pos - soffset`.
        let vtable = i64::try_from(pos)
            .ok()
            .and_then(|p| p.checked_sub(i64::from(soffset)))
            .and_then(|v| usize::try_from(v).ok())
            .ok_or(bad("vtable offset points before the buffer"))?;
        let vtable_len = usize::from(self.u16("vtable", vtable)?);
        let table_len = usize::from(self.u16("vtable", vtable.saturating_add(2))?);
        if vtable_len < 4 || vtable_len % 2 != 0 {
            return Err(bad("vtable size is not an even number of at least 4"));
        }
        if table_len < 4 {
            return Err(bad("table size is below 4"));
        }
        self.bytes("vtable", vtable, vtable_len)?;
        self.bytes("table", pos, table_len)?;
        Ok(Table {
            pos,
            vtable,
            vtable_len,
            table_len,
        })
    }

    /// Position of field `slot` of `t` holding `size` bytes, if present.
    pub(crate) fn field(&mut self, t: Table, slot: usize, size: usize) -> FbResult<Option<usize>> {
        let entry = slot.checked_mul(2).and_then(|s| s.checked_add(4));
        let Some(entry) = entry.filter(|e| e.saturating_add(2) <= t.vtable_len) else {
            return Ok(None);
        };
        let voff = usize::from(self.u16("vtable", t.vtable.saturating_add(entry))?);
        if voff == 0 {
            return Ok(None);
        }
        if voff.saturating_add(size) > t.table_len {
            return Err(FbError::BadVtable {
                table: t.pos as u64,
                reason: "field lies outside its table",
            });
        }
        Ok(t.pos.checked_add(voff))
    }

    pub(crate) fn scalar_u8(&mut self, t: Table, slot: usize) -> FbResult<Option<u8>> {
        match self.field(t, slot, 1)? {
            Some(p) => Ok(self.bytes("field", p, 1)?.first().copied()),
            None => Ok(None),
        }
    }

    pub(crate) fn scalar_u32(&mut self, t: Table, slot: usize) -> FbResult<Option<u32>> {
        match self.field(t, slot, 4)? {
            Some(p) => self.u32("field", p).map(Some),
            None => Ok(None),
        }
    }

    pub(crate) fn scalar_u64(&mut self, t: Table, slot: usize) -> FbResult<Option<u64>> {
        match self.field(t, slot, 8)? {
            Some(p) => self.u64("field", p).map(Some),
            None => Ok(None),
        }
    }

    /// The vector referenced by field `slot`: (first element, length),
    /// checked to fit `elem` bytes per element.
    pub(crate) fn vector(
        &mut self,
        t: Table,
        slot: usize,
        elem: usize,
    ) -> FbResult<Option<(usize, u64)>> {
        let Some(p) = self.field(t, slot, 4)? else {
            return Ok(None);
        };
        let at = self.follow("vector offset", p)?;
        let len = self.u32("vector length", at)?;
        let start = at.checked_add(4).ok_or(FbError::Overflow {
            what: "vector",
            offset: at as u64,
        })?;
        let bytes = usize::try_from(len)
            .ok()
            .and_then(|l| l.checked_mul(elem))
            .ok_or(FbError::Overflow {
                what: "vector",
                offset: at as u64,
            })?;
        self.bytes("vector", start, bytes)?;
        Ok(Some((start, u64::from(len))))
    }

    /// Element `i` of a vector of tables starting at `start`.
    pub(crate) fn table_at(&mut self, start: usize, i: u64) -> FbResult<Table> {
        let p = usize::try_from(i)
            .ok()
            .and_then(|i| i.checked_mul(4))
            .and_then(|o| start.checked_add(o))
            .ok_or(FbError::Overflow {
                what: "vector element",
                offset: start as u64,
            })?;
        let at = self.follow("table offset", p)?;
        self.table(at)
    }

    /// The string referenced by a uoffset at `p`, copied within the budget.
    pub(crate) fn string_at(&mut self, p: usize) -> FbResult<Option<(String, usize)>> {
        let at = self.follow("string offset", p)?;
        let len = self.u32("string length", at)?;
        let start = at.saturating_add(4);
        let n = usize::try_from(len).map_err(|_| FbError::Overflow {
            what: "string",
            offset: at as u64,
        })?;
        let b = self.bytes("string", start, n)?;
        let nul = start.checked_add(n).ok_or(FbError::Overflow {
            what: "string",
            offset: at as u64,
        })?;
        if self.bytes("string terminator", nul, 1)? != [0] {
            return Err(FbError::Unterminated { offset: at as u64 });
        }
        match self.string_bytes.checked_add(u64::from(len)) {
            Some(total) if total <= self.budgets.max_string_bytes => self.string_bytes = total,
            _ => {
                self.exhausted.get_or_insert((
                    self.budgets.string_bytes_limit,
                    self.budgets.max_string_bytes,
                ));
                return Ok(None);
            }
        }
        Ok(Some((String::from_utf8_lossy(b).into_owned(), at)))
    }

    pub(crate) fn string(&mut self, t: Table, slot: usize) -> FbResult<Option<String>> {
        match self.field(t, slot, 4)? {
            Some(p) => Ok(self.string_at(p)?.map(|(s, _)| s)),
            None => Ok(None),
        }
    }
}
