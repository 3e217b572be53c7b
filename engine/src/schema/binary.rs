//! Avro binary encoding, decoding with writer/reader schema resolution, and
//! Confluent's wire format.
//!
//! Decoding follows Java's `org.apache.avro.Resolver` (what
//! `GenericDatumReader` with a reader schema does): the writer's aliases
//! are applied first (`Schema.applyAliases`), a writer union reads its branch
//! index and resolves that branch, a reader union takes
//! `firstMatchingBranch`, records skip writer-only fields and fill reader-only
//! fields from their defaults, enums map by symbol (else the reader's enum
//! default), and the promotions are int → long/float/double, long →
//! float/double, float → double, string ↔ bytes. Like Java, a problem is
//! reported only when data reaches it, with the messages of
//! `Resolver.ErrorAction` (`Found int, expecting string`, `…, missing
//! required field f`) and of `ResolvingDecoder`/`BinaryDecoder`.
//!
//! Wire format (`schema-serializer` `SchemaId`): magic byte `0`, the schema
//! id as 4 big-endian bytes, then the Avro body.

use std::collections::BTreeMap;

use super::parse::{Kind, NodeId, Schema, SchemaType};
use super::registry::Registry;
use super::value::{default_value, AvroValue, MAX_VALUE_DEPTH};

/// Most array items plus map entries one decode produces (items of type
/// `null` take no bytes, so the input length alone does not bound them).
pub const MAX_DECODED_ITEMS: usize = 1_000_000;

/// Why a value could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The value does not have the schema's shape (Java's
    /// `GenericDatumWriter` throws `AvroTypeException`/`ClassCastException`).
    #[error("value {value} is not a {expected} at {path}")]
    Mismatch {
        /// What the schema wants (`"int"`, a record's full name, …).
        expected: String,
        /// The value, as JSON.
        value: String,
        /// Where, as a path of field names and indexes.
        path: String,
    },
    /// A record value lacks a field of the schema (Java:
    /// `NullPointerException: null value for (non-nullable) … at R.f`).
    #[error("null value for (non-nullable) field {field} at {path}")]
    MissingField {
        /// The field.
        field: String,
        /// The record's path.
        path: String,
    },
    /// Nested deeper than [`MAX_VALUE_DEPTH`].
    #[error("value nests deeper than {0} levels")]
    TooDeep(usize),
}

/// Why bytes could not be decoded, or not with this reader schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Java's `AvroTypeException` from schema resolution or the decoder,
    /// with its message (`Found int, expecting string`, `No match for C`,
    /// …): the consumer cannot read this record.
    #[error("org.apache.avro.AvroTypeException: {0}")]
    AvroType(String),
    /// The bytes ended early (`java.io.EOFException`).
    #[error("java.io.EOFException at byte {offset}")]
    Eof {
        /// Where the data ran out.
        offset: usize,
    },
    /// Malformed data: a bad varint, a negative length, invalid UTF-8
    /// (`BinaryDecoder`'s messages where it has one).
    #[error("{message} (at byte {offset})")]
    Malformed {
        /// What is wrong.
        message: String,
        /// Where.
        offset: usize,
    },
    /// The wire format's first byte is not 0 (Confluent's
    /// `SerializationException`).
    #[error("Unknown magic byte!")]
    UnknownMagicByte,
    /// No schema with that id (registry `40403`).
    #[error("Schema {0} not found")]
    SchemaNotFound(u32),
    /// Nested deeper than [`MAX_VALUE_DEPTH`], or more than
    /// [`MAX_DECODED_ITEMS`] items.
    #[error("data exceeds kplay's decoding limits ({0})")]
    TooLarge(String),
}

// ---------------------------------------------------------------- encoding

