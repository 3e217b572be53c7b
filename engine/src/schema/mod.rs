//! # Schema Registry and Avro compatibility
//!
//! What Confluent Schema Registry answers when a team registers the next
//! version of an Avro schema, and what a consumer on another version then
//! decodes. Everything here is pure and runs in the browser.
//!
//! | module | what | main items |
//! |---|---|---|
//! | [`parse`] | Avro schemas parsed over `serde_json`, with Java's `SchemaParseException` messages, names/namespaces/aliases, references, recursion, defaults validated | [`Schema::parse`], [`Schema::canonical_string`], [`ParseError`] |
//! | [`compat`] | a port of Java's `SchemaCompatibility.checkReaderWriterCompatibility`: types, messages and JSON-pointer locations in Java's order | [`check_reader_writer`], [`Incompatibility`] |
//! | [`pointer`](mod@pointer) | where a Java location (`/fields/1/type`) falls in the schema text, for highlighting | [`pointer_span`] |
//! | [`registry`] | an in-memory registry: subjects (`TopicNameStrategy`, `RecordNameStrategy`, `TopicRecordNameStrategy`), versions, global ids, levels, soft delete, the 409 body | [`Registry`], [`RegistryError`] |
//! | [`binary`] | Avro binary encoding, decoding with writer/reader resolution (defaults, promotions, enum defaults, unions) and Java's errors, Confluent's wire format | [`encode`], [`decode_with`], [`frame`], [`deserialize`], [`AvroValue`] |
//! | [`confluent`] | Confluent's levels, which versions each compares with and in which direction, and the `details` strings | [`CompatibilityLevel`], [`is_compatible`], [`registry_messages`], [`check_each_version`] |
//!
//! ## Example
//!
//! ```
//! use kplay_engine::schema::{check_reader_writer, Schema};
//!
//! let v1 = Schema::parse(r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#)?;
//! let v2 = Schema::parse(
//!     r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#,
//! )?;
//! // v2 cannot read v1's data: `b` has no default.
//! let found = check_reader_writer(&v2, &v1)?;
//! assert_eq!(found[0].kind.as_str(), "READER_FIELD_MISSING_DEFAULT_VALUE");
//! assert_eq!((found[0].location.as_str(), found[0].message.as_str()), ("/fields/1", "b"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod binary;
pub mod compat;
pub mod confluent;
pub mod parse;
pub mod pointer;
pub mod registry;
pub mod value;

pub use binary::{
    decode, decode_with, deserialize, encode, frame, serialize, unframe, DecodeError, EncodeError,
    SerializeError,
};
pub use compat::{check_reader_writer, CheckError, Incompatibility, IncompatibilityType};
pub use confluent::{
    check_each_version, is_compatible, registry_messages, CompatibilityLevel,
    InvalidCompatibilityLevel, Previous, VersionCheck,
};
pub use parse::{ParseError, Schema, SchemaType};
pub use pointer::pointer_span;
pub use registry::{
    ConflictCode, Registered, Registry, RegistryError, SubjectNameStrategy, VersionEntry,
};
pub use value::AvroValue;
