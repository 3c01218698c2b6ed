// Keys are generated fresh, stored as SHA-256, and accepted from either header; anything else is refused.
#include <doctest/doctest.h>

#include "policies/api_key.hpp"
#include "policies/authenticator.hpp"

#include <set>

using namespace llmroute;
using namespace llmroute::policies;

namespace {

config::AccessConfig keyed_access(const std::string& ann_key, const std::string& bob_key) {
  config::AccessConfig access;
  access.auth = config::AuthMode::keys;
  access.users.push_back(config::UserConfig{"ann", hash_key(ann_key), config::Role::admin, false, {}, config::BudgetPolicy::reject});
  access.users.push_back(config::UserConfig{"bob", hash_key(bob_key), config::Role::member, true, {}, config::BudgetPolicy::reject});
  return access;
}

const config::UserConfig* user_of(const std::variant<const config::UserConfig*, AuthFailure>& result) {
  const auto* user = std::get_if<const config::UserConfig*>(&result);
  return user ? *user : nullptr;
}

}  // namespace

TEST_CASE("new keys are lr- plus 43 base64url characters and never repeat") {
  std::set<std::string> keys;
  for (int i = 0; i < 100; ++i) {
    const std::string key = new_key();
    CHECK(key.size() == 46);
    CHECK(key.starts_with("lr-"));
    CHECK(key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 3) == std::string::npos);
    keys.insert(key);
  }
  CHECK(keys.size() == 100);
}

TEST_CASE("a key's hash is its SHA-256 in lowercase hex") {
  CHECK(to_hex(hash_key("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("a key is accepted as a Bearer token or as x-api-key, and names its user") {
  const config::AccessConfig access = keyed_access("lr-ann", "lr-bob");
  CHECK(user_of(authenticate(access, "Bearer lr-ann", ""))->name == "ann");
  CHECK(user_of(authenticate(access, "bearer   lr-bob ", ""))->name == "bob");
  CHECK(user_of(authenticate(access, "", "lr-bob"))->name == "bob");
  // A placeholder in one header does not hide the real key in the other.
  CHECK(user_of(authenticate(access, "Bearer placeholder", "lr-ann"))->name == "ann");
}

TEST_CASE("a missing or unknown key is refused, and says which") {
  const config::AccessConfig access = keyed_access("lr-ann", "lr-bob");
  CHECK(std::get<AuthFailure>(authenticate(access, "", "")) == AuthFailure::missing_key);
  CHECK(std::get<AuthFailure>(authenticate(access, "Basic YW5uOmxyLWFubg==", "")) == AuthFailure::missing_key);
  CHECK(std::get<AuthFailure>(authenticate(access, "Bearer lr-carol", "")) == AuthFailure::unknown_key);
  CHECK(std::get<AuthFailure>(authenticate(access, "Bearer lr-ann2", "lr-bo")) == AuthFailure::unknown_key);
  CHECK(message_of(AuthFailure::missing_key).find("x-api-key") != std::string_view::npos);
}

TEST_CASE("without keys every request is the anonymous user, whatever it sends") {
  config::AccessConfig access;
  CHECK(user_of(authenticate(access, "Bearer anything", "")) == &access.anonymous);
  CHECK(user_of(authenticate(access, "", "")) == &access.anonymous);
}