fn zigzag(n: i64, out: &mut Vec<u8>) {
    let mut z = ((n << 1) ^ (n >> 63)) as u64;
    loop {
        let b = (z & 0x7f) as u8;
        z >>= 7;
        if z == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn len_prefix(n: usize, out: &mut Vec<u8>) {
    zigzag(i64::try_from(n).unwrap_or(i64::MAX), out);
}

/// Encode `value` with `schema` (Java's `GenericDatumWriter` +
/// `BinaryEncoder`).
pub fn encode(schema: &Schema, value: &AvroValue) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    write(schema, schema.root(), value, &mut out, &mut path)?;
    Ok(out)
}

fn mismatch(schema: &Schema, id: NodeId, value: &AvroValue, path: &[String]) -> EncodeError {
    EncodeError::Mismatch {
        expected: schema.node(id).full_name().to_string(),
        value: value.to_json_string(),
        path: if path.is_empty() {
            "/".into()
        } else {
            format!("/{}", path.join("/"))
        },
    }
}

fn write(
    schema: &Schema,
    id: NodeId,
    value: &AvroValue,
    out: &mut Vec<u8>,
    path: &mut Vec<String>,
) -> Result<(), EncodeError> {
    if path.len() > MAX_VALUE_DEPTH {
        return Err(EncodeError::TooDeep(MAX_VALUE_DEPTH));
    }
    let node = schema.node(id);
    let bad = || mismatch(schema, id, value, path);
    match (&node.kind, value) {
        (Kind::Primitive(SchemaType::Null), AvroValue::Null) => {}
        (Kind::Primitive(SchemaType::Boolean), AvroValue::Boolean(b)) => out.push(u8::from(*b)),
        (Kind::Primitive(SchemaType::Int), AvroValue::Int(i)) => zigzag(i64::from(*i), out),
        (Kind::Primitive(SchemaType::Long), AvroValue::Long(i)) => zigzag(*i, out),
        (Kind::Primitive(SchemaType::Float), AvroValue::Float(f)) => {
            out.extend_from_slice(&f.to_le_bytes());
        }
        (Kind::Primitive(SchemaType::Double), AvroValue::Double(f)) => {
            out.extend_from_slice(&f.to_le_bytes());
        }
        (Kind::Primitive(SchemaType::Bytes), AvroValue::Bytes(b)) => {
            len_prefix(b.len(), out);
            out.extend_from_slice(b);
        }
        (Kind::Primitive(SchemaType::String), AvroValue::String(s)) => {
            len_prefix(s.len(), out);
            out.extend_from_slice(s.as_bytes());
        }
        (Kind::Fixed { size, .. }, AvroValue::Fixed(b)) if b.len() == *size => {
            out.extend_from_slice(b);
        }
        (Kind::Enum { symbols, .. }, AvroValue::Enum { symbol, .. }) => {
            let i = symbols.iter().position(|s| s == symbol).ok_or_else(bad)?;
            len_prefix(i, out);
        }
        (Kind::Array(items), AvroValue::Array(values)) => {
            if !values.is_empty() {
                len_prefix(values.len(), out);
                for (i, v) in values.iter().enumerate() {
                    path.push(i.to_string());
                    write(schema, *items, v, out, path)?;
                    path.pop();
                }
            }
            out.push(0);
        }
        (Kind::Map(vt), AvroValue::Map(entries)) => {
            if !entries.is_empty() {
                len_prefix(entries.len(), out);
                for (k, v) in entries {
                    len_prefix(k.len(), out);
                    out.extend_from_slice(k.as_bytes());
                    path.push(k.clone());
                    write(schema, *vt, v, out, path)?;
                    path.pop();
                }
            }
            out.push(0);
        }
        (Kind::Record { fields, .. }, AvroValue::Record(values)) => {
            for (i, f) in fields.iter().enumerate() {
                // Fields usually come in schema order: try the same position
                // before searching.
                let found = values
                    .get(i)
                    .filter(|(k, _)| *k == f.name)
                    .or_else(|| values.iter().find(|(k, _)| *k == f.name));
                let Some((_, v)) = found else {
                    return Err(EncodeError::MissingField {
                        field: f.name.clone(),
                        path: if path.is_empty() {
                            "/".into()
                        } else {
                            format!("/{}", path.join("/"))
                        },
                    });
                };
                path.push(f.name.clone());
                write(schema, f.ty, v, out, path)?;
                path.pop();
            }
        }
        (
            Kind::Union(branches),
            AvroValue::Union {
                index,
                value: inner,
            },
        ) => {
            let b = usize::try_from(*index)
                .ok()
                .and_then(|i| branches.get(i))
                .ok_or_else(bad)?;
            zigzag(i64::from(*index), out);
            write(schema, *b, inner, out, path)?;
        }
        _ => return Err(bad()),
    }
    Ok(())
}

// ---------------------------------------------------------------- decoding

struct Input<'a> {
    bytes: &'a [u8],
    pos: usize,
    items: usize,
}

