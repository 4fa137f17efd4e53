//! Integration tests of `avx_std::process`: exit statuses, waiting twice, killing, output,
//! the builder's settings, errors, children spawned on one runtime and awaited on another,
//! and the piped stdio ends as reactor-driven pipes.
#![cfg(unix)]

use avx_std::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, ReadBuf};
use avx_std::process::{ChildStdout, Command};
use avx_std::task::JoinSet;
use avx_std::time::{timeout, Duration};
use avx_std::Runtime;
use std::future::poll_fn;
use std::io::ErrorKind;
use std::os::unix::io::{AsFd, AsRawFd};
use std::os::unix::process::ExitStatusExt;
use std::pin::Pin;
use std::process::Stdio;
use std::task::Poll;

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

/// Whether `/proc/self/fdinfo` says `fd` is in nonblocking mode (Linux).
#[cfg(target_os = "linux")]
fn is_nonblocking(fd: i32) -> bool {
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).unwrap();
    let flags = info.lines().find_map(|line| line.strip_prefix("flags:")).expect("fdinfo has flags");
    const O_NONBLOCK: u32 = 0o4000;
    u32::from_str_radix(flags.trim(), 8).unwrap() & O_NONBLOCK != 0
}

#[test]
fn stdin_and_stdout_pipes_carry_more_than_a_pipe_holds_both_ways() {
    runtime().block_on(async {
        let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let (mut stdin, mut stdout) = (child.stdin.take().unwrap(), child.stdout.take().unwrap());
        let data: Vec<u8> = (0..1_000_000u32).map(|i| (i % 253) as u8).collect();
        let expected = data.clone();
        let writer = avx_std::spawn(async move {
            stdin.write_all(&data).await.unwrap();
            // Dropped here: cat sees the end of its input.
        });
        let mut echoed = Vec::new();
        timeout(Duration::from_secs(20), stdout.read_to_end(&mut echoed)).await.expect("no stall").unwrap();
        writer.await.unwrap();
        assert!(echoed == expected, "{} bytes back", echoed.len());
        assert!(child.wait().await.unwrap().success());
    });
}

#[test]
fn a_read_waits_for_the_child_instead_of_blocking_a_thread() {
    // One worker: a read that blocked the thread would stall the writer task behind it.
    Runtime::builder().current_thread().build().unwrap().block_on(async {
        let mut child = sh("echo one; read gate; echo two")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let (mut stdin, mut stdout) = (child.stdin.take().unwrap(), child.stdout.take().unwrap());
        let mut line = [0u8; 4];
        stdout.read_exact(&mut line).await.unwrap();
        assert_eq!(&line, b"one\n");
        poll_fn(|cx| {
            let mut byte = [0u8; 1];
            let pending = Pin::new(&mut stdout).poll_read(cx, &mut ReadBuf::new(&mut byte)).is_pending();
            assert!(pending, "nothing more until the child is let go");
            Poll::Ready(())
        })
        .await;
        stdin.write_all(b"go\n").await.unwrap();
        timeout(Duration::from_secs(10), stdout.read_exact(&mut line)).await.expect("second line").unwrap();
        assert_eq!(&line, b"two\n");
        assert_eq!(stdout.read(&mut line).await.unwrap(), 0, "the end once the child exits");
        assert!(child.wait().await.unwrap().success());
    });
}

#[test]
fn wait_with_output_reads_both_streams_at_once() {
    runtime().block_on(async {
        // Each stream more than a pipe holds: reading one to its end before the other would
        // leave the child stuck writing the second.
        let child = sh("head -c 300000 /dev/zero >&2; head -c 200000 /dev/zero; exit 4")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = timeout(Duration::from_secs(20), child.wait_with_output()).await.expect("no deadlock").unwrap();
        assert_eq!((output.stdout.len(), output.stderr.len()), (200_000, 300_000));
        assert_eq!(output.status.code(), Some(4));
        let child = sh("echo not captured").stdout(Stdio::null()).spawn().unwrap();
        let output = child.wait_with_output().await.unwrap();
        assert!(output.stdout.is_empty() && output.stderr.is_empty() && output.status.success());
    });
}

#[test]
fn writing_to_a_child_that_exited_is_broken_pipe() {
    runtime().block_on(async {
        let mut child = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        child.wait().await.unwrap();
        let error = stdin.write_all(&[0u8; 100_000]).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::BrokenPipe);
    });
}

