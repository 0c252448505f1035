//! Library side of the `skranke` binary, shared with its tests.

pub mod demo;
pub mod sla_cli;
pub mod transfer;