impl Input<'_> {
    fn malformed(&self, message: &str) -> DecodeError {
        DecodeError::Malformed {
            message: message.into(),
            offset: self.pos,
        }
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or(DecodeError::Eof { offset: self.pos })?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or(DecodeError::Eof {
                offset: self.bytes.len(),
            })?;
        let s = self.bytes.get(self.pos..end).unwrap_or_default();
        self.pos = end;
        Ok(s)
    }

    /// `BinaryDecoder.readLong`: at most 10 bytes.
    fn long(&mut self) -> Result<i64, DecodeError> {
        let mut z: u64 = 0;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            z |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(((z >> 1) as i64) ^ -((z & 1) as i64));
            }
        }
        Err(self.malformed("Invalid long encoding"))
    }

    /// `BinaryDecoder.readInt`: at most 5 bytes.
    fn int(&mut self) -> Result<i32, DecodeError> {
        let mut z: u32 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            z |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok(((z >> 1) as i32) ^ -((z & 1) as i32));
            }
        }
        Err(self.malformed("Invalid int encoding"))
    }

    fn length(&mut self) -> Result<usize, DecodeError> {
        let n = self.long()?;
        if n < 0 {
            return Err(self.malformed(&format!("Malformed data. Length is negative: {n}")));
        }
        // Longer than the address space (2^62 on wasm32): the bytes cannot
        // be there.
        usize::try_from(n).map_err(|_| DecodeError::Eof {
            offset: self.bytes.len(),
        })
    }

    /// A block count (`readArrayStart`/`arrayNext`): a negative count is
    /// followed by the block's byte size.
    fn block(&mut self) -> Result<usize, DecodeError> {
        let n = self.long()?;
        let count = if n < 0 {
            self.long()?;
            n.unsigned_abs()
        } else {
            n.unsigned_abs()
        };
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        self.items = self.items.saturating_add(count);
        if self.items > MAX_DECODED_ITEMS {
            return Err(DecodeError::TooLarge(format!(
                "more than {MAX_DECODED_ITEMS} array items or map entries"
            )));
        }
        Ok(count)
    }
}

/// Decode `bytes` written with `schema`, read with the same schema.
pub fn decode(schema: &Schema, bytes: &[u8]) -> Result<AvroValue, DecodeError> {
    decode_with(schema, schema, bytes)
}

/// Decode `bytes` written with `writer` as a consumer holding `reader`
/// would (Java's `GenericDatumReader(writer, reader)`).
pub fn decode_with(
    writer: &Schema,
    reader: &Schema,
    bytes: &[u8],
) -> Result<AvroValue, DecodeError> {
    let mut d = Decoder {
        w: writer,
        r: reader,
        input: Input {
            bytes,
            pos: 0,
            items: 0,
        },
        plans: BTreeMap::new(),
    };
    d.read(writer.root(), reader.root(), 0)
}

struct Decoder<'a> {
    w: &'a Schema,
    r: &'a Schema,
    input: Input<'a>,
    plans: BTreeMap<(NodeId, NodeId), std::rc::Rc<Plan>>,
}

/// A writer/reader record pair's resolution, see `Decoder::plan`.
struct Plan {
    targets: Vec<Option<usize>>,
    missing: Option<String>,
}

