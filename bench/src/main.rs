//! `bench`: bao's performance figures, measured in one run on one machine. It prints each
//! section's figures as it goes and, after a full run, writes `BENCHMARKS.md` and
//! `docs/benchmarks.svg` at the workspace root.
//!
//! ```sh
//! cargo run --release -p bench                     # every section, then the report
//! cargo run --release -p bench -- --only cpu,requests   # some sections, no report
//! cargo run --release -p bench -- --repeat save bao 1000  # one operation of section 4, for a profiler
//! ```
//!
//! `--repeat OP SIDE COUNT` seeds section 4's table and runs one of its operations (`create`,
//! `create-unique`, `find`, `save`, `query-page`, `find-many`) COUNT times through `bao` or
//! `sdk` (after five more as a warm-up), and measures nothing: under
//! `valgrind --tool=callgrind --toggle-collect='bench::cpu::run_ops*'` it counts the client's
//! instructions per operation on each side.

mod affinity;
mod codegen;
mod compile;
mod cpu;
mod dynamo_bao;
mod emulator;
mod error;
mod install;
mod machine;
mod memory;
mod parity;
mod paths;
mod reindex;
mod report;
mod requests;
mod schemas;
mod sdk;
mod search;
mod stats;
mod svg;
mod watch;
mod workload;

use error::{BenchError, Result};
use std::future::Future;
use std::process::ExitCode;

/// A part of the benchmark that `--only` can pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// 1. Codegen time.
    Codegen,
    /// 2. `bao watch` latency.
    Watch,
    /// 3. Compile time of generated code.
    Compile,
    /// 4. Client CPU per operation against the hand-written SDK.
    Cpu,
    /// 5. Peak client memory.
    Memory,
    /// 6. Requests per logical operation.
    Requests,
    /// 7. The DynamoBao-comparable workload.
    Workload,
    /// 8. Installing the CLI.
    Install,
    /// 9. Search.
    Search,
    /// 10. `bao reindex` of 50 000 items.
    Reindex,
}

impl Section {
    /// Every section, in order.
    pub const ALL: [Section; 10] = [
        Section::Codegen,
        Section::Watch,
        Section::Compile,
        Section::Cpu,
        Section::Memory,
        Section::Requests,
        Section::Workload,
        Section::Install,
        Section::Search,
        Section::Reindex,
    ];

    /// The names `--only` takes, in order.
    pub const NAMES: [&'static str; 10] = [
        "codegen", "watch", "compile", "cpu", "memory", "requests", "workload", "install",
        "search", "reindex",
    ];

    fn name(self) -> &'static str {
        Section::NAMES[Section::ALL.iter().position(|s| *s == self).unwrap_or(0)]
    }

    fn parse(name: &str) -> Result<Section> {
        Section::ALL
            .into_iter()
            .find(|section| section.name() == name)
            .ok_or_else(|| BenchError::Usage(format!("unknown section `{name}`")))
    }

    fn heading(self) -> &'static str {
        match self {
            Section::Codegen => "1. codegen time",
            Section::Watch => "2. bao watch latency",
            Section::Compile => "3. compile time of generated code",
            Section::Cpu => {
                "4. client CPU per operation, bao vs hand-written SDK (current-thread Tokio runtime)"
            }
            Section::Memory => "5. peak client memory",
            Section::Requests => "6. requests per logical operation",
            Section::Workload => "7. the same workload through bao and DynamoBao (Node.js)",
            Section::Install => "8. installing the CLI from a clone",
            Section::Search => "9. search: 10 000 articles, a three-term AND query",
            Section::Reindex => "10. bao reindex: 50 000 posts, a 4-segment Scan",
        }
    }
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [memory::SUBCOMMAND, side, endpoint] => block_on(memory::child_main(side, endpoint)),
        [workload::SUBCOMMAND, endpoint] => block_on(workload::child_main(endpoint)),
        [] => measure(&Section::ALL),
        ["--repeat", op, side, count] => repeat(op, side, count),
        ["--only", names] => {
            let sections = names
                .split(',')
                .map(Section::parse)
                .collect::<Result<Vec<_>>>()?;
            measure(&sections)
        }
        other => Err(BenchError::Usage(format!("unexpected arguments {other:?}"))),
    }
}

/// `--repeat`: one operation of section 4, `count` times, against its own emulator.
fn repeat(op: &str, side: &str, count: &str) -> Result<()> {
    let op = cpu::Op::parse(op)?;
    let side = cpu::Side::parse(side)?;
    let count = count
        .parse()
        .map_err(|_| BenchError::Usage(format!("`{count}` is not a count")))?;
    let emulator = emulator::Emulator::start(&paths::bao_binary()?)?;
    block_on(cpu::repeat(emulator.endpoint(), op, side, count))
}

