// Harness: the caller's key read from Authorization and x-api-key, and a key hash read from the config.
//
// Input: the Authorization value, a line feed, then the x-api-key value.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "config/access_config_loader.hpp"
#include "policies/api_key.hpp"
#include "policies/authenticator.hpp"

#include <variant>

namespace llmroute::fuzz {

void fuzz_api_key_headers(std::string_view bytes) {
  static const config::AccessConfig access = [] {
    config::AccessConfig a;
    a.auth = config::AuthMode::keys;
    a.users.push_back(config::UserConfig{"ada", policies::hash_key("lr-test-key"), config::Role::admin, false, {}, {}});
    return a;
  }();
  const std::size_t line_end = bytes.find('\n');
  const std::string_view authorization = bytes.substr(0, line_end);
  const std::string_view x_api_key = line_end == std::string_view::npos ? std::string_view() : bytes.substr(line_end + 1);
  const auto caller = policies::authenticate(access, authorization, x_api_key);
  if (const auto* user = std::get_if<const config::UserConfig*>(&caller)) {
    require(*user == &access.users.front(), "only the configured user is let in");
    require(bytes.find("lr-test-key") != std::string_view::npos, "only with the user's key");
  }
  if (const auto hash = config::parse_key_hash(bytes)) {
    require(policies::to_hex(*hash).size() == 64, "a key hash is 64 hex digits");
  }
}

}  // namespace llmroute::fuzz
