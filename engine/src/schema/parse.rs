//! Avro schema parsing over `serde_json`, after Java's `Schema.parse`
//! (`org.apache.avro.Schema#parse(JsonNode, ParseContext, String)`,
//! `parseRecord`, `parseField`, `parseEnum`, `parseArray`, `parseMap`,
//! `parseFixed`, `parseUnion`) and its error messages.
//!
//! A parsed [`Schema`] is an arena of nodes. A named type (record, enum,
//! fixed) is one node, and every reference to its name points at that node,
//! exactly as Java's parser hands out the same `Schema` object for every use
//! of a name. Every occurrence of a primitive, array, map or union is a node
//! of its own (Java's `Schema.create` makes a new object each time). The
//! checker in [`super::compat`] memoises by node pair the way Java memoises by
//! object identity, so recursion and repeated pairs behave as in Java.
//!
//! Names must be defined before they are used (Avro 1.11's rule; a record's
//! own name is known inside its fields, so recursive types work). Avro 1.12
//! also accepts forward references; kplay does not.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The largest schema text accepted, in bytes (1 MiB).
///
/// Confluent's registry has its own limit (error 42209, "schema too large");
/// this one keeps the browser responsive.
pub const MAX_SCHEMA_BYTES: usize = 1 << 20;

/// The deepest JSON nesting accepted (objects and arrays), checked before
/// `serde_json` runs. `serde_json` stops at 128 levels with a bare
/// "recursion limit exceeded"; this limit is lower so that the error always
/// names the cause. A record nested in a record costs three levels (`{`,
/// `"fields": [`, `{`), so about 20 levels of nested records fit. The limit
/// also keeps the checker and the decoder, which recurse along the schema,
/// well inside the 1 MiB stack of wasm32-unknown-unknown.
pub const MAX_JSON_DEPTH: usize = 64;

/// Why a schema text is not a valid Avro schema.
///
/// The `SchemaParse` and `AvroType` messages are Java's
/// (`SchemaParseException`, `AvroTypeException`, `AvroRuntimeException`
/// thrown while parsing); the others are kplay's limits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The text is not JSON (Java wraps Jackson's error in a
    /// `SchemaParseException`).
    #[error("invalid JSON: {0}")]
    Json(String),
    /// The text is larger than [`MAX_SCHEMA_BYTES`].
    #[error("schema is {bytes} bytes; kplay accepts at most {limit} bytes")]
    TooLarge {
        /// Size of the text.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The JSON nests deeper than [`MAX_JSON_DEPTH`].
    #[error("schema JSON nests deeper than {limit} levels (at byte {offset})")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Byte offset where the limit was crossed.
        offset: usize,
    },
    /// Java's `SchemaParseException` (and the `AvroRuntimeException`s the
    /// schema constructors throw), with Java's message.
    #[error("{0}")]
    SchemaParse(String),
    /// Java's `AvroTypeException` at parse time (invalid default, a named
    /// type called after a primitive), with Java's message.
    #[error("{0}")]
    AvroType(String),
}

/// Index of a node in a [`Schema`]'s arena.
pub(crate) type NodeId = usize;

/// Avro's schema types, named as Java's `Schema.Type` prints them
/// (`RECORD`, `INT`, …) by [`SchemaType::java_name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SchemaType {
    /// `record` (or `error`).
    Record,
    /// `enum`.
    Enum,
    /// `array`.
    Array,
    /// `map`.
    Map,
    /// A union, written as a JSON array.
    Union,
    /// `fixed`.
    Fixed,
    /// `string`.
    String,
    /// `bytes`.
    Bytes,
    /// `int`.
    Int,
    /// `long`.
    Long,
    /// `float`.
    Float,
    /// `double`.
    Double,
    /// `boolean`.
    Boolean,
    /// `null`.
    Null,
}

