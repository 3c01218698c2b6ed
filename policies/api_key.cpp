// Key generation and hashing over OpenSSL (RAND_bytes, SHA-256).
#include "policies/api_key.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <stdexcept>

namespace llmroute::policies {

config::KeyHash hash_key(std::string_view key) {
  config::KeyHash hash{};
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), hash.data());
  return hash;
}

std::string to_hex(const config::KeyHash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(hash.size() * 2);
  for (const unsigned char byte : hash) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xf];
  }
  return out;
}

std::string new_key() {
  std::array<unsigned char, 32> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
    throw std::runtime_error("the system's random number generator failed (OpenSSL RAND_bytes)");
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string key = "lr-";
  // Base64url without padding: each 3 bytes give 4 characters, the last 2 bytes give 3.
  std::size_t i = 0;
  for (; i + 3 <= random.size(); i += 3) {
    const unsigned v = (random[i] << 16) | (random[i + 1] << 8) | random[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) key += kAlphabet[(v >> shift) & 63];
  }
  const unsigned v = (random[i] << 16) | (random[i + 1] << 8);
  for (int shift = 18; shift >= 6; shift -= 6) key += kAlphabet[(v >> shift) & 63];
  return key;
}

}  // namespace llmroute::policies
