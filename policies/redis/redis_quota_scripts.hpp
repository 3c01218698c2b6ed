// The Lua scripts of the Redis quota store: each runs atomically inside Redis, so admission is exact across processes.
#pragma once

#include <string_view>

namespace llmroute::policies::redis_scripts {

// Keys of one user (see RedisQuotaStore): requests (the open 60 s window, a counter with a 60 s TTL set by
// the request that opens it), tokens of one UTC day, spend of one UTC month (integer micro-units of the
// currency, so INCRBY stays exact), and leases (a sorted set: lease id scored by its expiry in Redis's
// clock, ms, so expired leases are dropped and live ones counted in O(log n), not by a scan).
// Limits are passed as -1 when unset. Time comes from Redis's own clock (TIME), so processes on hosts
// with skewed clocks still agree on which leases have expired.

/// KEYS: requests, tokens, spend, leases.
/// ARGV: request_limit, window_ms, token_limit, tokens, tokens_expire_at_ms, spend_limit, spend,
///       spend_expire_at_ms, concurrent_limit, lease, lease_ttl_ms.
/// Returns {0, 0, 0} when admitted, else {quota (1 requests, 2 tokens, 3 spend, 4 concurrency), used,
/// requests window's remaining ms}. Checks in QuotaName order and changes nothing unless all pass.
inline constexpr std::string_view kReserve = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local requests = tonumber(redis.call('GET', KEYS[1]) or '0')
local request_limit = tonumber(ARGV[1])
if request_limit >= 0 and requests + 1 > request_limit then
  return {1, requests, redis.call('PTTL', KEYS[1])}
end
local tokens = tonumber(ARGV[4])
local tokens_used = tonumber(redis.call('GET', KEYS[2]) or '0')
local token_limit = tonumber(ARGV[3])
if token_limit >= 0 and tokens > 0 and tokens_used + tokens > token_limit then
  return {2, tokens_used, 0}
end
local spend = tonumber(ARGV[7])
local spent = tonumber(redis.call('GET', KEYS[3]) or '0')
local spend_limit = tonumber(ARGV[6])
if spend_limit >= 0 and spend > 0 and spent + spend > spend_limit then
  return {3, spent, 0}
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
local held = redis.call('ZCARD', KEYS[4])
local concurrent_limit = tonumber(ARGV[9])
if concurrent_limit >= 0 and held + 1 > concurrent_limit then
  return {4, held, 0}
end
if redis.call('INCR', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if tokens > 0 then
  redis.call('INCRBY', KEYS[2], ARGV[4])
  redis.call('PEXPIREAT', KEYS[2], ARGV[5])
end
if spend > 0 then
  redis.call('INCRBY', KEYS[3], ARGV[7])
  redis.call('PEXPIREAT', KEYS[3], ARGV[8])
end
local ttl = tonumber(ARGV[11])
redis.call('ZADD', KEYS[4], now + ttl, ARGV[10])
redis.call('PEXPIRE', KEYS[4], ttl)
return {0, 0, 0}
)lua";

/// KEYS: tokens, spend, leases (of the reservation's day and month).
/// ARGV: lease, reserved_tokens, actual_tokens, tokens_expire_at_ms (0: the day is over, leave it),
///       reserved_spend, actual_spend, spend_expire_at_ms (0: the month is over).
/// Frees the lease and replaces the estimates by the actual numbers — only when the lease was still held,
/// so a settlement is applied at most once and a refund of a reservation that never happened changes
/// nothing. Returns 1 when it applied, 0 otherwise.
inline constexpr std::string_view kSettle = R"lua(
if redis.call('ZREM', KEYS[3], ARGV[1]) == 0 then
  return 0
end
local function settle(key, reserved, actual, expire_at)
  if tonumber(expire_at) == 0 then
    return
  end
  local value = math.max(0, tonumber(redis.call('GET', key) or '0') - tonumber(reserved)) + tonumber(actual)
  redis.call('SET', key, string.format('%d', value), 'PXAT', expire_at)
end
settle(KEYS[1], ARGV[2], ARGV[3], ARGV[4])
settle(KEYS[2], ARGV[5], ARGV[6], ARGV[7])
return 1
)lua";

/// KEYS: leases sets; ARGV: lease_ttl_ms, then the lease of each key in order.
/// Extends this process's leases (held by requests still running); re-creates them after a Redis restart.
inline constexpr std::string_view kRenew = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + ttl, ARGV[i + 1])
  redis.call('PEXPIRE', key, ttl)
end
return #KEYS
)lua";

/// KEYS: requests, tokens, spend, leases. Returns {requests, requests window's remaining ms (negative:
/// none open), tokens, spend, leases held}.
inline constexpr std::string_view kUsage = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = redis.call('ZCOUNT', KEYS[4], '(' .. now, '+inf')
return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1]),
        tonumber(redis.call('GET', KEYS[2]) or '0'), tonumber(redis.call('GET', KEYS[3]) or '0'), held}
)lua";

}  // namespace llmroute::policies::redis_scripts
