//! Async byte I/O for applications: the core `AsyncRead`/`AsyncWrite` traits with
//! std-error extension methods, buffering, line reading, `copy` and `split`.

mod buf_reader;
mod buf_writer;
mod copy;
mod lines;
mod read_ext;
pub(crate) mod registration;
mod split;
mod write_ext;

pub use avx_core::io::{AsyncRead, AsyncWrite};
pub use buf_reader::BufReader;
pub use buf_writer::BufWriter;
pub use copy::copy;
pub use lines::{AsyncBufRead, AsyncBufReadExt, Lines};
pub use read_ext::AsyncReadExt;
pub use split::{split, ReadHalf, WriteHalf};
pub use std::io::{Error, ErrorKind, Result};
pub use write_ext::AsyncWriteExt;

/// The error type `AsyncRead`/`AsyncWrite` implementations return (no_std-compatible; converts
/// to and from [`std::io::Error`] with `?`).
pub use avx_core::io::Error as CoreError;