fn promotable(w: SchemaType, r: SchemaType) -> bool {
    matches!(
        (w, r),
        (
            SchemaType::Int,
            SchemaType::Long | SchemaType::Float | SchemaType::Double
        ) | (SchemaType::Long, SchemaType::Float | SchemaType::Double)
            | (SchemaType::Float, SchemaType::Double)
            | (SchemaType::String, SchemaType::Bytes)
            | (SchemaType::Bytes, SchemaType::String)
    )
}

impl<'a> Decoder<'a> {
    /// `ErrorAction.toString()`: `Found <writer>, expecting <reader>`.
    #[inline(never)]
    fn found(&self, w: NodeId, r: NodeId) -> DecodeError {
        DecodeError::AvroType(format!(
            "Found {}, expecting {}",
            self.w.node(w).full_name(),
            self.r.node(r).full_name()
        ))
    }

    /// Named types after `applyAliases`: the short names agree, or the
    /// reader lists the writer's full name as an alias.
    fn names_match(&self, w: NodeId, r: NodeId) -> bool {
        match (self.w.node(w).named(), self.r.node(r).named()) {
            (Some(wn), Some(rn)) => {
                wn.name.name == rn.name.name || rn.aliases.contains(&wn.name.full)
            }
            _ => false,
        }
    }

    /// How a writer record feeds a reader record (`RecordAdjust.resolve`),
    /// computed once per pair: for each writer field, the reader field it
    /// fills (by name, else by a reader alias, after `applyAliases`); and
    /// the reader field Java names in `MISSING_REQUIRED_FIELD` (the *last*
    /// one missing from the writer without a default).
    fn plan(&mut self, w: NodeId, r: NodeId) -> std::rc::Rc<Plan> {
        if let Some(p) = self.plans.get(&(w, r)) {
            return p.clone();
        }
        let empty = (&[][..], &[][..]);
        let (wf, rf) = match (&self.w.node(w).kind, &self.r.node(r).kind) {
            (Kind::Record { fields: wf, .. }, Kind::Record { fields: rf, .. }) => {
                (wf.as_slice(), rf.as_slice())
            }
            _ => empty,
        };
        let mut by_name =
            crate::sort::btree_map(rf.iter().enumerate().map(|(i, f)| (f.name.as_str(), i)));
        for (i, f) in rf.iter().enumerate() {
            for a in &f.aliases {
                by_name.entry(a.as_str()).or_insert(i);
            }
        }
        let targets: Vec<Option<usize>> = wf
            .iter()
            .map(|f| by_name.get(f.name.as_str()).copied())
            .collect();
        let mut fed = vec![false; rf.len()];
        for t in targets.iter().flatten() {
            if let Some(slot) = fed.get_mut(*t) {
                *slot = true;
            }
        }
        let missing = rf
            .iter()
            .zip(&fed)
            .rev()
            .find(|(f, fed)| !**fed && f.default.is_none())
            .map(|(f, _)| f.name.clone());
        let plan = std::rc::Rc::new(Plan { targets, missing });
        self.plans.insert((w, r), plan.clone());
        plan
    }

    /// `ReaderUnion.firstMatchingBranch`.
    fn first_matching_branch(&mut self, w: NodeId, branches: &[NodeId]) -> Option<usize> {
        let wn = self.w.node(w);
        let wt = wn.schema_type();
        let mut structure_match = None;
        for (j, b) in branches.iter().enumerate() {
            let bn = self.r.node(*b);
            if bn.schema_type() != wt {
                continue;
            }
            match wt {
                SchemaType::Record | SchemaType::Enum | SchemaType::Fixed => {
                    if wn.full_name() == bn.full_name() {
                        return Some(j);
                    }
                    if wt == SchemaType::Record && self.plan(w, *b).missing.is_none() {
                        let short_match = matches!(
                            (wn.named(), bn.named()),
                            (Some(x), Some(y)) if x.name.name == y.name.name
                        );
                        if structure_match.is_none() || short_match {
                            structure_match = Some(j);
                        }
                    }
                }
                _ => return Some(j),
            }
        }
        if structure_match.is_some() {
            return structure_match;
        }
        branches
            .iter()
            .position(|b| promotable(wt, self.r.node(*b).schema_type()))
    }

