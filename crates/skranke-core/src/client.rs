//! Who is on the other end of a request: the client's address, seen
//! through proxies only where they are trusted, and the address that
//! counts for throttling.

use ipnet::IpNet;
use std::net::IpAddr;

/// An address (`192.0.2.7`) or a network (`10.0.0.0/8`).
pub fn parse_net(s: &str) -> Option<IpNet> {
    let s = s.trim();
    s.parse::<IpNet>()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
}

/// The client's address: the socket's peer, unless that peer is a trusted
/// proxy; then the rightmost address in `X-Forwarded-For` that is not a
/// trusted proxy itself (the ones to its left could be made up by the
/// client). `forwarded` is every `X-Forwarded-For` header, in order.
pub fn client_address(peer: IpAddr, forwarded: &[&str], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |a: &IpAddr| trusted.iter().any(|n| n.contains(a));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = forwarded
        .iter()
        .flat_map(|h| h.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    hops.iter()
        .rev()
        .find(|a| !is_trusted(a))
        .copied()
        .unwrap_or(peer)
}

/// The address as the throttle counts it: IPv6 by its /64, the block one
/// subscriber usually holds whole.
pub fn throttle_address(a: IpAddr) -> String {
    match a {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => IpNet::new(IpAddr::V6(v6), 64)
                .map(|n| n.trunc().to_string())
                .unwrap_or_else(|_| v6.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted = [
            parse_net("10.0.0.0/8").unwrap(),
            parse_net("127.0.0.1").unwrap(),
        ];
        // Straight from the internet: the header is the client's to invent.
        assert_eq!(
            client_address(ip("198.51.100.9"), &["1.2.3.4"], &trusted),
            ip("198.51.100.9")
        );
        // Through our proxy: the last address it added.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["203.0.113.5"], &trusted),
            ip("203.0.113.5")
        );
        // A client that sends its own header gets its real address anyway.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["6.6.6.6, 203.0.113.5"], &trusted),
            ip("203.0.113.5")
        );
        // Two proxies of ours in a row.
        assert_eq!(
            client_address(ip("127.0.0.1"), &["203.0.113.5", "10.1.1.1"], &trusted),
            ip("203.0.113.5")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &["junk"], &trusted),
            ip("10.0.0.2")
        );
        assert!(parse_net("10.0.0.0/33").is_none() && parse_net("proxy").is_none());
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_block() {
        assert_eq!(
            throttle_address(ip("2001:db8:1:2:aaaa::1")),
            throttle_address(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            throttle_address(ip("2001:db8:1:2::1")),
            throttle_address(ip("2001:db8:1:3::1"))
        );
        assert_eq!(throttle_address(ip("::ffff:192.0.2.1")), "192.0.2.1");
    }
}
