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
    /// Place a new topic's replicas (classic AdminUtils or KRaft StripedReplicaPlacer).
    Placement(placement::Args),
    /// Run a replication scenario and print the durability ledger.
    Durability(durability::Args),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Partition(a) => partition::run(a),
        Command::Assign(a) => assign::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Run(a) => run::run(a),
        Command::Placement(a) => placement::run(a),
        Command::Durability(a) => durability::run(a),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}
