//! Integration tests of `avx_std::fs::File`'s I/O: reads (with read-ahead), background writes
//! and their errors, seeks over read-ahead, std conversion, pipes, dropped futures, dead pools.

use avx_std::fs::File;
use avx_std::io::{AsyncReadExt, AsyncSeek, AsyncSeekExt, AsyncWriteExt, SeekFrom};
use avx_std::Runtime;
use std::future::Future;
use std::io::{IoSlice, Read, Seek, Write};
use std::path::PathBuf;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

/// A scratch file path under the temporary directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn with(contents: &[u8]) -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("avx-fs-file-test-{}-{n}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        Scratch(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `len` bytes that differ from their neighbours, so a misplaced read shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn run<F: Future>(f: F) -> F::Output {
    Runtime::builder().worker_threads(2).build().expect("runtime builds").block_on(f)
}

/// Where the OS says the descriptor's cursor is (Linux: `/proc/self/fdinfo`).
#[cfg(target_os = "linux")]
fn os_position(file: &File) -> u64 {
    use std::os::unix::io::AsRawFd;
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{}", file.as_raw_fd())).unwrap();
    let pos = info.lines().find_map(|line| line.strip_prefix("pos:")).expect("fdinfo has pos");
    pos.trim().parse().unwrap()
}

#[test]
fn small_reads_return_the_file_in_order_and_then_end_of_file() {
    let contents = pattern(300_000);
    let scratch = Scratch::with(&contents);
    run(async {
        let mut file = File::open(&scratch.0).await.unwrap();
        let mut read = Vec::new();
        let mut chunk = [0u8; 77];
        loop {
            let n = file.read(&mut chunk).await.unwrap();
            if n == 0 {
                break;
            }
            read.extend_from_slice(&chunk[..n]);
        }
        assert_eq!(read.len(), contents.len());
        assert!(read == contents, "bytes out of order");
        assert_eq!(file.read(&mut chunk).await.unwrap(), 0, "still at the end");
        // Grown behind the reader's back: the next read sees the new bytes.
        std::fs::OpenOptions::new().append(true).open(&scratch.0).unwrap().write_all(b"more").unwrap();
        assert_eq!(file.read(&mut chunk).await.unwrap(), 4);
        assert_eq!(&chunk[..4], b"more");
    });
}

#[cfg(target_os = "linux")]
#[test]
fn a_small_read_of_a_regular_file_reads_ahead_but_the_position_is_the_readers() {
    let contents = pattern(1 << 20);
    let scratch = Scratch::with(&contents);
    run(async {
        let mut file = File::open(&scratch.0).await.unwrap();
        let mut byte = [0u8; 1];
        file.read_exact(&mut byte).await.unwrap();
        assert!(os_position(&file) > 1, "one pool trip fetched a block, not one byte");
        assert_eq!(file.stream_position().await.unwrap(), 1);
        assert_eq!(os_position(&file), 1, "the seek gave the read-ahead back");

        file.read_exact(&mut byte).await.unwrap();
        assert_eq!(byte[0], contents[1]);
        assert_eq!(file.seek(SeekFrom::Current(-1)).await.unwrap(), 1, "relative to the reader");
        file.read_exact(&mut byte).await.unwrap();
        assert_eq!(byte[0], contents[1]);

        let mut std = file.into_std().await;
        assert_eq!(std.stream_position().unwrap(), 2, "into_std gives the read-ahead back");
        let mut rest = Vec::new();
        std.read_to_end(&mut rest).unwrap();
        assert!(rest == contents[2..]);

        let mut file = File::open(&scratch.0).await.unwrap();
        file.read_exact(&mut [0u8; 10]).await.unwrap();
        let mut std = file.try_into_std().expect("nothing running");
        assert_eq!(std.stream_position().unwrap(), 10, "try_into_std too");
    });
}

