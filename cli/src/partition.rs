//! `kplay partition` (to be implemented by its issue).

/// Arguments of `kplay partition`.
#[derive(clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> Result<(), String> {
    Err("kplay partition is not implemented yet".to_owned())
}
