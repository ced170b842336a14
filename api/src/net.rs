//! Address ranges (CIDR) and which addresses count as internal: used to keep a school's mail
//! settings from reaching into the server's own network, to limit API keys to ranges, and to
//! find the client address of a request, believed from `Forwarded` / `X-Forwarded-For` only
//! when the TCP peer is a configured trusted proxy.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// One address range, e.g. `10.0.0.0/8`, `2001:db8::/32` or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_eq(&net.octets(), &ip.octets(), self.prefix),
            (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_eq(&net.octets(), &ip.octets(), self.prefix),
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let bits = usize::from(prefix);
    let whole = bits / 8;
    if a[..whole] != b[..whole] {
        return false;
    }
    let rest = bits % 8;
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[whole] & mask) == (b[whole] & mask)
}

/// IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are judged as the IPv4 address they carry.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Cidr, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| format!("`{s}` is not an address or address range"))?;
        let addr = canonical(addr);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("`{s}`: the prefix length must be 0–{max}"))?,
            None => max,
        };
        Ok(Cidr { addr, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Parses a list of ranges (each entry trimmed; empty entries ignored).
pub fn parse_list<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Vec<Cidr>, String> {
    items.into_iter().map(str::trim).filter(|s| !s.is_empty()).map(Cidr::from_str).collect()
}

/// Loopback, private (RFC 1918), carrier-grade NAT, link-local (which holds the cloud metadata
/// address 169.254.169.254), unique-local, multicast, broadcast, documentation and unspecified
/// addresses: nothing a school's mail server on the Internet would use.
pub fn is_internal(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || a >= 240
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && v6.segments()[1] == 0x0db8
                || first == 0x0064 && v6.segments()[1] == 0xff9b
        }
    }
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
pub fn client_ip(peer: Option<IpAddr>, forwarded: Option<&str>, x_forwarded_for: Option<&str>, trusted: &[Cidr]) -> Option<IpAddr> {
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

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_contain_their_addresses() {
        let net: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains(ip("10.1.255.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")), "IPv4-mapped addresses count as IPv4");
        let one: Cidr = "192.0.2.7".parse().unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let odd: Cidr = "172.16.0.0/12".parse().unwrap();
        assert!(odd.contains(ip("172.31.1.1")) && !odd.contains(ip("172.32.0.1")));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1::1")) && !v6.contains(ip("2001:db9::1")));
        assert!("0.0.0.0/0".parse::<Cidr>().unwrap().contains(ip("8.8.8.8")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("nope".parse::<Cidr>().is_err());
        assert_eq!(parse_list(["10.0.0.0/8", " ", "::1"]).unwrap().len(), 2);
    }

    #[test]
    fn internal_addresses_are_recognised() {
        for s in ["127.0.0.1", "10.0.0.5", "172.16.3.4", "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1", "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254"] {
            assert!(is_internal(ip(s)), "{s}");
        }
        for s in ["8.8.8.8", "168.95.1.1", "2001:4860:4860::8888"] {
            assert!(!is_internal(ip(s)), "{s}");
        }
    }

    #[test]
    fn forwarding_headers_are_believed_only_from_trusted_proxies() {
        let trusted = parse_list(["10.0.0.0/8"]).expect("ranges");
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
