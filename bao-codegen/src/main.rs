//! `bao`: generate typed Rust models for DynamoDB from a DynamoBao `models.yaml`, and manage
//! the table they live in. Run `bao --help`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
