//! Skranke's domain: the vocabulary of a service desk case and the rules that
//! govern it. Pure: no I/O, no async, no clock of its own (callers pass `now`).

pub mod assign;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod catalog;
pub mod change;
pub mod client;
pub mod config;
pub mod history;
pub mod holidays;
pub mod keys;
pub mod mail;
pub mod notice;
pub mod operational;
pub mod priority;
pub mod sla;
pub mod status;
pub mod throttle;
pub mod user;

pub use case::{CaseKind, CaseNumber, Channel, NewCaseInput, ValidationError};
pub use config::Config;
pub use priority::{ImpactAnswers, Priority};
pub use status::Status;
pub use user::{Actor, UserKind};
