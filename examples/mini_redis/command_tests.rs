//! The commands' unit tests: replies byte for byte as Redis gives them, argument errors,
//! SET's options, and when the expiry task is told to wake.

use super::*;

struct Server {
    db: Mutex<Db>,
    now: Instant,
}

impl Server {
    fn new() -> Self {
        Server { db: Mutex::new(Db::default()), now: Instant::now() }
    }

    /// Runs one inline command; returns the reply and whether the expiry task would wake.
    fn run_waking(&self, line: &str) -> (String, bool) {
        let input = format!("{line}\r\n");
        let mut ranges = Vec::new();
        assert!(matches!(resp::parse(input.as_bytes(), &mut ranges), Ok(resp::Parsed::Request { .. })));
        let args = Args::new(input.as_bytes(), &ranges);
        let mut out = Vec::new();
        let wake = match Command::lookup(args, &mut out) {
            Some(Command::Plain(plain)) => execute(plain, args, false, &self.db, self.now, &mut out),
            Some(other) => panic!("{other:?} is run by the connection"),
            None => false,
        };
        (String::from_utf8(out).unwrap(), wake)
    }

    fn run(&self, line: &str) -> String {
        self.run_waking(line).0
    }
}

#[test]
fn ping_and_echo() {
    let s = Server::new();
    assert_eq!(s.run("PING"), "+PONG\r\n");
    assert_eq!(s.run("ping hi"), "$2\r\nhi\r\n");
    assert_eq!(s.run("PING a b"), "-ERR wrong number of arguments for 'ping' command\r\n");
    assert_eq!(s.run("EcHo hello"), "$5\r\nhello\r\n");
}

#[test]
fn subscribed_ping_replies_with_an_array() {
    let s = Server::new();
    let mut out = Vec::new();
    let mut ranges = Vec::new();
    resp::parse(b"PING\r\n", &mut ranges).unwrap();
    execute(Plain::Ping, Args::new(b"PING\r\n", &ranges), true, &s.db, s.now, &mut out);
    assert_eq!(out, b"*2\r\n$4\r\npong\r\n$0\r\n\r\n");
}

#[test]
fn unknown_commands_and_wrong_arity_are_errors() {
    let s = Server::new();
    assert_eq!(s.run("FLUSHALL"), "-ERR unknown command 'FLUSHALL'\r\n");
    assert_eq!(s.run("GET"), "-ERR wrong number of arguments for 'get' command\r\n");
    assert_eq!(s.run("GET a b"), "-ERR wrong number of arguments for 'get' command\r\n");
    assert_eq!(s.run("SET k"), "-ERR wrong number of arguments for 'set' command\r\n");
    assert_eq!(s.run("DEL"), "-ERR wrong number of arguments for 'del' command\r\n");
    let long = "x".repeat(1000);
    assert_eq!(s.run(&long), format!("-ERR unknown command '{}'\r\n", &long[..128]), "the name is cut");
}

#[test]
fn set_get_del_exists() {
    let s = Server::new();
    assert_eq!(s.run("GET k"), "$-1\r\n");
    assert_eq!(s.run("SET k hello"), "+OK\r\n");
    assert_eq!(s.run("GET k"), "$5\r\nhello\r\n");
    assert_eq!(s.run("SET j x"), "+OK\r\n");
    assert_eq!(s.run("EXISTS k j k nope"), ":3\r\n", "a key named twice counts twice");
    assert_eq!(s.run("DBSIZE"), ":2\r\n");
    assert_eq!(s.run("DEL k nope k"), ":1\r\n");
    assert_eq!(s.run("EXISTS k"), ":0\r\n");
}

#[test]
fn set_options() {
    let s = Server::new();
    assert_eq!(s.run("SET k v XX"), "$-1\r\n");
    assert_eq!(s.run("SET k v nx"), "+OK\r\n");
    assert_eq!(s.run("SET k w NX"), "$-1\r\n");
    assert_eq!(s.run("SET k w XX EX 100"), "+OK\r\n");
    assert_eq!(s.run("TTL k"), ":100\r\n");
    assert_eq!(s.run("SET k w px 1500"), "+OK\r\n");
    assert_eq!(s.run("TTL k"), ":2\r\n", "1.5 s rounds to 2");
    assert_eq!(s.run("SET k w"), "+OK\r\n");
    assert_eq!(s.run("TTL k"), ":-1\r\n");
}

#[test]
fn set_option_errors() {
    let s = Server::new();
    let syntax = "-ERR syntax error\r\n";
    for line in ["SET k v NX XX", "SET k v EX 1 PX 1", "SET k v EX", "SET k v KEEPTTL", "SET k v XX NX"] {
        assert_eq!(s.run(line), syntax, "{line}");
    }
    assert_eq!(s.run("SET k v EX ten"), "-ERR value is not an integer or out of range\r\n");
    for line in ["SET k v EX 0", "SET k v PX -5", "SET k v EX 9223372036854775807"] {
        assert_eq!(s.run(line), "-ERR invalid expire time in 'set' command\r\n", "{line}");
    }
    assert_eq!(s.run("EXISTS k"), ":0\r\n", "a refused SET stores nothing");
}

#[test]
fn incr() {
    let s = Server::new();
    assert_eq!(s.run("INCR n"), ":1\r\n");
    assert_eq!(s.run("INCR n"), ":2\r\n");
    assert_eq!(s.run("GET n"), "$1\r\n2\r\n");
    s.run("SET n abc");
    assert_eq!(s.run("INCR n"), "-ERR value is not an integer or out of range\r\n");
    s.run("SET n 9223372036854775807");
    assert_eq!(s.run("INCR n"), "-ERR increment or decrement would overflow\r\n");
}

#[test]
fn expire_and_ttl() {
    let s = Server::new();
    assert_eq!(s.run("TTL k"), ":-2\r\n");
    assert_eq!(s.run("EXPIRE k 10"), ":0\r\n");
    s.run("SET k v");
    assert_eq!(s.run("TTL k"), ":-1\r\n");
    assert_eq!(s.run("EXPIRE k 10"), ":1\r\n");
    assert_eq!(s.run("TTL k"), ":10\r\n");
    assert_eq!(s.run("EXPIRE k soon"), "-ERR value is not an integer or out of range\r\n");
    assert_eq!(s.run("EXPIRE k 9223372036854775807"), "-ERR invalid expire time in 'expire' command\r\n");
    assert_eq!(s.run("EXPIRE k -1"), ":1\r\n", "a past deadline deletes");
    assert_eq!(s.run("EXISTS k"), ":0\r\n");
}

#[test]
fn the_expiry_task_wakes_only_for_an_earlier_deadline() {
    let s = Server::new();
    assert!(!s.run_waking("SET a v").1, "no deadline");
    assert!(s.run_waking("SET a v EX 100").1, "the first deadline");
    assert!(!s.run_waking("SET b v EX 200").1, "a later one");
    assert!(s.run_waking("EXPIRE b 50").1, "an earlier one");
    assert!(!s.run_waking("GET a").1);
}
