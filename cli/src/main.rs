//! `kplay` — kplay's engine on the command line.
//!
//! Every subcommand prints a human-readable table by default and JSON with
//! `--json`. Errors go to stderr with a non-zero exit status.

use clap::{Parser, Subcommand};

mod assign;
mod durability;
mod partition;
mod placement;
mod plan;
mod run;
mod schema;
mod snapshot;

#[derive(Parser)]
#[command(
    name = "kplay",
    version,
    about = "A Kafka playground and capacity planner (CLI)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Which partition does each key land on, per Kafka client partitioner.
    Partition(partition::Args),
    /// Run a consumer-group assignor over members and topics.
    Assign(assign::Args),
    /// Size a cluster: partitions, disk, network, brokers.
    Plan(plan::Args),
    /// Create a topic, produce a workload, and print each partition's log.
    Run(run::Args),
    /// Avro schema compatibility as Confluent Schema Registry decides it.
    Schema(schema::Args),
    /// Snapshot a real cluster (librdkafka) into kplay's versioned JSON.
    Snapshot(snapshot::Args),
    /// Place a new topic's replicas (classic AdminUtils or KRaft StripedReplicaPlacer).
    Placement(placement::Args),
    /// Run a replication scenario and print the durability ledger.
    Durability(durability::Args),
}

/// Writes command output to stdout. A closed pipe (`kplay … | head -1`)
/// ends the program quietly, as a reader that stops early expects; `print!`
/// would panic ("failed printing to stdout: Broken pipe").
pub(crate) fn emit(text: &str) -> Result<(), String> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(format!("cannot write the output: {e}")),
    }
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Partition(a) => partition::run(a),
        Command::Assign(a) => assign::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Run(a) => run::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Snapshot(a) => snapshot::run(a),
        Command::Placement(a) => placement::run(a),
        Command::Durability(a) => durability::run(a),
    };
    if let Err(e) = result {
        // `eprintln!` would panic on a closed stderr; the status says it all.
        // Quoted input is cut to a short prefix and a huge message loses its
        // middle, so a 10 MB bad value never floods stderr.
        let e = kplay_engine::input::clip_message(&e);
        let _ =
            std::io::Write::write_all(&mut std::io::stderr(), format!("error: {e}\n").as_bytes());
        std::process::exit(2);
    }
}