#[test]
fn a_pipe_end_becomes_another_childs_stdio_in_blocking_mode() {
    runtime().block_on(async {
        let mut first = sh("echo hello; sleep 0.2; echo world").stdout(Stdio::piped()).spawn().unwrap();
        let stdout = first.stdout.take().unwrap();
        let fd = stdout.as_raw_fd();
        assert_eq!(stdout.as_fd().as_raw_fd(), fd);
        #[cfg(target_os = "linux")]
        assert!(is_nonblocking(fd), "registered with the reactor");
        let second = Command::new("tr").arg("a-z").arg("A-Z").stdin(Stdio::try_from(stdout).unwrap()).output();
        let output = second.await.unwrap();
        // A child handed a nonblocking pipe would fail its read while `sleep` runs.
        assert_eq!(output.stdout, b"HELLO\nWORLD\n");
        assert!(output.status.success());
        first.wait().await.unwrap();

        let mut child = Command::new("true").stdout(Stdio::piped()).spawn().unwrap();
        let owned = child.stdout.take().unwrap().into_owned_fd().unwrap();
        #[cfg(target_os = "linux")]
        assert!(!is_nonblocking(owned.as_raw_fd()));
        child.wait().await.unwrap();
    });
}

#[test]
fn a_std_pipe_end_can_be_taken_over() {
    runtime().block_on(async {
        let mut std = std::process::Command::new("echo").arg("from std").stdout(Stdio::piped()).spawn().unwrap();
        let mut stdout = ChildStdout::from_std(std.stdout.take().unwrap()).unwrap();
        let mut text = String::new();
        stdout.read_to_string(&mut text).await.unwrap();
        assert_eq!(text, "from std\n");
        // A std child: std reaps it (on a pool thread, as its wait blocks).
        avx_std::task::spawn_blocking(move || std.wait()).await.unwrap().unwrap();
    });
}

#[test]
fn status_closes_every_pipe_so_a_writing_child_cannot_hang_on_it() {
    runtime().block_on(async {
        let status = sh("head -c 1000000 /dev/zero").stdout(Stdio::piped()).status();
        let status = timeout(Duration::from_secs(20), status).await.expect("the child ended").unwrap();
        assert!(!status.success(), "its output had nowhere to go: {status:?}");
    });
}

#[test]
fn dropping_a_kill_on_drop_child_ends_its_output() {
    runtime().block_on(async {
        let mut child = sh("echo started; exec sleep 30").stdout(Stdio::piped()).kill_on_drop(true).spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut line = [0u8; 8];
        stdout.read_exact(&mut line).await.unwrap();
        drop(child);
        let rest = timeout(Duration::from_secs(10), stdout.read(&mut line)).await.expect("killed, not waited out");
        assert_eq!(rest.unwrap(), 0);
    });
}

#[test]
fn pipes_are_send_sync_and_unpin() {
    fn check<T: Send + Sync + Unpin>() {}
    check::<avx_std::process::ChildStdin>();
    check::<ChildStdout>();
    check::<avx_std::process::ChildStderr>();
    check::<avx_std::process::Child>();
}

/// Run as a child by the test below: copies its stdin to stdout through avx's blocking-pool
/// standard streams, in small reads.
#[test]
fn stdio_echo_child() {
    if std::env::var_os("AVX_STDIO_ECHO_CHILD").is_none() {
        return;
    }
    runtime().block_on(async {
        let (mut stdin, mut stdout) = (avx_std::io::stdin(), avx_std::io::stdout());
        let mut chunk = [0u8; 7];
        loop {
            let n = stdin.read(&mut chunk).await.unwrap();
            if n == 0 {
                break;
            }
            stdout.write_all(&chunk[..n]).await.unwrap();
        }
        stdout.flush().await.unwrap();
    });
}

#[test]
fn the_standard_streams_carry_a_childs_input_to_its_output() {
    runtime().block_on(async {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "stdio_echo_child", "--nocapture", "--test-threads=1"])
            .env("AVX_STDIO_ECHO_CHILD", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let payload: String = (0..2000).map(|i| format!("line {i}\n")).collect();
        stdin.write_all(payload.as_bytes()).await.unwrap();
        drop(stdin);
        let output = timeout(Duration::from_secs(30), child.wait_with_output()).await.expect("child ended").unwrap();
        assert!(output.status.success());
        let echoed = String::from_utf8(output.stdout).unwrap();
        assert!(echoed.contains(&payload), "the payload came back whole and in order");
    });
}
