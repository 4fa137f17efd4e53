//! The commands: names and arities, and the ones that need only the keyspace (run here); the
//! connection runs PUBLISH, SUBSCRIBE, UNSUBSCRIBE and QUIT itself.

use super::db::{Condition, Db, IncrError, Ttl};
use super::resp;
use std::ops::Range;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A request's arguments: ranges into the input buffer.
#[derive(Clone, Copy)]
pub struct Args<'a> {
    buf: &'a [u8],
    ranges: &'a [Range<usize>],
}

impl<'a> Args<'a> {
    pub fn new(buf: &'a [u8], ranges: &'a [Range<usize>]) -> Self {
        Args { buf, ranges }
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Argument `i`; 0 is the command's name.
    pub fn get(&self, i: usize) -> &'a [u8] {
        &self.buf[self.ranges[i].clone()]
    }

    /// The arguments from `first` on.
    pub fn from(&self, first: usize) -> impl Iterator<Item = &'a [u8]> + 'a {
        let buf = self.buf;
        self.ranges[first..].iter().map(move |r| &buf[r.clone()])
    }
}

/// A known command with a valid number of arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Plain(Plain),
    Publish,
    Subscribe,
    Unsubscribe,
    Quit,
}

/// A command answered from its arguments and the keyspace alone, by [`execute`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plain {
    Ping,
    Echo,
    Get,
    Set,
    Del,
    Exists,
    Incr,
    Expire,
    Ttl,
    DbSize,
}

/// Name, command, arity: exactly `n` arguments (name included) if positive, at least `-n`
/// if negative (Redis's convention). The most used first.
const TABLE: &[(&str, Command, i32)] = &[
    ("get", Command::Plain(Plain::Get), 2),
    ("set", Command::Plain(Plain::Set), -3),
    ("ping", Command::Plain(Plain::Ping), -1),
    ("incr", Command::Plain(Plain::Incr), 2),
    ("del", Command::Plain(Plain::Del), -2),
    ("exists", Command::Plain(Plain::Exists), -2),
    ("echo", Command::Plain(Plain::Echo), 2),
    ("expire", Command::Plain(Plain::Expire), 3),
    ("ttl", Command::Plain(Plain::Ttl), 2),
    ("dbsize", Command::Plain(Plain::DbSize), 1),
    ("publish", Command::Publish, 3),
    ("subscribe", Command::Subscribe, -2),
    ("unsubscribe", Command::Unsubscribe, -1),
    ("quit", Command::Quit, -1),
];

impl Command {
    /// The command `args` names, if it is known and has a valid number of arguments; else
    /// writes the error reply.
    pub fn lookup(args: Args<'_>, out: &mut Vec<u8>) -> Option<Command> {
        let name = args.get(0);
        let Some(&(lower, command, arity)) = TABLE.iter().find(|(n, ..)| n.as_bytes().eq_ignore_ascii_case(name))
        else {
            let shown = String::from_utf8_lossy(&name[..name.len().min(128)]);
            resp::error(out, &format!("ERR unknown command '{shown}'"));
            return None;
        };
        let n = args.len() as i64;
        let arity = i64::from(arity);
        let ping_with_extra = command == Command::Plain(Plain::Ping) && n > 2;
        if (arity > 0 && n != arity) || n < -arity || ping_with_extra {
            resp::error(out, &format!("ERR wrong number of arguments for '{lower}' command"));
            return None;
        }
        Some(command)
    }

    pub fn name(self) -> &'static str {
        TABLE.iter().find(|(_, c, _)| *c == self).map_or("?", |(n, ..)| n)
    }

    /// Whether a connection in subscribed mode may run it.
    pub fn allowed_when_subscribed(self) -> bool {
        matches!(self, Command::Plain(Plain::Ping) | Command::Subscribe | Command::Unsubscribe | Command::Quit)
    }
}