/// Runs `future` on a current-thread Tokio runtime, the flavour both sides are measured on.
fn block_on<T>(future: impl Future<Output = Result<T>>) -> Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(error::io("cannot start the Tokio runtime", "."))?
        .block_on(future)
}

fn heading(section: Section) {
    println!("\n{}", section.heading());
}

/// Runs `sections` and, when they are all of them, writes the report.
fn measure(sections: &[Section]) -> Result<()> {
    let wants = |section| sections.contains(&section);
    let machine = machine::Machine::detect();
    println!("machine: {}", machine.summary());
    let bao = paths::bao_binary()?;
    // Installing DynamoBao first: without Node.js the run fails before measuring anything.
    let dynamo_bao = (wants(Section::Codegen) || wants(Section::Workload))
        .then(dynamo_bao::Installed::install)
        .transpose()?;
    if let Some(installed) = &dynamo_bao {
        println!("DynamoBao on {}", installed.versions());
    }

    let codegen = dynamo_bao
        .as_ref()
        .filter(|_| wants(Section::Codegen))
        .map(|installed| {
            heading(Section::Codegen);
            codegen::run_all(&bao, installed)
        })
        .transpose()?;
    let watch = wants(Section::Watch)
        .then(|| {
            heading(Section::Watch);
            watch::run_all(&bao)
        })
        .transpose()?;
    let compile = wants(Section::Compile)
        .then(|| {
            heading(Section::Compile);
            compile::run_all(&bao)
        })
        .transpose()?;

    let emulator = emulator::Emulator::start(&bao)?;
    let endpoint = emulator.endpoint();
    let cpu = wants(Section::Cpu)
        .then(|| {
            heading(Section::Cpu);
            let pinned = affinity::Pinned::client_and_server(emulator.pid());
            if pinned.is_none() {
                println!("  not pinned to cores: fewer than two usable, or affinity refused");
            }
            block_on(async {
                let parity = parity::check(endpoint).await?;
                println!(
                    "  request parity: bao and the SDK code sent identical requests ({})",
                    parity::summary(&parity)
                );
                cpu::run_all(endpoint, parity, pinned.is_some()).await
            })
        })
        .transpose()?;
    let memory = wants(Section::Memory)
        .then(|| {
            heading(Section::Memory);
            memory::run_all(endpoint)
        })
        .transpose()?;
    let requests = wants(Section::Requests)
        .then(|| {
            heading(Section::Requests);
            block_on(requests::run_all(endpoint))
        })
        .transpose()?;
    let workload = dynamo_bao
        .as_ref()
        .filter(|_| wants(Section::Workload))
        .map(|installed| {
            heading(Section::Workload);
            let bao =
                workload::measure(workload::BAO, endpoint, || workload::bao_source(endpoint))?;
            let dynamo_bao =
                workload::measure(dynamo_bao::NAME, endpoint, || installed.command(endpoint))?;
            Ok(workload::WorkloadSection {
                sources: vec![bao, dynamo_bao],
                dynamo_bao_versions: installed.versions().to_owned(),
            })
        })
        .transpose()?;
    let search = wants(Section::Search)
        .then(|| {
            heading(Section::Search);
            block_on(search::run_all(endpoint))
        })
        .transpose()?;
    let reindex = wants(Section::Reindex)
        .then(|| {
            heading(Section::Reindex);
            block_on(reindex::run_all(endpoint))
        })
        .transpose()?;
    drop(emulator);
    // Last: it builds the CLI from nothing on every core.
    let install = wants(Section::Install)
        .then(|| {
            heading(Section::Install);
            install::run_all()
        })
        .transpose()?;

    let (
        Some(codegen),
        Some(watch),
        Some(compile),
        Some(cpu),
        Some(memory),
        Some(requests),
        Some(workload),
        Some(install),
        Some(search),
        Some(reindex),
    ) = (
        codegen, watch, compile, cpu, memory, requests, workload, install, search, reindex,
    )
    else {
        println!("\nBENCHMARKS.md is written only after a run of every section.");
        return Ok(());
    };
    let figures = report::Figures {
        machine,
        codegen,
        watch,
        compile,
        cpu,
        memory,
        requests,
        workload,
        install,
        search,
        reindex,
    };
    let keys = report::write(&figures)?;
    println!("\nwrote BENCHMARKS.md and docs/benchmarks.svg");
    for (key, value) in keys {
        println!("{key}={value}");
    }
    Ok(())
}
