//! `BENCHMARKS.md` and `docs/benchmarks.svg` from the figures of one full run.

use crate::codegen::CodegenFigures;
use crate::compile::CompileSection;
use crate::cpu::CpuFigures;
use crate::dynamo_bao;
use crate::error::{Result, io};
use crate::install::InstallFigures;
use crate::machine::Machine;
use crate::memory::MemoryFigures;
use crate::paths::workspace;
use crate::reindex::ReindexFigures;
use crate::requests::RequestFigures;
use crate::search::SearchFigures;
use crate::stats::mib;
use crate::svg;
use crate::watch::WatchFigures;
use crate::workload::{WorkloadFigures, WorkloadSection};

/// The command that produces the report.
pub const COMMAND: &str = "cargo run --release -p bench";

/// Every figure of one run.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Where it ran.
    pub machine: Machine,
    /// Section 1.
    pub codegen: CodegenFigures,
    /// Section 2.
    pub watch: WatchFigures,
    /// Section 3.
    pub compile: CompileSection,
    /// Section 4.
    pub cpu: CpuFigures,
    /// Section 5.
    pub memory: MemoryFigures,
    /// Section 6.
    pub requests: RequestFigures,
    /// Section 7.
    pub workload: WorkloadSection,
    /// Section 8.
    pub install: InstallFigures,
    /// Section 9.
    pub search: SearchFigures,
    /// Section 10.
    pub reindex: ReindexFigures,
}

/// Writes BENCHMARKS.md and the chart at the workspace root; returns the key=value lines.
pub fn write(figures: &Figures) -> Result<Vec<(String, String)>> {
    let root = workspace();
    let chart_path = root.join("docs").join("benchmarks.svg");
    std::fs::write(&chart_path, chart(figures))
        .map_err(io("cannot write the chart", &chart_path))?;
    let keys = key_values(figures);
    let page = root.join("BENCHMARKS.md");
    std::fs::write(&page, markdown(figures, &keys))
        .map_err(io("cannot write BENCHMARKS.md", &page))?;
    Ok(keys)
}

fn chart(figures: &Figures) -> String {
    let ratios: Vec<(&str, f64)> = figures
        .cpu
        .ops
        .iter()
        .map(|op| (op.op.short(), op.ratio))
        .collect();
    let bars: Vec<svg::CodegenBar> = figures
        .codegen
        .sizes
        .iter()
        .enumerate()
        .map(|(index, size)| {
            (
                size.models,
                size.process_ms,
                crate::codegen::TARGETS.get(index).copied().flatten(),
                Some(size.dynamo_bao_ms),
            )
        })
        .collect();
    svg::chart(&ratios, &bars)
}