/// Runs a plain command (locking `db` only if it uses the keyspace), appending its reply.
/// Returns whether the earliest key deadline moved earlier, so the expiry task must wake.
/// `subscribed` changes PING's reply shape, as in Redis.
pub fn execute(
    command: Plain,
    args: Args<'_>,
    subscribed: bool,
    db: &Mutex<Db>,
    now: Instant,
    out: &mut Vec<u8>,
) -> bool {
    let lock = || db.lock().unwrap_or_else(PoisonError::into_inner);
    match command {
        Plain::Ping if subscribed => {
            resp::array(out, 2);
            resp::bulk(out, b"pong");
            resp::bulk(out, if args.len() == 2 { args.get(1) } else { b"" });
        }
        Plain::Ping if args.len() == 2 => resp::bulk(out, args.get(1)),
        Plain::Ping => resp::simple(out, "PONG"),
        Plain::Echo => resp::bulk(out, args.get(1)),
        Plain::Get => match lock().get(args.get(1), now) {
            Some(value) => resp::bulk(out, value),
            None => resp::null(out),
        },
        Plain::Set => match set_options(args, now) {
            Ok((deadline, condition)) => {
                let mut db = lock();
                let before = db.next_deadline();
                if db.set(args.get(1), args.get(2), deadline, condition, now) {
                    resp::simple(out, "OK");
                } else {
                    resp::null(out);
                }
                return moved_earlier(before, db.next_deadline());
            }
            Err(message) => resp::error(out, message),
        },
        Plain::Del => {
            let mut db = lock();
            resp::integer(out, args.from(1).filter(|key| db.delete(key, now)).count() as i64);
        }
        Plain::Exists => {
            let mut db = lock();
            resp::integer(out, args.from(1).filter(|key| db.exists(key, now)).count() as i64);
        }
        Plain::Incr => match lock().incr(args.get(1), now) {
            Ok(n) => resp::integer(out, n),
            Err(IncrError::NotAnInteger) => resp::error(out, NOT_AN_INTEGER),
            Err(IncrError::Overflow) => resp::error(out, "ERR increment or decrement would overflow"),
        },
        Plain::Expire => match resp::parse_i64(args.get(2)).map(|seconds| deadline(now, seconds.max(0), 1000)) {
            None => resp::error(out, NOT_AN_INTEGER),
            Some(None) => resp::error(out, "ERR invalid expire time in 'expire' command"),
            Some(Some(at)) => {
                let mut db = lock();
                let before = db.next_deadline();
                resp::integer(out, i64::from(db.expire(args.get(1), at, now)));
                return moved_earlier(before, db.next_deadline());
            }
        },
        Plain::Ttl => {
            let ttl = match lock().ttl(args.get(1), now) {
                Ttl::Missing => -2,
                Ttl::Persistent => -1,
                // Rounded to the nearest second, as Redis does.
                Ttl::Remaining(left) => ((left.as_millis() + 500) / 1000) as i64,
            };
            resp::integer(out, ttl);
        }
        Plain::DbSize => resp::integer(out, lock().len() as i64),
    }
    false
}

fn moved_earlier(before: Option<Instant>, after: Option<Instant>) -> bool {
    match (before, after) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(before), Some(after)) => after < before,
    }
}

const NOT_AN_INTEGER: &str = "ERR value is not an integer or out of range";
const SET_EXPIRE: &str = "ERR invalid expire time in 'set' command";

/// `SET key value [NX|XX] [EX seconds|PX milliseconds]`, options in any order.
fn set_options(args: Args<'_>, now: Instant) -> Result<(Option<Instant>, Condition), &'static str> {
    let (mut deadline_at, mut condition) = (None, Condition::Always);
    let mut i = 3;
    while i < args.len() {
        let option = args.get(i);
        let is = |name: &str| option.eq_ignore_ascii_case(name.as_bytes());
        if (is("nx") || is("xx")) && condition == Condition::Always {
            condition = if is("nx") { Condition::IfAbsent } else { Condition::IfPresent };
        } else if (is("ex") || is("px")) && deadline_at.is_none() && i + 1 < args.len() {
            let amount = resp::parse_i64(args.get(i + 1)).ok_or(NOT_AN_INTEGER)?;
            if amount <= 0 {
                return Err(SET_EXPIRE);
            }
            let unit = if is("ex") { 1000 } else { 1 };
            deadline_at = Some(deadline(now, amount, unit).ok_or(SET_EXPIRE)?);
            i += 1;
        } else {
            return Err("ERR syntax error");
        }
        i += 1;
    }
    Ok((deadline_at, condition))
}

/// `now` plus `amount` units of `unit_ms` milliseconds, if that is representable.
fn deadline(now: Instant, amount: i64, unit_ms: i64) -> Option<Instant> {
    let ms = u64::try_from(amount.checked_mul(unit_ms)?).ok()?;
    now.checked_add(Duration::from_millis(ms))
}

#[cfg(test)]
#[path = "command_tests.rs"]
mod tests;