    fn read(&mut self, w: NodeId, r: NodeId, depth: usize) -> Result<AvroValue, DecodeError> {
        if depth > MAX_VALUE_DEPTH {
            return Err(too_deep());
        }
        let (writer, reader) = (self.w, self.r);
        let (wn, rn) = (writer.node(w), reader.node(r));
        // A writer union: read the branch index, resolve that branch.
        if let Kind::Union(wb) = &wn.kind {
            let index = self.input.long()?;
            let branch = usize::try_from(index)
                .ok()
                .and_then(|i| wb.get(i))
                .ok_or_else(|| branch_out_of_range(wb.len(), index))?;
            return self.read(*branch, r, depth + 1);
        }
        let (wt, rt) = (wn.schema_type(), rn.schema_type());
        if wt == rt {
            return self.read_same(w, r, wt, depth);
        }
        if let Kind::Union(rb) = &rn.kind {
            let Some(j) = self.first_matching_branch(w, rb) else {
                return Err(self.found(w, r));
            };
            let branch = rb.get(j).copied().unwrap_or(r);
            let value = self.read(w, branch, depth + 1)?;
            return Ok(AvroValue::Union {
                index: u32::try_from(j).unwrap_or(u32::MAX),
                value: Box::new(value),
            });
        }
        self.promote(w, r, wt, rt)
    }

    /// `Promote`: read the writer's scalar, widen it to the reader's type.
    #[inline(never)]
    fn promote(
        &mut self,
        w: NodeId,
        r: NodeId,
        wt: SchemaType,
        rt: SchemaType,
    ) -> Result<AvroValue, DecodeError> {
        if !promotable(wt, rt) {
            return Err(self.found(w, r));
        }
        let v = self.read_scalar(wt)?;
        Ok(match (v, rt) {
            (AvroValue::Int(i), SchemaType::Long) => AvroValue::Long(i64::from(i)),
            (AvroValue::Int(i), SchemaType::Float) => AvroValue::Float(i as f32),
            (AvroValue::Int(i), SchemaType::Double) => AvroValue::Double(f64::from(i)),
            (AvroValue::Long(i), SchemaType::Float) => AvroValue::Float(i as f32),
            (AvroValue::Long(i), SchemaType::Double) => AvroValue::Double(i as f64),
            (AvroValue::Float(f), SchemaType::Double) => AvroValue::Double(f64::from(f)),
            (AvroValue::String(s), SchemaType::Bytes) => AvroValue::Bytes(s.into_bytes()),
            (AvroValue::Bytes(b), SchemaType::String) => {
                AvroValue::String(String::from_utf8_lossy(&b).into_owned())
            }
            _ => return Err(self.found(w, r)),
        })
    }

    /// Writer and reader of the same type (`r` may be `w` itself when
    /// reading a value to promote or skip).
    fn read_same(
        &mut self,
        w: NodeId,
        r: NodeId,
        t: SchemaType,
        depth: usize,
    ) -> Result<AvroValue, DecodeError> {
        let same_schema = std::ptr::eq(self.w, self.r) && w == r;
        // Each kind in its own function: this one is on the stack once per
        // nesting level, so it stays small.
        match t {
            SchemaType::Fixed => self.read_fixed(w, r, same_schema),
            SchemaType::Enum => self.read_enum(w, r, same_schema),
            SchemaType::Array => self.read_array(w, r, same_schema, depth),
            SchemaType::Map => self.read_map(w, r, same_schema, depth),
            SchemaType::Record => self.read_record(w, r, same_schema, depth),
            // Only reached when the writer union was already unwrapped
            // (`read` handles writer unions).
            SchemaType::Union => Err(self.found(w, r)),
            scalar => self.read_scalar(scalar),
        }
    }

