//! One client connection: requests read into a bounded buffer, every whole one answered with
//! replies flushed as they pile up, and in subscribed mode channel messages forwarded too.

use super::command::{self, Args, Command};
use super::pubsub::{Message, Subscriptions, MAX_SUBSCRIPTIONS};
use super::resp::{self, Parsed};
use super::Shared;
use crate::rt;
use crate::rt::io::{AsyncReadExt, AsyncWriteExt};
use crate::rt::net::TcpStream;
use crate::rt::sync::broadcast::error::RecvError;
use std::io;
use std::time::{Duration, Instant};

/// Replies are written once this many bytes wait (or when no whole request is left).
pub const FLUSH_AT: usize = 16 * 1024;
/// The input buffer's size, to which it returns after a large request.
const INPUT_SIZE: usize = 16 * 1024;
/// The input buffer grows, for one request that needs it, up to this: room for a SET of a
/// key and a value of `MAX_BULK` each.
pub const MAX_INPUT: usize = 2 * resp::MAX_BULK + 64 * 1024;
/// After a protocol error, how long the client's further input is read and dropped before
/// closing, so that the close does not reset the connection before the error is read.
const LINGER: Duration = Duration::from_secs(1);

/// Serves `stream` until the client closes, sends QUIT or breaks the protocol.
pub(super) async fn run(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_nodelay(true)?;
    if converse(&mut stream, shared).await? == Ending::Refused {
        // The error is sent; read and drop what the client still sends for a moment, so
        // that closing with unread input does not reset the connection before it is read.
        stream.shutdown().await?;
        let mut discard = [0u8; 4096];
        let drain = async {
            while stream.read(&mut discard).await? > 0 {}
            io::Result::Ok(())
        };
        let _ = rt::time::timeout(LINGER, drain).await;
    }
    Ok(())
}

#[derive(PartialEq, Eq)]
enum Ending {
    /// The client closed or quit.
    Done,
    /// The server sent an error and ends the connection.
    Refused,
}

/// Reads and answers requests until the connection ends; its subscriptions end with it.
async fn converse(stream: &mut TcpStream, shared: &Shared) -> io::Result<Ending> {
    let mut input = Input::new();
    let mut args = Vec::new();
    let mut out = Vec::with_capacity(FLUSH_AT);
    let mut subscriptions = Subscriptions::new(shared.channels.clone());
    loop {
        loop {
            let len = match resp::parse(input.filled(), &mut args) {
                Ok(Parsed::Request { len }) => len,
                Ok(Parsed::Incomplete) => break,
                Err(e) => return refuse(stream, &mut out, &format!("ERR {e}")).await,
            };
            let request = Args::new(input.filled(), &args);
            let flow = answer(request, stream, &mut out, &mut subscriptions, shared).await?;
            input.consume(len);
            if flow == Flow::Close {
                stream.write_all(&out).await?;
                return Ok(Ending::Done);
            }
            if out.len() >= FLUSH_AT {
                flush(stream, &mut out).await?;
            }
        }
        flush(stream, &mut out).await?;
        let Some(spare) = input.spare() else {
            let limit = format!("ERR Protocol error: request larger than {MAX_INPUT} bytes");
            return refuse(stream, &mut out, &limit).await;
        };
        let read = if subscriptions.is_empty() {
            stream.read(spare).await?
        } else {
            match rt::select! {
                read = stream.read(spare) => Event::Read(read),
                message = subscriptions.next() => Event::Message(message),
            } {
                Event::Read(read) => read?,
                Event::Message(Ok(message)) => {
                    stream.write_all(&message).await?;
                    continue;
                }
                Event::Message(Err(RecvError::Lagged(_))) => {
                    let message = "ERR subscriber fell behind its channel's buffer; disconnected";
                    return refuse(stream, &mut out, message).await;
                }
                Event::Message(Err(RecvError::Closed)) => return Ok(Ending::Done),
            }
        };
        if read == 0 {
            return Ok(Ending::Done);
        }
        input.advance(read);
    }
}

enum Event {
    Read(io::Result<usize>),
    Message(Result<Message, RecvError>),
}

#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Close,
}

