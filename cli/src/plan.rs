//! `kplay plan` (to be implemented by its issue).

/// Arguments of `kplay plan`.
#[derive(clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> Result<(), String> {
    Err("kplay plan is not implemented yet".to_owned())
}
