//! Unit tests of the blocking adapter's batching: how many calls reach the object for a loop
//! of small reads, and that read-ahead is given back before a write.

use super::blocking::{Blocking, PoolObject};
use std::future::poll_fn;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// An in-memory file that counts the reads reaching it.
#[derive(Debug)]
struct Counted {
    file: Mutex<io::Cursor<Vec<u8>>>,
    reads: AtomicUsize,
}

impl PoolObject for Counted {
    fn may_read_ahead(&self) -> bool {
        true
    }

    fn seek_back(&self, n: usize) -> io::Result<()> {
        self.file.lock().unwrap().seek(SeekFrom::Current(-(n as i64))).map(drop)
    }
}

impl Read for &Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.file.lock().unwrap().read(buf)
    }
}

impl Write for &Counted {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.lock().unwrap().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn counted(len: usize) -> Arc<Counted> {
    let contents = (0..len).map(|i| i as u8).collect();
    Arc::new(Counted { file: Mutex::new(io::Cursor::new(contents)), reads: AtomicUsize::new(0) })
}

async fn read(blocking: &mut Blocking<Counted>, len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    let mut buf = avx_core::io::ReadBuf::new(&mut bytes);
    poll_fn(|cx| blocking.poll_read(cx, &mut buf, usize::MAX)).await.unwrap();
    let n = buf.filled().len();
    bytes.truncate(n);
    bytes
}

#[test]
fn a_loop_of_small_reads_costs_one_object_read_per_growing_block() {
    let object = counted(1 << 20);
    let mut blocking = Blocking::new(object.clone());
    let rt = crate::Runtime::builder().current_thread().build().unwrap();
    let mut all = Vec::new();
    rt.block_on(async {
        loop {
            let chunk = read(&mut blocking, 100).await;
            if chunk.is_empty() {
                break;
            }
            all.extend(chunk);
        }
    });
    assert_eq!(all, object.file.lock().unwrap().get_ref()[..]);
    // 16 KiB, 32, 64, ..., 1 MiB reach past the end after 7 fills, plus the read seeing the
    // end: 10,486 reads of 100 B cost 8 reads of the object, where one each would cost 10,486.
    assert_eq!(object.reads.load(Ordering::Relaxed), 8);
}

#[test]
fn read_ahead_is_given_back_before_a_write() {
    let object = counted(100_000);
    let mut blocking = Blocking::new(object.clone());
    let rt = crate::Runtime::builder().current_thread().build().unwrap();
    rt.block_on(async {
        assert_eq!(read(&mut blocking, 10).await.len(), 10);
        assert!(object.file.lock().unwrap().position() > 10, "read ahead");
        poll_fn(|cx| blocking.poll_write(cx, b"XY", usize::MAX)).await.unwrap();
        poll_fn(|cx| blocking.poll_flush(cx)).await.unwrap();
    });
    let file = object.file.lock().unwrap();
    assert_eq!(file.position(), 12);
    assert_eq!(&file.get_ref()[10..12], b"XY");
}
