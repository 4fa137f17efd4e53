//! RESP2 framing for mini_redis: a request (an array of bulk strings, or an inline command
//! line) is parsed in place into argument ranges of the input; replies are encoded into a Vec.

use std::fmt;
use std::ops::Range;

/// The longest bulk string (a key, a value, a message) a request may carry.
pub const MAX_BULK: usize = 4 << 20;
/// The most arguments one request may have.
pub const MAX_ARGS: usize = 64 * 1024;
/// The longest inline command line (as Redis's limit).
pub const MAX_INLINE: usize = 64 * 1024;
/// The longest `*<count>` / `$<length>` header line, CRLF included.
const MAX_HEADER: usize = 24;

/// What the front of the input holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A whole request of `len` bytes; its arguments are in the ranges (none: an empty
    /// request, which is skipped).
    Request { len: usize },
    /// Not a whole request yet: read more.
    Incomplete,
}

/// Input that is not RESP: answered with an error, then the connection closes.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum ProtocolError {
    /// `*` not followed by a count in `0..=MAX_ARGS` (negative counts are empty requests).
    InvalidMultibulkLength,
    /// `$` not followed by a length in `0..=MAX_BULK`.
    InvalidBulkLength,
    /// An array element that is not a bulk string.
    ExpectedBulk(u8),
    /// A bulk string's bytes not followed by CRLF.
    MissingCrlf,
    /// An inline command line longer than `MAX_INLINE`.
    InlineTooLong,
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Protocol error: ")?;
        match self {
            Self::InvalidMultibulkLength => f.write_str("invalid multibulk length"),
            Self::InvalidBulkLength => f.write_str("invalid bulk length"),
            Self::ExpectedBulk(got) => write!(f, "expected '$', got '{}'", got.escape_ascii()),
            Self::MissingCrlf => f.write_str("bulk string not followed by CRLF"),
            Self::InlineTooLong => f.write_str("too big inline request"),
        }
    }
}

/// Parses the first request in `buf`, leaving its arguments' ranges (into `buf`) in `args`.
/// Never allocates more than the arguments found: an announced length or count only bounds
/// what is read, so a lie costs nothing.
pub fn parse(buf: &[u8], args: &mut Vec<Range<usize>>) -> Result<Parsed, ProtocolError> {
    args.clear();
    match buf.first() {
        None => Ok(Parsed::Incomplete),
        Some(b'*') => parse_array(buf, args),
        Some(_) => parse_inline(buf, args),
    }
}

fn parse_array(buf: &[u8], args: &mut Vec<Range<usize>>) -> Result<Parsed, ProtocolError> {
    let Some((count, mut pos)) = header(buf, 0, ProtocolError::InvalidMultibulkLength)? else {
        return Ok(Parsed::Incomplete);
    };
    if count > MAX_ARGS as i64 {
        return Err(ProtocolError::InvalidMultibulkLength);
    }
    for _ in 0..count.max(0) {
        match buf.get(pos) {
            None => return Ok(Parsed::Incomplete),
            Some(b'$') => {}
            Some(&other) => return Err(ProtocolError::ExpectedBulk(other)),
        }
        let Some((len, start)) = header(buf, pos, ProtocolError::InvalidBulkLength)? else {
            return Ok(Parsed::Incomplete);
        };
        if !(0..=MAX_BULK as i64).contains(&len) {
            return Err(ProtocolError::InvalidBulkLength);
        }
        let end = start + len as usize;
        match buf.get(end..end + 2) {
            None => return Ok(Parsed::Incomplete),
            Some(b"\r\n") => {}
            Some(_) => return Err(ProtocolError::MissingCrlf),
        }
        args.push(start..end);
        pos = end + 2;
    }
    Ok(Parsed::Request { len: pos })
}

/// The integer of the `*`/`$` line at `pos` and where the line ends, or `None` if the line
/// is not complete yet. A line that is too long or not an integer is `invalid`.
fn header(buf: &[u8], pos: usize, invalid: ProtocolError) -> Result<Option<(i64, usize)>, ProtocolError> {
    let line = &buf[pos..buf.len().min(pos + MAX_HEADER)];
    let Some(cr) = line.iter().position(|&b| b == b'\r') else {
        return if line.len() == MAX_HEADER { Err(invalid) } else { Ok(None) };
    };
    match line.get(cr + 1) {
        None => Ok(None),
        Some(b'\n') => parse_i64(&line[1..cr]).map(|n| Some((n, pos + cr + 2))).ok_or(invalid),
        Some(_) => Err(invalid),
    }
}

fn parse_inline(buf: &[u8], args: &mut Vec<Range<usize>>) -> Result<Parsed, ProtocolError> {
    let window = &buf[..buf.len().min(MAX_INLINE)];
    let Some(newline) = window.iter().position(|&b| b == b'\n') else {
        return if window.len() == MAX_INLINE { Err(ProtocolError::InlineTooLong) } else { Ok(Parsed::Incomplete) };
    };
    let mut start = None;
    for (i, &b) in buf[..newline].iter().enumerate() {
        match (b.is_ascii_whitespace(), start) {
            (true, Some(s)) => {
                args.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        args.push(s..newline);
    }
    Ok(Parsed::Request { len: newline + 1 })
}

/// A decimal `i64` as Redis writes them: an optional `-`, digits without a leading zero
/// (`0` itself aside), no sign on zero, no spaces, no overflow.
pub fn parse_i64(digits: &[u8]) -> Option<i64> {
    let (negative, body) = match digits {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, digits),
    };
    match body {
        [b'0'] if !negative => return Some(0),
        [b'1'..=b'9', ..] => {}
        _ => return None,
    }
    let mut n: i64 = 0;
    for &d in body {
        if !d.is_ascii_digit() {
            return None;
        }
        let d = i64::from(d - b'0');
        n = n.checked_mul(10)?;
        n = if negative { n.checked_sub(d)? } else { n.checked_add(d)? };
    }
    Some(n)
}

/// `+text`
pub fn simple(out: &mut Vec<u8>, text: &str) {
    out.push(b'+');
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// `-message`; CR and LF inside the message (from user input) become spaces.
pub fn error(out: &mut Vec<u8>, message: &str) {
    out.push(b'-');
    out.extend(message.bytes().map(|b| if b == b'\r' || b == b'\n' { b' ' } else { b }));
    out.extend_from_slice(b"\r\n");
}

/// `:n`
pub fn integer(out: &mut Vec<u8>, n: i64) {
    out.push(b':');
    decimal(out, n);
    out.extend_from_slice(b"\r\n");
}

/// `$len` and the bytes.
pub fn bulk(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'$');
    decimal(out, bytes.len() as i64);
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
}

/// The null bulk string, `$-1`.
pub fn null(out: &mut Vec<u8>) {
    out.extend_from_slice(b"$-1\r\n");
}

/// `*len`: an array of `len` replies follows.
pub fn array(out: &mut Vec<u8>, len: usize) {
    out.push(b'*');
    decimal(out, len as i64);
    out.extend_from_slice(b"\r\n");
}

/// Appends `n` in decimal.
pub fn decimal(out: &mut Vec<u8>, n: i64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        i -= 1;
        digits[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
#[path = "resp_tests.rs"]
mod tests;
