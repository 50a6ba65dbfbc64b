//! Who the buyer is, by IP, for the throttles: the socket's peer, unless the peer is a trusted
//! proxy, in which case the nearest untrusted address of `Forwarded` / `X-Forwarded-For`; and
//! `Shopify-Storefront-Buyer-IP` on requests made with a private token (a shop's server
//! speaking for its visitor). Headers from anyone else are never believed.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

const BUYER_IP_HEADER: &str = "shopify-storefront-buyer-ip";

pub fn client_ip(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[IpNet],
    private_token: bool,
) -> Option<IpAddr> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if private_token
        && let Some(buyer) = header(BUYER_IP_HEADER).and_then(|value| value.trim().parse().ok())
    {
        return Some(buyer);
    }
    let peer = peer?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    // The chain as the proxies wrote it, nearest last.
    let chain: Vec<IpAddr> = match header("forwarded") {
        Some(forwarded) => forwarded
            .split(',')
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.eq_ignore_ascii_case("for").then(|| parse_node(value))?
                })
            })
            .collect(),
        None => header("x-forwarded-for")
            .map(|list| list.split(',').filter_map(parse_node).collect())
            .unwrap_or_default(),
    };
    Some(
        chain
            .iter()
            .rev()
            .find(|ip| !is_trusted(ip))
            .or_else(|| chain.first())
            .copied()
            .unwrap_or(peer),
    )
}

/// `192.0.2.60`, `"[2001:db8::1]:4711"`, `198.51.100.7:8080`.
fn parse_node(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    if let Ok(ip) = value.parse() {
        return Some(ip);
    }
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    value
        .rsplit_once(':')
        .and_then(|(host, _)| host.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("header"));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let claims = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("shopify-storefront-buyer-ip", "5.6.7.8"),
        ]);
        assert_eq!(
            client_ip(Some(ip("198.51.100.9")), &claims, &[], false),
            Some(ip("198.51.100.9"))
        );
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        let chain = headers(&[("x-forwarded-for", "203.0.113.7, 198.51.100.2, 10.0.0.5")]);
        // 198.51.100.2 appended what it saw; an attacker can write anything on the left.
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &chain, &trusted, false),
            Some(ip("198.51.100.2"))
        );
        let forwarded = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=https, for=\"[2001:db8::1]:4711\"",
        )]);
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &forwarded, &trusted, false),
            Some(ip("2001:db8::1"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &HeaderMap::new(), &trusted, false),
            Some(ip("10.0.0.1"))
        );
    }

    #[test]
    fn buyer_ip_counts_only_with_a_private_token() {
        let buyer = headers(&[("shopify-storefront-buyer-ip", "203.0.113.99")]);
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), &buyer, &[], true),
            Some(ip("203.0.113.99"))
        );
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), &buyer, &[], false),
            Some(ip("127.0.0.1"))
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2_000,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Any header text: no panic; from an untrusted peer the answer is always the peer; from
        /// a trusted one it is the peer or an address the headers really contain.
        #[test]
        fn forwarding_headers_of_any_shape_never_panic_or_invent_an_address(
            forwarded in "[ -~]{0,120}",
            x_forwarded_for in "[0-9a-f.:, \\[\\]\"]{0,120}",
        ) {
            let mut map = HeaderMap::new();
            if let Ok(value) = forwarded.parse() {
                map.insert("forwarded", value);
            }
            if let Ok(value) = x_forwarded_for.parse() {
                map.insert("x-forwarded-for", value);
            }
            let peer = ip("10.0.0.1");
            let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
            proptest::prop_assert_eq!(client_ip(Some(peer), &map, &[], false), Some(peer));
            let found = client_ip(Some(peer), &map, &trusted, false).expect("an address");
            let text = format!("{forwarded} {x_forwarded_for}");
            proptest::prop_assert!(
                found == peer || text.contains(&found.to_string()) || found.is_ipv6(),
                "{found} from {text}"
            );
        }
    }
}
