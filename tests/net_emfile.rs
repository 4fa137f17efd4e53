//! Accepting when the process is out of file descriptors: `accept` reports `EMFILE`, retries at
//! a bounded rate instead of spinning, and serves again once descriptors are free. Its own test
//! binary, because it lowers the whole process's descriptor limit.

use avx_os::sys::linux::net::{prlimit, Rlimit, RLIMIT_NOFILE};
use avx_std::io::{AsyncReadExt, AsyncWriteExt};
use avx_std::net::{TcpListener, TcpStream};
use avx_std::time::Instant;
use avx_std::Builder;
use std::time::Duration;

/// The number the next new descriptor would get: every lower one is in use.
fn lowest_free_descriptor() -> u64 {
    let probe = std::fs::File::open("/dev/null").unwrap();
    use std::os::fd::AsRawFd;
    probe.as_raw_fd() as u64
}

#[test]
fn accept_out_of_descriptors_errors_backs_off_and_recovers() {
    let rt = Builder::new_current_thread().start_paused(true).build().unwrap();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        client.write_all(b"hi").await.unwrap();

        let original = prlimit(RLIMIT_NOFILE, None).unwrap();
        let exhausted = Rlimit { cur: lowest_free_descriptor(), max: original.max };
        prlimit(RLIMIT_NOFILE, Some(&exhausted)).unwrap();
        let start = Instant::now();
        const ATTEMPTS: u32 = 8;
        for _ in 0..ATTEMPTS {
            let error = listener.accept().await.expect_err("no descriptor is free");
            assert_eq!(error.raw_os_error(), Some(avx_os::Errno::EMFILE.0));
        }
        // The clock is paused and only moves when every task waits on a timer: time passed
        // only because the retries waited between attempts instead of spinning.
        let waited = start.elapsed();
        prlimit(RLIMIT_NOFILE, Some(&original)).unwrap();
        assert!(
            waited >= Duration::from_millis(5 + 10 + 20 + 40 + 80 + 160 + 200),
            "retries did not back off: {waited:?}"
        );

        let (mut server_side, _) = listener.accept().await.expect("serves again once descriptors are free");
        let mut buf = [0u8; 2];
        server_side.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"hi");
    });
}