impl SchemaType {
    /// The name Java's `Schema.Type.toString()` gives (`"INT"`), used in
    /// `SchemaCompatibility` messages.
    pub fn java_name(self) -> &'static str {
        match self {
            Self::Record => "RECORD",
            Self::Enum => "ENUM",
            Self::Array => "ARRAY",
            Self::Map => "MAP",
            Self::Union => "UNION",
            Self::Fixed => "FIXED",
            Self::String => "STRING",
            Self::Bytes => "BYTES",
            Self::Int => "INT",
            Self::Long => "LONG",
            Self::Float => "FLOAT",
            Self::Double => "DOUBLE",
            Self::Boolean => "BOOLEAN",
            Self::Null => "NULL",
        }
    }

    /// The lower-case name (`Schema.Type.getName()`, `"int"`), which is also
    /// an unnamed schema's `getFullName()`.
    pub fn avro_name(self) -> &'static str {
        match self {
            Self::Record => "record",
            Self::Enum => "enum",
            Self::Array => "array",
            Self::Map => "map",
            Self::Union => "union",
            Self::Fixed => "fixed",
            Self::String => "string",
            Self::Bytes => "bytes",
            Self::Int => "int",
            Self::Long => "long",
            Self::Float => "float",
            Self::Double => "double",
            Self::Boolean => "boolean",
            Self::Null => "null",
        }
    }

    fn primitive(name: &str) -> Option<Self> {
        Some(match name {
            "string" => Self::String,
            "bytes" => Self::Bytes,
            "int" => Self::Int,
            "long" => Self::Long,
            "float" => Self::Float,
            "double" => Self::Double,
            "boolean" => Self::Boolean,
            "null" => Self::Null,
            _ => return None,
        })
    }
}

/// A name with its namespace, as Java's `Schema.Name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    pub(crate) name: String,
    pub(crate) space: Option<String>,
    pub(crate) full: String,
}

impl Name {
    /// `new Name(name, space)`: a dotted name carries its own namespace; an
    /// empty namespace is no namespace.
    fn new(name: &str, space: Option<&str>) -> Result<Self, ParseError> {
        let (short, space) = match name.rfind('.') {
            Some(dot) => (&name[dot + 1..], Some(&name[..dot])),
            None => (name, space),
        };
        validate_name(Some(short))?;
        let space = space.filter(|s| !s.is_empty()).map(str::to_string);
        let full = match &space {
            Some(s) => format!("{s}.{short}"),
            None => short.to_string(),
        };
        Ok(Self {
            name: short.to_string(),
            space,
            full,
        })
    }

    /// `Name.getQualified(defaultSpace)`: the short name when the namespace
    /// is the enclosing one (unless it would read as a type name).
    fn qualified(&self, default_space: Option<&str>) -> &str {
        if self.space.is_some() && self.space.as_deref() == default_space {
            let clashes = SchemaType::primitive(&self.name).is_some()
                || matches!(
                    self.name.as_str(),
                    "record" | "enum" | "array" | "map" | "union" | "fixed"
                );
            if !clashes {
                return &self.name;
            }
        }
        &self.full
    }
}

/// `NameValidator.UTF_VALIDATOR`: a letter or `_`, then letters, digits or
/// `_`.
fn validate_name(name: Option<&str>) -> Result<(), ParseError> {
    let Some(name) = name else {
        return Err(ParseError::SchemaParse("Null name".into()));
    };
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err(ParseError::SchemaParse("Empty name".into()));
    };
    if !(first.is_alphabetic() || first == '_') {
        return Err(ParseError::SchemaParse(format!(
            "Illegal initial character: {name}"
        )));
    }
    if chars.any(|c| !(c.is_alphanumeric() || c == '_')) {
        return Err(ParseError::SchemaParse(format!(
            "Illegal character in: {name}"
        )));
    }
    Ok(())
}

/// One field of a record.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) ty: NodeId,
    pub(crate) doc: Option<String>,
    pub(crate) default: Option<Value>,
    pub(crate) order: Option<String>,
    pub(crate) aliases: Vec<String>,
    pub(crate) props: Vec<(String, Value)>,
}

/// The parts every named type has.
#[derive(Debug, Clone)]
pub(crate) struct Named {
    pub(crate) name: Name,
    pub(crate) doc: Option<String>,
    /// `getAliases()`: full names (Java's quirk: `"." + name` for an alias
    /// without namespace on a namespaced type).
    pub(crate) aliases: Vec<String>,
    /// The aliases as written back by `aliasesToJson`.
    alias_names: Vec<Name>,
}

/// A schema node.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Primitive(SchemaType),
    Array(NodeId),
    Map(NodeId),
    Union(Vec<NodeId>),
    Record {
        named: Named,
        fields: Vec<Field>,
        is_error: bool,
    },
    Enum {
        named: Named,
        symbols: Vec<String>,
        default: Option<String>,
    },
    Fixed {
        named: Named,
        size: usize,
    },
}

/// A node and its extra JSON properties (`logicalType` among them: logical
/// types are kept, and ignored for compatibility as Java does).
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) props: Vec<(String, Value)>,
}

