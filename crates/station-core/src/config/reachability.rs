//! Which URLs a real service can use. A station that talks to a real tenant
//! must not send secrets or tokens in clear text, and a service that calls
//! back must be given an address the internet can reach: Entra refuses a
//! loopback or private `callback.url` at create time ("URL must be public"),
//! so the station refuses it at start-up, where the fix is still easy.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// Why `url` cannot carry a token, a secret or an API call: `None` when it
/// uses `scheme` (https, or wss for a WebSocket).
pub fn insecure_scheme(url: &Url, scheme: &str) -> Option<String> {
    match url.scheme() {
        used if used == scheme => None,
        "http" | "ws" => Some(format!(
            "uses {}://, which sends tokens and secrets in clear text",
            url.scheme()
        )),
        other => Some(format!("uses {other}://, where {scheme}:// belongs")),
    }
}

/// Why the internet cannot call `url` back: `None` when it is an https URL
/// on a public host.
pub fn unreachable_from_internet(url: &Url) -> Option<String> {
    if url.scheme() != "https" {
        return Some(format!(
            "is '{url}', which is not https; the service only calls https addresses"
        ));
    }
    let private = match url.host() {
        Some(Host::Ipv4(ip)) => !is_public_v4(ip),
        Some(Host::Ipv6(ip)) => !is_public_v6(ip),
        Some(Host::Domain(name)) => is_local_name(name),
        None => true,
    };
    private.then(|| format!("is '{url}', an address only this machine or its own network can reach"))
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b); // carrier-grade NAT, RFC 6598
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || shared)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let first = ip.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    !(ip.is_loopback() || ip.is_unspecified() || unique_local || link_local)
}

/// Names that no public resolver answers: a bare host name, `localhost`,
/// and the suffixes reserved for local networks.
fn is_local_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if let Ok(ip) = name.parse::<IpAddr>() {
        return match ip {
            IpAddr::V4(v4) => !is_public_v4(v4),
            IpAddr::V6(v6) => !is_public_v6(v6),
        };
    }
    const LOCAL_SUFFIXES: [&str; 6] = ["localhost", "local", "internal", "lan", "home.arpa", "test"];
    !name.contains('.')
        || LOCAL_SUFFIXES
            .iter()
            .any(|suffix| name == *suffix || name.ends_with(&format!(".{suffix}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn public_https_hosts_are_reachable() {
        for good in [
            "https://desk.contoso.com/station",
            "https://203.0.113.9.nip.io/",
            "https://8.8.8.8/cb",
            "https://[2001:4860::8888]/cb",
        ] {
            assert_eq!(unreachable_from_internet(&url(good)), None, "{good}");
        }
    }

    #[test]
    fn loopback_private_and_local_names_are_not() {
        for bad in [
            "http://desk.contoso.com/",
            "https://127.0.0.1:47381/",
            "https://localhost/",
            "https://station.localhost/",
            "https://10.1.2.3/",
            "https://172.20.0.1/",
            "https://192.168.1.20/",
            "https://100.64.0.1/",
            "https://169.254.1.1/",
            "https://[::1]/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:192.168.0.1]/",
            "https://frontdesk/",
            "https://printer.local/",
            "https://desk.home.arpa/",
            "https://0.0.0.0/",
        ] {
            assert!(unreachable_from_internet(&url(bad)).is_some(), "{bad}");
        }
    }

    #[test]
    fn only_tls_schemes_carry_secrets() {
        assert_eq!(
            insecure_scheme(&url("https://login.example.com/t"), "https"),
            None
        );
        assert_eq!(insecure_scheme(&url("wss://vo.example.com/graphql"), "wss"), None);
        assert!(insecure_scheme(&url("http://login.example.com/t"), "https").is_some());
        assert!(insecure_scheme(&url("ws://vo.example.com/graphql"), "wss").is_some());
        assert!(insecure_scheme(&url("https://vo.example.com/graphql"), "wss").is_some());
    }
}