#[test]
fn a_write_after_a_read_lands_where_the_reader_is() {
    let contents = pattern(100_000);
    let scratch = Scratch::with(&contents);
    run(async {
        let mut file = File::options().read(true).write(true).open(&scratch.0).await.unwrap();
        file.read_exact(&mut [0u8; 10]).await.unwrap();
        file.write_all(b"XYZ").await.unwrap();
        let mut next = [0u8; 2];
        file.read_exact(&mut next).await.unwrap();
        assert_eq!(next, contents[13..15], "the read after the write continues after it");
        file.flush().await.unwrap();
        let on_disk = std::fs::read(&scratch.0).unwrap();
        assert_eq!(&on_disk[10..13], b"XYZ");
        assert!(on_disk[..10] == contents[..10] && on_disk[13..] == contents[13..]);
    });
}

#[test]
fn writes_complete_behind_and_the_next_call_sees_them() {
    let scratch = Scratch::with(b"");
    run(async {
        let mut file = File::options().read(true).write(true).open(&scratch.0).await.unwrap();
        file.write_all(&pattern(5000)).await.unwrap();
        assert_eq!(file.metadata().await.unwrap().len(), 5000, "metadata waits for the write");
        file.write_all(&[1; 100]).await.unwrap();
        file.set_len(50).await.unwrap();
        assert_eq!(std::fs::metadata(&scratch.0).unwrap().len(), 50, "set_len ran after the write");
        assert_eq!(file.seek(SeekFrom::Start(7)).await.unwrap(), 7);
        file.set_len(50).await.unwrap();
        let idle = std::future::poll_fn(|cx| std::pin::Pin::new(&mut file).poll_complete(cx)).await;
        assert_eq!(idle.unwrap(), 7, "idle, poll_complete reports the last seek's position");
        file.rewind().await.unwrap();
        let mut back = Vec::new();
        file.read_to_end(&mut back).await.unwrap();
        assert_eq!(back, pattern(50));
        file.write_all(b"tail").await.unwrap();
        file.sync_all().await.unwrap();
        assert_eq!(std::fs::read(&scratch.0).unwrap().len(), 54, "sync_all waited for the write");
    });
}

#[test]
fn a_failed_background_write_is_reported_by_the_next_call() {
    let scratch = Scratch::with(b"read only");
    run(async {
        // Opened read-only: the write itself fails on the pool, after `write` said yes.
        let mut file = File::open(&scratch.0).await.unwrap();
        assert_eq!(file.write(b"x").await.unwrap(), 1);
        assert!(file.flush().await.is_err(), "flush reports it");
        file.flush().await.expect("reported once");
        assert_eq!(file.write(b"y").await.unwrap(), 1);
        let mut buf = [0u8; 4];
        assert!(file.read(&mut buf).await.is_err(), "so does a read");
        assert_eq!(file.read(&mut buf).await.unwrap(), 4, "and the file reads on");
        assert_eq!(file.write(b"z").await.unwrap(), 1);
        assert!(file.metadata().await.is_ok(), "metadata leaves the error to the next I/O call");
        assert!(file.seek(SeekFrom::Start(0)).await.is_err());
    });
}

#[test]
fn vectored_writes_take_every_slice_and_max_buf_size_caps_each_call() {
    let scratch = Scratch::with(b"");
    run(async {
        let mut file = File::create(&scratch.0).await.unwrap();
        let n = file.write_vectored(&[IoSlice::new(b"hello "), IoSlice::new(b""), IoSlice::new(b"world")]).await;
        assert_eq!(n.unwrap(), 11);
        file.set_max_buf_size(4);
        assert_eq!(file.max_buf_size(), 4);
        assert_eq!(file.write(b"0123456789").await.unwrap(), 4);
        assert_eq!(file.write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cdef")]).await.unwrap(), 4);
        file.shutdown().await.unwrap();
        assert_eq!(std::fs::read(&scratch.0).unwrap(), b"hello world0123abcd");

        let mut file = File::open(&scratch.0).await.unwrap();
        file.set_max_buf_size(3);
        let mut buf = [0u8; 100];
        assert_eq!(file.read(&mut buf).await.unwrap(), 3, "read-ahead stays within it too");
        assert_eq!(file.try_clone().await.unwrap().max_buf_size(), 3);
    });
}

#[test]
#[should_panic(expected = "`max_buf_size` must be greater than 0")]
fn a_zero_max_buf_size_is_refused() {
    let scratch = Scratch::with(b"");
    run(async { File::open(&scratch.0).await.unwrap().set_max_buf_size(0) });
}

#[test]
fn a_clone_shares_the_cursor_at_the_readers_position() {
    let contents = pattern(200_000);
    let scratch = Scratch::with(&contents);
    run(async {
        let mut file = File::open(&scratch.0).await.unwrap();
        file.read_exact(&mut [0u8; 100]).await.unwrap();
        let mut clone = file.try_clone().await.unwrap();
        let mut next = [0u8; 3];
        clone.read_exact(&mut next).await.unwrap();
        assert_eq!(next, contents[100..103]);
    });
}

#[cfg(unix)]
#[test]
fn a_pipe_opened_as_a_file_is_not_read_ahead() {
    let (reader, mut writer) = std::io::pipe().unwrap();
    writer.write_all(b"hello world").unwrap();
    run(async {
        let mut file = File::from(std::os::fd::OwnedFd::from(reader));
        let mut hello = [0u8; 5];
        file.read_exact(&mut hello).await.unwrap();
        assert_eq!(&hello, b"hello");
        // What the file did not hand out is still in the pipe for the next reader.
        let mut std = file.into_std().await;
        drop(writer);
        let mut rest = String::new();
        std.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, " world");
    });
}

