//! Integration tests of `avx_std::process`: exit statuses, waiting twice, killing, output,
//! the builder's settings, errors, children spawned on one runtime and awaited on another.
#![cfg(unix)]

use avx_std::process::Command;
use avx_std::task::JoinSet;
use avx_std::Runtime;
use std::io::ErrorKind;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

fn runtime() -> Runtime {
    Runtime::builder().worker_threads(2).build().expect("runtime builds")
}

fn sh(script: &str) -> Command {
    let mut command = Command::new("sh");
    command.arg("-c").arg(script);
    command
}

#[test]
fn wait_reports_the_exit_code_every_time_and_the_id_goes_away() {
    runtime().block_on(async {
        let mut child = sh("exit 2").spawn().unwrap();
        assert!(child.id().expect("running child has an id") > 0);
        assert_eq!(child.wait().await.unwrap().code(), Some(2));
        assert_eq!(child.wait().await.unwrap().code(), Some(2));
        assert_eq!(child.try_wait().unwrap().and_then(|s| s.code()), Some(2));
        assert_eq!(child.id(), None, "a reaped child's id may belong to someone else");
    });
}

#[test]
fn try_wait_is_none_while_running_and_kill_ends_the_child() {
    runtime().block_on(async {
        let mut child = Command::new("sleep").arg("30").spawn().unwrap();
        assert!(child.try_wait().unwrap().is_none());
        child.kill().await.unwrap();
        let status = child.wait().await.unwrap();
        assert_eq!(status.signal(), Some(avx_os::signal::SIGKILL));
        assert!(!status.success());
    });
}

#[test]
fn killing_an_exited_child_is_not_an_error() {
    runtime().block_on(async {
        let mut child = sh("exit 2").spawn().unwrap();
        child.start_kill().unwrap();
        child.wait().await.unwrap();
        child.start_kill().unwrap();
        child.kill().await.unwrap();
    });
}

#[test]
fn output_captures_stdout_stderr_and_status() {
    runtime().block_on(async {
        let output = sh("echo out; echo err >&2; exit 3").output().await.unwrap();
        assert_eq!(output.stdout, b"out\n");
        assert_eq!(output.stderr, b"err\n");
        assert_eq!(output.status.code(), Some(3));
        // More than a pipe holds: the output is read while the child runs.
        let big = sh("head -c 1000000 /dev/zero").output().await.unwrap();
        assert_eq!(big.stdout.len(), 1_000_000);
        assert!(big.status.success());
    });
}

#[test]
fn status_closes_piped_stdin_so_a_reading_child_ends() {
    runtime().block_on(async {
        let status = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()).status().await.unwrap();
        assert!(status.success());
    });
}

#[test]
fn the_builder_sets_arguments_environment_directory_and_argv0() {
    runtime().block_on(async {
        let output = sh("echo \"$0|$FOO|$BAR|$HOME\"; pwd")
            .arg0("renamed")
            .env_clear()
            .envs([("FOO", "1"), ("BAR", "2")])
            .env("HOME", "h")
            .env_remove("BAR")
            .current_dir("/")
            .output()
            .await
            .unwrap();
        assert_eq!(String::from_utf8(output.stdout).unwrap(), "renamed|1||h\n/\n");
        let args = Command::new("printf").args(["%s,", "a b", "c"]).output().await.unwrap();
        assert_eq!(args.stdout, b"a b,c,");
    });
}

#[test]
fn a_missing_program_is_not_found_from_spawn() {
    runtime().block_on(async {
        let error = Command::new("/no/such/program").spawn().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NotFound);
        let error = Command::new("no-such-program-avx").status().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NotFound);
    });
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn spawning_outside_a_runtime_panics_as_tokio_does() {
    let _ = Command::new("true").spawn();
}

#[test]
fn a_child_spawned_on_one_runtime_can_be_awaited_on_another() {
    let mut child =
        runtime().block_on(async { Command::new("true").stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap() });
    let status = runtime().block_on(child.wait()).unwrap();
    assert!(status.success());
}

#[test]
fn many_children_from_many_tasks_are_all_reaped() {
    runtime().block_on(async {
        let mut tasks = JoinSet::new();
        for task in 0..10 {
            tasks.spawn(async move {
                for i in 0..10 {
                    let mut child = Command::new("sh")
                        .arg("-c")
                        .arg(format!("exit {}", (task * 10 + i) % 7))
                        .stdin(Stdio::null())
                        .kill_on_drop(true)
                        .spawn()
                        .unwrap();
                    assert_eq!(child.wait().await.unwrap().code(), Some((task * 10 + i) % 7));
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
    });
}

#[test]
fn the_command_converts_to_and_from_std() {
    let mut command = Command::from(std::process::Command::new("true"));
    assert!(!command.get_kill_on_drop());
    command.kill_on_drop(true).arg("x");
    assert!(command.get_kill_on_drop());
    assert_eq!(command.as_std().get_args().collect::<Vec<_>>(), ["x"]);
    command.as_std_mut().arg("y");
    assert_eq!(command.into_std().get_program(), "true");
}
