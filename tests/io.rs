//! The I/O helpers as a user relies on them: Tokio's trait shape (a hand-written reader and
//! writer compile and work), reading to end and to text without losing data, buffered seeking
//! and vectored writing, copying, in-memory pipes, splitting, and cooperative yielding.

use avx_std::io::{
    self, AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt, BufReader,
    BufWriter, ReadBuf, SeekFrom,
};
use std::io::{Cursor, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

fn run<F: std::future::Future>(future: F) -> F::Output {
    avx_std::Runtime::builder().current_thread().build().expect("runtime").block_on(future)
}

/// Yields its chunks one poll at a time, then an error or end of stream.
struct Chunks {
    chunks: Vec<io::Result<Vec<u8>>>,
}

impl AsyncRead for Chunks {
    fn poll_read(mut self: Pin<&mut Self>, _: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if self.chunks.is_empty() {
            return Poll::Ready(Ok(()));
        }
        match self.chunks.remove(0) {
            Ok(bytes) => {
                let n = bytes.len().min(buf.remaining());
                buf.put_slice(&bytes[..n]);
                if n < bytes.len() {
                    self.chunks.insert(0, Ok(bytes[n..].to_vec()));
                }
                Poll::Ready(Ok(()))
            }
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

fn chunks(parts: &[&[u8]]) -> Chunks {
    Chunks { chunks: parts.iter().map(|p| Ok(p.to_vec())).collect() }
}

/// Takes at most `limit` bytes per write; counts vectored calls.
struct Narrow {
    data: Vec<u8>,
    limit: usize,
    vectored: bool,
    vectored_calls: usize,
}

impl AsyncWrite for Narrow {
    fn poll_write(mut self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let n = buf.len().min(self.limit);
        self.data.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.vectored_calls += 1;
        let mut room = self.limit;
        let mut n = 0;
        for b in bufs {
            let take = b.len().min(room);
            self.data.extend_from_slice(&b[..take]);
            room -= take;
            n += take;
        }
        Poll::Ready(Ok(n))
    }

    fn is_write_vectored(&self) -> bool {
        self.vectored
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

fn narrow(limit: usize, vectored: bool) -> Narrow {
    Narrow { data: Vec::new(), limit, vectored, vectored_calls: 0 }
}

#[test]
fn integers_round_trip_in_both_byte_orders() {
    run(async {
        let mut out = Vec::new();
        out.write_u16(0x0102).await.unwrap();
        out.write_u32_le(0x0304_0506).await.unwrap();
        out.write_i64(-2).await.unwrap();
        out.write_f64_le(1.5).await.unwrap();
        assert_eq!(&out[..6], &[1, 2, 6, 5, 4, 3]);
        let mut input = chunks(&[&out[..3], &out[3..]]);
        assert_eq!(input.read_u16().await.unwrap(), 0x0102);
        assert_eq!(input.read_u32_le().await.unwrap(), 0x0304_0506);
        assert_eq!(input.read_i64().await.unwrap(), -2);
        assert_eq!(input.read_f64_le().await.unwrap(), 1.5);
        assert_eq!(input.read_u8().await.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    });
}

#[test]
fn read_exact_reports_the_length_and_an_early_end() {
    run(async {
        let mut buf = [0; 5];
        assert_eq!(chunks(&[b"he", b"llo"]).read_exact(&mut buf).await.unwrap(), 5);
        assert_eq!(&buf, b"hello");
        let err = chunks(&[b"hel"]).read_exact(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    });
}

#[test]
fn read_to_end_appends_retries_interrupted_and_keeps_an_exact_vector_unchanged() {
    run(async {
        let mut reader =
            Chunks { chunks: vec![Ok(b"ab".to_vec()), Err(io::ErrorKind::Interrupted.into()), Ok(b"cd".to_vec())] };
        let mut buf = b"x".to_vec();
        assert_eq!(reader.read_to_end(&mut buf).await.unwrap(), 4);
        assert_eq!(buf, b"xabcd");

        let data: Vec<u8> = (0..64).collect();
        let mut exact = Vec::with_capacity(64);
        data.as_slice().read_to_end(&mut exact).await.unwrap();
        assert_eq!((exact.as_slice(), exact.capacity()), (data.as_slice(), 64));
    });
}

#[test]
fn read_buf_fills_spare_capacity_of_a_bytes_buffer() {
    run(async {
        let mut buf = bytes::BytesMut::with_capacity(4);
        let mut reader: &[u8] = b"hello";
        let n = reader.read_buf(&mut buf).await.unwrap();
        assert!(n > 0 && n <= 5);
        assert_eq!(&buf[..], &b"hello"[..n]);
    });
}

#[test]
fn read_to_string_leaves_the_string_alone_on_bad_text_or_an_error() {
    run(async {
        let mut text = String::from("ok ");
        let err = (&[0xff, 0xfe][..]).read_to_string(&mut text).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(text, "ok ");

        let mut failing = Chunks { chunks: vec![Ok(b"more".to_vec()), Err(io::Error::other("boom"))] };
        assert_eq!(failing.read_to_string(&mut text).await.unwrap_err().to_string(), "boom");
        assert_eq!(text, "ok ");

        assert_eq!(chunks(&[b"fine"]).read_to_string(&mut text).await.unwrap(), 4);
        assert_eq!(text, "ok fine");
    });
}

#[test]
fn read_line_keeps_valid_text_after_an_error_but_not_bad_text() {
    run(async {
        let mut line = String::from(">");
        let mut reader = BufReader::new(Chunks { chunks: vec![Ok(b"par".to_vec()), Err(io::Error::other("cut"))] });
        assert!(reader.read_line(&mut line).await.is_err());
        assert_eq!(line, ">par");

        let mut line = String::from(">");
        let mut reader = BufReader::new(chunks(&[b"a\xffb\n"]));
        assert_eq!(reader.read_line(&mut line).await.unwrap_err().kind(), io::ErrorKind::InvalidData);
        assert_eq!(line, ">");
    });
}

#[test]
fn lines_survive_errors_report_bad_text_once_and_strip_crlf() {
    run(async {
        let reader = Chunks {
            chunks: vec![Ok(b"one\r\ntw".to_vec()), Err(io::Error::other("blip")), Ok(b"o\n\xff\nthree".to_vec())],
        };
        let mut lines = BufReader::new(reader).lines();
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("one"));
        assert!(lines.next_line().await.is_err());
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("two"));
        assert_eq!(lines.next_line().await.unwrap_err().kind(), io::ErrorKind::InvalidData);
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("three"));
        assert_eq!(lines.next_line().await.unwrap(), None);

        let mut segments = AsyncBufReadExt::split(&b"a,b,,c"[..], b',');
        let mut got = Vec::new();
        while let Some(segment) = segments.next_segment().await.unwrap() {
            got.push(segment);
        }
        assert_eq!(got, [&b"a"[..], b"b", b"", b"c"]);
    });
}

#[test]
fn buf_reader_seeks_from_the_logical_position() {
    run(async {
        let mut reader = BufReader::with_capacity(4, Cursor::new(b"0123456789".to_vec()));
        assert_eq!(reader.fill_buf().await.unwrap(), b"0123");
        reader.consume(1);
        // The inner cursor is at 4; the reader's position is 1.
        assert_eq!(reader.stream_position().await.unwrap(), 1);
        assert_eq!(reader.seek(SeekFrom::Current(2)).await.unwrap(), 3);
        assert_eq!(reader.fill_buf().await.unwrap(), b"3456");
        assert!(reader.seek(SeekFrom::Current(i64::MIN)).await.is_err());
        assert_eq!(reader.seek(SeekFrom::End(-1)).await.unwrap(), 9);
        let mut rest = String::new();
        reader.read_to_string(&mut rest).await.unwrap();
        assert_eq!(rest, "9");
    });
}

#[test]
#[should_panic(expected = "capacity must be greater than zero")]
fn a_buf_reader_without_capacity_is_refused() {
    let _ = BufReader::with_capacity(0, &b""[..]);
}

#[test]
fn buf_writer_buffers_whole_slices_and_passes_large_writes_through() {
    run(async {
        let mut writer = BufWriter::with_capacity(8, narrow(4, false));
        let bufs = [IoSlice::new(b"abcd"), IoSlice::new(b"efgh"), IoSlice::new(b"ijk")];
        assert_eq!(writer.write_vectored(&bufs).await.unwrap(), 8);
        assert_eq!(writer.buffer(), b"abcdefgh");
        assert!(writer.get_ref().data.is_empty());
        writer.write_all(b"ijk").await.unwrap();
        writer.flush().await.unwrap();
        assert_eq!(writer.get_ref().data, b"abcdefghijk");

        let mut writer = BufWriter::with_capacity(8, narrow(10, true));
        assert_eq!(writer.write_vectored(&bufs).await.unwrap(), 10);
        assert_eq!(writer.get_ref().vectored_calls, 1);
        assert!(writer.buffer().is_empty());
    });
}

#[test]
fn write_all_buf_goes_vectored_when_the_writer_is() {
    use bytes::Buf;
    run(async {
        let mut writer = narrow(100, true);
        let mut buf = Buf::chain(&b"hello "[..], &b"world"[..]);
        writer.write_all_buf(&mut buf).await.unwrap();
        assert_eq!((writer.data.as_slice(), writer.vectored_calls), (&b"hello world"[..], 1));
        assert!(!buf.has_remaining());
    });
}

#[test]
fn take_and_chain_compose_readers() {
    run(async {
        let mut out = String::new();
        (&b"hello "[..]).chain(&b"world, and more"[..]).take(11).read_to_string(&mut out).await.unwrap();
        assert_eq!(out, "hello world");

        let mut reader = (&b"ab"[..]).chain(&b"cd"[..]);
        assert_eq!(reader.read(&mut []).await.unwrap(), 0, "an empty read does not skip the first reader");
        let mut all = Vec::new();
        reader.read_to_end(&mut all).await.unwrap();
        assert_eq!(all, b"abcd");
    });
}

#[test]
fn copy_moves_everything_and_copy_bidirectional_shuts_each_side_down() {
    run(async {
        let mut sink = Vec::new();
        let copied = io::copy(&mut chunks(&[b"one ", b"two"]), &mut sink).await.unwrap();
        assert_eq!((copied, sink.as_slice()), (7, &b"one two"[..]));

        let mut buffered = BufReader::with_capacity(1, &b"xyz"[..]);
        let mut sink = Vec::new();
        assert_eq!(io::copy_buf(&mut buffered, &mut sink).await.unwrap(), 3);

        let (mut a, mut a_peer) = io::duplex(64);
        let (mut b, mut b_peer) = io::duplex(64);
        let proxy = avx_std::spawn(async move { io::copy_bidirectional(&mut a, &mut b).await });
        a_peer.write_all(b"to b").await.unwrap();
        a_peer.shutdown().await.unwrap();
        b_peer.write_all(b"to a!").await.unwrap();
        b_peer.shutdown().await.unwrap();
        let mut at_b = Vec::new();
        b_peer.read_to_end(&mut at_b).await.unwrap();
        let mut at_a = Vec::new();
        a_peer.read_to_end(&mut at_a).await.unwrap();
        assert_eq!((at_a.as_slice(), at_b.as_slice()), (&b"to a!"[..], &b"to b"[..]));
        assert_eq!(proxy.await.unwrap().unwrap(), (4, 5));
    });
}

#[test]
fn a_duplex_pipe_applies_back_pressure_and_reports_a_gone_peer() {
    run(async {
        let (mut a, mut b) = io::duplex(4);
        assert_eq!(a.write(b"abcdef").await.unwrap(), 4);
        let mut buf = [0; 8];
        assert_eq!(b.read(&mut buf).await.unwrap(), 4);
        assert_eq!(a.write(&[]).await.unwrap(), 0);
        drop(b);
        assert_eq!(a.write(b"x").await.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(a.read(&mut buf).await.unwrap(), 0);

        let (mut read, mut write) = io::simplex(16);
        write.write_all(b"one way").await.unwrap();
        let mut got = [0; 7];
        read.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"one way");
    });
}

#[test]
fn split_halves_share_the_stream_and_reunite() {
    run(async {
        let (a, mut b) = io::duplex(64);
        let (mut read, mut write) = io::split(a);
        let (_, other_write) = io::split(io::duplex(1).0);
        assert!(read.is_pair_of(&write) && !read.is_pair_of(&other_write));
        write.write_all(b"ping").await.unwrap();
        let mut buf = [0; 4];
        b.read_exact(&mut buf).await.unwrap();
        b.write_all(b"pong").await.unwrap();
        read.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"pong");
        let _whole: io::DuplexStream = read.unsplit(write);
    });
}

#[test]
fn empty_sink_and_repeat_behave_as_their_names_say() {
    run(async {
        let mut buf = [0; 3];
        assert_eq!(io::empty().read(&mut buf).await.unwrap(), 0);
        assert_eq!(io::empty().seek(SeekFrom::Current(-5)).await.unwrap(), 0);
        assert_eq!(io::sink().write(b"gone").await.unwrap(), 4);
        io::repeat(7).read_exact(&mut buf).await.unwrap();
        assert_eq!(buf, [7, 7, 7]);
    });
}

#[test]
fn a_never_pending_copy_loop_still_lets_other_work_run() {
    run(async {
        let spinner = async {
            loop {
                let mut sink = Vec::new();
                let _ = io::copy(&mut &b"data"[..], &mut sink).await;
            }
        };
        avx_std::select! {
            biased;
            _ = spinner => unreachable!("the copy loop never ends"),
            _ = avx_std::task::yield_now() => {}
        }
    });
}

/// A reader that hands back a different buffer than it was given: a broken `AsyncRead`.
struct Swapper;

impl AsyncRead for Swapper {
    fn poll_read(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let leaked: &'static mut [u8] = Box::leak(vec![1u8; 4].into_boxed_slice());
        let mut other = ReadBuf::new(leaked);
        other.advance(4);
        *buf = other;
        Poll::Ready(Ok(()))
    }
}

#[test]
#[should_panic(expected = "replaced the ReadBuf")]
fn a_reader_that_swaps_its_buffer_is_caught_instead_of_exposing_memory() {
    run(async {
        let mut buf = Vec::with_capacity(8);
        let _ = Swapper.read_to_end(&mut buf).await;
    });
}

#[test]
fn boxed_and_pinned_trait_objects_are_readers_and_writers() {
    run(async {
        let mut reader: Pin<Box<dyn AsyncBufRead + Send>> = Box::pin(BufReader::new(&b"boxed\n"[..]));
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        assert_eq!(line, "boxed\n");
        let mut writer: Box<dyn AsyncWrite + Unpin + Send> = Box::new(Vec::new());
        writer.write_all(b"ok").await.unwrap();
    });
}

#[test]
#[should_panic(expected = "greater than zero")]
fn a_pipe_that_could_hold_nothing_is_refused() {
    let _ = io::duplex(0);
}

#[test]
fn misuse_panics_point_at_the_callers_line() {
    let hook = std::panic::take_hook();
    let location = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen = location.clone();
    let this_test = std::thread::current().id();
    // The hook is process-wide: keep only this thread's panic (other tests panic on purpose).
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == this_test {
            *seen.lock().unwrap() = info.location().map(|l| l.file().to_string());
        }
    }));
    let result = std::panic::catch_unwind(|| {
        let mut storage = [0u8; 2];
        ReadBuf::new(&mut storage).put_slice(b"too long");
    });
    std::panic::set_hook(hook);
    assert!(result.is_err());
    assert_eq!(location.lock().unwrap().as_deref(), Some(file!()));
}
