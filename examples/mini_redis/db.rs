//! The keyspace: string values with optional deadlines, expired lazily on access and by the
//! server's expiry task (`purge_expired`), with time passed in so the logic is testable.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// Which existing-key condition a `SET` needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Always,
    /// `NX`: only if the key does not exist.
    IfAbsent,
    /// `XX`: only if it does.
    IfPresent,
}

/// A key's time to live, as `TTL` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ttl {
    Missing,
    Persistent,
    Remaining(Duration),
}

/// Why `INCR` failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncrError {
    NotAnInteger,
    Overflow,
}

struct Entry {
    value: Vec<u8>,
    expires_at: Option<Instant>,
}

/// The keys and their deadlines.
#[derive(Default)]
pub struct Db {
    entries: HashMap<Vec<u8>, Entry>,
    /// Every live deadline with its key, earliest first.
    deadlines: BTreeSet<(Instant, Vec<u8>)>,
}

impl Db {
    /// The value of a live key.
    pub fn get(&mut self, key: &[u8], now: Instant) -> Option<&[u8]> {
        self.expire_if_due(key, now);
        self.entries.get(key).map(|e| e.value.as_slice())
    }

    /// Stores `value` under `key` if `condition` holds, with `deadline` (or none, which
    /// clears an earlier one). Returns whether it stored.
    pub fn set(
        &mut self,
        key: &[u8],
        value: &[u8],
        deadline: Option<Instant>,
        condition: Condition,
        now: Instant,
    ) -> bool {
        self.expire_if_due(key, now);
        let exists = self.entries.contains_key(key);
        let allowed = match condition {
            Condition::Always => true,
            Condition::IfAbsent => !exists,
            Condition::IfPresent => exists,
        };
        if !allowed {
            return false;
        }
        match self.entries.get_mut(key) {
            // Overwrite in place: no new key, and the value's buffer is reused.
            Some(entry) => {
                if let Some(old) = entry.expires_at.take() {
                    self.deadlines.remove(&(old, key.to_vec()));
                }
                entry.value.clear();
                entry.value.extend_from_slice(value);
                entry.value.shrink_to(2 * value.len());
                if let Some(at) = deadline {
                    entry.expires_at = Some(at);
                    self.deadlines.insert((at, key.to_vec()));
                }
            }
            None => self.insert(key.to_vec(), value.to_vec(), deadline),
        }
        true
    }

    /// Removes a live key; returns whether there was one.
    pub fn delete(&mut self, key: &[u8], now: Instant) -> bool {
        self.expire_if_due(key, now);
        self.remove(key)
    }

    /// Whether `key` is live.
    pub fn exists(&mut self, key: &[u8], now: Instant) -> bool {
        self.get(key, now).is_some()
    }

    /// Adds one to the integer stored at `key` (a missing key counts as 0); the deadline stays.
    pub fn incr(&mut self, key: &[u8], now: Instant) -> Result<i64, IncrError> {
        self.expire_if_due(key, now);
        let Some(entry) = self.entries.get_mut(key) else {
            self.insert(key.to_vec(), b"1".to_vec(), None);
            return Ok(1);
        };
        let n = super::resp::parse_i64(&entry.value).ok_or(IncrError::NotAnInteger)?;
        let n = n.checked_add(1).ok_or(IncrError::Overflow)?;
        entry.value.clear();
        super::resp::decimal(&mut entry.value, n);
        Ok(n)
    }

    /// Gives a live key a new deadline; a deadline not after `now` deletes it. Returns
    /// whether the key existed.
    pub fn expire(&mut self, key: &[u8], deadline: Instant, now: Instant) -> bool {
        self.expire_if_due(key, now);
        let Some(entry) = self.entries.remove_entry(key) else { return false };
        let (key, Entry { value, expires_at }) = entry;
        if let Some(old) = expires_at {
            self.deadlines.remove(&(old, key.clone()));
        }
        if deadline > now {
            self.insert(key, value, Some(deadline));
        }
        true
    }

    /// How long a key has left.
    pub fn ttl(&mut self, key: &[u8], now: Instant) -> Ttl {
        self.expire_if_due(key, now);
        match self.entries.get(key) {
            None => Ttl::Missing,
            Some(Entry { expires_at: None, .. }) => Ttl::Persistent,
            Some(Entry { expires_at: Some(at), .. }) => Ttl::Remaining(at.saturating_duration_since(now)),
        }
    }

    /// The earliest deadline of any key.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.first().map(|(at, _)| *at)
    }

    /// Removes up to `max` keys whose deadline is not after `now`; returns the next deadline
    /// (not after `now` if more are due).
    pub fn purge_expired(&mut self, now: Instant, max: usize) -> Option<Instant> {
        let mut removed = 0;
        while removed < max && self.deadlines.first().is_some_and(|(at, _)| *at <= now) {
            if let Some((_, key)) = self.deadlines.pop_first() {
                self.entries.remove(&key);
            }
            removed += 1;
        }
        self.next_deadline()
    }

    /// The number of live and not yet purged keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    fn expire_if_due(&mut self, key: &[u8], now: Instant) {
        let due = matches!(self.entries.get(key), Some(Entry { expires_at: Some(at), .. }) if *at <= now);
        if due {
            self.remove(key);
        }
    }

    fn insert(&mut self, key: Vec<u8>, value: Vec<u8>, expires_at: Option<Instant>) {
        if let Some(at) = expires_at {
            self.deadlines.insert((at, key.clone()));
        }
        self.entries.insert(key, Entry { value, expires_at });
    }

    fn remove(&mut self, key: &[u8]) -> bool {
        let Some((key, entry)) = self.entries.remove_entry(key) else { return false };
        if let Some(at) = entry.expires_at {
            self.deadlines.remove(&(at, key));
        }
        true
    }
}

#[cfg(test)]
#[path = "db_tests.rs"]
mod tests;
