//! The login throttle's rules: how many guesses, from where, how fast.
//! Counted per (account, address), per account and per address; every
//! attempt is counted before its password is checked, and the store reads
//! and writes the three counters in one transaction, so parallel guesses
//! cannot slip past the limit.
//!
//! No stranger can lock anyone out: the hard limit is per (account,
//! address), so it stops only the address that guesses; an account under
//! attack from many addresses gets short, growing delays between attempts
//! (at most `ACCOUNT_MAX_DELAY`), and so does an address that guesses at
//! many accounts (at most `ADDRESS_MAX_DELAY`), rather than a lock.

use jiff::{SignedDuration, Timestamp};

/// How long failures are remembered.
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// Failures from one address for one account before that pair must wait
/// for the window to pass.
pub const PAIR_LIMIT: u32 = 5;
/// Failures for one account (from anywhere) before each attempt must wait.
pub const ACCOUNT_FREE: u32 = 10;
pub const ACCOUNT_MAX_DELAY: SignedDuration = SignedDuration::from_secs(30);
/// Failures from one address (for any account) before each attempt must
/// wait: high, since many people share an address behind a municipal NAT.
pub const ADDRESS_FREE: u32 = 100;
pub const ADDRESS_MAX_DELAY: SignedDuration = SignedDuration::from_secs(10);

/// One counter as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub failures: u32,
    pub window_start: Timestamp,
    /// The last attempt counted.
    pub last_at: Timestamp,
}

impl Counter {
    /// The counter at `now`: a window that has passed starts afresh.
    fn current(c: Option<Counter>, now: Timestamp) -> Counter {
        match c {
            Some(c) if c.window_start + WINDOW > now => c,
            _ => Counter {
                failures: 0,
                window_start: now,
                last_at: now,
            },
        }
    }

    /// Counts one more attempt at `now`.
    fn counted(mut self, now: Timestamp) -> Counter {
        self.failures += 1;
        self.last_at = now;
        self
    }
}

/// The three counters of one login attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    pub pair: Counter,
    pub account: Counter,
    pub address: Counter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Check the password; the attempt is counted in these counters.
    Allow(Counters),
    /// Refuse without checking; try again after this long.
    Wait(SignedDuration),
}

/// 1 s after the first failure over the free ones, doubling, at most `max`.
fn delay(failures: u32, free: u32, max: SignedDuration) -> SignedDuration {
    let over = failures.saturating_sub(free).min(20);
    SignedDuration::from_secs(1i64 << over).min(max)
}

/// Judges an attempt at `now`, given the stored counters.
pub fn judge(
    pair: Option<Counter>,
    account: Option<Counter>,
    address: Option<Counter>,
    now: Timestamp,
) -> Verdict {
    let (pair, account, address) = (
        Counter::current(pair, now),
        Counter::current(account, now),
        Counter::current(address, now),
    );
    let mut wait = SignedDuration::ZERO;
    if pair.failures >= PAIR_LIMIT {
        wait = wait.max(pair.window_start + WINDOW - now);
    }
    for (c, free, max) in [
        (account, ACCOUNT_FREE, ACCOUNT_MAX_DELAY),
        (address, ADDRESS_FREE, ADDRESS_MAX_DELAY),
    ] {
        if c.failures >= free {
            let until = c.last_at + delay(c.failures, free, max);
            if until > now {
                wait = wait.max(until - now);
            }
        }
    }
    if wait > SignedDuration::ZERO {
        Verdict::Wait(wait)
    } else {
        Verdict::Allow(Counters {
            pair: pair.counted(now),
            account: account.counted(now),
            address: address.counted(now),
        })
    }
}