#[test]
fn a_read_whose_future_was_dropped_loses_nothing() {
    let contents = pattern(50_000);
    let scratch = Scratch::with(&contents);
    run(async {
        let mut file = File::open(&scratch.0).await.unwrap();
        let mut all = Vec::new();
        for _ in 0..3 {
            let mut buf = [0u8; 1000];
            let polled = pin!(file.read(&mut buf)).as_mut().poll(&mut Context::from_waker(Waker::noop()));
            // Started on the pool, then abandoned; a poll that found an earlier read's bytes
            // already back completed, and those bytes are the caller's.
            if let Poll::Ready(n) = polled {
                let n = n.unwrap();
                all.extend_from_slice(&buf[..n]);
            }
        }
        file.read_to_end(&mut all).await.unwrap();
        assert!(all == contents);
    });
}

#[test]
fn operations_on_a_dead_pool_fail_and_the_file_stays_usable() {
    let scratch = Scratch::with(b"still here");
    let dead = Runtime::builder().current_thread().build().unwrap();
    let handle = dead.handle().clone();
    drop(dead);
    let mut file = File::from_std(std::fs::File::options().read(true).write(true).open(&scratch.0).unwrap());
    let mut buf = [0u8; 16];
    assert!(handle.block_on(file.read(&mut buf)).is_err());
    assert!(handle.block_on(file.seek(SeekFrom::Start(0))).is_err());
    assert!(handle.block_on(file.set_len(0)).is_err());
    handle.block_on(async {
        // Taken, then lost with the closure the dead pool dropped: the flush says so.
        assert_eq!(file.write(b"lost").await.unwrap(), 4);
        assert!(file.flush().await.is_err());
    });
    run(async {
        let mut contents = String::new();
        file.read_to_string(&mut contents).await.unwrap();
        assert_eq!(contents, "still here");
    });
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn outside_a_runtime_io_panics_as_tokio_does() {
    let scratch = Scratch::with(b"x");
    let mut file = File::from_std(std::fs::File::open(&scratch.0).unwrap());
    let mut buf = [0u8; 1];
    let mut read = pin!(file.read(&mut buf));
    let _ = read.as_mut().poll(&mut Context::from_waker(Waker::noop()));
}

#[cfg(unix)]
#[test]
fn raw_descriptors_and_debug() {
    use std::os::unix::io::{AsRawFd, FromRawFd, IntoRawFd};
    let scratch = Scratch::with(b"raw");
    run(async {
        let file = File::open(&scratch.0).await.unwrap();
        assert!(format!("{file:?}").starts_with("File { std: File { fd: "), "{file:?}");
        let fd = file.into_std().await.into_raw_fd();
        // SAFETY: `fd` was just given up by its std owner and nothing else holds it.
        let mut file = unsafe { File::from_raw_fd(fd) };
        assert_eq!(file.as_raw_fd(), fd);
        let mut contents = String::new();
        file.read_to_string(&mut contents).await.unwrap();
        assert_eq!(contents, "raw");
    });
}
