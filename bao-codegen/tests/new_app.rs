//! The README's new-app section, played word for word from an empty folder: `cargo new`,
//! `bao init`, `bao local`, `bao table create`, `bao codegen`, the `cargo add` lines, the
//! README's `src/main.rs`, a build with `-D warnings`, and `cargo run` against `bao local`.
//!
//! Only the README's commands run, with the `bao` under test first on `PATH` and no AWS
//! variable set. Two things the README does not show keep the test fast and offline: the app
//! starts from the workspace's Cargo.lock (the versions CI tested) and builds in the
//! workspace's target directory.

use bao_runtime::config::CONFIGURING_ENV;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The port bao.toml points at after a `bao init` without AWS credentials.
const LOCAL_PORT: u16 = 8000;

#[test]
fn the_readme_new_app_section_works_from_an_empty_folder() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root");
    let readme = std::fs::read_to_string(workspace.join("README.md")).expect("reads the README");
    let section = NewAppSection::parse(&readme);

    let root = tempfile::tempdir().expect("temp dir");
    // The README's clone of this repository, beside the app.
    std::os::unix::fs::symlink(workspace, root.path().join("bao")).expect("links the clone");
    let mut shell = Shell::new(root.path(), workspace);

    let mut local = None;
    for line in &section.setup {
        if line.comment.contains("in another terminal") {
            assert!(
                std::net::TcpStream::connect(("127.0.0.1", LOCAL_PORT)).is_err(),
                "port {LOCAL_PORT}, where bao.toml points, is taken by another program"
            );
            local = Some(Stopped(shell.spawn(&line.command)));
            wait_for_port(LOCAL_PORT);
            continue;
        }
        shell.run(&line.command);
        if line.command.starts_with("cargo new") {
            // Pins the versions the workspace tested, so nothing is resolved anew.
            std::fs::copy(workspace.join("Cargo.lock"), shell.dir().join("Cargo.lock"))
                .expect("copies Cargo.lock");
        }
    }
    let local = local.expect("the README starts `bao local` in another terminal");

    std::fs::write(shell.dir().join("src/main.rs"), &section.main_rs).expect("writes main.rs");
    // The generated modules must not warn in a binary crate that uses one method.
    shell.run("cargo rustc --quiet --bin my-app -- -D warnings");
    let printed = shell.run(&section.run.command);

    drop(local);
    let id = printed.trim();
    assert!(
        id.len() == 26 && id.chars().all(|c| c.is_ascii_alphanumeric()),
        "`cargo run` prints the new user's ULID, not {printed:?}"
    );
}

/// A background process, stopped when dropped: also when a step of the test fails, so a
/// failed run does not leave `bao local` holding its port.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One shell line of a README code block, split at its `#` comment.
#[derive(Debug)]
struct Line {
    command: String,
    comment: String,
}

/// The fenced blocks of the README's new-app section, in order.
#[derive(Debug)]
struct NewAppSection {
    setup: Vec<Line>,
    main_rs: String,
    run: Line,
}

impl NewAppSection {
    fn parse(readme: &str) -> Self {
        let start = readme
            .find("\nA new app, with no AWS account needed")
            .expect("the README has the new-app section");
        let blocks = fenced_blocks(&readme[start..]);
        let [(setup_lang, setup), (main_lang, main_rs), (run_lang, run)] = &blocks[..3] else {
            panic!("the new-app section has three code blocks");
        };
        assert_eq!(
            (setup_lang.as_str(), main_lang.as_str(), run_lang.as_str()),
            ("sh", "rust,ignore", "sh")
        );
        let setup: Vec<Line> = setup.lines().map(Line::parse).collect();
        let mut run: Vec<Line> = run.lines().map(Line::parse).collect();
        assert_eq!(run.len(), 1, "the section runs the app with one command");
        Self {
            setup,
            main_rs: main_rs.clone(),
            run: run.remove(0),
        }
    }
}

impl Line {
    fn parse(line: &str) -> Self {
        let (command, comment) = line.split_once(" #").unwrap_or((line, ""));
        Self {
            command: command.trim().to_owned(),
            comment: comment.trim().to_owned(),
        }
    }
}

/// `(info string, body)` of each fenced code block in `text`.
fn fenced_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let body: Vec<&str> = lines.by_ref().take_while(|line| *line != "```").collect();
        blocks.push((info.to_owned(), body.join("\n") + "\n"));
    }
    blocks
}

/// Runs README lines with `bash` in a folder that follows their `cd`s.
struct Shell {
    dir: PathBuf,
    path: String,
    target_dir: PathBuf,
    /// Where each line writes the folder it ends in.
    pwd_file: PathBuf,
}

impl Shell {
    fn new(dir: &Path, workspace: &Path) -> Self {
        let bao_dir = Path::new(env!("CARGO_BIN_EXE_bao"))
            .parent()
            .expect("bao's folder");
        let path = std::env::join_paths(std::iter::once(bao_dir.to_path_buf()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))
        .expect("PATH joins");
        Self {
            dir: dir.to_path_buf(),
            pwd_file: dir.join(".pwd"),
            path: path.into_string().expect("a UTF-8 PATH"),
            target_dir: std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| workspace.join("target")),
        }
    }

    fn dir(&self) -> &Path {
        &self.dir
    }

    fn command(&self, line: &str) -> Command {
        let mut command = Command::new("bash");
        // `pwd` last, so a `cd` in the line carries over to the next one.
        command
            .arg("-ec")
            .arg(format!("{line}\npwd > '{}'", self.pwd_file.display()))
            .current_dir(&self.dir)
            .env("PATH", &self.path)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env("CARGO_NET_OFFLINE", "true")
            .env("CARGO_TERM_COLOR", "never")
            .env("NO_COLOR", "1")
            // No AWS setup of the host's: the README's user has none.
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/aws-credentials",
            )
            .stdin(Stdio::null());
        // What would configure the app or the CLI besides bao.toml, and the secret that goes
        // with an access key.
        for name in CONFIGURING_ENV.iter().chain(&["AWS_SECRET_ACCESS_KEY"]) {
            command.env_remove(name);
        }
        command
    }

    /// Runs `line` to completion; returns its stdout, and panics with its output if it fails.
    fn run(&mut self, line: &str) -> String {
        let output = self.command(line).output().expect("bash runs");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "`{line}` failed ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let pwd = std::fs::read_to_string(&self.pwd_file).expect("reads the folder");
        self.dir = PathBuf::from(pwd.trim_end());
        stdout
    }

    /// Starts `line` in the background, as in another terminal.
    fn spawn(&self, line: &str) -> std::process::Child {
        let mut command = self.command(&format!("exec {line}"));
        command.stdout(Stdio::null()).stderr(Stdio::null());
        command.spawn().expect("bash starts")
    }
}

/// Waits until something listens on `port` of the loopback interface.
fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nothing listens on port {port} after 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