impl Node {
    pub(crate) fn schema_type(&self) -> SchemaType {
        match &self.kind {
            Kind::Primitive(t) => *t,
            Kind::Array(_) => SchemaType::Array,
            Kind::Map(_) => SchemaType::Map,
            Kind::Union(_) => SchemaType::Union,
            Kind::Record { .. } => SchemaType::Record,
            Kind::Enum { .. } => SchemaType::Enum,
            Kind::Fixed { .. } => SchemaType::Fixed,
        }
    }

    pub(crate) fn named(&self) -> Option<&Named> {
        match &self.kind {
            Kind::Record { named, .. } | Kind::Enum { named, .. } | Kind::Fixed { named, .. } => {
                Some(named)
            }
            _ => None,
        }
    }

    /// Java's `getFullName()`: the full name of a named type, else the type
    /// name (`"int"`, `"array"`, `"union"`).
    pub(crate) fn full_name(&self) -> &str {
        match self.named() {
            Some(n) => &n.name.full,
            None => self.schema_type().avro_name(),
        }
    }
}

/// A parsed Avro schema.
#[derive(Debug, Clone)]
pub struct Schema {
    nodes: Vec<Node>,
    root: NodeId,
}

impl Schema {
    /// Parse a schema from its JSON text, as Java's `new Schema.Parser()
    /// .parse(text)` does (defaults validated).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        Self::parse_inner(text, true)
    }

    /// Parse without validating field defaults, as Confluent parses schemas
    /// it has already stored (`Schema.Parser().setValidateDefaults(false)`;
    /// only *new* schemas are validated, `schema.validate.new.schemas`). An
    /// invalid default still counts as "has a default" for compatibility, as
    /// in Java; a decoder that needs it reports the field as missing.
    pub fn parse_unvalidated(text: &str) -> Result<Self, ParseError> {
        Self::parse_inner(text, false)
    }

    fn parse_inner(text: &str, validate_defaults: bool) -> Result<Self, ParseError> {
        if text.len() > MAX_SCHEMA_BYTES {
            return Err(ParseError::TooLarge {
                bytes: text.len(),
                limit: MAX_SCHEMA_BYTES,
            });
        }
        check_depth(text)?;
        let json: Value =
            serde_json::from_str(text).map_err(|e| ParseError::Json(e.to_string()))?;
        let mut parser = Parser {
            validate_defaults,
            ..Parser::default()
        };
        let root = parser.parse(&json, None, 0)?;
        Ok(Self {
            nodes: parser.nodes,
            root,
        })
    }

    /// The top-level schema's type.
    pub fn schema_type(&self) -> SchemaType {
        self.node(self.root).schema_type()
    }

    /// The top-level schema's full name (`getFullName()`): the full name of
    /// a named type, else the type name.
    pub fn full_name(&self) -> &str {
        self.node(self.root).full_name()
    }

    /// The top-level type's name if it is a record, enum or fixed.
    pub fn record_name(&self) -> Option<&str> {
        self.node(self.root).named().map(|n| n.name.full.as_str())
    }

    /// The schema as Java's `Schema.toString()` writes it: compact JSON,
    /// each named type defined once and referenced by name afterwards, with
    /// docs, defaults, aliases and properties kept. Confluent stores and
    /// returns this string (`AvroSchema.canonicalString()`) and compares it
    /// to find an identical registered schema.
    ///
    /// Simplification: extra properties are written in key order (Java keeps
    /// the input's order).
    pub fn canonical_string(&self) -> String {
        let mut out = String::new();
        let mut known = Vec::new();
        self.write_json(self.root, None, &mut known, &mut out);
        out
    }

    pub(crate) fn root(&self) -> NodeId {
        self.root
    }

    /// The node `id`. Ids come from this schema's own arena; an id from
    /// elsewhere reads as `null` rather than panicking.
    pub(crate) fn node(&self, id: NodeId) -> &Node {
        /// Never reached: `parse` only returns a schema whose ids are its own.
        static MISSING: Node = Node {
            kind: Kind::Primitive(SchemaType::Null),
            props: Vec::new(),
        };
        self.nodes.get(id).unwrap_or(&MISSING)
    }

    fn write_json(
        &self,
        id: NodeId,
        space: Option<&str>,
        known: &mut Vec<String>,
        out: &mut String,
    ) {
        let node = self.node(id);
        if let Some(named) = node.named() {
            if known.contains(&named.name.full) {
                push_json_string(out, named.name.qualified(space));
                return;
            }
            known.push(named.name.full.clone());
        }
        match &node.kind {
            Kind::Primitive(t) => {
                if node.props.is_empty() {
                    push_json_string(out, t.avro_name());
                } else {
                    out.push_str("{\"type\":");
                    push_json_string(out, t.avro_name());
                    write_props(&node.props, out);
                    out.push('}');
                }
            }
            Kind::Array(items) => {
                out.push_str("{\"type\":\"array\",\"items\":");
                self.write_json(*items, space, known, out);
                write_props(&node.props, out);
                out.push('}');
            }
            Kind::Map(values) => {
                out.push_str("{\"type\":\"map\",\"values\":");
                self.write_json(*values, space, known, out);
                write_props(&node.props, out);
                out.push('}');
            }
            Kind::Union(branches) => {
                out.push('[');
                for (i, b) in branches.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.write_json(*b, space, known, out);
                }
                out.push(']');
            }
            Kind::Record {
                named,
                fields,
                is_error,
            } => {
                out.push_str(if *is_error {
                    "{\"type\":\"error\""
                } else {
                    "{\"type\":\"record\""
                });
                write_name(&named.name, space, out);
                write_doc(&named.doc, out);
                out.push_str(",\"fields\":[");
                for (i, f) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str("{\"name\":");
                    push_json_string(out, &f.name);
                    out.push_str(",\"type\":");
                    self.write_json(f.ty, named.name.space.as_deref(), known, out);
                    write_doc(&f.doc, out);
                    if let Some(d) = &f.default {
                        out.push_str(",\"default\":");
                        out.push_str(&d.to_string());
                    }
                    if let Some(o) = &f.order {
                        out.push_str(",\"order\":");
                        push_json_string(out, o);
                    }
                    if !f.aliases.is_empty() {
                        out.push_str(",\"aliases\":[");
                        for (j, a) in f.aliases.iter().enumerate() {
                            if j > 0 {
                                out.push(',');
                            }
                            push_json_string(out, a);
                        }
                        out.push(']');
                    }
                    write_props(&f.props, out);
                    out.push('}');
                }
                out.push(']');
                write_props(&node.props, out);
                write_aliases(named, out);
                out.push('}');
            }
            Kind::Enum {
                named,
                symbols,
                default,
            } => {
                out.push_str("{\"type\":\"enum\"");
                write_name(&named.name, space, out);
                write_doc(&named.doc, out);
                out.push_str(",\"symbols\":[");
                for (i, s) in symbols.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_json_string(out, s);
                }
                out.push(']');
                if let Some(d) = default {
                    out.push_str(",\"default\":");
                    push_json_string(out, d);
                }
                write_props(&node.props, out);
                write_aliases(named, out);
                out.push('}');
            }
            Kind::Fixed { named, size } => {
                out.push_str("{\"type\":\"fixed\"");
                write_name(&named.name, space, out);
                write_doc(&named.doc, out);
                out.push_str(",\"size\":");
                out.push_str(&size.to_string());
                write_props(&node.props, out);
                write_aliases(named, out);
                out.push('}');
            }
        }
    }

    /// The JSON of node `id` as Java's `Schema.toString()` would print that
    /// sub-schema on its own.
    pub(crate) fn node_json(&self, id: NodeId) -> String {
        let mut out = String::new();
        let mut known = Vec::new();
        self.write_json(id, None, &mut known, &mut out);
        out
    }
}

