//! Appending read bytes to a caller's `String` without ever leaving it holding invalid UTF-8,
//! even when the future doing it is dropped half way.

use std::io;

/// Owns the bytes of a `String` while a read appends to them; whatever happens (completion,
/// error, drop), the `String` ends up holding valid text: the original, or original + appended.
pub(crate) struct AppendText<'a> {
    target: &'a mut String,
    bytes: Vec<u8>,
    start: usize,
    keep: usize,
}

impl<'a> AppendText<'a> {
    pub(crate) fn new(target: &'a mut String) -> AppendText<'a> {
        let bytes = std::mem::take(target).into_bytes();
        let start = bytes.len();
        AppendText { target, bytes, start, keep: start }
    }

    /// The bytes to append to (the original text comes first).
    pub(crate) fn bytes(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    /// Settles the outcome of the read: on success the appended bytes must be UTF-8
    /// (`InvalidData` carrying the `Utf8Error` otherwise); on an I/O error they are kept only
    /// if `keep_text_on_error` and they are valid. Anything not kept is taken back off.
    pub(crate) fn finish(mut self, read: io::Result<usize>, keep_text_on_error: bool) -> io::Result<usize> {
        let appended_is_text = std::str::from_utf8(&self.bytes[self.start..]).is_ok();
        match read {
            Ok(n) if appended_is_text => {
                self.keep = self.bytes.len();
                Ok(n)
            }
            Ok(_) => {
                // Checked again over the whole text, so the error's offset counts from its start.
                let error = std::str::from_utf8(&self.bytes).expect_err("the appended bytes are not UTF-8");
                Err(io::Error::new(io::ErrorKind::InvalidData, error))
            }
            Err(e) => {
                if keep_text_on_error && appended_is_text {
                    self.keep = self.bytes.len();
                }
                Err(e)
            }
        }
    }
}

impl Drop for AppendText<'_> {
    fn drop(&mut self) {
        let mut bytes = std::mem::take(&mut self.bytes);
        bytes.truncate(self.keep);
        // SAFETY: `keep` is either `start` (the bytes of the caller's `String`, which was
        // valid) or the full length after `finish` checked the appended part is UTF-8.
        *self.target = unsafe { String::from_utf8_unchecked(bytes) };
    }
}
