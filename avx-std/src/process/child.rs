//! `Child`: a spawned process. `wait`/`try_wait` reap it, `kill`/`start_kill` end it, and
//! dropping it hands the reaping to the orphan queue (killing it first with `kill_on_drop`).

use super::reap::{adopt, Reaper};
use avx_os::process::WaitStatus;
use std::future::poll_fn;
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{ChildStderr, ChildStdout, ExitStatus};
use std::task::{ready, Context, Poll};

/// A child process started by [`super::Command::spawn`].
#[derive(Debug)]
pub struct Child {
    state: State,
    kill_on_drop: bool,
}

#[derive(Debug)]
enum State {
    Running(Running),
    Done(ExitStatus),
}

#[derive(Debug)]
struct Running {
    /// std's handle: the id, and the parent's ends of piped stdio. Never waited on by std.
    std: std::process::Child,
    reaper: Reaper,
}

impl Child {
    pub(crate) fn new(std: std::process::Child, reaper: Reaper, kill_on_drop: bool) -> Child {
        Child { state: State::Running(Running { std, reaper }), kill_on_drop }
    }

    /// The process id, or `None` once it has been reaped (the id may then name another process).
    pub fn id(&self) -> Option<u32> {
        match &self.state {
            State::Running(running) => Some(running.std.id()),
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
        if let State::Running(running) = &mut self.state {
            drop(running.std.stdin.take());
        }
        poll_fn(|cx| self.poll_wait(cx)).await
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

    /// Records the exit; the reaper and the stdio ends are released.
    fn finish(&mut self, status: WaitStatus) -> ExitStatus {
        let status = ExitStatus::from_raw(status.into_raw());
        self.state = State::Done(status);
        status
    }

    /// Takes the parent's ends of piped stdio; stdin is closed, stdout and stderr returned.
    pub(crate) fn take_stdio(&mut self) -> (Option<ChildStdout>, Option<ChildStderr>) {
        match &mut self.state {
            State::Running(running) => {
                drop(running.std.stdin.take());
                (running.std.stdout.take(), running.std.stderr.take())
            }
            State::Done(_) => (None, None),
        }
    }
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
