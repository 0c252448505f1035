//! The SLA hot paths: `add` on the business calendar (15 minutes and 20
//! days) and replaying a 50-event case.
//!
//! cargo bench -p skranke-core --bench sla

use criterion::{Criterion, criterion_group, criterion_main};
use skranke_core::config::Config;
use skranke_core::sla::{CaseHistory, Event, EventKind, SlaPolicy, replay};
use skranke_core::{Channel, Priority, Status};
use std::hint::black_box;

/// Starts spread over a year, so lookups are not all cache-hot in one day.
fn starts() -> Vec<i64> {
    let base = 1_798_761_600; // 2027-01-01T00:00:00Z
    (0..1024).map(|i| base + i * 30_803).collect()
}

fn fifty_events() -> CaseHistory {
    let reg = 1_796_202_000; // Wed 2026-12-02 08:00Z
    let mut events = Vec::new();
    let mut at = reg;
    for i in 0..50 {
        at += 1_800 + (i % 7) * 600;
        let kind = match i % 10 {
            0 | 5 => EventKind::InternalNote,
            1 => EventKind::PublicReply,
            2 => EventKind::Status(Status::WaitingCustomer),
            3 => EventKind::Status(Status::InProgress),
            4 => EventKind::Priority(if i % 20 == 4 {
                Priority::High
            } else {
                Priority::Medium
            }),
            6 => EventKind::Status(Status::WaitingSupplier),
            7 => EventKind::Status(Status::InProgress),
            8 => EventKind::Status(Status::Resolved),
            _ => EventKind::Status(Status::InProgress),
        };
        events.push(Event { at, kind });
    }
    CaseHistory {
        registered_at: reg,
        priority: Priority::Medium,
        channel: Channel::Web,
        events,
    }
}

fn benches(c: &mut Criterion) {
    let config = Config::default();
    let cal = config.business_calendar().unwrap();
    let starts = starts();
    // Warm the year tables once, as a running server has them.
    for s in &starts {
        cal.add(*s, 20 * 27_000);
    }
    let mut i = 0;
    c.bench_function("business add 15 min", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            black_box(cal.add(black_box(starts[i]), 15 * 60))
        })
    });
    c.bench_function("business add 20 days", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            black_box(cal.add(black_box(starts[i]), 20 * 27_000))
        })
    });
    let policy = SlaPolicy::from_config(&config).unwrap();
    let history = fifty_events();
    let until = history.events.last().unwrap().at + 86_400;
    c.bench_function("replay 50 events", |b| {
        b.iter(|| black_box(replay(&policy, black_box(&history), until)))
    });
}

criterion_group!(sla, benches);
criterion_main!(sla);
