// Key lookup over hashes with OpenSSL's constant-time comparison.
#include "policies/authenticator.hpp"

#include "policies/api_key.hpp"

#include <openssl/crypto.h>

#include <array>
#include <cctype>

namespace llmroute::policies {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// The KEY of "Bearer KEY" (scheme case-insensitive); empty for any other scheme.
std::string_view bearer_token(std::string_view authorization) {
  authorization = trim(authorization);
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return {};
  return trim(authorization.substr(kScheme.size()));
}

/// The user whose hash equals `key`'s. Every user is compared, matched or not.
const config::UserConfig* find_by_key(const config::AccessConfig& access, std::string_view key) {
  const config::KeyHash hash = hash_key(key);
  const config::UserConfig* found = nullptr;
  for (const config::UserConfig& user : access.users)
    if (CRYPTO_memcmp(hash.data(), user.key_sha256.data(), hash.size()) == 0) found = &user;
  return found;
}

}  // namespace

std::string_view message_of(AuthFailure failure) {
  if (failure == AuthFailure::missing_key)
    return "no API key provided: this llmroute needs one; send it as `Authorization: Bearer KEY` or `x-api-key: KEY` "
           "(`llmroute keys new NAME` makes one)";
  return "the API key is not one of this llmroute's users' keys";
}

std::variant<const config::UserConfig*, AuthFailure> authenticate(const config::AccessConfig& access,
                                                                 std::string_view authorization,
                                                                 std::string_view x_api_key) {
  if (access.auth == config::AuthMode::none) return &access.anonymous;
  const std::array<std::string_view, 2> presented{bearer_token(authorization), trim(x_api_key)};
  bool any = false;
  for (const std::string_view key : presented) {
    if (key.empty()) continue;
    any = true;
    if (const config::UserConfig* user = find_by_key(access, key)) return user;
  }
  return any ? AuthFailure::unknown_key : AuthFailure::missing_key;
}

}  // namespace llmroute::policies
