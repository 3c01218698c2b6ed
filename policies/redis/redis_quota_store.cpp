// The Redis quota store: keys per user and window, the scripts' arguments and replies, lease renewal, fallback.
#include "policies/redis/redis_quota_store.hpp"

#include "policies/quota_windows.hpp"
#include "policies/redis/redis_quota_scripts.hpp"

#include <cmath>
#include <cstdio>
#include <random>

namespace llmroute::policies {

namespace {

/// Windows' keys outlive their window by this, so a settlement just after midnight still finds the day it
/// belongs to (and does not count it in the new day, as the in-process store does not either).
constexpr std::chrono::hours kWindowGrace{1};

std::int64_t unix_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// Money in integer micro-units: INCRBY and Lua's doubles stay exact far beyond any co-op's budget.
std::int64_t micro(double amount) { return std::llround(amount * 1e6); }

template <typename Number>
std::string limit_arg(const std::optional<Number>& limit) {
  return limit ? std::to_string(*limit) : "-1";
}

std::string random_process_id() {
  std::random_device random;
  char id[17];
  std::snprintf(id, sizeof id, "%08x%08x", random(), random());
  return id;
}

std::string month_name(TimePoint t) {
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(t)};
  char name[16];
  std::snprintf(name, sizeof name, "%04d-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()));
  return name;
}

void append_metric(std::string& out, std::string_view name, std::string_view type, std::string_view help, double value) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
  out += name;
  out += ' ';
  char number[32];
  std::snprintf(number, sizeof number, "%.17g", value);
  out += number;
  out += '\n';
}

}  // namespace

RedisQuotaStore::RedisQuotaStore(RedisClient& client, const config::QuotaStoreConfig& config)
    : client_(client),
      reserve_script_(std::string(redis_scripts::kReserve)),
      settle_script_(std::string(redis_scripts::kSettle)),
      renew_script_(std::string(redis_scripts::kRenew)),
      usage_script_(std::string(redis_scripts::kUsage)),
      prefix_(config.key_prefix + "quota:"),
      on_failure_(config.on_failure),
      lease_ttl_(config.lease_ttl),
      process_id_(random_process_id()),
      renew_timer_(client.executor()) {}

RedisQuotaStore::UserKeys RedisQuotaStore::keys_for(const std::string& user, TimePoint at) const {
  const std::string base = prefix_ + user + ":";
  const auto day = std::chrono::floor<std::chrono::days>(at).time_since_epoch().count();
  return UserKeys{base + "requests", base + "tokens:" + std::to_string(day), base + "spend:" + month_name(at), base + "leases"};
}