/// The counters after the password proved right: the pair is forgiven;
/// the account and address give back this attempt only (a right password
/// does not wipe out someone else's failed guesses).
pub fn succeeded(c: Counters) -> (Counter, Counter) {
    let back = |mut c: Counter| {
        c.failures = c.failures.saturating_sub(1);
        c
    };
    (back(c.account), back(c.address))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t0() -> Timestamp {
        "2026-12-01T08:00:00Z".parse().unwrap()
    }

    /// Runs `n` failed attempts at `at`; returns how many were allowed.
    fn guess(
        c: &mut (Option<Counter>, Option<Counter>, Option<Counter>),
        n: u32,
        at: Timestamp,
    ) -> u32 {
        let mut allowed = 0;
        for _ in 0..n {
            if let Verdict::Allow(k) = judge(c.0, c.1, c.2, at) {
                allowed += 1;
                *c = (Some(k.pair), Some(k.account), Some(k.address));
            }
        }
        allowed
    }

    #[test]
    fn one_address_gets_five_guesses_at_one_account() {
        let mut c = (None, None, None);
        assert_eq!(guess(&mut c, 40, t0()), PAIR_LIMIT, "40 at once: 5 checked");
        match judge(c.0, c.1, c.2, t0() + SignedDuration::from_mins(1)) {
            Verdict::Wait(w) => assert_eq!(w, SignedDuration::from_mins(14)),
            v => panic!("{v:?}"),
        }
        // After the window the pair starts afresh.
        assert!(matches!(
            judge(c.0, c.1, c.2, t0() + WINDOW),
            Verdict::Allow(_)
        ));
    }

    #[test]
    fn an_account_attacked_from_everywhere_slows_down_but_never_locks() {
        let mut account = None;
        let mut at = t0();
        let mut allowed = 0;
        // A new address for every guess, one guess a second for ten minutes.
        for _ in 0..600 {
            if let Verdict::Allow(k) = judge(None, account, None, at) {
                account = Some(k.account);
                allowed += 1;
            }
            at += SignedDuration::from_secs(1);
        }
        assert!(allowed < 40, "{allowed} guesses in ten minutes");
        // The owner, from another address, waits at most the longest delay.
        let v = judge(None, account, None, at);
        match v {
            Verdict::Wait(w) => assert!(w <= ACCOUNT_MAX_DELAY, "{w:?}"),
            Verdict::Allow(_) => {}
        }
        assert!(matches!(
            judge(None, account, None, at + ACCOUNT_MAX_DELAY),
            Verdict::Allow(_)
        ));
    }

    #[test]
    fn many_people_behind_one_address_are_not_locked_out() {
        let mut address = None;
        // 100 typos across the morning's logins: nobody waits.
        for _ in 0..ADDRESS_FREE {
            match judge(None, None, address, t0()) {
                Verdict::Allow(k) => address = Some(k.address),
                v => panic!("{v:?}"),
            }
        }
        match judge(None, None, address, t0()) {
            Verdict::Wait(w) => assert!(w <= ADDRESS_MAX_DELAY),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn a_right_password_forgives_the_pair_only() {
        let mut c = (None, None, None);
        guess(&mut c, 3, t0());
        let Verdict::Allow(k) = judge(c.0, c.1, c.2, t0()) else {
            panic!()
        };
        let (account, address) = succeeded(k);
        assert_eq!((account.failures, address.failures), (3, 3));
    }

    proptest! {
        #[test]
        fn never_more_than_the_pair_limit_per_window(n in 0u32..200, secs in prop::collection::vec(0i64..60, 0..200)) {
            let mut c = (None, None, None);
            let mut at = t0();
            let mut allowed = 0;
            for s in secs.iter().take(n as usize) {
                at += SignedDuration::from_secs(*s);
                if at >= t0() + WINDOW { break; }
                allowed += guess(&mut c, 1, at);
            }
            prop_assert!(allowed <= PAIR_LIMIT);
        }

        #[test]
        fn a_wait_is_never_longer_than_the_window(failures in 0u32..10_000, ago in 0i64..900) {
            let now = t0() + SignedDuration::from_secs(900);
            let c = Counter { failures, window_start: now - SignedDuration::from_secs(ago), last_at: now - SignedDuration::from_secs(ago.min(5)) };
            if let Verdict::Wait(w) = judge(Some(c), Some(c), Some(c), now) {
                prop_assert!(w <= WINDOW && w > SignedDuration::ZERO);
            }
        }
    }
}
