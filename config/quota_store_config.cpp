// Parsing of the `quota_store:` section.
#include "config/quota_store_config.hpp"

#include "config/yaml_section.hpp"

#include <charconv>

namespace llmroute::config {

namespace {

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

/// `memory` or `redis://HOST[:PORT][/DB]` into `store`.
void parse_url(const NodeAt& at, QuotaStoreConfig& store) {
  const std::string url = at.as_string();
  store.url = url;
  if (url == "memory") {
    store.kind = QuotaStoreKind::memory;
    return;
  }
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) at.fail("expected 'memory' or redis://HOST:PORT/DB, found '" + url + "'");
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  if (rest.find('@') != std::string_view::npos)
    at.fail("a user or password in the Redis URL is not supported; run Redis on a trusted network or loopback");
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && (!parse_number(db, store.db) || store.db > 15))
      at.fail("the database after '/' must be a number from 0 to 15, found '" + std::string(db) + "'");
  }
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {  // [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) at.fail("unclosed '[' in the Redis host");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') at.fail("expected ':' after ']' in the Redis URL");
      port = authority.substr(close + 2);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) at.fail("the Redis URL has no host: expected redis://HOST:PORT/DB");
  unsigned port_number = 6379;
  if (!port.empty() && (!parse_number(port, port_number) || port_number == 0 || port_number > 65535))
    at.fail("the Redis port must be a number from 1 to 65535, found '" + std::string(port) + "'");
  store.kind = QuotaStoreKind::redis;
  store.host = std::string(host);
  store.port = static_cast<std::uint16_t>(port_number);
}

std::chrono::milliseconds positive_duration(const NodeAt& at) {
  const auto value = at.as_duration();
  if (value.count() <= 0) at.fail("must be longer than 0");
  return value;
}

}  // namespace

std::string_view to_string(StoreFailureMode mode) {
  return mode == StoreFailureMode::fail_open ? "fail-open" : "fail-closed";
}

QuotaStoreConfig load_quota_store(const NodeAt& at) {
  QuotaStoreConfig store;
  if (at.node.IsScalar()) {
    parse_url(at, store);
    return store;
  }
  Section s(at);
  parse_url(s.required("url"), store);
  if (auto v = s.optional("on_failure"))
    store.on_failure = v->as_choice({"fail-open", "fail-closed"}) == 0 ? StoreFailureMode::fail_open : StoreFailureMode::fail_closed;
  if (auto v = s.optional("key_prefix")) store.key_prefix = v->as_string();
  if (auto v = s.optional("connect_timeout")) store.connect_timeout = positive_duration(*v);
  if (auto v = s.optional("command_timeout")) store.command_timeout = positive_duration(*v);
  if (auto v = s.optional("reconnect_max")) store.reconnect_max = positive_duration(*v);
  if (auto v = s.optional("lease_ttl")) {
    store.lease_ttl = v->as_duration();
    if (store.lease_ttl < std::chrono::seconds(3)) v->fail("must be at least 3s (it is renewed every third of it)");
  }
  s.finish();
  return store;
}

}  // namespace llmroute::config
