// Who is calling: the user whose key a request carries (Authorization: Bearer or x-api-key).
#pragma once

#include "config/access_config.hpp"

#include <string_view>
#include <variant>

namespace llmroute::policies {

enum class AuthFailure {
  missing_key,  ///< neither header carries a key
  unknown_key,  ///< a key that no configured user has
};

/// The 401 message for a failure (names both headers, never echoes the key).
std::string_view message_of(AuthFailure failure);

/// The caller, or why there is none. Under `auth: none` every request is `access.anonymous`. Otherwise the
/// key is taken from `Authorization: Bearer KEY`, else from `x-api-key` (either may match, so a client that
/// sends a placeholder in one header and the key in the other still gets in). Comparison is over SHA-256
/// hashes in constant time against every user, so timing reveals neither the key nor which user matched.
std::variant<const config::UserConfig*, AuthFailure> authenticate(const config::AccessConfig& access,
                                                                 std::string_view authorization,
                                                                 std::string_view x_api_key);

}  // namespace llmroute::policies
