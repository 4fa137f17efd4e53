//! `Command`: Tokio's process builder over `std::process::Command`, plus `kill_on_drop`;
//! `spawn` registers the child for reaping, `status` and `output` await it.

use super::child::{self, Child};
use super::reap::{adopt, tend_orphans, Orphan, Reaper};
use super::{ChildStderr, ChildStdin, ChildStdout};
use crate::runtime::context;
use std::ffi::OsStr;
use std::future::Future;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{ExitStatus, Output, Stdio};

/// A process to start: program, arguments, environment, working directory, stdio.
#[derive(Debug)]
pub struct Command {
    std: std::process::Command,
    kill_on_drop: bool,
}

impl Command {
    /// A command running `program` (looked up in `PATH` if it has no slash), inheriting the
    /// environment, working directory and stdio.
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command::from(std::process::Command::new(program))
    }

    /// The std command inside.
    pub fn as_std(&self) -> &std::process::Command {
        &self.std
    }

    /// The std command inside, to configure what this type has no method for.
    pub fn as_std_mut(&mut self) -> &mut std::process::Command {
        &mut self.std
    }

    /// The std command (the `kill_on_drop` setting is lost).
    pub fn into_std(self) -> std::process::Command {
        self.std
    }

    /// Adds an argument.
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable for the child.
    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Command {
        self.std.env(key, value);
        self
    }

    /// Sets environment variables for the child.
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Leaves an environment variable out of the child's environment.
    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Starts the child with only the variables set through this command.
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// The child's working directory.
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// The child's standard input.
    pub fn stdin(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stdin(cfg);
        self
    }

    /// The child's standard output.
    pub fn stdout(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stdout(cfg);
        self
    }

    /// The child's standard error.
    pub fn stderr(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stderr(cfg);
        self
    }

    /// Whether dropping the [`Child`] before it was reaped kills it (`SIGKILL`). Either way
    /// a dropped child is reaped once it exits, so it never stays a zombie.
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// The value set with [`Command::kill_on_drop`] (default `false`).
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }

    /// The user id the child runs as (`setuid`).
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.std.uid(id);
        self
    }

    /// The group id the child runs as (`setgid`).
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.std.gid(id);
        self
    }

    /// The child's `argv[0]` (by default the program as given).
    pub fn arg0(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.std.arg0(arg);
        self
    }

    /// Puts the child in process group `pgroup` (0: a new group led by the child).
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.std.process_group(pgroup);
        self
    }

    /// Runs `f` in the child after `fork` and before `exec`.
    ///
    /// # Safety
    /// As `std::os::unix::process::CommandExt::pre_exec`: `f` runs in a copy of a
    /// multi-threaded process, so it may only do async-signal-safe work (no allocation, no
    /// locks another thread may hold).
    pub unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // SAFETY: the caller takes on std's contract, stated above.
        unsafe { self.std.pre_exec(f) };
        self
    }

    /// Starts the child. A program that does not exist is `NotFound`.
    ///
    /// # Panics
    /// Outside a runtime (checked before anything is started: a child nothing could reap
    /// must not exist).
    pub fn spawn(&mut self) -> io::Result<Child> {
        context::require("Command::spawn", |_| ());
        tend_orphans();
        let mut std = self.std.spawn()?;
        let pid = std.id();
        match Reaper::new(pid).and_then(|reaper| Ok((reaper, register_stdio(&mut std)?))) {
            Ok((reaper, stdio)) => Ok(Child::new(pid, reaper, self.kill_on_drop, stdio)),
            Err(e) => {
                // Not watched: end it, and let the orphan queue reap it.
                let _ = std.kill();
                adopt(Orphan::Pid(pid));
                Err(e)
            }
        }
    }

    /// Starts the child (now) and waits for it to exit; piped stdio is closed first.
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> + Send + 'static {
        let child = self.spawn();
        async move {
            let mut child = child?;
            // A child blocked on a pipe nobody serves would never exit.
            drop((child.stdin.take(), child.stdout.take(), child.stderr.take()));
            child.wait().await
        }
    }

    /// Starts the child (now) with stdout and stderr piped, and waits for its exit while
    /// reading both to their ends ([`Child::wait_with_output`]).
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> + Send + 'static {
        self.std.stdout(Stdio::piped());
        self.std.stderr(Stdio::piped());
        let child = self.spawn();
        async move { child?.wait_with_output().await }
    }
}

/// Takes the parent's ends of the piped stdio out of `std` and registers them.
fn register_stdio(std: &mut std::process::Child) -> io::Result<child::PipedStdio> {
    Ok((
        std.stdin.take().map(ChildStdin::from_std).transpose()?,
        std.stdout.take().map(ChildStdout::from_std).transpose()?,
        std.stderr.take().map(ChildStderr::from_std).transpose()?,
    ))
}

impl From<std::process::Command> for Command {
    fn from(std: std::process::Command) -> Command {
        Command { std, kill_on_drop: false }
    }
}
