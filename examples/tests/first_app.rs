//! The first-app example configured only by a `bao.toml`, as `bao init` writes one: `Db::from_env`
//! finds the table and the endpoint there, with no environment variable set.

use bao_runtime::config::CONFIGURING_ENV;
use bao_runtime::local::LocalServer;
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_app_reads_its_table_and_endpoint_from_bao_toml() {
    let server = LocalServer::start()
        .await
        .expect("the local DynamoDB starts");
    bao_runtime::table::create_table(&server.client(), "first-app")
        .await
        .expect("creates the table");
    let project = std::env::temp_dir().join(format!("bao-first-app-{}", std::process::id()));
    let nested = project.join("src");
    std::fs::create_dir_all(&nested).expect("creates the project");
    std::fs::write(
        project.join("bao.toml"),
        format!(
            "[table]\nname = \"first-app\"\nendpoint = \"{}\"\n\n[codegen]\nschema = \"models.yaml\"\nout = \"src/models\"\n",
            server.endpoint()
        ),
    )
    .expect("writes bao.toml");
    let output = tokio::task::spawn_blocking(move || {
        let mut app = Command::new(env!("CARGO_BIN_EXE_first_app"));
        // Run from a subfolder: the nearest bao.toml above it is the project's.
        app.current_dir(&nested);
        for name in CONFIGURING_ENV {
            app.env_remove(name);
        }
        app.output().expect("the app starts")
    })
    .await
    .expect("the app finishes");
    std::fs::remove_dir_all(&project).expect("removes the project");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("Created user") && stdout.contains("`first-app`"),
        "{stdout}"
    );
    server.stop().await;
}