impl std::fmt::Display for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.canonical_string())
    }
}

fn push_json_string(out: &mut String, s: &str) {
    out.push_str(&Value::String(s.to_string()).to_string());
}

/// `Name.writeName(currentNamespace, gen)`.
fn write_name(name: &Name, current: Option<&str>, out: &mut String) {
    out.push_str(",\"name\":");
    push_json_string(out, &name.name);
    match (&name.space, current) {
        (Some(s), cur) if Some(s.as_str()) != cur => {
            out.push_str(",\"namespace\":");
            push_json_string(out, s);
        }
        (None, Some(_)) => out.push_str(",\"namespace\":\"\""),
        _ => {}
    }
}

fn write_doc(doc: &Option<String>, out: &mut String) {
    if let Some(d) = doc {
        out.push_str(",\"doc\":");
        push_json_string(out, d);
    }
}

fn write_props(props: &[(String, Value)], out: &mut String) {
    for (k, v) in props {
        out.push(',');
        push_json_string(out, k);
        out.push(':');
        out.push_str(&v.to_string());
    }
}

fn write_aliases(named: &Named, out: &mut String) {
    if named.alias_names.is_empty() {
        return;
    }
    out.push_str(",\"aliases\":[");
    for (i, a) in named.alias_names.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(out, a.qualified(named.name.space.as_deref()));
    }
    out.push(']');
}

