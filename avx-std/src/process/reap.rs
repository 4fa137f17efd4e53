//! Reaping children so that none is left a zombie: through a pidfd the reactor watches
//! (Linux 5.3+) or a `SIGCHLD` listener; children whose `Child` was dropped become orphans.

use crate::runtime::Handle;
use crate::signal::unix::{listen, signal, Signal, SignalKind};
use avx_os::process::{self as os, WaitStatus};
use avx_os::signal::SIGKILL;
use avx_os::Errno;
use std::io;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{ready, Context, Poll};
#[cfg(target_os = "linux")]
use {crate::io::registration::Source, avx_core::Interest, avx_os::process::Pidfd};

fn os_error(errno: Errno) -> io::Error {
    io::Error::from_raw_os_error(errno.raw())
}

/// Watches one child until it is reaped.
pub(crate) enum Reaper {
    /// A process descriptor registered with the reactor: readable once the child exited.
    #[cfg(target_os = "linux")]
    Pidfd(Source<Pidfd>),
    /// Older kernels and other systems: every `SIGCHLD` is a reason to try again.
    Sigchld { pid: u32, sigchld: Signal },
}

impl Reaper {
    /// Starts watching the child `pid`, just spawned and not yet reaped.
    pub(crate) fn new(pid: u32) -> io::Result<Reaper> {
        #[cfg(target_os = "linux")]
        if let Ok(reaper) = Reaper::with_pidfd(pid) {
            return Ok(reaper);
        }
        Reaper::with_sigchld(pid)
    }

    #[cfg(target_os = "linux")]
    fn with_pidfd(pid: u32) -> io::Result<Reaper> {
        let pidfd = Pidfd::open(pid).map_err(os_error)?;
        Ok(Reaper::Pidfd(Source::new(pidfd)?))
    }

    /// The listener exists before the first look at the child, so no exit goes unnoticed.
    fn with_sigchld(pid: u32) -> io::Result<Reaper> {
        Ok(Reaper::Sigchld { pid, sigchld: signal(SignalKind::child())? })
    }

    /// Reaps the child if it has exited.
    pub(crate) fn try_wait(&self) -> io::Result<Option<WaitStatus>> {
        match self {
            #[cfg(target_os = "linux")]
            Reaper::Pidfd(source) => source.socket().try_wait(),
            Reaper::Sigchld { pid, .. } => os::try_wait(*pid),
        }
        .map_err(os_error)
    }

    /// Ready with the exit status once the child has exited and been reaped.
    pub(crate) fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<WaitStatus>> {
        match self {
            #[cfg(target_os = "linux")]
            Reaper::Pidfd(source) => poll_pidfd(source, cx),
            Reaper::Sigchld { pid, sigchld } => loop {
                if let Some(status) = os::try_wait(*pid).map_err(os_error)? {
                    return Poll::Ready(Ok(status));
                }
                if ready!(sigchld.poll_recv(cx)).is_none() {
                    return Poll::Ready(Err(io::Error::other("the runtime shut down while waiting for the child")));
                }
            },
        }
    }

    /// Sends `SIGKILL` (a child that exited but is not reaped yet accepts it harmlessly).
    pub(crate) fn kill(&self) -> io::Result<()> {
        match self {
            #[cfg(target_os = "linux")]
            Reaper::Pidfd(source) => source.socket().send_signal(SIGKILL),
            Reaper::Sigchld { pid, .. } => os::kill(*pid, SIGKILL),
        }
        .map_err(os_error)
    }

    /// Hands the child to the orphan queue's care.
    pub(crate) fn into_orphan(self) -> Orphan {
        match self {
            #[cfg(target_os = "linux")]
            Reaper::Pidfd(source) => Orphan::Pidfd(source.into_socket()),
            Reaper::Sigchld { pid, .. } => Orphan::Pid(pid),
        }
    }
}

impl std::fmt::Debug for Reaper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            #[cfg(target_os = "linux")]
            Reaper::Pidfd(source) => f.debug_tuple("Pidfd").field(&source.socket().pid()).finish(),
            Reaper::Sigchld { pid, .. } => f.debug_struct("Sigchld").field("pid", pid).finish_non_exhaustive(),
        }
    }
}

/// Waits on the pidfd's readiness; if the runtime it was registered with is gone, moves the
/// registration to the current runtime once.
#[cfg(target_os = "linux")]
fn poll_pidfd(source: &mut Source<Pidfd>, cx: &mut Context<'_>) -> Poll<io::Result<WaitStatus>> {
    let mut moved = false;
    loop {
        match ready!(source.poll_ready(cx, Interest::READABLE)) {
            Ok(event) => {
                if let Some(status) = source.socket().try_wait().map_err(os_error)? {
                    return Poll::Ready(Ok(status));
                }
                source.clear_readiness(event);
            }
            Err(gone) if moved => return Poll::Ready(Err(gone)),
            Err(_) => {
                let pidfd = source.socket().try_clone().map_err(os_error)?;
                *source = Source::try_new(pidfd)?;
                moved = true;
            }
        }
    }
}

