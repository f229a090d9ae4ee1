//! Loopback ports.

use std::net::TcpListener;

/// A loopback port free at the moment: for a fixed callback port, or a
/// driver's.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