    #[inline(never)]
    fn read_scalar(&mut self, t: SchemaType) -> Result<AvroValue, DecodeError> {
        Ok(match t {
            SchemaType::Boolean => match self.input.byte()? {
                0 => AvroValue::Boolean(false),
                1 => AvroValue::Boolean(true),
                _ => return Err(self.input.malformed("Invalid boolean")),
            },
            SchemaType::Int => AvroValue::Int(self.input.int()?),
            SchemaType::Long => AvroValue::Long(self.input.long()?),
            SchemaType::Float => {
                let b = self.input.take(4)?;
                let mut a = [0u8; 4];
                a.copy_from_slice(b);
                AvroValue::Float(f32::from_le_bytes(a))
            }
            SchemaType::Double => {
                let b = self.input.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                AvroValue::Double(f64::from_le_bytes(a))
            }
            SchemaType::Bytes => {
                let n = self.input.length()?;
                AvroValue::Bytes(self.input.take(n)?.to_vec())
            }
            SchemaType::String => {
                let n = self.input.length()?;
                let at = self.input.pos;
                let b = self.input.take(n)?;
                match std::str::from_utf8(b) {
                    Ok(s) => AvroValue::String(s.to_string()),
                    Err(_) => {
                        return Err(DecodeError::Malformed {
                            message: "invalid UTF-8 in string".into(),
                            offset: at,
                        })
                    }
                }
            }
            _ => AvroValue::Null,
        })
    }

    #[inline(never)]
    fn read_fixed(
        &mut self,
        w: NodeId,
        r: NodeId,
        same_schema: bool,
    ) -> Result<AvroValue, DecodeError> {
        let (Kind::Fixed { size: ws, .. }, Kind::Fixed { size: rs, .. }) =
            (&self.w.node(w).kind, &self.r_node(r, same_schema).kind)
        else {
            return Err(self.found(w, r));
        };
        if !same_schema && (!self.names_match(w, r) || ws != rs) {
            return Err(self.found(w, r));
        }
        Ok(AvroValue::Fixed(self.input.take(*ws)?.to_vec()))
    }

    /// `ResolvingDecoder.readEnum` with `EnumAdjust`: by symbol, else the
    /// reader's default.
    #[inline(never)]
    fn read_enum(
        &mut self,
        w: NodeId,
        r: NodeId,
        same_schema: bool,
    ) -> Result<AvroValue, DecodeError> {
        let (
            Kind::Enum { symbols: wsyms, .. },
            Kind::Enum {
                symbols: rsyms,
                default,
                ..
            },
        ) = (&self.w.node(w).kind, &self.r_node(r, same_schema).kind)
        else {
            return Err(self.found(w, r));
        };
        if !same_schema && !self.names_match(w, r) {
            return Err(self.found(w, r));
        }
        let n = self.input.int()?;
        let symbol = usize::try_from(n)
            .ok()
            .and_then(|i| wsyms.get(i))
            .ok_or_else(|| {
                DecodeError::AvroType(format!(
                    "Enumeration out of range: must be in [0, {}), but received {n}",
                    wsyms.len()
                ))
            })?;
        let index = match rsyms.iter().position(|s| s == symbol) {
            Some(i) => i,
            None => default
                .as_ref()
                .and_then(|d| rsyms.iter().position(|s| s == d))
                .ok_or_else(|| DecodeError::AvroType(format!("No match for {symbol}")))?,
        };
        Ok(AvroValue::Enum {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            symbol: rsyms.get(index).cloned().unwrap_or_default(),
        })
    }

    #[inline(never)]
    fn read_array(
        &mut self,
        w: NodeId,
        r: NodeId,
        same_schema: bool,
        depth: usize,
    ) -> Result<AvroValue, DecodeError> {
        let (Kind::Array(wi), Kind::Array(ri)) =
            (&self.w.node(w).kind, &self.r_node(r, same_schema).kind)
        else {
            return Err(self.found(w, r));
        };
        let (wi, ri) = (*wi, *ri);
        let mut out = Vec::new();
        loop {
            let n = self.input.block()?;
            if n == 0 {
                break;
            }
            for _ in 0..n {
                out.push(self.read_pair(wi, ri, same_schema, depth + 1)?);
            }
        }
        Ok(AvroValue::Array(out))
    }