boost::asio::awaitable<Admission> RedisQuotaStore::reserve(QuotaRequest request) {
  const std::uint64_t handle = next_handle_++;
  const UserKeys keys = keys_for(request.user, request.now);
  const std::string lease = process_id_ + ":" + std::to_string(handle);
  const config::QuotaLimits& limits = request.limits;
  const std::optional<std::int64_t> spend_limit =
      limits.cloud_spend_per_month ? std::optional(micro(*limits.cloud_spend_per_month)) : std::nullopt;
  const std::string tokens_expire_at = std::to_string(unix_ms(next_utc_day(request.now) + kWindowGrace));
  const std::string spend_expire_at = std::to_string(unix_ms(next_utc_month(request.now) + kWindowGrace));
  const std::string spend = std::to_string(micro(request.cost));
  const std::vector<std::string> key_list{keys.requests, keys.tokens, keys.spend, keys.leases};
  const std::vector<std::string> args{limit_arg(limits.requests_per_minute),
                                      std::to_string(std::chrono::milliseconds(kRequestWindow).count()),
                                      limit_arg(limits.tokens_per_day),
                                      std::to_string(request.tokens),
                                      tokens_expire_at,
                                      limit_arg(spend_limit),
                                      spend,
                                      spend_expire_at,
                                      limit_arg(limits.max_concurrent),
                                      lease,
                                      std::to_string(lease_ttl_.count())};
  const RedisResult result = co_await client_.eval(&reserve_script_, key_list, args);

  if (!result.answered()) {
    // The script may have run with its reply lost (the caller went away while waiting): take back what it
    // took, if it did. When the connection is down this is dropped, and the lease expires on its own.
    if (client_.up()) {
      const std::vector<std::string> settle_keys{keys.tokens, keys.spend, keys.leases};
      const std::string tokens = std::to_string(request.tokens);
      const std::vector<std::string> refund{lease, tokens, "0", tokens_expire_at, spend, "0", spend_expire_at};
      client_.eval_detached(&settle_script_, settle_keys, refund);
    }
    co_return unavailable(request, result.unavailable());
  }
  const RedisReply& reply = result.reply();
  if (reply.type != RedisReply::Type::array || reply.elements.size() != 3)
    co_return unavailable(request, "unexpected reply to the reserve script: " + reply.text);
  const std::int64_t quota = reply.elements[0].as_integer();
  const double used = static_cast<double>(reply.elements[1].as_integer());
  switch (quota) {
    case 0: {
      leases_.emplace(handle, Lease{keys.leases, lease});
      Reservation reservation;
      reservation.user = request.user;
      reservation.tokens = request.tokens;
      reservation.cost = request.cost;
      reservation.at = request.now;
      reservation.handle = handle;
      co_return reservation;
    }
    case 1: {
      const std::int64_t remaining_ms = reply.elements[2].as_integer();
      const TimePoint resets = remaining_ms > 0 ? request.now + std::chrono::milliseconds(remaining_ms) : request.now + kRequestWindow;
      co_return QuotaRefusal{QuotaName::requests_per_minute, static_cast<double>(*limits.requests_per_minute), used, 1, resets};
    }
    case 2:
      co_return QuotaRefusal{QuotaName::tokens_per_day, static_cast<double>(*limits.tokens_per_day), used,
                             static_cast<double>(request.tokens), next_utc_day(request.now)};
    case 3:
      co_return QuotaRefusal{QuotaName::cloud_spend_per_month, *limits.cloud_spend_per_month, used / 1e6, request.cost,
                             next_utc_month(request.now)};
    case 4:
      co_return QuotaRefusal{QuotaName::max_concurrent, static_cast<double>(*limits.max_concurrent), used, 1, std::nullopt};
    default: co_return unavailable(request, "unexpected reply to the reserve script");
  }
}

Admission RedisQuotaStore::unavailable(const QuotaRequest& request, const std::string& why) {
  const bool open = on_failure_ == config::StoreFailureMode::fail_open;
  if (warned_outage_ != client_.outages()) {
    warned_outage_ = client_.outages();
    std::fprintf(stderr, "llmroute: warning: quotas cannot be checked: %s is unavailable: %s; %s until it is back\n",
                 client_.name().c_str(), why.c_str(),
                 open ? "fail-open, counting them in this process" : "fail-closed, refusing requests with 503");
  }
  if (!open) {
    ++fail_closed_refusals_;
    return QuotaStoreUnavailable{client_.name() + " is unavailable: " + why + "; quota_store.on_failure is fail-closed"};
  }
  ++fail_open_requests_;
  return fallback_.try_reserve(request);
}

