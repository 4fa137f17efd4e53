//! Async byte I/O for applications, with Tokio's names: the `AsyncRead`/`AsyncWrite`/
//! `AsyncBufRead`/`AsyncSeek` traits (avx-core's, over `std::io::Error`) and their extension
//! traits, buffering, lines, copying, in-memory pipes, splitting and the standard streams.

pub(crate) mod blocking;
#[cfg(test)]
mod blocking_tests;
mod buf_read_ext;
mod buf_reader;
mod buf_stream;
mod buf_writer;
mod chain;
mod copy;
mod duplex;
mod join;
mod lines;
mod read_ext;
pub(crate) mod registration;
mod seek_ext;
mod spare;
mod split;
mod stdio;
mod take;
mod text;
mod util;
mod write_ext;

pub use avx_core::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf, Ready};
pub use avx_core::Interest;
pub use buf_read_ext::AsyncBufReadExt;
pub use buf_reader::BufReader;
pub use buf_stream::BufStream;
pub use buf_writer::BufWriter;
pub use chain::Chain;
pub use copy::{copy, copy_bidirectional, copy_bidirectional_with_sizes, copy_buf};
pub use duplex::{duplex, simplex, DuplexStream, SimplexStream};
pub use join::{join, Join};
pub use lines::{Lines, Split};
pub use read_ext::AsyncReadExt;
pub use seek_ext::AsyncSeekExt;
pub use split::{split, ReadHalf, WriteHalf};
pub use std::io::{Error, ErrorKind, Result, SeekFrom};
pub use stdio::{stderr, stdin, stdout, Stderr, Stdin, Stdout};
pub use take::Take;
pub use util::{empty, repeat, sink, Empty, Repeat, Sink};
pub use write_ext::AsyncWriteExt;
