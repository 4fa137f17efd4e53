//! Tests of the simulated pipe: a framed protocol round-trips under many seeds with
//! reproducible timing, a naive reader's bug shows under some seeds, EOF and broken pipes.

use super::net::{pipe, PipeEnd};
use super::Sim;
use crate::io::{AsyncRead, AsyncWrite, Error, ErrorKind, ReadBuf};
use alloc::vec::Vec;
use core::future::poll_fn;
use core::pin::Pin;
use core::time::Duration;

async fn read(end: &mut PipeEnd, buf: &mut [u8]) -> Result<usize, Error> {
    let mut buf = ReadBuf::new(buf);
    poll_fn(|cx| Pin::new(&mut *end).poll_read(cx, &mut buf)).await?;
    Ok(buf.filled().len())
}

async fn write_all(end: &mut PipeEnd, mut buf: &[u8]) -> Result<(), Error> {
    while !buf.is_empty() {
        let n = poll_fn(|cx| Pin::new(&mut *end).poll_write(cx, buf)).await?;
        buf = &buf[n..];
    }
    Ok(())
}

async fn read_exact(end: &mut PipeEnd, buf: &mut [u8]) -> Result<(), Error> {
    let mut filled = 0;
    while filled < buf.len() {
        match read(end, &mut buf[filled..]).await? {
            0 => return Err(Error::from(ErrorKind::UnexpectedEof)),
            n => filled += n,
        }
    }
    Ok(())
}

/// A client sends three length-prefixed requests; the server answers each in upper case.
fn framed_exchange(sim: &Sim) -> Vec<Vec<u8>> {
    let (mut client, mut server) = pipe(&sim.handle(), Duration::from_millis(20));
    sim.spawn(async move {
        let mut len = [0u8; 1];
        while read_exact(&mut server, &mut len).await.is_ok() {
            let mut body = alloc::vec![0; usize::from(len[0])];
            read_exact(&mut server, &mut body).await.unwrap();
            body.make_ascii_uppercase();
            write_all(&mut server, &len).await.unwrap();
            write_all(&mut server, &body).await.unwrap();
        }
    });
    sim.block_on(async move {
        let mut replies = Vec::new();
        for request in [&b"hello"[..], b"deterministic", b"world"] {
            write_all(&mut client, &[request.len() as u8]).await.unwrap();
            write_all(&mut client, request).await.unwrap();
            let mut len = [0u8; 1];
            read_exact(&mut client, &mut len).await.unwrap();
            let mut reply = alloc::vec![0; usize::from(len[0])];
            read_exact(&mut client, &mut reply).await.unwrap();
            replies.push(reply);
        }
        replies
    })
    .unwrap()
}

#[test]
fn framed_protocol_round_trips_with_reproducible_timing() {
    let mut elapsed = Vec::new();
    for seed in 0..8 {
        let sim = Sim::new(seed);
        assert_eq!(framed_exchange(&sim), [&b"HELLO"[..], b"DETERMINISTIC", b"WORLD"], "seed {seed}");
        let replay = Sim::new(seed);
        framed_exchange(&replay);
        assert_eq!(sim.schedule_trace(), replay.schedule_trace(), "seed {seed}");
        assert_eq!(sim.elapsed(), replay.elapsed(), "seed {seed}");
        elapsed.push(sim.elapsed());
    }
    assert!(elapsed.iter().any(|&e| e > Duration::ZERO), "no delivery was delayed");
    assert!(elapsed.iter().any(|&e| e != elapsed[0]), "every seed took the same virtual time");
}

/// A reader that assumes one read returns a whole 11-byte message.
fn naive_read(sim: &Sim) -> Vec<u8> {
    let (mut a, mut b) = pipe(&sim.handle(), Duration::from_millis(5));
    sim.spawn(async move { write_all(&mut a, b"hello world").await.unwrap() });
    sim.block_on(async move {
        let mut buf = [0u8; 16];
        let n = read(&mut b, &mut buf).await.unwrap();
        buf[..n].to_vec()
    })
    .unwrap()
}

#[test]
fn short_writes_expose_a_reader_that_assumes_whole_messages() {
    let outcomes: Vec<_> = (0..16).map(|seed| naive_read(&Sim::new(seed))).collect();
    assert!(outcomes.iter().any(|got| got == b"hello world"));
    assert!(outcomes.iter().any(|got| got.len() < 11), "no seed split the message");
}

#[test]
fn a_closed_end_reads_eof_after_the_data_and_breaks_the_peer_pipe() {
    let sim = Sim::new(3);
    let (mut a, mut b) = pipe(&sim.handle(), Duration::from_millis(1));
    let received = sim
        .block_on(async move {
            write_all(&mut a, b"last words").await.unwrap();
            drop(a);
            let mut received = Vec::new();
            let mut buf = [0u8; 4];
            loop {
                match read(&mut b, &mut buf).await.unwrap() {
                    0 => break,
                    n => received.extend_from_slice(&buf[..n]),
                }
            }
            let broken = poll_fn(|cx| Pin::new(&mut b).poll_write(cx, b"anyone?")).await;
            assert_eq!(broken.unwrap_err().kind(), ErrorKind::BrokenPipe);
            received
        })
        .unwrap();
    assert_eq!(received, b"last words");
}
