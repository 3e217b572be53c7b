//! `kplay schema` — Avro compatibility as Confluent Schema Registry decides it.
//!
//! ```text
//! kplay schema compat --reader R.avsc --writer W.avsc [--json]
//! kplay schema check --compatibility LEVEL --new NEW.avsc [--previous V1.avsc V2.avsc …] [--json]
//! ```
//!
//! `compat` is Java's `SchemaCompatibility.checkReaderWriterCompatibility`:
//! `{"compatible": bool, "incompatibilities": [{"type", "location",
//! "message"}, …]}` in Java's order.
//!
//! `check` is the registry's verdict on registering NEW after the previous
//! versions (oldest first, numbered 1, 2, … as the registry would number
//! them) under LEVEL: `{"compatible": bool, "messages": […]}` with the
//! `details` strings of Confluent's 409 response (one `Difference` per
//! problem, `{oldSchemaVersion: N}`, `{oldSchema: '…'}`, `{validateFields:
//! 'false', compatibility: 'LEVEL'}`).
//!
//! Previous versions are parsed as the registry parses stored schemas,
//! without validating defaults; NEW is validated like a new registration.
//!
//! A verdict, compatible or not, exits 0. A file that cannot be read or is
//! not a valid schema is an error naming the file (exit 2), and so is a
//! `compat` check Java itself aborts (a reader field whose aliases match two
//! writer fields: `AvroRuntimeException`); `check` reports that case as
//! Confluent does, in a message ("Unexpected exception during compatibility
//! check: …").

use std::path::{Path, PathBuf};

use kplay_engine::schema::{
    check_reader_writer, registry_messages, CompatibilityLevel, Previous, Schema,
};
use serde_json::{json, Value};

/// Arguments of `kplay schema`.
#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(clap::Subcommand)]
enum Cmd {
    /// Can READER decode data written with WRITER? (Avro's Java
    /// SchemaCompatibility, with its types, locations and messages.)
    Compat {
        /// The reader's schema (.avsc, JSON).
        #[arg(long, value_name = "R.avsc")]
        reader: PathBuf,
        /// The writer's schema (.avsc, JSON).
        #[arg(long, value_name = "W.avsc")]
        writer: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Would the registry accept NEW after the previous versions at LEVEL?
    Check {
        /// NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE,
        /// FULL or FULL_TRANSITIVE (any case).
        #[arg(long, value_name = "LEVEL")]
        compatibility: String,
        /// The schema about to be registered.
        #[arg(long = "new", value_name = "NEW.avsc")]
        new_schema: PathBuf,
        /// The registered versions, oldest first.
        #[arg(long, value_name = "V.avsc", num_args = 0..)]
        previous: Vec<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Read and parse a schema file; `validate_defaults` is off for registered
/// versions, which Confluent parses leniently.
fn load_with(path: &Path, validate_defaults: bool) -> Result<Schema, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read schema {}: {e}", path.display()))?;
    let parsed = if validate_defaults {
        Schema::parse(&text)
    } else {
        Schema::parse_unvalidated(&text)
    };
    parsed.map_err(|e| format!("{}: not a valid Avro schema: {e}", path.display()))
}

fn load(path: &Path) -> Result<Schema, String> {
    load_with(path, true)
}

pub(crate) fn run(args: Args) -> Result<(), String> {
    match args.command {
        Cmd::Compat {
            reader,
            writer,
            json,
        } => compat(&reader, &writer, json),
        Cmd::Check {
            compatibility,
            new_schema,
            previous,
            json,
        } => check(&compatibility, &new_schema, &previous, json),
    }
}

fn compat(reader_path: &Path, writer_path: &Path, as_json: bool) -> Result<(), String> {
    let reader = load(reader_path)?;
    let writer = load(writer_path)?;
    let found = check_reader_writer(&reader, &writer).map_err(|e| {
        format!(
            "checking {} against {}: {e}",
            reader_path.display(),
            writer_path.display()
        )
    })?;
    if as_json {
        let list: Vec<Value> = found
            .iter()
            .map(|i| json!({"type": i.kind.as_str(), "location": i.location, "message": i.message}))
            .collect();
        crate::emit(&format!(
            "{}\n",
            json!({"compatible": found.is_empty(), "incompatibilities": list})
        ))?;
    } else if found.is_empty() {
        crate::emit(&format!(
            "compatible: {} can read data written with {}\n",
            reader_path.display(),
            writer_path.display()
        ))?;
    } else {
        crate::emit(&format!(
            "INCOMPATIBLE: {} cannot read all data written with {} ({} problem{})\n",
            reader_path.display(),
            writer_path.display(),
            found.len(),
            if found.len() == 1 { "" } else { "s" }
        ))?;
        for i in &found {
            crate::emit(&format!("  {} at {}: {}\n", i.kind, i.location, i.message))?;
        }
    }
    Ok(())
}

fn check(level: &str, new_path: &Path, previous: &[PathBuf], as_json: bool) -> Result<(), String> {
    let level: CompatibilityLevel = level.parse().map_err(|e| format!("{e}"))?;
    let new = load(new_path)?;
    let old: Vec<Schema> = previous
        .iter()
        .map(|p| load_with(p, false))
        .collect::<Result<_, _>>()?;
    let prev: Vec<Previous<'_>> = old
        .iter()
        .zip(1u32..)
        .map(|(schema, version)| Previous {
            schema,
            version: Some(version),
        })
        .collect();
    let messages = registry_messages(level, &new, &prev);
    if as_json {
        crate::emit(&format!(
            "{}\n",
            json!({"compatible": messages.is_empty(), "messages": messages})
        ))?;
    } else if messages.is_empty() {
        crate::emit(&format!(
            "compatible: {} passes {level} against {} previous version{}\n",
            new_path.display(),
            prev.len(),
            if prev.len() == 1 { "" } else { "s" }
        ))?;
    } else {
        crate::emit(&format!(
            "INCOMPATIBLE: {} fails {level}\n",
            new_path.display()
        ))?;
        for m in &messages {
            crate::emit(&format!("  {m}\n"))?;
        }
    }
    Ok(())
}
