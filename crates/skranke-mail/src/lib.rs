//! Skranke's e-mail layer. `parse` turns a raw message, as real mail
//! programs write it, into the decoded facts the core decides on
//! (`skranke_core::mail`): addresses, subject, the text, the files, the
//! threading and automation headers. The MIME work is `mail-parser`'s.

pub mod imap;
mod parse;
pub mod smtp;

pub use parse::{Bounce, Inbound, InboundFile, MailError, Named, parse};
