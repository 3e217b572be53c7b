//! `kplay assign` (to be implemented by its issue).

/// Arguments of `kplay assign`.
#[derive(clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> Result<(), String> {
    Err("kplay assign is not implemented yet".to_owned())
}
