// Header filtering in both directions.
#include "proxy/header_rules.hpp"

#include <boost/beast/core/string.hpp>

namespace llmroute::proxy {

namespace {

bool iequals(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// Whether `name` appears in the comma-separated Connection header value.
bool named_in_connection(std::string_view connection, std::string_view name) {
  while (!connection.empty()) {
    const auto comma = connection.find(',');
    std::string_view token = connection.substr(0, comma);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (iequals(token, name)) return true;
    if (comma == std::string_view::npos) break;
    connection.remove_prefix(comma + 1);
  }
  return false;
}

template <typename Keep>
std::string filtered(const http::fields& fields, Keep keep) {
  const std::string_view connection = fields[http::field::connection];
  std::string out;
  for (const auto& f : fields) {
    const std::string_view name = f.name_string();
    if (is_hop_by_hop(name) || named_in_connection(connection, name) || !keep(name)) continue;
    out.append(name).append(": ").append(f.value()).append("\r\n");
  }
  return out;
}

}  // namespace

bool is_hop_by_hop(std::string_view name) {
  for (std::string_view h : {"connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
                             "te", "trailer", "transfer-encoding", "upgrade"})
    if (iequals(name, h)) return true;
  return false;
}

std::string forwarded_request_headers(const http::fields& fields) {
  return filtered(fields, [](std::string_view name) {
    for (std::string_view h : {"host", "content-length", "authorization", "x-api-key", "cookie", "accept-encoding",
                               "expect", "x-request-id"})
      if (iequals(name, h)) return false;
    return !istarts_with(name, "x-llmroute-");
  });
}

std::string forwarded_response_headers(const http::fields& fields) {
  return filtered(fields, [](std::string_view name) {
    for (std::string_view h : {"content-length", "server", "date", "x-request-id", "cache-control", "x-accel-buffering"})
      if (iequals(name, h)) return false;
    return !istarts_with(name, "x-llmroute-");
  });
}

}  // namespace llmroute::proxy
