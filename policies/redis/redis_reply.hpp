// One Redis reply as a plain value tree, and the outcome of a command: a reply, or why none came.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace llmroute::policies {

/// A reply in RESP2 terms, owned (converted from hiredis's reader objects).
struct RedisReply {
  enum class Type { string, array, integer, nil, status, error };

  Type type = Type::nil;
  std::string text;        ///< string, status and error replies
  std::int64_t integer = 0;
  std::vector<RedisReply> elements;  ///< array replies

  bool is_error() const { return type == Type::error; }
  /// An integer reply's value; a numeric string's too (Lua numbers often come back as strings).
  std::int64_t as_integer() const;
};

/// Why a command got no reply: Redis is down (or not yet connected), the connection broke, or the
/// reply did not come within the command timeout. The text says which, for logs and error messages; it is
/// the cause only ("Connection refused"), as the callers name the Redis it is about.
struct RedisUnavailable {
  std::string detail;
};

/// What a command got: a reply (which may itself be a Redis error reply), or RedisUnavailable.
class RedisResult {
 public:
  RedisResult(RedisReply reply) : value_(std::move(reply)) {}
  RedisResult(RedisUnavailable unavailable) : value_(std::move(unavailable)) {}

  /// True when Redis answered (even with an error reply).
  bool answered() const { return value_.index() == 0; }
  /// The reply; only when answered().
  const RedisReply& reply() const { return std::get<0>(value_); }
  /// Why Redis did not answer; only when !answered().
  const std::string& unavailable() const { return std::get<1>(value_).detail; }

 private:
  std::variant<RedisReply, RedisUnavailable> value_;
};

}  // namespace llmroute::policies