/// A child nobody waits for any more, reaped once it exits.
pub(crate) enum Orphan {
    #[cfg(target_os = "linux")]
    Pidfd(Pidfd),
    Pid(u32),
}

impl Orphan {
    /// Reaps it if it has exited; true once it is gone (reaped now, or by someone else).
    fn reap(&self) -> bool {
        let result = match self {
            #[cfg(target_os = "linux")]
            Orphan::Pidfd(pidfd) => pidfd.try_wait(),
            Orphan::Pid(pid) => os::try_wait(*pid),
        };
        !matches!(result, Ok(None))
    }
}

struct Orphans {
    queue: Vec<Orphan>,
    /// A task is reaping them (on some runtime) as `SIGCHLD`s arrive.
    reaper_running: bool,
}

static ORPHANS: Mutex<Orphans> = Mutex::new(Orphans { queue: Vec::new(), reaper_running: false });

fn orphans() -> MutexGuard<'static, Orphans> {
    ORPHANS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Takes over reaping a child whose `Child` was dropped before it was reaped.
pub(crate) fn adopt(orphan: Orphan) {
    orphans().queue.push(orphan);
    tend_orphans();
}

/// Reaps the orphans that have exited, and makes sure a task on the current runtime reaps
/// the others as they exit. Without a runtime they wait for the next call on one.
pub(crate) fn tend_orphans() {
    let need_reaper = {
        let orphans = orphans();
        !orphans.queue.is_empty() && !orphans.reaper_running
    };
    // Listening before the pass below means an exit after it still wakes the reaper.
    let sigchld = if need_reaper { listen(SignalKind::child()).ok() } else { None };
    let mut orphans = orphans();
    orphans.queue.retain(|orphan| !orphan.reap());
    if orphans.queue.is_empty() || orphans.reaper_running {
        return;
    }
    let (Some(sigchld), Ok(handle)) = (sigchld, Handle::try_current()) else { return };
    orphans.reaper_running = true;
    drop(orphans);
    drop(handle.spawn(reap_orphans(sigchld)));
}

/// Clears `reaper_running` if the reaping task is dropped (its runtime shut down).
struct ReaperRunning;

impl Drop for ReaperRunning {
    fn drop(&mut self) {
        orphans().reaper_running = false;
    }
}

/// The reaping task: a pass at every `SIGCHLD`, until no orphan is left. The guard is made
/// before the first poll, so a task dropped unpolled (spawned onto a runtime that is shutting
/// down) still clears `reaper_running`.
fn reap_orphans(mut sigchld: Signal) -> impl std::future::Future<Output = ()> + Send {
    let running = ReaperRunning;
    async move { reap_until_none_left(&mut sigchld, running).await }
}

async fn reap_until_none_left(sigchld: &mut Signal, running: ReaperRunning) {
    loop {
        {
            let mut orphans = orphans();
            orphans.queue.retain(|orphan| !orphan.reap());
            if orphans.queue.is_empty() {
                // Cleared under the same lock that saw the queue empty, so an orphan adopted
                // right after starts a new reaper.
                orphans.reaper_running = false;
                std::mem::forget(running);
                return;
            }
        }
        if sigchld.recv().await.is_none() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::poll_fn;
    use std::time::{Duration, Instant};

    fn current_thread() -> crate::Runtime {
        crate::Runtime::builder().current_thread().build().unwrap()
    }

    /// Starts `sh -c script` with std; the tests reap it through this module.
    fn spawn_std(script: &str) -> u32 {
        std::process::Command::new("sh").args(["-c", script]).spawn().unwrap().id()
    }

    #[test]
    fn the_sigchld_reaper_waits_for_the_exit_and_can_kill() {
        current_thread().block_on(async {
            let mut reaper = Reaper::with_sigchld(spawn_std("sleep 0.05; exit 7")).unwrap();
            assert_eq!(poll_fn(|cx| reaper.poll_wait(cx)).await.unwrap().code(), Some(7));

            let mut reaper = Reaper::with_sigchld(spawn_std("sleep 30")).unwrap();
            assert_eq!(reaper.try_wait().unwrap(), None);
            reaper.kill().unwrap();
            assert_eq!(poll_fn(|cx| reaper.poll_wait(cx)).await.unwrap().signal(), Some(SIGKILL));
        });
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_orphan_watched_through_sigchld_is_reaped_when_it_exits() {
        current_thread().block_on(async {
            let pid = spawn_std("sleep 0.1");
            adopt(Reaper::with_sigchld(pid).unwrap().into_orphan());
            let deadline = Instant::now() + Duration::from_secs(20);
            // A zombie still has its /proc entry; a reaped child has none.
            while std::path::Path::new(&format!("/proc/{pid}")).exists() {
                assert!(Instant::now() < deadline, "the orphan was never reaped");
                crate::time::sleep(Duration::from_millis(5)).await;
            }
        });
    }
}