    #[inline(never)]
    fn read_map(
        &mut self,
        w: NodeId,
        r: NodeId,
        same_schema: bool,
        depth: usize,
    ) -> Result<AvroValue, DecodeError> {
        let (Kind::Map(wv), Kind::Map(rv)) =
            (&self.w.node(w).kind, &self.r_node(r, same_schema).kind)
        else {
            return Err(self.found(w, r));
        };
        let (wv, rv) = (*wv, *rv);
        let mut out = Vec::new();
        loop {
            let n = self.input.block()?;
            if n == 0 {
                break;
            }
            for _ in 0..n {
                let AvroValue::String(k) = self.read_scalar(SchemaType::String)? else {
                    return Err(self.found(w, r));
                };
                out.push((k, self.read_pair(wv, rv, same_schema, depth + 1)?));
            }
        }
        Ok(AvroValue::Map(out))
    }

    /// The reader node, or the writer's when reading with the writer schema
    /// alone (skipping, promoting).
    fn r_node(&self, r: NodeId, same_schema: bool) -> &'a super::parse::Node {
        if same_schema {
            self.w.node(r)
        } else {
            self.r.node(r)
        }
    }

    /// Read writer node `wi` as reader node `ri`, or as itself when
    /// `same_schema` (skipping a writer-only value).
    fn read_pair(
        &mut self,
        wi: NodeId,
        ri: NodeId,
        same_schema: bool,
        depth: usize,
    ) -> Result<AvroValue, DecodeError> {
        if same_schema {
            self.skip(wi, depth)
        } else {
            self.read(wi, ri, depth)
        }
    }

    /// Read a writer value with the writer schema alone (a `Skip` action).
    fn skip(&mut self, w: NodeId, depth: usize) -> Result<AvroValue, DecodeError> {
        if depth > MAX_VALUE_DEPTH {
            return Err(too_deep());
        }
        let writer = self.w;
        let wn = writer.node(w);
        if let Kind::Union(wb) = &wn.kind {
            let index = self.input.long()?;
            let branch = usize::try_from(index)
                .ok()
                .and_then(|i| wb.get(i))
                .ok_or_else(|| branch_out_of_range(wb.len(), index))?;
            let value = self.skip(*branch, depth + 1)?;
            return Ok(AvroValue::Union {
                index: u32::try_from(index).unwrap_or(u32::MAX),
                value: Box::new(value),
            });
        }
        // Reading with the writer schema as its own reader.
        let saved = self.r;
        self.r = writer;
        let result = self.read_same(w, w, wn.schema_type(), depth);
        self.r = saved;
        result
    }

    fn read_record(
        &mut self,
        w: NodeId,
        r: NodeId,
        same_schema: bool,
        depth: usize,
    ) -> Result<AvroValue, DecodeError> {
        let writer = self.w;
        let Kind::Record { fields: wf, .. } = &writer.node(w).kind else {
            return Err(self.found(w, r));
        };
        if same_schema {
            let mut out = Vec::with_capacity(wf.len());
            for f in wf {
                out.push((f.name.clone(), self.skip(f.ty, depth + 1)?));
            }
            return Ok(AvroValue::Record(out));
        }
        let plan = self.plan(w, r);
        if let Some(field) = &plan.missing {
            return Err(self.missing_field(w, r, field));
        }
        let reader = self.r;
        let Kind::Record { fields: rf, .. } = &reader.node(r).kind else {
            return Err(self.found(w, r));
        };
        let mut values: Vec<Option<AvroValue>> = vec![None; rf.len()];
        for (f, target) in wf.iter().zip(&plan.targets) {
            match target.and_then(|i| Some((i, rf.get(i)?))) {
                Some((i, rfield)) => {
                    let v = self.read(f.ty, rfield.ty, depth + 1)?;
                    if let Some(slot) = values.get_mut(i) {
                        *slot = Some(v);
                    }
                }
                None => {
                    self.skip(f.ty, depth + 1)?;
                }
            }
        }
        self.fill_defaults(w, r, values)
    }

    /// Reader-only fields take their defaults (`RecordAdjust`'s defaults).
    #[inline(never)]
    fn fill_defaults(
        &self,
        w: NodeId,
        r: NodeId,
        values: Vec<Option<AvroValue>>,
    ) -> Result<AvroValue, DecodeError> {
        let reader = self.r;
        let Kind::Record { fields: rf, .. } = &reader.node(r).kind else {
            return Err(self.found(w, r));
        };
        let mut out = Vec::with_capacity(rf.len());
        for (f, v) in rf.iter().zip(values) {
            let v = match v {
                Some(v) => v,
                None => f
                    .default
                    .as_ref()
                    .and_then(|d| default_value(reader, f.ty, d, 0))
                    .ok_or_else(|| self.missing_field(w, r, &f.name))?,
            };
            out.push((f.name.clone(), v));
        }
        Ok(AvroValue::Record(out))
    }

    /// `ErrorAction` `MISSING_REQUIRED_FIELD`.
    #[inline(never)]
    fn missing_field(&self, w: NodeId, r: NodeId, field: &str) -> DecodeError {
        DecodeError::AvroType(format!(
            "Found {}, expecting {}, missing required field {field}",
            self.w.node(w).full_name(),
            self.r.node(r).full_name()
        ))
    }
}

