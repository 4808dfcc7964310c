//! Terminal output: cargo-like status lines, warnings and errors on stderr.

use clap::ValueEnum;
use std::fmt::Display;
use std::io::{IsTerminal, Write};

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

const GREEN: &str = "\x1b[1;32m";
const YELLOW: &str = "\x1b[1;33m";
const RED: &str = "\x1b[1;31m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Where status, warnings and errors go.
#[derive(Debug, Clone, Copy)]
pub struct Shell {
    quiet: bool,
    color: bool,
}

impl Shell {
    /// A shell that prints only errors when `quiet`.
    pub fn new(quiet: bool, choice: ColorChoice) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                    && std::io::stderr().is_terminal()
            }
        };
        Shell { quiet, color }
    }

    /// Whether output is coloured.
    pub fn color(&self) -> bool {
        self.color
    }

    /// A cargo-like status line: `   Generated 6 models in 14 ms`.
    pub fn status(&self, verb: &str, message: impl Display) {
        if !self.quiet {
            self.line(&format!(
                "{}{verb:>12}{} {message}",
                self.paint(GREEN),
                self.reset()
            ));
        }
    }

    /// `warning: ...`, unless quiet.
    pub fn warn(&self, message: impl Display) {
        if !self.quiet {
            self.labelled(YELLOW, "warning", message);
        }
    }

    /// `error: ...`, printed even when quiet.
    pub fn error(&self, message: impl Display) {
        self.labelled(RED, "error", message);
    }

    /// Rendered warnings, unless quiet.
    pub fn warnings(&self, text: &str) {
        self.note(text);
    }

    /// Plain text for the user (next steps), unless quiet.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            self.raw(text);
        }
    }

    /// Text rendered elsewhere (diagnostics), printed as is.
    pub fn raw(&self, text: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
        if !text.ends_with('\n') {
            let _ = stderr.write_all(b"\n");
        }
    }

    fn labelled(&self, paint: &str, label: &str, message: impl Display) {
        let (paint, bold, reset) = if self.color {
            (paint, BOLD, RESET)
        } else {
            ("", "", "")
        };
        self.line(&format!("{paint}{label}{reset}{bold}:{reset} {message}"));
    }

    fn paint(&self, code: &'static str) -> &'static str {
        if self.color { code } else { "" }
    }

    fn reset(&self) -> &'static str {
        self.paint(RESET)
    }

    fn line(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }
}

/// Writes data to stdout; a closed pipe (`bao schema | head`) is not an error.
pub fn print_stdout(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