/// Reject JSON nested deeper than [`MAX_JSON_DEPTH`] before `serde_json`
/// sees it (its own limit, 128, gives a less helpful message).
fn check_depth(text: &str) -> Result<(), ParseError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, b) in text.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(ParseError::TooDeep {
                        limit: MAX_JSON_DEPTH,
                        offset,
                    });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

const SCHEMA_RESERVED: &[&str] = &[
    "doc",
    "fields",
    "items",
    "name",
    "namespace",
    "size",
    "symbols",
    "values",
    "type",
    "aliases",
];
const FIELD_RESERVED: &[&str] = &["default", "doc", "name", "order", "type", "aliases"];

fn props(obj: &Map<String, Value>, reserved: &[&str], also: &[&str]) -> Vec<(String, Value)> {
    obj.iter()
        .filter(|(k, _)| !reserved.contains(&k.as_str()) && !also.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// `getOptionalText`: Jackson's `textValue()` is null for non-strings.
fn text<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
}

/// `getRequiredText(container, key, error)`.
fn required_text<'a>(
    obj: &'a Map<String, Value>,
    whole: &Value,
    key: &str,
    error: &str,
) -> Result<&'a str, ParseError> {
    text(obj, key).ok_or_else(|| ParseError::SchemaParse(format!("{error}: {whole}")))
}

#[derive(Default)]
struct Parser {
    nodes: Vec<Node>,
    names: BTreeMap<String, NodeId>,
    validate_defaults: bool,
}

impl Parser {
    fn push(&mut self, kind: Kind, props: Vec<(String, Value)>) -> NodeId {
        self.nodes.push(Node { kind, props });
        self.nodes.len() - 1
    }

    /// `ParseContext.find(name, namespace)`: a primitive, else the name in
    /// the current namespace, else the name as written.
    fn find(
        &mut self,
        name: &str,
        space: Option<&str>,
        json: &Value,
    ) -> Result<NodeId, ParseError> {
        if let Some(t) = SchemaType::primitive(name) {
            return Ok(self.push(Kind::Primitive(t), Vec::new()));
        }
        let full = match space {
            Some(s) if !name.contains('.') && !s.is_empty() => format!("{s}.{name}"),
            _ => name.to_string(),
        };
        if let Some(id) = self.names.get(&full).or_else(|| self.names.get(name)) {
            return Ok(*id);
        }
        Err(ParseError::SchemaParse(format!("Undefined name: {json}")))
    }

    /// `ParseContext.put`: a full name is defined once; namespace parts are
    /// validated here as in Java.
    fn define(&mut self, name: &Name, id: NodeId) -> Result<(), ParseError> {
        if let Some(space) = &name.space {
            for part in space.split('.') {
                if let Err(ParseError::SchemaParse(e)) = validate_name(Some(part)) {
                    return Err(ParseError::SchemaParse(format!(
                        "Namespace part \"{part}\" is invalid: {e}"
                    )));
                }
            }
        }
        if self.names.contains_key(&name.full) {
            return Err(ParseError::SchemaParse(format!(
                "Can't redefine: {}",
                name.full
            )));
        }
        self.names.insert(name.full.clone(), id);
        Ok(())
    }

