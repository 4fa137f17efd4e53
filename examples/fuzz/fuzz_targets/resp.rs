//! Fuzzes mini_redis's RESP parser and the commands it feeds: every request found lies within
//! the input and its limits, every proper prefix of it is incomplete, an array request is
//! exactly the encoding of its arguments, and running it against a keyspace never panics.
#![no_main]
// The server's pure modules, of which this target calls the parser and plain commands.
#![allow(dead_code)]

#[path = "../../mini_redis/command.rs"]
mod command;
#[path = "../../mini_redis/db.rs"]
mod db;
#[path = "../../mini_redis/resp.rs"]
mod resp;

use command::{Args, Command};
use resp::{Parsed, MAX_ARGS, MAX_BULK, MAX_INLINE};
use std::ops::Range;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static START: OnceLock<Instant> = OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    let db = Mutex::new(db::Db::default());
    let (mut args, mut out) = (Vec::new(), Vec::new());
    let mut pos = 0;
    while let Ok(Parsed::Request { len }) = resp::parse(&data[pos..], &mut args) {
        let request = &data[pos..pos + len];
        check_request(request, &args);
        // A clock that moves with the input, so deadlines pass during a run.
        let now = start + Duration::from_millis(pos as u64);
        if !args.is_empty() {
            let parsed = Args::new(request, &args);
            if let Some(Command::Plain(plain)) = Command::lookup(parsed, &mut out) {
                command::execute(plain, parsed, false, &db, now, &mut out);
            }
        }
        out.clear();
        pos += len;
    }
});

fn check_request(request: &[u8], args: &[Range<usize>]) {
    let len = request.len();
    assert!(len > 0, "a request consumes input");
    assert!(args.len() <= MAX_ARGS);
    let inline = request[0] != b'*';
    for (i, range) in args.iter().enumerate() {
        assert!(range.start <= range.end && range.end <= len, "{range:?} outside {len} bytes");
        assert!(i == 0 || args[i - 1].end <= range.start, "arguments in order");
        assert!(range.len() <= if inline { MAX_INLINE } else { MAX_BULK });
    }
    for cut in [len - 1, len / 2] {
        let mut scratch = Vec::new();
        match resp::parse(&request[..cut], &mut scratch) {
            // A prefix lacks the newline or the CRLF that ends the request.
            Ok(Parsed::Incomplete) => {}
            other => panic!("a {cut}-byte prefix of a {len}-byte request parsed as {other:?}"),
        }
    }
    // Re-encoded as an array of bulk strings, the same arguments come back.
    let mut encoded = Vec::new();
    resp::array(&mut encoded, args.len());
    for range in args {
        resp::bulk(&mut encoded, &request[range.clone()]);
    }
    let mut again = Vec::new();
    assert_eq!(resp::parse(&encoded, &mut again), Ok(Parsed::Request { len: encoded.len() }));
    let original: Vec<&[u8]> = args.iter().map(|r| &request[r.clone()]).collect();
    let decoded: Vec<&[u8]> = again.iter().map(|r| &encoded[r.clone()]).collect();
    assert_eq!(original, decoded);
    if inline {
        assert!(original.iter().all(|arg| !arg.is_empty() && !arg.iter().any(u8::is_ascii_whitespace)));
    } else if !request.starts_with(b"*-") {
        // Lengths parse only in canonical decimal, so an array request is its own encoding.
        assert_eq!(encoded, request, "an array request differs from its re-encoding");
    }
}
