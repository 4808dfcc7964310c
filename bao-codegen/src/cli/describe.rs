//! `bao describe`: the schema's single-table design, printed for people.

use super::Failure;
use super::config::{self, Config};
use super::shell::Shell;
use bao_codegen::describe::{self, Format};
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

/// `bao describe`'s arguments.
#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// Only this model, by its name in models.yaml [default: every model].
    #[arg(value_name = "MODEL")]
    pub model: Option<String>,
    /// models.yaml, or a directory of *.yaml files [default: bao.toml's codegen.schema].
    #[arg(long, value_name = "PATH")]
    pub schema: Option<PathBuf>,
    /// How to print it.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub format: Output,
}

/// The formats of `bao describe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Aligned text, coloured on a terminal.
    Text,
    /// Markdown, for a design document or a pull request.
    Markdown,
    /// A Mermaid diagram of the models and their relations.
    Mermaid,
}

/// Runs `bao describe`.
pub fn run(shell: &Shell, args: DescribeArgs) -> Result<(), Failure> {
    let cwd = std::env::current_dir().map_err(|e| Failure::io("cannot read the current dir", e))?;
    let config = Config::discover(&cwd)?;
    let path = config::schema_path(args.schema.as_deref(), config.as_ref())?;
    let validated = bao_codegen::validate::load_and_validate(&path).map_err(|diagnostics| {
        Failure::user(format!(
            "{} does not validate:\n{}",
            path.display(),
            diagnostics.render(shell.color())
        ))
    })?;
    let format = match args.format {
        Output::Text => Format::Text {
            color: shell.color() && std::io::stdout().is_terminal(),
        },
        Output::Markdown => Format::Markdown,
        Output::Mermaid => Format::Mermaid,
    };
    let text = describe::describe(&validated.schema, args.model.as_deref(), format)
        .map_err(|error| Failure::usage(error.to_string()))?;
    print!("{text}");
    Ok(())
}