/// The machine-readable figures, each the median of its runs.
pub fn key_values(figures: &Figures) -> Vec<(String, String)> {
    let mut keys = vec![
        (
            "cpu_ratio_vs_sdk".to_owned(),
            format!("{:.3}", figures.cpu.worst_ratio()),
        ),
        (
            "cpu_ratio_vs_sdk_geomean".to_owned(),
            format!("{:.3}", figures.cpu.mean_ratio()),
        ),
    ];
    for size in &figures.codegen.sizes {
        keys.push((
            format!("codegen_{}_models_ms", size.models),
            format!("{:.1}", size.process_ms),
        ));
        keys.push((
            format!("codegen_{}_ratio_vs_dynamobao", size.models),
            format!("{:.3}", size.ratio_vs_dynamo_bao()),
        ));
    }
    for size in &figures.watch.sizes {
        keys.push((
            format!("watch_{}_models_ms", size.models),
            format!("{:.1}", size.median_ms),
        ));
    }
    for size in &figures.compile.sizes {
        keys.push((
            format!("compile_{}_models_ms", size.models),
            format!("{:.0}", size.debug_ms),
        ));
    }
    keys.push((
        "compile_ratio_vs_plain_structs".into(),
        format!("{:.2}", figures.compile.ratio_vs_plain_structs()),
    ));
    keys.push((
        "peak_rss_bao_mib".into(),
        format!("{:.1}", mib(figures.memory.bao_bytes)),
    ));
    keys.push((
        "peak_rss_sdk_mib".into(),
        format!("{:.1}", mib(figures.memory.sdk_bytes)),
    ));
    for op in &figures.cpu.ops {
        let name = op.op.short().replace([' ', '+'], "_");
        keys.push((format!("cpu_ratio_{name}"), format!("{:.3}", op.ratio)));
    }
    let workload = &figures.workload;
    let versus = |figure: fn(&WorkloadFigures) -> f64| {
        workload
            .ratio(dynamo_bao::NAME, figure)
            .map_or_else(|| "missing".to_owned(), |ratio| format!("{ratio:.3}"))
    };
    keys.push(("cpu_ratio_vs_dynamobao".into(), versus(|f| f.cpu_ms)));
    keys.push((
        "requests_ratio_vs_dynamobao".into(),
        versus(|f| f.total_requests() as f64),
    ));
    keys.push(("wall_ratio_vs_dynamobao".into(), versus(|f| f.wall_ms)));
    keys.push((
        "search_requests_ratio_vs_dynamobao".into(),
        format!("{:.3}", figures.search.requests_ratio()),
    ));
    keys.push((
        "search_10k_ms".into(),
        format!("{:.0}", figures.search.wall_ms),
    ));
    keys.push((
        "search_cpu_us_per_item".into(),
        format!("{:.1}", figures.search.cpu_us_per_item()),
    ));
    keys.push((
        "reindex_50k_items_s".into(),
        format!("{:.1}", figures.reindex.seconds),
    ));
    keys.push((
        "reindex_requests_per_item".into(),
        format!("{:.3}", figures.reindex.requests_per_item()),
    ));
    keys.push((
        "peak_rss_dynamobao_mib".into(),
        workload.source(dynamo_bao::NAME).map_or_else(
            || "missing".to_owned(),
            |source| format!("{:.1}", mib(source.median.peak_rss_bytes as f64)),
        ),
    ));
    for source in &workload.sources {
        let name = source.name.to_lowercase();
        keys.push((
            format!("workload_{name}_cpu_ms"),
            format!("{:.0}", source.median.cpu_ms),
        ));
        keys.push((
            format!("workload_{name}_wall_ms"),
            format!("{:.0}", source.median.wall_ms),
        ));
        keys.push((
            format!("workload_{name}_peak_rss_mib"),
            format!("{:.1}", mib(source.median.peak_rss_bytes as f64)),
        ));
    }
    keys.push((
        "cli_install_s".into(),
        format!("{:.0}", figures.install.seconds),
    ));
    keys.push((
        "cli_binary_mib".into(),
        format!("{:.1}", mib(figures.install.binary_bytes as f64)),
    ));
    keys
}