/// Runs one request, appending its replies to `out` (flushed on the way if they grow).
async fn answer(
    args: Args<'_>,
    stream: &mut TcpStream,
    out: &mut Vec<u8>,
    subscriptions: &mut Subscriptions,
    shared: &Shared,
) -> io::Result<Flow> {
    if args.len() == 0 {
        return Ok(Flow::Continue);
    }
    let Some(command) = Command::lookup(args, out) else { return Ok(Flow::Continue) };
    let subscribed = !subscriptions.is_empty();
    if subscribed && !command.allowed_when_subscribed() {
        let name = command.name();
        let message = format!(
            "ERR Can't execute '{name}': only SUBSCRIBE / UNSUBSCRIBE / PING / QUIT are allowed in this context"
        );
        resp::error(out, &message);
        return Ok(Flow::Continue);
    }
    match command {
        Command::Plain(plain) => {
            if command::execute(plain, args, subscribed, &shared.db, Instant::now(), out) {
                shared.deadline_moved.notify_one();
            }
        }
        Command::Publish => resp::integer(out, shared.channels.publish(args.get(1), args.get(2)) as i64),
        Command::Subscribe => {
            for channel in args.from(1) {
                if subscriptions.add(channel) {
                    subscription_reply(out, b"subscribe", Some(channel), subscriptions.len());
                } else {
                    resp::error(out, &format!("ERR at most {MAX_SUBSCRIPTIONS} subscriptions per connection"));
                }
                if out.len() >= FLUSH_AT {
                    flush(stream, out).await?;
                }
            }
        }
        Command::Unsubscribe if args.len() == 1 && subscriptions.is_empty() => {
            subscription_reply(out, b"unsubscribe", None, 0);
        }
        Command::Unsubscribe => {
            let all = if args.len() == 1 { subscriptions.names() } else { Vec::new() };
            for channel in args.from(1).chain(all.iter().map(Vec::as_slice)) {
                subscriptions.remove(channel);
                subscription_reply(out, b"unsubscribe", Some(channel), subscriptions.len());
                if out.len() >= FLUSH_AT {
                    flush(stream, out).await?;
                }
            }
        }
        Command::Quit => {
            resp::simple(out, "OK");
            return Ok(Flow::Close);
        }
    }
    Ok(Flow::Continue)
}

/// `[kind, channel, count]`: the reply to each channel of a (UN)SUBSCRIBE.
fn subscription_reply(out: &mut Vec<u8>, kind: &[u8], channel: Option<&[u8]>, count: usize) {
    resp::array(out, 3);
    resp::bulk(out, kind);
    match channel {
        Some(channel) => resp::bulk(out, channel),
        None => resp::null(out),
    }
    resp::integer(out, count as i64);
}

async fn flush(stream: &mut TcpStream, out: &mut Vec<u8>) -> io::Result<()> {
    if !out.is_empty() {
        stream.write_all(out).await?;
        out.clear();
    }
    Ok(())
}

/// Sends the replies so far and `message` as an error.
async fn refuse(stream: &mut TcpStream, out: &mut Vec<u8>, message: &str) -> io::Result<Ending> {
    resp::error(out, message);
    flush(stream, out).await?;
    Ok(Ending::Refused)
}

/// The input: bytes `start..end` of `buf` are received and not yet answered.
struct Input {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Input {
    fn new() -> Self {
        Input { buf: vec![0; INPUT_SIZE], start: 0, end: 0 }
    }

    fn filled(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    fn consume(&mut self, len: usize) {
        self.start += len;
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        }
    }

    /// Room to read into: at the end, after moving the unanswered bytes to the front or
    /// growing the buffer if need be; `None` when one request already fills `MAX_INPUT`.
    fn spare(&mut self) -> Option<&mut [u8]> {
        if self.end == 0 && self.buf.len() > INPUT_SIZE {
            self.buf = vec![0; INPUT_SIZE];
        }
        if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                (self.start, self.end) = (0, self.end - self.start);
            } else if self.buf.len() < MAX_INPUT {
                self.buf.resize((self.buf.len() * 2).min(MAX_INPUT), 0);
            } else {
                return None;
            }
        }
        Some(&mut self.buf[self.end..])
    }

    fn advance(&mut self, len: usize) {
        self.end += len;
    }
}
