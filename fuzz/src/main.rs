//! `kplay-fuzz <target|all> --iterations N [--seed S] [--max-len L] [--timeout-ms T] [--no-save]`
//!
//! Fuzzes one target (or every target in turn) and prints, per target, the
//! executions, the time, executions per second and the crashes found.
//! Crashing inputs are minimised and written to `fuzz/regressions/<target>/`
//! (unless `--no-save`). Exit status: 0 when no crash was found, 1 when one
//! was, 2 on a usage error, 3 when an execution hung (the watchdog saved it).

use std::time::Duration;

use kplay_fuzz::driver::{self, Options};
use kplay_fuzz::{all_targets, target};

const USAGE: &str = "usage: kplay-fuzz <target|all> --iterations N [--seed S] [--max-len L] [--timeout-ms T] [--no-save]";

fn parse_args() -> Result<(String, Options), String> {
    let mut args = std::env::args().skip(1);
    let mut which = None;
    let mut opts = Options::default();
    while let Some(a) = args.next() {
        let mut num = |flag: &str| -> Result<u64, String> {
            let v = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            v.replace('_', "")
                .parse()
                .map_err(|_| format!("{flag}: '{v}' is not a whole number"))
        };
        match a.as_str() {
            "--iterations" | "-n" => opts.iterations = num("--iterations")?,
            "--seed" => opts.seed = num("--seed")?,
            "--max-len" => {
                opts.max_len = usize::try_from(num("--max-len")?).map_err(|e| e.to_string())?
            }
            "--timeout-ms" => opts.timeout = Duration::from_millis(num("--timeout-ms")?),
            "--no-save" => opts.save = false,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s if which.is_none() => which = Some(s.to_owned()),
            s => return Err(format!("unexpected argument {s}")),
        }
    }
    let which = which.ok_or("which target?")?;
    Ok((which, opts))
}

fn main() {
    let (which, opts) = match parse_args() {
        Ok(x) => x,
        Err(e) => {
            let names: Vec<&str> = all_targets().iter().map(|t| t.name()).collect();
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}\ntargets: {}", names.join(", "));
            std::process::exit(2);
        }
    };
    let targets = if which == "all" {
        all_targets()
    } else {
        match target(&which) {
            Some(t) => vec![t],
            None => {
                let names: Vec<&str> = all_targets().iter().map(|t| t.name()).collect();
                eprintln!(
                    "error: unknown target '{which}'; targets: {}",
                    names.join(", ")
                );
                std::process::exit(2);
            }
        }
    };
    let mut crashed = false;
    println!(
        "{:<16} {:>12} {:>10} {:>10} {:>8} {:>14} {:>10}",
        "TARGET", "EXECUTIONS", "SECONDS", "EXEC/S", "CRASHES", "CORPUS", "SLOWEST-MS"
    );
    for t in targets {
        let s = driver::run(t, &opts);
        crashed |= s.crashes > 0;
        println!(
            "{:<16} {:>12} {:>10.1} {:>10.0} {:>8} {:>14} {:>10.1}",
            t.name(),
            s.executions,
            s.seconds,
            s.executions as f64 / s.seconds.max(1e-9),
            s.crashes,
            format!("{} -> {}", s.corpus_start, s.corpus_end),
            s.slowest * 1e3
        );
        for (finding, path) in &s.unique_crashes {
            println!("  crash: {finding}\n    input: {}", path.display());
        }
    }
    if crashed {
        std::process::exit(1);
    }
}