fn markdown(figures: &Figures, keys: &[(String, String)]) -> String {
    let cpu = &figures.cpu;
    let parity = crate::parity::summary(&cpu.parity_requests);
    let key_lines: Vec<String> = keys
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    format!(
        "# Benchmarks\n\n\
         Measured in one run on one machine with\n\n```sh\n{COMMAND}\n```\n\n\
         (source: `bench/src/`; a few minutes once its dependencies are built). Every \
         figure is the median of several runs, and every ratio compares figures taken in the same \
         run. Run the command again to regenerate this page and the chart.\n\n\
         ![CPU ratios and codegen times](docs/benchmarks.svg)\n\n\
         ## Machine\n\n{machine}\n\
         ## 1. Codegen time\n\n\
         The release `bao` binary generates synthetic schemas (about nine fields of mixed types per \
         model, one or two GSIs, a RelatedField to the previous model, and every few models a unique \
         constraint, a composite key, a string set or a counter), each run into a new, empty \
         directory; the directories are deleted when the section ends (deleting a thousand files \
         just before a run made ext4 skip their recently freed inodes on every file the run then \
         created, a cost of the harness that no user pays):\n\n\
         ```sh\n{codegen_command}\n```\n\n\
         DynamoBao's own codegen generates its JavaScript models from the same schema, one of its \
         runs before each of bao's:\n\n```sh\n{dynamo_bao_command}\n```\n\n\
         The wall time is the median of the runs, the target is checked against it; the best run \
         shows what the machine gives when nothing else runs on it (this machine is shared, and \
         the same binary's median moves by a third from one hour to the next). \
         The last four columns split that time as the process reports it with `--timings` \
         (medians): loading and validating; emitting (rendering the templates on every core, each \
         module written as soon as it renders); writing what is left once everything rendered; \
         and the rest of the wall time, what a process adds (starting, exiting).\n\n{codegen}\n\
         ## 2. `bao watch` latency\n\n\
         `bao watch` runs on a synthetic schema; the schema file is rewritten with one model's \
         comment changed, and the time until that model's generated module holds the new comment \
         is measured (its 50 ms debounce included). Every save loads and validates the whole \
         schema again, renders only the models whose view changed (the watcher keeps the others' \
         modules) and rewrites only the files whose bytes changed.\n\n{watch}\n\
         ## 3. Compile time of generated code\n\n\
         A crate under the target directory depends on `bao-runtime` by path and holds the \
         generated modules of the 10- and 100-model schemas; another crate holds the same 100 \
         models written as plain structs with serde derives only (ids as strings, dates as \
         integers). Once its dependencies are built, each crate root is touched and the whole \
         crate rebuilt (dev profile, `CARGO_INCREMENTAL=0`); the builds of the 100 generated \
         models and of the plain structs take turns, five each, the one going first \
         alternating, so that a change in the machine's speed falls on both:\n\n\
         ```sh\n{compile_command}\n```\n\n{compile}\n\
         ## 4. Client CPU per operation: bao and hand-written aws-sdk-dynamodb\n\n\
         The emulator runs in a separate process (`bao local --port 0`), so this process does only \
         the client's work{pinning}. bao and the hand-written side share one client (one configuration) and \
         one **current-thread** Tokio runtime. The hand-written side builds the attribute maps \
         directly and parses results into plain structs with the same field types. Before measuring, \
         both sides run the same operations with the same ids and time on two tables, and every \
         request body is compared: they are identical JSON ({parity}), and both sides read back \
         the same values. Then a warm-up round and {rounds} measured rounds follow; each round runs \
         a batch of every operation on both sides, the side going first alternating. CPU is \
         user + system time of the process from `getrusage(RUSAGE_SELF)`, divided by the \
         operations of the batch; each figure is the median over rounds. Each ratio is the median \
         over rounds of a round's bao batch over the SDK batch run beside it: that cancels the \
         machine's drift over the minute the section takes, so it need not equal the quotient of \
         the two medians.\n\n{cpu_table}\n\
         ## 5. Peak client memory\n\n\
         Each side runs the same workload in a child process of its own (200 users with 5 posts \
         each: all created, loaded, queried and updated) and prints its peak resident set size \
         (`VmHWM`); median of 3 children per side.\n\n{memory}\n\
         ## 6. Requests per logical operation\n\n\
         Counted by an interceptor on the client (`tests::Requests`), against the fewest requests \
         the operation can take on DynamoBao's storage layout.\n\n{requests}\n\
         `User::iterate_all` is the one operation above its minimum, by design. The iteration \
         index holds keys only, so each page is a Query of one bucket (up to 100 keys) and then a \
         BatchGetItem of that page's keys, and the page is yielded as soon as it is loaded: \
         250 users spread over 10 buckets make 10 pages of about 25 keys, hence 10 Query + \
         10 BatchGetItem = 20 requests. The minimum, 13, would gather the keys of every bucket \
         first and send them in full batches of 100 (10 Query + 3 BatchGetItem); that holds \
         every key of the model before the first item arrives, which an iteration over a large \
         table must not do. The gap is one request per partly filled page: when buckets hold \
         100 keys or more, every page but a bucket's last is a full batch and the count tends to \
         the minimum. DynamoBao iterates the same way (one BatchGetItem per page, section 7).\n\n\
         ## 7. The same workload through bao and DynamoBao\n\n\
         Create 200 users with a unique email and 5 posts each (both sides 32 creates at a time), \
         query each user's posts (every page), load the authors of all 1000 posts in one request \
         scope (`runWithBatchContext` in DynamoBao), and iterate over every user. bao's side is \
         this benchmark re-run as a child process (current-thread Tokio runtime); DynamoBao's is \
         `tests/interop/workload.mjs` ({versions}), on the models DynamoBao's own codegen \
         makes of the same `models.yaml`. Each run gets a fresh table of the same \
         emulator; CPU (user + system of the process) and wall time cover the workload only, not \
         the process's start-up or the table's creation; peak RSS is the whole process's. \
         Requests are counted on each client by DynamoDB operation, per step. Median of 3 runs \
         per side.\n\n{workload}\n\
         A ratio is left out where one side sends none of an operation: DynamoBao creates a \
         post with UpdateItem where bao uses PutItem, one request either way. The requests bao \
         saves are DynamoBao's two reads around each create with a unique constraint (a GetItem \
         pre-check of the constraint item and a GetItem re-read of the new item): bao relies on \
         the transaction's conditions and on what it wrote, and sends neither.\n\n\
         ## 8. Installing the CLI\n\n\
         The README's install from a clone, into a scratch root, from an empty target \
         directory with the registry cache warm (one run):\n\n\
         ```sh\n{install_command}\n```\n\n{install}\n\
         The `dist` profile builds the AWS SDK, the emulator of `bao local` and the C \
         libraries under them (TLS, SQLite) unoptimised, and everything else, codegen included, \
         at opt-level 3.\n\n\
         ## 9. Search\n\n\
         {search_items} articles of the root schema's `Article` (searchable on title and body, \
         10 iteration buckets), each body five words of twenty; the search `{search_query}` \
         (every term required) read to the end with DynamoBao's defaults (100 items a page, 100 \
         rows a query), timed on the client (wall, and CPU from `getrusage`). The npm build of \
         DynamoBao (0.4.2) has no search, so its requests are computed from its documented \
         algorithm over the same items: the same rounds of one Query per bucket, one \
         BatchGetItem per query page that found items (its `batchFind` outside a batch \
         context), and one for the items a cursor carries. bao reads a round's matches in one \
         BatchGetItem.\n\n{search}\n\
         ## 10. `bao reindex` of 50 000 items\n\n\
         {reindex_items} posts of the root schema stored the way a writer that predates their \
         indexes and iteration would (fields and primary keys only), then \
         `bao_runtime::migrate::reindex` (what `bao reindex Post --scan` runs) writes their two \
         GSIs' and iteration keys, walking a 4-segment parallel Scan of 100 items a page, four \
         segments at once, one guarded UpdateItem per item. Every item must come out rewritten \
         once. Wall time of the reindex only (current-thread Tokio runtime).\n\n{reindex}\n\
         ## Machine-readable\n\n\
         `cpu_ratio_vs_sdk` is the worst ratio across the operations of section 4; \
         `cpu_ratio_vs_sdk_geomean` is their geometric mean. The `*_vs_dynamobao` ratios are \
         bao's figure over DynamoBao's in section 7 (CPU goal <= 0.2, requests goal <= 1).\n\n```text\n{keys}\n```\n",
        machine = figures.machine.markdown(),
        codegen_command = figures.codegen.command,
        dynamo_bao_command = figures.codegen.dynamo_bao_command,
        codegen = figures.codegen.markdown(),
        watch = figures.watch.markdown(),
        compile_command = figures.compile.command,
        compile = figures.compile.markdown(),
        rounds = cpu.rounds,
        cpu_table = cpu.markdown(),
        pinning = match cpu.pinned {
            true =>
                "; the two processes are pinned to a core each, since left to the scheduler \
                     they move between cores and single ratios moved by 5 to 8% between runs",
            false => " (not pinned to cores: fewer than two were usable, or affinity was refused)",
        },
        memory = figures.memory.markdown(),
        requests = figures.requests.markdown(),
        workload = figures.workload.markdown(),
        versions = figures.workload.dynamo_bao_versions,
        install_command = figures.install.command,
        install = figures.install.markdown(),
        search_items = crate::search::ITEMS,
        search_query = crate::search::QUERY,
        search = figures.search.markdown(),
        reindex_items = crate::reindex::ITEMS,
        reindex = figures.reindex.markdown(),
        keys = key_lines.join("\n"),
    )
}
