//! Publish/subscribe on the runtime's broadcast channels: one channel per name that has
//! subscribers, carrying each message already encoded; a connection's subscriptions.

use super::resp;
use crate::rt::sync::broadcast::{self, error::RecvError};
use std::collections::HashMap;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;

/// Messages a channel keeps for subscribers that are behind; one further behind is
/// disconnected (as Redis disconnects a pub/sub client over its output limit). The ring
/// may hold them until overwritten (avx's does), so this bounds a channel's memory.
pub const CHANNEL_CAPACITY: usize = 64;
/// The most channels one connection may subscribe to.
pub const MAX_SUBSCRIPTIONS: usize = 1024;

/// A whole `message` push, encoded once and shared by every subscriber.
pub type Message = Arc<[u8]>;

/// The channels that have subscribers.
#[derive(Default)]
pub struct Channels {
    senders: Mutex<HashMap<Vec<u8>, broadcast::Sender<Message>>>,
}

impl Channels {
    /// Sends `payload` to `channel`'s subscribers; returns how many there were.
    pub fn publish(&self, channel: &[u8], payload: &[u8]) -> usize {
        let mut encoded = Vec::with_capacity(channel.len() + payload.len() + 40);
        resp::array(&mut encoded, 3);
        resp::bulk(&mut encoded, b"message");
        resp::bulk(&mut encoded, channel);
        resp::bulk(&mut encoded, payload);
        let senders = self.senders.lock().unwrap_or_else(PoisonError::into_inner);
        senders.get(channel).map_or(0, |sender| sender.send(encoded.into()).unwrap_or(0))
    }

    fn subscribe(&self, channel: &[u8]) -> broadcast::Receiver<Message> {
        let mut senders = self.senders.lock().unwrap_or_else(PoisonError::into_inner);
        match senders.get(channel) {
            Some(sender) => sender.subscribe(),
            None => {
                let (sender, receiver) = broadcast::channel(CHANNEL_CAPACITY);
                senders.insert(channel.to_vec(), sender);
                receiver
            }
        }
    }

    /// Forgets `channel` if its last receiver is gone.
    fn release(&self, channel: &[u8]) {
        let mut senders = self.senders.lock().unwrap_or_else(PoisonError::into_inner);
        if senders.get(channel).is_some_and(|sender| sender.receiver_count() == 0) {
            senders.remove(channel);
        }
    }
}

type Received = (Result<Message, RecvError>, broadcast::Receiver<Message>);
/// A receive in progress, owning its receiver.
type Receiving = Pin<Box<dyn Future<Output = Received> + Send>>;

/// One connection's subscriptions, each a pending receive that owns its receiver.
pub struct Subscriptions {
    channels: Arc<Channels>,
    entries: Vec<(Vec<u8>, Receiving)>,
    /// Where the next poll starts, so a busy channel cannot starve the others.
    next_first: usize,
}

async fn receive(mut receiver: broadcast::Receiver<Message>) -> Received {
    (receiver.recv().await, receiver)
}

impl Subscriptions {
    pub fn new(channels: Arc<Channels>) -> Self {
        Subscriptions { channels, entries: Vec::new(), next_first: 0 }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Subscribes to `channel` (once: again is a no-op). `false` if at `MAX_SUBSCRIPTIONS`.
    pub fn add(&mut self, channel: &[u8]) -> bool {
        if self.entries.iter().any(|(name, _)| name == channel) {
            return true;
        }
        if self.entries.len() == MAX_SUBSCRIPTIONS {
            return false;
        }
        let receiver = self.channels.subscribe(channel);
        self.entries.push((channel.to_vec(), Box::pin(receive(receiver))));
        true
    }

    /// Unsubscribes from `channel`, if subscribed.
    pub fn remove(&mut self, channel: &[u8]) {
        if let Some(i) = self.entries.iter().position(|(name, _)| name == channel) {
            let (name, receiving) = self.entries.remove(i);
            drop(receiving);
            self.channels.release(&name);
        }
    }

    /// The names subscribed to, in subscription order (as UNSUBSCRIBE without names lists them).
    pub fn names(&self) -> Vec<Vec<u8>> {
        self.entries.iter().map(|(name, _)| name.clone()).collect()
    }

    /// The next message of any subscribed channel; `Err(Lagged)` if this connection fell
    /// more than `CHANNEL_CAPACITY` messages behind. Never completes with none subscribed.
    pub async fn next(&mut self) -> Result<Message, RecvError> {
        poll_fn(|cx| {
            let count = self.entries.len();
            for k in 0..count {
                let i = (self.next_first + k) % count;
                if let Poll::Ready((result, receiver)) = self.entries[i].1.as_mut().poll(cx) {
                    self.entries[i].1 = Box::pin(receive(receiver));
                    self.next_first = (i + 1) % count;
                    return Poll::Ready(result);
                }
            }
            Poll::Pending
        })
        .await
    }
}

impl Drop for Subscriptions {
    fn drop(&mut self) {
        for (name, receiving) in self.entries.drain(..) {
            drop(receiving);
            self.channels.release(&name);
        }
    }
}