#[inline(never)]
fn too_deep() -> DecodeError {
    DecodeError::TooLarge(format!("nested deeper than {MAX_VALUE_DEPTH} levels"))
}

/// `Symbol.Alternative.getSymbol`'s message.
#[inline(never)]
fn branch_out_of_range(len: usize, index: i64) -> DecodeError {
    DecodeError::AvroType(format!(
        "Union branch index out of range: must be in [0, {len}), but received {index}"
    ))
}

// ------------------------------------------------------------- wire format

/// Frame an Avro body in Confluent's wire format: `0`, the id (4 bytes,
/// big-endian), the body.
pub fn frame(schema_id: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 5);
    out.push(0);
    out.extend_from_slice(&schema_id.to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// Split a framed message into the schema id and the body.
pub fn unframe(bytes: &[u8]) -> Result<(u32, &[u8]), DecodeError> {
    match bytes {
        [0, a, b, c, d, body @ ..] => Ok((u32::from_be_bytes([*a, *b, *c, *d]), body)),
        [0, ..] => Err(DecodeError::Eof {
            offset: bytes.len(),
        }),
        _ => Err(DecodeError::UnknownMagicByte),
    }
}

/// What a Confluent `KafkaAvroSerializer` sends: `value` encoded with the
/// schema registered as `id`, framed.
pub fn serialize(
    registry: &Registry,
    id: u32,
    value: &AvroValue,
) -> Result<Vec<u8>, SerializeError> {
    let schema = registry
        .schema_by_id(id)
        .ok_or(SerializeError::SchemaNotFound(id))?;
    Ok(frame(id, &encode(schema, value)?))
}

/// What a `KafkaAvroDeserializer` with a reader schema (`specific` or
/// `use.latest.version`) returns: the writer schema is looked up by the id
/// in the frame, and the body resolved against `reader`.
pub fn deserialize(
    registry: &Registry,
    reader: &Schema,
    bytes: &[u8],
) -> Result<AvroValue, DecodeError> {
    let (id, body) = unframe(bytes)?;
    let writer = registry
        .schema_by_id(id)
        .ok_or(DecodeError::SchemaNotFound(id))?;
    decode_with(writer, reader, body)
}

/// Why [`serialize`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SerializeError {
    /// No schema with that id.
    #[error("Schema {0} not found")]
    SchemaNotFound(u32),
    /// The value does not fit the schema.
    #[error(transparent)]
    Encode(#[from] EncodeError),
}
