//! Addresses: CIDR ranges (`10.0.0.0/8`, `2001:db8::/32`, or one address) and the client address
//! of a request, believed from `Forwarded` / `X-Forwarded-For` only when the TCP peer is a
//! configured trusted proxy.

use std::net::IpAddr;
use std::str::FromStr;

/// An address range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(self.prefix)) };
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(self.prefix)) };
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for IpNet {
    type Err = String;

    fn from_str(s: &str) -> Result<IpNet, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr = canonical(IpAddr::from_str(addr).map_err(|_| format!("`{s}` is not an address or CIDR range"))?);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("`{s}`: the prefix must be 0–{max}"))?,
            None => max,
        };
        Ok(IpNet { addr, prefix })
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) compare as IPv4.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// Parses a list of ranges (configuration); the first bad entry is the error.
pub fn parse_list(items: &[String]) -> Result<Vec<IpNet>, String> {
    items.iter().map(|s| s.parse()).collect()
}

/// One address of a forwarding header: `203.0.113.7`, `203.0.113.7:1234`, `"[2001:db8::1]:80"`.
fn parse_node(s: &str) -> Option<IpAddr> {
    let s = s.trim().trim_matches('"');
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next().and_then(|a| a.parse().ok()).map(canonical);
    }
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    s.rsplit_once(':').and_then(|(a, _)| a.parse().ok()).map(canonical)
}

/// The addresses a request passed through, nearest proxy last: from `Forwarded: for=…`
/// (RFC 7239) when present, else `X-Forwarded-For`. Unparseable entries end the chain.
fn forwarded_chain(forwarded: Option<&str>, x_forwarded_for: Option<&str>) -> Option<Vec<Option<IpAddr>>> {
    if let Some(f) = forwarded {
        let chain: Vec<Option<IpAddr>> = f
            .split(',')
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| parse_node(v))
            })
            .collect();
        return Some(chain);
    }
    x_forwarded_for.map(|x| x.split(',').map(parse_node).collect())
}

/// The client's address: the TCP peer, unless the peer is a trusted proxy; then the nearest
/// address in the forwarding chain that is not itself a trusted proxy (a client cannot forge
/// what lies nearer to us than its own entry).
pub fn client_ip(peer: Option<IpAddr>, forwarded: Option<&str>, x_forwarded_for: Option<&str>, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer.map(canonical)?;
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let Some(chain) = forwarded_chain(forwarded, x_forwarded_for) else { return Some(peer) };
    let mut client = peer;
    for hop in chain.into_iter().rev() {
        match hop {
            Some(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            None => break,
        }
    }
    Some(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        parse_list(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>()).expect("ranges")
    }

    #[test]
    fn ranges_contain_their_addresses() {
        let n: IpNet = "10.1.0.0/16".parse().expect("range");
        assert!(n.contains("10.1.200.3".parse().expect("ip")));
        assert!(!n.contains("10.2.0.1".parse().expect("ip")));
        assert!(n.contains("::ffff:10.1.0.9".parse().expect("ip")));
        let one: IpNet = "2001:db8::1".parse().expect("one");
        assert!(one.contains("2001:db8::1".parse().expect("ip")));
        assert!(!one.contains("2001:db8::2".parse().expect("ip")));
        assert!("0.0.0.0/0".parse::<IpNet>().expect("all").contains("8.8.8.8".parse().expect("ip")));
        for bad in ["10.0.0.0/33", "nope", "10.0.0/8", ""] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarding_headers_are_believed_only_from_trusted_proxies() {
        let trusted = nets(&["10.0.0.0/8"]);
        let ip = |s: &str| Some(s.parse::<IpAddr>().expect("ip"));
        // An untrusted peer's header is ignored.
        assert_eq!(client_ip(ip("203.0.113.9"), None, Some("198.51.100.1"), &trusted), ip("203.0.113.9"));
        // Through the load balancer: the nearest untrusted hop; a forged leftmost entry is not believed.
        assert_eq!(client_ip(ip("10.0.0.2"), None, Some("1.2.3.4, 198.51.100.7, 10.0.0.5"), &trusted), ip("198.51.100.7"));
        assert_eq!(client_ip(ip("10.0.0.2"), Some("for=198.51.100.8;proto=https, for=\"10.0.0.5:80\""), None, &trusted), ip("198.51.100.8"));
        assert_eq!(client_ip(ip("10.0.0.2"), Some("for=\"[2001:db8::7]:443\""), None, &trusted), ip("2001:db8::7"));
        // No header: the proxy itself.
        assert_eq!(client_ip(ip("10.0.0.2"), None, None, &trusted), ip("10.0.0.2"));
        // Garbage ends the chain at the last good hop.
        assert_eq!(client_ip(ip("10.0.0.2"), None, Some("junk"), &trusted), ip("10.0.0.2"));
    }
}
