//! `Child`: a spawned process. `wait`/`try_wait` reap it, `kill`/`start_kill` end it, and
//! dropping it hands the reaping to the orphan queue (killing it first with `kill_on_drop`).

use super::reap::{adopt, Reaper};
use super::{ChildStderr, ChildStdin, ChildStdout};
use crate::io::AsyncReadExt;
use avx_os::process::WaitStatus;
use std::future::poll_fn;
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Output};
use std::task::{ready, Context, Poll};

/// A child process started by [`super::Command::spawn`].
#[derive(Debug)]
pub struct Child {
    state: State,
    kill_on_drop: bool,
    /// The parent's end of the child's piped stdin (`Stdio::piped()`), until taken.
    pub stdin: Option<ChildStdin>,
    /// The parent's end of the child's piped stdout, until taken.
    pub stdout: Option<ChildStdout>,
    /// The parent's end of the child's piped stderr, until taken.
    pub stderr: Option<ChildStderr>,
}

#[derive(Debug)]
enum State {
    Running(Running),
    Done(ExitStatus),
}

#[derive(Debug)]
struct Running {
    pid: u32,
    reaper: Reaper,
}

impl Child {
    /// A child whose piped stdio (taken out of `std` already) is registered.
    pub(crate) fn new(pid: u32, reaper: Reaper, kill_on_drop: bool, stdio: PipedStdio) -> Child {
        let (stdin, stdout, stderr) = stdio;
        Child { state: State::Running(Running { pid, reaper }), kill_on_drop, stdin, stdout, stderr }
    }

    /// The process id, or `None` once it has been reaped (the id may then name another process).
    pub fn id(&self) -> Option<u32> {
        match &self.state {
            State::Running(running) => Some(running.pid),
            State::Done(_) => None,
        }
    }

    /// Sends `SIGKILL` without waiting for the child to end; `Ok` if it already has. Reap it
    /// afterwards with [`Child::wait`] (or drop it: the orphan queue does it then).
    pub fn start_kill(&mut self) -> io::Result<()> {
        match &self.state {
            State::Running(running) => running.reaper.kill(),
            State::Done(_) => Ok(()),
        }
    }

    /// Kills the child and waits for it to be reaped.
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await.map(drop)
    }

    /// Waits for the child to exit and reaps it; afterwards returns the same status again.
    /// The parent's end of a piped stdin is closed first, so a child reading its input ends.
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        poll_fn(|cx| self.poll_wait(cx)).await
    }

    /// Waits for the exit while reading piped stdout and stderr to their ends (both at once,
    /// so a child filling one pipe never stalls); what was not piped comes back empty.
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        let (mut stdout, mut stderr) = (self.stdout.take(), self.stderr.take());
        let (status, stdout, stderr) =
            crate::try_join!(self.wait(), read_to_end(stdout.as_mut()), read_to_end(stderr.as_mut()))?;
        Ok(Output { status, stdout, stderr })
    }

    fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        match &mut self.state {
            State::Done(status) => Poll::Ready(Ok(*status)),
            State::Running(running) => {
                let status = ready!(running.reaper.poll_wait(cx))?;
                Poll::Ready(Ok(self.finish(status)))
            }
        }
    }

    /// Reaps the child if it has exited, without waiting.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        match &self.state {
            State::Done(status) => Ok(Some(*status)),
            State::Running(running) => Ok(running.reaper.try_wait()?.map(|status| self.finish(status))),
        }
    }

    /// Records the exit; the reaper is released.
    fn finish(&mut self, status: WaitStatus) -> ExitStatus {
        let status = ExitStatus::from_raw(status.into_raw());
        self.state = State::Done(status);
        status
    }
}

/// The parent's ends of a child's stdio, each present if it was piped.
pub(crate) type PipedStdio = (Option<ChildStdin>, Option<ChildStdout>, Option<ChildStderr>);

/// Everything `pipe` (if any) yields until its end.
async fn read_to_end(pipe: Option<&mut (impl AsyncReadExt + Unpin)>) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if let Some(pipe) = pipe {
        pipe.read_to_end(&mut bytes).await?;
    }
    Ok(bytes)
}

impl Drop for Child {
    fn drop(&mut self) {
        // The placeholder status is never read: `self` is going away.
        let State::Running(running) = std::mem::replace(&mut self.state, State::Done(ExitStatus::from_raw(0))) else {
            return;
        };
        if self.kill_on_drop {
            // Fails only if the child is gone already, which is what killing wanted.
            let _ = running.reaper.kill();
        }
        // Exited (or someone else reaped it): nothing left to do. Otherwise it is an orphan.
        if let Ok(None) = running.reaper.try_wait() {
            adopt(running.reaper.into_orphan());
        }
    }
}
