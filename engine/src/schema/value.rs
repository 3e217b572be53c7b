//! Avro data values (Java's `GenericData` model) and their JSON display.

use serde_json::Value;

use super::parse::{parse_java_double, Kind, NodeId, Schema, SchemaType};

/// One Avro datum.
#[derive(Debug, Clone, PartialEq)]
pub enum AvroValue {
    /// `null`.
    Null,
    /// `boolean`.
    Boolean(bool),
    /// `int`.
    Int(i32),
    /// `long`.
    Long(i64),
    /// `float`.
    Float(f32),
    /// `double`.
    Double(f64),
    /// `bytes`.
    Bytes(Vec<u8>),
    /// `string`.
    String(String),
    /// `fixed`: exactly the schema's size in bytes.
    Fixed(Vec<u8>),
    /// An enum symbol and its index in the schema that read it.
    Enum {
        /// Position of `symbol` in the schema's symbols.
        index: u32,
        /// The symbol.
        symbol: String,
    },
    /// `array`.
    Array(Vec<AvroValue>),
    /// `map`, in encoding order.
    Map(Vec<(String, AvroValue)>),
    /// A record's fields, in the schema's order.
    Record(Vec<(String, AvroValue)>),
    /// A union value and the branch it belongs to.
    Union {
        /// The branch index.
        index: u32,
        /// The value.
        value: Box<AvroValue>,
    },
}

impl AvroValue {
    /// The value as compact JSON for display, in the spirit of Java's
    /// `GenericData.toString`: records and maps as objects (field order
    /// kept), a union as its bare value, enums as their symbol, bytes and
    /// fixed as strings of code points `U+0000`–`U+00FF` (Avro's JSON
    /// encoding), non-finite floats as `"NaN"`, `"Infinity"`,
    /// `"-Infinity"`.
    pub fn to_json_string(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Int(i) => out.push_str(&i.to_string()),
            Self::Long(i) => out.push_str(&i.to_string()),
            Self::Float(f) => write_float(f64::from(*f), out),
            Self::Double(f) => write_float(*f, out),
            Self::Bytes(b) | Self::Fixed(b) => {
                let s: String = b.iter().map(|x| char::from(*x)).collect();
                out.push_str(&Value::String(s).to_string());
            }
            Self::String(s) => out.push_str(&Value::String(s.clone()).to_string()),
            Self::Enum { symbol, .. } => out.push_str(&Value::String(symbol.clone()).to_string()),
            Self::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_json(out);
                }
                out.push(']');
            }
            Self::Map(entries) | Self::Record(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
            Self::Union { value, .. } => value.write_json(out),
        }
    }

    /// A value of `schema` from JSON written the way field defaults are
    /// (records and maps as objects, enums as symbols, bytes and fixed as
    /// strings of `U+0000`–`U+00FF`, a union value bare: the first branch it
    /// fits is taken). `None` if the JSON does not fit the schema.
    pub fn from_json(schema: &Schema, json: &Value) -> Option<AvroValue> {
        default_value(schema, schema.root(), json, 0)
    }

    /// The value of a record field, if this is a record with that field.
    pub fn field(&self, name: &str) -> Option<&AvroValue> {
        match self {
            Self::Record(fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }
}

fn write_float(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str("\"NaN\"");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 {
            "\"Infinity\""
        } else {
            "\"-Infinity\""
        });
    } else {
        match serde_json::Number::from_f64(f) {
            Some(n) => out.push_str(&n.to_string()),
            None => out.push_str("null"),
        }
    }
}

/// The deepest value a default, an encoder or a decoder follows.
pub const MAX_VALUE_DEPTH: usize = 128;

/// A field default (JSON) as a value of node `id` (Java's
/// `GenericData.getDefaultValue`); `None` if the JSON does not fit the type.
/// A union takes the first branch the default fits (Avro 1.12 accepts a
/// default for any branch).
pub(crate) fn default_value(
    schema: &Schema,
    id: NodeId,
    json: &Value,
    depth: usize,
) -> Option<AvroValue> {
    if depth > MAX_VALUE_DEPTH {
        return None;
    }
    let node = schema.node(id);
    Some(match &node.kind {
        Kind::Primitive(t) => match t {
            SchemaType::Null => json.is_null().then_some(AvroValue::Null)?,
            SchemaType::Boolean => AvroValue::Boolean(json.as_bool()?),
            SchemaType::Int => AvroValue::Int(i32::try_from(json.as_i64()?).ok()?),
            SchemaType::Long => AvroValue::Long(json.as_i64()?),
            SchemaType::Float => AvroValue::Float(number(json)? as f32),
            SchemaType::Double => AvroValue::Double(number(json)?),
            SchemaType::Bytes => AvroValue::Bytes(latin1(json.as_str()?)?),
            SchemaType::String => AvroValue::String(json.as_str()?.to_string()),
            _ => return None,
        },
        Kind::Fixed { size, .. } => {
            let b = latin1(json.as_str()?)?;
            if b.len() != *size {
                return None;
            }
            AvroValue::Fixed(b)
        }
        Kind::Enum { symbols, .. } => {
            let s = json.as_str()?;
            let index = symbols.iter().position(|x| x == s)?;
            AvroValue::Enum {
                index: u32::try_from(index).ok()?,
                symbol: s.to_string(),
            }
        }
        Kind::Array(items) => {
            let mut out = Vec::new();
            for v in json.as_array()? {
                out.push(default_value(schema, *items, v, depth + 1)?);
            }
            AvroValue::Array(out)
        }
        Kind::Map(values) => {
            let mut out = Vec::new();
            for (k, v) in json.as_object()? {
                out.push((k.clone(), default_value(schema, *values, v, depth + 1)?));
            }
            AvroValue::Map(out)
        }
        Kind::Record { fields, .. } => {
            let obj = json.as_object()?;
            let mut out = Vec::new();
            for f in fields {
                let v = obj.get(&f.name).or(f.default.as_ref())?;
                out.push((f.name.clone(), default_value(schema, f.ty, v, depth + 1)?));
            }
            AvroValue::Record(out)
        }
        Kind::Union(branches) => {
            let (index, value) = branches
                .iter()
                .enumerate()
                .find_map(|(i, b)| Some((i, default_value(schema, *b, json, depth + 1)?)))?;
            AvroValue::Union {
                index: u32::try_from(index).ok()?,
                value: Box::new(value),
            }
        }
    })
}

fn number(json: &Value) -> Option<f64> {
    json.as_f64()
        .or_else(|| json.as_str().and_then(parse_java_double))
}

/// Avro's JSON encoding of bytes: each char is one byte (`U+0000`–`U+00FF`).
fn latin1(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}
