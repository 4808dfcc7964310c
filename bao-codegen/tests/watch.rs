//! `bao watch` end to end: edit the schema, break it, fix it, stop it with Ctrl-C.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any one expectation may take.
const PATIENCE: Duration = Duration::from_secs(10);

/// A running `bao watch` whose stderr is collected; killed when dropped.
struct Watcher {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Watcher {
    fn start(dir: &Path) -> Watcher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bao"))
            .arg("watch")
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bao watch starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("stderr");
        let collected = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut text = collected.lock().expect("lock");
                text.push_str(&line);
                text.push('\n');
            }
        });
        Watcher { child, stderr }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }

    /// Waits until `condition` holds on the collected stderr.
    #[track_caller]
    fn wait_for_stderr(&self, what: &str, condition: impl Fn(&str) -> bool) {
        wait_until(what, || condition(&self.stderr()), || self.stderr());
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `condition` every 20 ms for up to [`PATIENCE`].
#[track_caller]
fn wait_until(what: &str, condition: impl Fn() -> bool, context: impl Fn() -> String) {
    let started = Instant::now();
    while !condition() {
        assert!(
            started.elapsed() < PATIENCE,
            "timed out waiting for {what}; stderr so far:\n{}",
            context()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn occurrences(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

const VALID: &str = "\
models:
  User:
    modelPrefix: u
    fields:
      userId: {type: UlidField, autoAssign: true}
      name: {type: StringField, required: true}
      FIELD
    primaryKey: {partitionKey: userId}
";

fn schema_with(field: &str) -> String {
    VALID.replace("FIELD", field)
}

#[test]
fn watch_regenerates_keeps_the_last_good_output_and_stops_on_ctrl_c() {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = Command::new(env!("CARGO_BIN_EXE_bao"))
        .args(["init", "--no-table", "--quiet"])
        .current_dir(dir.path())
        .status()
        .expect("init");
    assert!(status.success());
    let schema = dir.path().join("models.yaml");
    std::fs::write(&schema, schema_with("nickname: {type: StringField}")).expect("write");
    let user: PathBuf = dir.path().join("src/models/user.rs");

    let watcher = Watcher::start(dir.path());
    watcher.wait_for_stderr("the first cycle", |err| err.contains("Watching"));
    assert!(
        watcher
            .stderr()
            .contains("Generated 1 model (2 files changed, bao.lock updated)")
    );
    assert!(read(&user).contains("nickname"));

    // An edit regenerates.
    std::fs::write(
        &schema,
        schema_with("nickname: {type: StringField}\n      age: {type: IntegerField}"),
    )
    .expect("edit");
    wait_until(
        "the edit",
        || read(&user).contains("pub age"),
        || watcher.stderr(),
    );
    watcher.wait_for_stderr("its status line", |err| occurrences(err, "Generated") == 2);

    // A broken save prints diagnostics and keeps the last good output.
    let good = read(&user);
    std::fs::write(&schema, schema_with("age: {type: NopeField}")).expect("break");
    watcher.wait_for_stderr("the diagnostics", |err| err.contains("nothing was written"));
    let err = watcher.stderr();
    assert!(err.contains("error[B"), "{err}");
    assert!(err.contains("NopeField"), "{err}");
    assert_eq!(read(&user), good);

    // The next good save regenerates.
    std::fs::write(&schema, schema_with("bio: {type: StringField}")).expect("fix");
    wait_until(
        "the fix",
        || read(&user).contains("pub bio"),
        || watcher.stderr(),
    );
    assert!(!read(&user).contains("nickname"));
    watcher.wait_for_stderr("its status line", |err| occurrences(err, "Generated") == 3);

    // Writing into the output directory does not start a cycle; touching bao.toml does.
    std::fs::write(dir.path().join("src/models/notes.txt"), "x").expect("write output");
    let config = dir.path().join("bao.toml");
    std::fs::write(&config, read(&config)).expect("touch config");
    watcher.wait_for_stderr("the config cycle", |err| occurrences(err, "Generated") == 4);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        occurrences(&watcher.stderr(), "Generated"),
        4,
        "{}",
        watcher.stderr()
    );

    // Ctrl-C exits 0.
    let mut watcher = watcher;
    let pid = watcher.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = watcher.child.try_wait().expect("wait") {
            break status;
        }
        assert!(started.elapsed() < PATIENCE, "bao watch did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "{}", watcher.stderr());
}