    fn parse(
        &mut self,
        json: &Value,
        space: Option<&str>,
        depth: usize,
    ) -> Result<NodeId, ParseError> {
        if depth > MAX_JSON_DEPTH {
            return Err(ParseError::TooDeep {
                limit: MAX_JSON_DEPTH,
                offset: 0,
            });
        }
        match json {
            Value::String(name) => self.find(name, space, json),
            Value::Object(obj) => {
                let ty = required_text(obj, json, "type", "No type")?;
                if let Some(t) = SchemaType::primitive(ty) {
                    let p = props(obj, SCHEMA_RESERVED, &[]);
                    return Ok(self.push(Kind::Primitive(t), p));
                }
                match ty {
                    "record" | "error" => self.parse_record(obj, json, space, ty == "error", depth),
                    "enum" => self.parse_enum(obj, json, space),
                    "array" => {
                        let items = obj.get("items").ok_or_else(|| {
                            ParseError::SchemaParse(format!("Array has no items type: {json}"))
                        })?;
                        let items = self.parse(items, space, depth + 1)?;
                        Ok(self.push(Kind::Array(items), props(obj, SCHEMA_RESERVED, &[])))
                    }
                    "map" => {
                        let values = obj.get("values").ok_or_else(|| {
                            ParseError::SchemaParse(format!("Map has no values type: {json}"))
                        })?;
                        let values = self.parse(values, space, depth + 1)?;
                        Ok(self.push(Kind::Map(values), props(obj, SCHEMA_RESERVED, &[])))
                    }
                    "fixed" => self.parse_fixed(obj, json, space),
                    _ => Err(ParseError::SchemaParse(
                        "A schema \"type\" MUST be a primitive type or one of \"enum\", \"fixed\", \
                         \"record\", \"error\", \"array\" or \"map\"."
                            .into(),
                    )),
                }
            }
            Value::Array(items) => {
                let mut branches = Vec::with_capacity(items.len().min(64));
                for item in items {
                    branches.push(self.parse(item, space, depth + 1)?);
                }
                // `UnionSchema(types)`: no nested unions, one branch per name.
                let mut seen: Vec<&str> = Vec::new();
                for b in &branches {
                    let node = self.nodes.get(*b);
                    if node.map(Node::schema_type) == Some(SchemaType::Union) {
                        return Err(ParseError::SchemaParse(format!("Nested union: {json}")));
                    }
                    let name = node.map_or("", Node::full_name);
                    if seen.contains(&name) {
                        return Err(ParseError::SchemaParse(format!(
                            "Duplicate in union:{name}"
                        )));
                    }
                    seen.push(name);
                }
                Ok(self.push(Kind::Union(branches), Vec::new()))
            }
            _ => Err(ParseError::SchemaParse(format!(
                "Schema not yet supported: {json}"
            ))),
        }
    }

    /// `parseName` plus the `NamedSchema` constructor's check.
    fn named(
        &self,
        obj: &Map<String, Value>,
        json: &Value,
        space: Option<&str>,
    ) -> Result<Named, ParseError> {
        // `parseName`: a missing (or non-text) namespace inherits the
        // enclosing one; `""` means none.
        let space = text(obj, "namespace").or(space);
        let name = Name::new(
            required_text(obj, json, "name", "No name in schema")?,
            space,
        )?;
        if SchemaType::primitive(&name.full).is_some() {
            return Err(ParseError::AvroType(format!(
                "Schemas may not be named after primitives: {}",
                name.full
            )));
        }
        let doc = text(obj, "doc").map(str::to_string);
        let mut alias_names = Vec::new();
        let mut aliases = Vec::new();
        if let Some(list) = parse_aliases(obj, json)? {
            for a in list {
                let alias = Name::new(a, name.space.as_deref())?;
                let shown = if alias.space.is_none() && name.space.is_some() {
                    format!(".{}", alias.name)
                } else {
                    alias.full.clone()
                };
                if !aliases.contains(&shown) {
                    aliases.push(shown);
                    alias_names.push(alias);
                }
            }
        }
        Ok(Named {
            name,
            doc,
            aliases,
            alias_names,
        })
    }

    fn parse_record(
        &mut self,
        obj: &Map<String, Value>,
        json: &Value,
        space: Option<&str>,
        is_error: bool,
        depth: usize,
    ) -> Result<NodeId, ParseError> {
        let named = self.named(obj, json, space)?;
        let Some(Value::Array(field_nodes)) = obj.get("fields") else {
            return Err(ParseError::SchemaParse(format!(
                "Record has no fields: {json}"
            )));
        };
        // Define the name first so that fields can refer to the record.
        let id = self.push(
            Kind::Record {
                named: named.clone(),
                fields: Vec::new(),
                is_error,
            },
            Vec::new(),
        );
        self.define(&named.name, id)?;
        let field_space = named.name.space.clone();
        let mut fields: Vec<Field> = Vec::new();
        let mut positions: BTreeMap<String, usize> = BTreeMap::new();
        for f in field_nodes {
            let field = self.parse_field(f, field_space.as_deref(), depth)?;
            if let Some(&pos) = positions.get(&field.name) {
                let Some(existing) = fields.get(pos) else {
                    continue;
                };
                let (ft, et) = (
                    self.type_of(field.ty).java_name(),
                    self.type_of(existing.ty).java_name(),
                );
                return Err(ParseError::SchemaParse(format!(
                    "Duplicate field {} in record {}: {} type:{} pos:{} and {} type:{} pos:{}.",
                    field.name,
                    named.name.full,
                    field.name,
                    ft,
                    fields.len(),
                    existing.name,
                    et,
                    pos
                )));
            }
            positions.insert(field.name.clone(), fields.len());
            fields.push(field);
        }
        let p = props(obj, SCHEMA_RESERVED, &[]);
        if let Some(node) = self.nodes.get_mut(id) {
            node.kind = Kind::Record {
                named,
                fields,
                is_error,
            };
            node.props = p;
        }
        Ok(id)
    }

