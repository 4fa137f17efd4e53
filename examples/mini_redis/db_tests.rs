//! The keyspace's unit tests, on a clock the test moves: conditions, deadlines (lazy and
//! purged), INCR's integer rules.

use super::*;

const SEC: Duration = Duration::from_secs(1);

#[test]
fn set_get_delete_exists() {
    let (mut db, t) = (Db::default(), Instant::now());
    assert_eq!(db.get(b"k", t), None);
    assert!(db.set(b"k", b"v1", None, Condition::Always, t));
    assert_eq!(db.get(b"k", t), Some(&b"v1"[..]));
    assert!(db.set(b"k", b"v2", None, Condition::Always, t));
    assert_eq!(db.get(b"k", t), Some(&b"v2"[..]));
    assert!(db.exists(b"k", t));
    assert!(db.delete(b"k", t));
    assert!(!db.delete(b"k", t));
    assert!(!db.exists(b"k", t));
}

#[test]
fn nx_and_xx_conditions() {
    let (mut db, t) = (Db::default(), Instant::now());
    assert!(!db.set(b"k", b"x", None, Condition::IfPresent, t), "XX on a missing key");
    assert_eq!(db.get(b"k", t), None);
    assert!(db.set(b"k", b"a", None, Condition::IfAbsent, t));
    assert!(!db.set(b"k", b"b", None, Condition::IfAbsent, t), "NX on an existing key");
    assert!(db.set(b"k", b"c", None, Condition::IfPresent, t));
    assert_eq!(db.get(b"k", t), Some(&b"c"[..]));
}

#[test]
fn a_key_expires_at_its_deadline_not_before() {
    let (mut db, t) = (Db::default(), Instant::now());
    db.set(b"k", b"v", Some(t + 10 * SEC), Condition::Always, t);
    assert_eq!(db.ttl(b"k", t + 3 * SEC), Ttl::Remaining(7 * SEC));
    assert_eq!(db.get(b"k", t + 10 * SEC - Duration::from_nanos(1)), Some(&b"v"[..]));
    assert_eq!(db.get(b"k", t + 10 * SEC), None);
    assert_eq!(db.ttl(b"k", t + 10 * SEC), Ttl::Missing);
    assert_eq!(db.next_deadline(), None, "lazy expiry drops the deadline too");
}

#[test]
fn an_expired_key_counts_as_absent_for_nx() {
    let (mut db, t) = (Db::default(), Instant::now());
    db.set(b"k", b"old", Some(t + SEC), Condition::Always, t);
    assert!(db.set(b"k", b"new", None, Condition::IfAbsent, t + 2 * SEC));
    assert_eq!(db.ttl(b"k", t + 2 * SEC), Ttl::Persistent);
}

#[test]
fn set_without_a_deadline_clears_the_old_one() {
    let (mut db, t) = (Db::default(), Instant::now());
    db.set(b"k", b"v", Some(t + SEC), Condition::Always, t);
    db.set(b"k", b"w", None, Condition::Always, t);
    assert_eq!(db.ttl(b"k", t), Ttl::Persistent);
    assert_eq!(db.purge_expired(t + 5 * SEC, 10), None);
    assert_eq!(db.get(b"k", t + 5 * SEC), Some(&b"w"[..]));
}

#[test]
fn purge_removes_due_keys_and_reports_the_next_deadline() {
    let (mut db, t) = (Db::default(), Instant::now());
    db.set(b"a", b"1", Some(t + SEC), Condition::Always, t);
    db.set(b"b", b"2", Some(t + 3 * SEC), Condition::Always, t);
    db.set(b"c", b"3", None, Condition::Always, t);
    assert_eq!(db.next_deadline(), Some(t + SEC));
    assert_eq!(db.purge_expired(t + 2 * SEC, 10), Some(t + 3 * SEC));
    assert_eq!(db.len(), 2);
    assert_eq!(db.purge_expired(t + 3 * SEC, 10), None);
    assert_eq!(db.len(), 1);
    assert_eq!(db.get(b"c", t + 3 * SEC), Some(&b"3"[..]));
}

#[test]
fn expire_moves_replaces_or_deletes() {
    let (mut db, t) = (Db::default(), Instant::now());
    assert!(!db.expire(b"k", t + SEC, t), "no key");
    db.set(b"k", b"v", Some(t + SEC), Condition::Always, t);
    assert!(db.expire(b"k", t + 5 * SEC, t));
    assert_eq!(db.next_deadline(), Some(t + 5 * SEC), "the old deadline is gone");
    assert!(db.expire(b"k", t, t), "a deadline not in the future deletes");
    assert_eq!(db.ttl(b"k", t), Ttl::Missing);
    assert_eq!(db.next_deadline(), None);
}

#[test]
fn incr_counts_from_zero_and_keeps_the_deadline() {
    let (mut db, t) = (Db::default(), Instant::now());
    assert_eq!(db.incr(b"n", t), Ok(1));
    assert_eq!(db.incr(b"n", t), Ok(2));
    db.set(b"n", b"-5", Some(t + SEC), Condition::Always, t);
    assert_eq!(db.incr(b"n", t), Ok(-4));
    assert_eq!(db.get(b"n", t), Some(&b"-4"[..]));
    assert_eq!(db.ttl(b"n", t), Ttl::Remaining(SEC));
}

#[test]
fn incr_refuses_non_integers_and_overflow() {
    let (mut db, t) = (Db::default(), Instant::now());
    for bad in [&b"abc"[..], b"", b" 1", b"1.5", b"01"] {
        db.set(b"n", bad, None, Condition::Always, t);
        assert_eq!(db.incr(b"n", t), Err(IncrError::NotAnInteger), "{bad:?}");
        assert_eq!(db.get(b"n", t), Some(bad), "unchanged");
    }
    db.set(b"n", i64::MAX.to_string().as_bytes(), None, Condition::Always, t);
    assert_eq!(db.incr(b"n", t), Err(IncrError::Overflow));
}

#[test]
fn purge_removes_at_most_its_batch() {
    let (mut db, t) = (Db::default(), Instant::now());
    for key in ["a", "b", "c"] {
        db.set(key.as_bytes(), b"v", Some(t + SEC), Condition::Always, t);
    }
    assert_eq!(db.purge_expired(t + SEC, 2), Some(t + SEC), "one is still due");
    assert_eq!(db.len(), 1);
    assert_eq!(db.purge_expired(t + SEC, 2), None);
    assert_eq!(db.len(), 0);
}