void RedisQuotaStore::settle(Reservation reservation, Settlement actual) {
  if (reservation.handle == 0) return fallback_.settle(std::move(reservation), actual);
  const auto found = leases_.find(reservation.handle);
  if (found == leases_.end()) return;
  const Lease lease = std::move(found->second);
  leases_.erase(found);
  const TimePoint now = SystemClock::now();
  const UserKeys keys = keys_for(reservation.user, reservation.at);
  // A window that moved on since the admission keeps its estimate, as in the in-process store.
  const bool same_day = utc_day_start(reservation.at) == utc_day_start(now);
  const bool same_month = utc_month_start(reservation.at) == utc_month_start(now);
  const std::vector<std::string> settle_keys{keys.tokens, keys.spend, keys.leases};
  const std::vector<std::string> args{lease.field,
                                std::to_string(reservation.tokens),
                                std::to_string(actual.tokens),
                                same_day ? std::to_string(unix_ms(next_utc_day(reservation.at) + kWindowGrace)) : "0",
                                std::to_string(micro(reservation.cost)),
                                std::to_string(micro(actual.cost)),
                                same_month ? std::to_string(unix_ms(next_utc_month(reservation.at) + kWindowGrace)) : "0"};
  // Queued now, in order with everything this process sends later; the reply is not waited for.
  client_.eval_detached(&settle_script_, settle_keys, args);
}

boost::asio::awaitable<UsageResult> RedisQuotaStore::usage(std::string user, TimePoint now) {
  const UserKeys keys = keys_for(user, now);
  const std::vector<std::string> key_list{keys.requests, keys.tokens, keys.spend, keys.leases};
  const std::vector<std::string> no_args;
  const RedisResult result = co_await client_.eval(&usage_script_, key_list, no_args);
  if (!result.answered() || result.reply().type != RedisReply::Type::array || result.reply().elements.size() != 5) {
    if (on_failure_ == config::StoreFailureMode::fail_open) co_return fallback_.usage_now(user, now);
    const std::string why = result.answered() ? "unexpected reply to the usage script" : result.unavailable();
    co_return QuotaStoreUnavailable{client_.name() + " is unavailable: " + why};
  }
  const auto& values = result.reply().elements;
  QuotaUsage usage;
  usage.requests = static_cast<std::uint64_t>(values[0].as_integer());
  if (const std::int64_t remaining_ms = values[1].as_integer(); remaining_ms > 0)
    usage.requests_reset = now + std::chrono::milliseconds(remaining_ms);
  usage.tokens = static_cast<std::uint64_t>(values[2].as_integer());
  usage.tokens_reset = next_utc_day(now);
  usage.spend = static_cast<double>(values[3].as_integer()) / 1e6;
  usage.spend_reset = next_utc_month(now);
  usage.in_flight = static_cast<std::uint32_t>(values[4].as_integer());
  co_return usage;
}

void RedisQuotaStore::start() {
  running_ = true;
  asio::co_spawn(client_.executor(), renew_leases(), asio::detached);
}

void RedisQuotaStore::stop() {
  running_ = false;
  renew_timer_.cancel();
}

awaitable<void> RedisQuotaStore::renew_leases() {
  while (running_) {
    renew_timer_.expires_after(lease_ttl_ / 3);
    co_await renew_timer_.async_wait(use_nothrow);
    if (!running_) break;
    if (leases_.empty() || !client_.up()) continue;
    std::vector<std::string> keys;
    std::vector<std::string> args{std::to_string(lease_ttl_.count())};
    for (const auto& [handle, lease] : leases_) {
      keys.push_back(lease.leases_key);
      args.push_back(lease.field);
    }
    co_await client_.eval(&renew_script_, keys, args);
  }
}

std::string RedisQuotaStore::metrics_text() const {
  std::string out;
  append_metric(out, "llmroute_quota_store_up", "gauge", "Whether the Redis quota store answers (1) or not (0).",
                client_.up() ? 1 : 0);
  append_metric(out, "llmroute_quota_store_outages_total", "counter", "Outages of the Redis quota store since start.",
                static_cast<double>(client_.outages()));
  append_metric(out, "llmroute_quota_store_fail_open_requests_total", "counter",
                "Requests whose quotas were checked in this process while Redis was unavailable (fail-open).",
                static_cast<double>(fail_open_requests_));
  append_metric(out, "llmroute_quota_store_fail_closed_refusals_total", "counter",
                "Requests refused with 503 while Redis was unavailable (fail-closed).", static_cast<double>(fail_closed_refusals_));
  return out;
}

}  // namespace llmroute::policies