    fn type_of(&self, id: NodeId) -> SchemaType {
        self.nodes
            .get(id)
            .map_or(SchemaType::Null, Node::schema_type)
    }

    fn parse_field(
        &mut self,
        json: &Value,
        space: Option<&str>,
        depth: usize,
    ) -> Result<Field, ParseError> {
        let Value::Object(obj) = json else {
            return Err(ParseError::SchemaParse(format!("No field name: {json}")));
        };
        let name = required_text(obj, json, "name", "No field name")?.to_string();
        let doc = text(obj, "doc").map(str::to_string);
        let Some(ty_json) = obj.get("type") else {
            return Err(ParseError::SchemaParse(format!("No field type: {json}")));
        };
        let ty = self.parse(ty_json, space, depth + 3)?;
        let order = match obj.get("order") {
            None => None,
            Some(o) => {
                let upper = o.as_str().unwrap_or("null").to_ascii_uppercase();
                match upper.as_str() {
                    "ASCENDING" => None,
                    "DESCENDING" | "IGNORE" => Some(upper.to_ascii_lowercase()),
                    _ => {
                        return Err(ParseError::SchemaParse(format!(
                            "No enum constant org.apache.avro.Schema.Field.Order.{upper}"
                        )))
                    }
                }
            }
        };
        let mut default = obj.get("default").cloned();
        // Java reads a textual default of a float/double field as a number.
        let ty_type = self.type_of(ty);
        if let Some(Value::String(s)) = &default {
            if matches!(ty_type, SchemaType::Float | SchemaType::Double) {
                match parse_java_double(s) {
                    Some(x) => {
                        if let Some(n) = serde_json::Number::from_f64(x) {
                            default = Some(Value::Number(n));
                        }
                    }
                    None => {
                        return Err(ParseError::SchemaParse(format!(
                            "java.lang.NumberFormatException: For input string: \"{s}\""
                        )))
                    }
                }
            }
        }
        validate_name(Some(&name))?;
        if let Some(d) = default.as_ref().filter(|_| self.validate_defaults) {
            if !self.is_valid_default(ty, d, 0) {
                let mut known = Vec::new();
                let mut shown = String::new();
                let schema = Schema {
                    nodes: self.nodes.clone(),
                    root: ty,
                };
                schema.write_json(ty, None, &mut known, &mut shown);
                return Err(ParseError::AvroType(format!(
                    "Invalid default for field {name}: {d} not a {shown}"
                )));
            }
        }
        let aliases = parse_aliases(obj, json)?
            .map(|v| {
                let mut out: Vec<String> = Vec::new();
                for a in v {
                    if !out.iter().any(|x| x == a) {
                        out.push(a.to_string());
                    }
                }
                out
            })
            .unwrap_or_default();
        Ok(Field {
            name,
            ty,
            doc,
            default,
            order,
            aliases,
            props: props(obj, FIELD_RESERVED, &[]),
        })
    }

    fn parse_enum(
        &mut self,
        obj: &Map<String, Value>,
        json: &Value,
        space: Option<&str>,
    ) -> Result<NodeId, ParseError> {
        let named = self.named(obj, json, space)?;
        let Some(Value::Array(list)) = obj.get("symbols") else {
            return Err(ParseError::SchemaParse(format!(
                "Enum has no symbols: {json}"
            )));
        };
        let default = text(obj, "default").map(str::to_string);
        let mut symbols: Vec<String> = Vec::new();
        for s in list {
            let s = s.as_str();
            validate_name(s)?;
            let s = s.unwrap_or_default().to_string();
            if symbols.contains(&s) {
                return Err(ParseError::SchemaParse(format!(
                    "Duplicate enum symbol: {s}"
                )));
            }
            symbols.push(s);
        }
        if let Some(d) = &default {
            if !symbols.contains(d) {
                return Err(ParseError::SchemaParse(format!(
                    "The Enum Default: {d} is not in the enum symbol set: [{}]",
                    symbols.join(", ")
                )));
            }
        }
        let p = props(obj, SCHEMA_RESERVED, &["default"]);
        let name = named.name.clone();
        let id = self.push(
            Kind::Enum {
                named,
                symbols,
                default,
            },
            p,
        );
        self.define(&name, id)?;
        Ok(id)
    }

