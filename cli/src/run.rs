//! `kplay run` (to be implemented by its issue).

/// Arguments of `kplay run`.
#[derive(clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> Result<(), String> {
    Err("kplay run is not implemented yet".to_owned())
}
