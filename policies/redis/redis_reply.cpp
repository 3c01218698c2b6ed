// Conversions of Redis replies.
#include "policies/redis/redis_reply.hpp"

#include <charconv>

namespace llmroute::policies {

std::int64_t RedisReply::as_integer() const {
  if (type == Type::integer) return integer;
  std::int64_t value = 0;
  if (type == Type::string) std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace llmroute::policies
