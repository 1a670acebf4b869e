// The local address this machine uses to reach a host — what `secgroup … myip` allows. Found from
// the routing table alone (a UDP socket connect()ed to the host sends nothing); dust never asks an
// outside "what is my IP" service.
#pragma once
#include <string>

namespace dust::util {

// Host part of a URL: "https://ec2.us-east-1.amazonaws.com/x" → "ec2.us-east-1.amazonaws.com",
// "http://[::1]:5000" → "::1". Pure.
std::string url_host(const std::string& url);

// Source address (IPv4 or IPv6 text) of the route to `host` (name or address, resolved with
// getaddrinfo). "" and *err set when it cannot be determined.
std::string source_address_towards(const std::string& host, std::string* err);

// True for loopback, RFC 1918, CGNAT 100.64/10, link-local and IPv6 ULA/link-local/loopback:
// addresses the internet never sees as a source (a NAT sits in between).
bool is_private_address(const std::string& addr);

}  // namespace dust::util
