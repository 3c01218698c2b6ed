// Which headers cross the proxy: hop-by-hop and credential headers never do.
#pragma once

#include "proxy/asio.hpp"

#include <string>
#include <string_view>

namespace llmroute::proxy {

/// Client request headers worth passing to a backend, as "Name: value\r\n" lines. Drops hop-by-hop
/// headers (and those named in Connection), framing, Host, the client's credentials (Authorization,
/// x-api-key, Cookie), Accept-Encoding (the proxy reads the stream, so it must be identity) and x-llmroute-*.
std::string forwarded_request_headers(const http::fields& fields);

/// Backend response headers worth passing to the client (drops hop-by-hop, framing and Server).
std::string forwarded_response_headers(const http::fields& fields);

/// True for headers that describe one connection rather than the message (RFC 9110 §7.6.1).
bool is_hop_by_hop(std::string_view name);

}  // namespace llmroute::proxy
