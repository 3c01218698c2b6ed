// Names and lookups of the access configuration.
#include "config/access_config.hpp"

#include <cctype>

namespace llmroute::config {

std::string_view to_string(AuthMode mode) { return mode == AuthMode::keys ? "keys" : "none"; }

std::string_view to_string(Role role) { return role == Role::admin ? "admin" : "member"; }

std::string_view to_string(BudgetPolicy policy) {
  return policy == BudgetPolicy::reject ? "reject" : "degrade-to-local";
}

std::optional<std::string> user_name_problem(std::string_view name) {
  if (name.empty() || name.size() > 64) return "a user name must have 1 to 64 characters";
  for (const char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-' && c != '@')
      return "a user name may contain only letters, digits and . _ - @, found '" + std::string(name) + "'";
  if (name == "anonymous") return "'anonymous' is the user of `auth: none` and cannot be configured";
  return std::nullopt;
}

const UserConfig* AccessConfig::find_user(std::string_view name) const {
  for (const UserConfig& user : users)
    if (user.name == name) return &user;
  return nullptr;
}

}  // namespace llmroute::config
