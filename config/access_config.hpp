// Who may use the proxy and how much: authentication mode, users with hashed keys, roles, quota limits.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmroute::config {

/// `auth:` none lets every request in as the user "anonymous" (loopback listeners only); keys requires
/// every model, usage and admin request to carry a configured user's key.
enum class AuthMode { none, keys };
/// admin may read every user's usage, the records and the metrics; member only its own usage.
enum class Role { member, admin };
/// What happens to a user's cloud requests once the monthly cloud spend is used up.
enum class BudgetPolicy {
  reject,            ///< 429 naming cloud_spend_per_month (requests that can only go local still pass)
  degrade_to_local,  ///< route to local candidates only, saying so in x-llmroute-reason
};

std::string_view to_string(AuthMode mode);
std::string_view to_string(Role role);
std::string_view to_string(BudgetPolicy policy);

/// One user's limits; an unset limit is unlimited.
struct QuotaLimits {
  std::optional<std::uint64_t> requests_per_minute;  ///< admitted requests in a 60 s window
  std::optional<std::uint64_t> tokens_per_day;       ///< input + output tokens per UTC calendar day
  std::optional<double> cloud_spend_per_month;       ///< cloud cost per UTC calendar month, in Config::currency
  std::optional<std::uint32_t> max_concurrent;       ///< admitted requests in flight at once

  bool operator==(const QuotaLimits&) const = default;
};

/// SHA-256 of a user's key. The key itself is never stored: `llmroute keys new` prints it once.
using KeyHash = std::array<unsigned char, 32>;

struct UserConfig {
  std::string name;
  KeyHash key_sha256{};
  Role role = Role::member;
  bool private_user = false;  ///< `private: true`: never routed (or shadowed) to a cloud backend
  QuotaLimits quotas;         ///< `quotas:` defaults with this user's overrides applied
  BudgetPolicy on_budget_exhausted = BudgetPolicy::degrade_to_local;
};

/// Why `name` cannot be a user's name, or nothing. Names end up in metric labels, record queries and Redis
/// keys, so they are 1 to 64 letters, digits and . _ - @; "anonymous" is taken by `auth: none`.
std::optional<std::string> user_name_problem(std::string_view name);

/// The `auth`, `quotas` and `users` keys of the config.
struct AccessConfig {
  AuthMode auth = AuthMode::none;
  QuotaLimits default_quotas;
  BudgetPolicy on_budget_exhausted = BudgetPolicy::degrade_to_local;  ///< default for users without an override
  std::vector<UserConfig> users;
  /// The user of every request under `auth: none`: the default quotas and budget policy, role member.
  UserConfig anonymous{"anonymous", {}, Role::member, false, {}, BudgetPolicy::degrade_to_local};

  /// A configured user by name; nullptr when there is none.
  const UserConfig* find_user(std::string_view name) const;
};

}  // namespace llmroute::config