    fn parse_fixed(
        &mut self,
        obj: &Map<String, Value>,
        json: &Value,
        space: Option<&str>,
    ) -> Result<NodeId, ParseError> {
        let named = self.named(obj, json, space)?;
        let size = obj
            .get("size")
            .and_then(Value::as_i64)
            .filter(|s| i32::try_from(*s).is_ok())
            .ok_or_else(|| ParseError::SchemaParse(format!("Invalid or no size: {json}")))?;
        let size = usize::try_from(size).map_err(|_| {
            ParseError::SchemaParse(format!("Malformed data. Length is negative: {size}"))
        })?;
        let name = named.name.clone();
        let id = self.push(
            Kind::Fixed { named, size },
            props(obj, SCHEMA_RESERVED, &[]),
        );
        self.define(&name, id)?;
        Ok(id)
    }

    /// `Schema.isValidDefault(schema, value)` (Avro 1.12: a union default
    /// may match any branch).
    fn is_valid_default(&self, id: NodeId, v: &Value, depth: usize) -> bool {
        let Some(node) = self.nodes.get(id) else {
            return false;
        };
        if depth > MAX_JSON_DEPTH {
            return false;
        }
        match &node.kind {
            Kind::Primitive(t) => match t {
                SchemaType::String | SchemaType::Bytes => v.is_string(),
                SchemaType::Int => v.as_i64().is_some_and(|x| i32::try_from(x).is_ok()),
                SchemaType::Long => {
                    v.is_i64() || v.as_u64().is_some_and(|x| i64::try_from(x).is_ok())
                }
                // A textual default Java could not hold as a JSON number
                // (NaN, Infinity) was already parsed as a double.
                SchemaType::Float | SchemaType::Double => {
                    v.is_number() || v.as_str().and_then(parse_java_double).is_some()
                }
                SchemaType::Boolean => v.is_boolean(),
                SchemaType::Null => v.is_null(),
                _ => false,
            },
            Kind::Enum { .. } | Kind::Fixed { .. } => v.is_string(),
            Kind::Array(items) => match v {
                Value::Array(a) => a
                    .iter()
                    .all(|e| self.is_valid_default(*items, e, depth + 1)),
                _ => false,
            },
            Kind::Map(values) => match v {
                Value::Object(m) => m
                    .values()
                    .all(|e| self.is_valid_default(*values, e, depth + 1)),
                _ => false,
            },
            Kind::Union(branches) => branches
                .iter()
                .any(|b| self.is_valid_default(*b, v, depth + 1)),
            Kind::Record { fields, .. } => match v {
                Value::Object(m) => {
                    fields
                        .iter()
                        .all(|f| match m.get(&f.name).or(f.default.as_ref()) {
                            Some(fv) => self.is_valid_default(f.ty, fv, depth + 1),
                            None => false,
                        })
                }
                _ => false,
            },
        }
    }
}

/// `Schema.parseAliases(node)`.
fn parse_aliases<'a>(
    obj: &'a Map<String, Value>,
    json: &Value,
) -> Result<Option<Vec<&'a str>>, ParseError> {
    let Some(node) = obj.get("aliases") else {
        return Ok(None);
    };
    let Value::Array(list) = node else {
        return Err(ParseError::SchemaParse(format!(
            "aliases not an array: {json}"
        )));
    };
    let mut out = Vec::with_capacity(list.len().min(64));
    for a in list {
        match a.as_str() {
            Some(s) => out.push(s),
            None => return Err(ParseError::SchemaParse(format!("alias not a string: {a}"))),
        }
    }
    Ok(Some(out))
}

/// `Double.parseDouble` for the spellings Java accepts beyond Rust's.
pub(crate) fn parse_java_double(s: &str) -> Option<f64> {
    let t = s.trim();
    match t {
        "NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => {
            let lower = t.to_ascii_lowercase();
            if lower.contains("inf") || lower.contains("nan") {
                return None;
            }
            let t = t.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(t);
            t.parse::<f64>().ok()
        }
    }
}
