// Names and lookups of the access configuration.
#include "config/access_config.hpp"

namespace llmroute::config {

std::string_view to_string(AuthMode mode) { return mode == AuthMode::keys ? "keys" : "none"; }

std::string_view to_string(Role role) { return role == Role::admin ? "admin" : "member"; }

std::string_view to_string(BudgetPolicy policy) {
  return policy == BudgetPolicy::reject ? "reject" : "degrade-to-local";
}

const UserConfig* AccessConfig::find_user(std::string_view name) const {
  for (const UserConfig& user : users)
    if (user.name == name) return &user;
  return nullptr;
}

}  // namespace llmroute::config
