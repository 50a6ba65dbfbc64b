//! The `storefront` command. Thin: it parses the command line and hands over to `cli`.

mod cli;

use clap::Parser;

/// mimalloc instead of glibc's malloc: a quarter of a read's CPU went to malloc and free, and
/// a read served 68 % more requests per second with it (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match cli::run(cli::Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error:?}");
            std::process::ExitCode::from(cli::exit_code(&error))
        }
    }
}
