// Harness: the endpoint of a request read from its path, and the request line of a head not yet parsed.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "proxy/wire_format.hpp"
#include "router/request_features.hpp"

namespace llmroute::fuzz {

namespace {

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

void fuzz_request_line(std::string_view bytes) {
  const std::string_view path = proxy::path_without_query(bytes);
  require(bytes.substr(0, path.size()) == path, "a path without its query is a prefix of the target");
  (void)proxy::client_api_of(bytes);
  (void)router::wire_format_of(bytes);
  require(inside(proxy::request_line_target(bytes), bytes), "the request line's target is read from the head");
  require(inside(proxy::request_line_method(bytes), bytes), "the request line's method is read from the head");
}

}  // namespace llmroute::fuzz
