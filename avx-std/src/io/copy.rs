//! `copy`: moves every byte from a reader to a writer until end of stream, then flushes;
//! the workhorse of proxies and echo servers.

use super::{AsyncReadExt, AsyncWriteExt};
use avx_core::io::{AsyncRead, AsyncWrite};
use std::io;

const CHUNK: usize = 16 * 1024;

/// Copies `reader` to `writer` until the reader reports end of stream, flushes the writer and
/// returns the number of bytes copied.
///
/// Not cancel safe: bytes read but not yet written are lost if the future is dropped.
pub async fn copy<R, W>(reader: &mut R, writer: &mut W) -> io::Result<u64>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            writer.flush().await?;
            return Ok(total);
        }
        writer.write_all(&buf[..n]).await?;
        total += n as u64;
    }
}
