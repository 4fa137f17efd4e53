//! The RESP parser's unit tests: whole, split and pipelined requests, inline commands, each
//! protocol error, and the limits that keep an announced size from costing memory.

use super::*;

/// A request's arguments as byte strings, and its length.
type Request = (Vec<Vec<u8>>, usize);

/// Parses `input` and returns the first request in it.
fn parse_all(input: &[u8]) -> Result<Option<Request>, ProtocolError> {
    let mut args = Vec::new();
    Ok(match parse(input, &mut args)? {
        Parsed::Request { len } => Some((args.into_iter().map(|r| input[r].to_vec()).collect(), len)),
        Parsed::Incomplete => None,
    })
}

fn words(list: &[&str]) -> Vec<Vec<u8>> {
    list.iter().map(|w| w.as_bytes().to_vec()).collect()
}

#[test]
fn an_array_of_bulk_strings_is_one_request() {
    let input = b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva\r\nl\r\n";
    assert_eq!(parse_all(input), Ok(Some((words(&["SET", "key", "va\r\nl"]), input.len()))));
}

#[test]
fn binary_and_empty_arguments_are_kept_exactly() {
    let input = b"*2\r\n$0\r\n\r\n$3\r\n\0\xff*\r\n";
    assert_eq!(parse_all(input), Ok(Some((vec![vec![], vec![0, 0xff, b'*']], input.len()))));
}

#[test]
fn every_proper_prefix_of_a_request_is_incomplete() {
    let input = b"*2\r\n$4\r\nECHO\r\n$11\r\nhello world\r\n";
    for cut in 0..input.len() {
        assert_eq!(parse_all(&input[..cut]), Ok(None), "prefix of {cut} bytes");
    }
    assert_eq!(parse_all(input), Ok(Some((words(&["ECHO", "hello world"]), input.len()))));
}

#[test]
fn pipelined_requests_are_taken_one_at_a_time() {
    let input = b"*1\r\n$4\r\nPING\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
    let mut rest = &input[..];
    let mut seen = Vec::new();
    while let Some((args, len)) = parse_all(rest).unwrap() {
        seen.push(args);
        rest = &rest[len..];
    }
    assert!(rest.is_empty());
    assert_eq!(seen, vec![words(&["PING"]), words(&["PING"]), words(&["GET", "k"])]);
}

#[test]
fn inline_commands_split_on_whitespace() {
    assert_eq!(parse_all(b"  SET  k\tv \r\nGET"), Ok(Some((words(&["SET", "k", "v"]), 13))));
    assert_eq!(parse_all(b"\r\n"), Ok(Some((vec![], 2))), "an empty line is an empty request");
    assert_eq!(parse_all(b"PING"), Ok(None), "no newline yet");
}

#[test]
fn empty_and_null_arrays_are_empty_requests() {
    assert_eq!(parse_all(b"*0\r\n"), Ok(Some((vec![], 4))));
    assert_eq!(parse_all(b"*-1\r\n"), Ok(Some((vec![], 5))));
}

#[test]
fn malformed_headers_are_protocol_errors() {
    use ProtocolError::*;
    let cases: &[(&[u8], ProtocolError)] = &[
        (b"*x\r\n", InvalidMultibulkLength),
        (b"*\r\n", InvalidMultibulkLength),
        (b"*01\r\n", InvalidMultibulkLength),
        (b"*+1\r\n", InvalidMultibulkLength),
        (b"*1\rX", InvalidMultibulkLength),
        (b"*99999999999999999999\r\n", InvalidMultibulkLength),
        (b"*65537\r\n", InvalidMultibulkLength),
        (b"*1\r\n+PING\r\n", ExpectedBulk(b'+')),
        (b"*1\r\n$-1\r\n", InvalidBulkLength),
        (b"*1\r\n$abc\r\n", InvalidBulkLength),
        (b"*1\r\n$4\r\nPINGxx", MissingCrlf),
    ];
    for (input, expected) in cases {
        assert_eq!(parse_all(input), Err(*expected), "input {:?}", input.escape_ascii().to_string());
    }
}

#[test]
fn a_bulk_announced_as_4_gib_is_refused_before_its_bytes() {
    assert_eq!(parse_all(b"*1\r\n$4294967296\r\n"), Err(ProtocolError::InvalidBulkLength));
    assert_eq!(parse_all(format!("*1\r\n${}\r\n", MAX_BULK + 1).as_bytes()), Err(ProtocolError::InvalidBulkLength));
    // The largest allowed length waits for its bytes instead.
    assert_eq!(parse_all(format!("*1\r\n${MAX_BULK}\r\n").as_bytes()), Ok(None));
}

#[test]
fn an_endless_header_or_inline_line_is_refused_at_its_limit() {
    let mut digits = b"*".to_vec();
    digits.resize(MAX_HEADER - 1, b'1');
    assert_eq!(parse_all(&digits), Ok(None), "still short of the limit");
    digits.push(b'1');
    assert_eq!(parse_all(&digits), Err(ProtocolError::InvalidMultibulkLength));

    let line = vec![b'a'; MAX_INLINE - 1];
    assert_eq!(parse_all(&line), Ok(None));
    assert_eq!(parse_all(&vec![b'a'; MAX_INLINE]), Err(ProtocolError::InlineTooLong));
}

#[test]
fn a_huge_announced_count_allocates_nothing_up_front() {
    let mut args = Vec::new();
    assert_eq!(parse(format!("*{MAX_ARGS}\r\n$1\r\na\r\n").as_bytes(), &mut args), Ok(Parsed::Incomplete));
    assert!(args.capacity() < 64, "capacity {} for one argument seen", args.capacity());
}

#[test]
fn integers_parse_as_redis_writes_them() {
    assert_eq!(parse_i64(b"0"), Some(0));
    assert_eq!(parse_i64(b"-42"), Some(-42));
    assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
    assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
    for bad in [&b""[..], b"-", b"-0", b"007", b"1 ", b"+1", b"9223372036854775808", b"1e3"] {
        assert_eq!(parse_i64(bad), None, "{:?}", bad.escape_ascii().to_string());
    }
}

#[test]
fn replies_encode_as_resp2() {
    let mut out = Vec::new();
    simple(&mut out, "OK");
    error(&mut out, "ERR bad\r\nthing");
    integer(&mut out, -1234567890123);
    integer(&mut out, i64::MIN);
    bulk(&mut out, b"a\r\nb");
    null(&mut out);
    array(&mut out, 0);
    let expected =
        "+OK\r\n-ERR bad  thing\r\n:-1234567890123\r\n:-9223372036854775808\r\n$4\r\na\r\nb\r\n$-1\r\n*0\r\n";
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}
