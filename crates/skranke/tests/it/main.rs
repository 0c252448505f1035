//! Integration tests: each drives the real HTTP server over loopback
//! against its own SQLite file.

mod api;
mod browser;
mod cli;
mod flows;
mod security;
mod sla;
mod support;
