// Users' API keys: fresh random keys, and the SHA-256 the config stores instead of the key.
#pragma once

#include "config/access_config.hpp"

#include <string>
#include <string_view>

namespace llmroute::policies {

/// The SHA-256 of `key` as the client sends it.
config::KeyHash hash_key(std::string_view key);

/// 64 lowercase hex digits, as `key_sha256:` is written in the config.
std::string to_hex(const config::KeyHash& hash);

/// A fresh key: "lr-" followed by 32 bytes from OpenSSL's CSPRNG (RAND_bytes) in unpadded base64url
/// (43 characters). Throws std::runtime_error when the generator fails (a command-line tool, not the data path).
std::string new_key();

}  // namespace llmroute::policies
