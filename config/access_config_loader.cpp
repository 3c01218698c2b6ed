// The grammar of `auth`, `quotas` and `users`: strict keys, typed limits, users inline or in a file.
#include "config/access_config_loader.hpp"

#include "config/config_text.hpp"
#include "config/startup_file.hpp"

#include <filesystem>
#include <set>

namespace llmroute::config {

namespace {

/// A limit's value; `unlimited` clears it (so a user can be exempted from a default).
template <typename Parse>
auto optional_limit(const NodeAt& at, Parse parse) -> std::optional<decltype(parse(at))> {
  if (at.node.IsScalar() && at.node.Scalar() == "unlimited") return std::nullopt;
  return parse(at);
}

/// Applies the keys of a `quotas:` mapping over `limits` and `policy`.
void load_quotas(Section s, QuotaLimits& limits, BudgetPolicy& policy) {
  if (auto v = s.optional("requests_per_minute"))
    limits.requests_per_minute = optional_limit(*v, [](const NodeAt& at) { return static_cast<std::uint64_t>(at.as_int(1, 1'000'000'000)); });
  if (auto v = s.optional("tokens_per_day"))
    limits.tokens_per_day = optional_limit(*v, [](const NodeAt& at) { return static_cast<std::uint64_t>(at.as_int(1, 1'000'000'000'000'000)); });
  if (auto v = s.optional("cloud_spend_per_month"))
    limits.cloud_spend_per_month = optional_limit(*v, [](const NodeAt& at) { return at.as_double(0); });
  if (auto v = s.optional("max_concurrent"))
    limits.max_concurrent = optional_limit(*v, [](const NodeAt& at) { return static_cast<std::uint32_t>(at.as_int(1, 1'000'000)); });
  if (auto v = s.optional("on_budget_exhausted"))
    policy = static_cast<BudgetPolicy>(v->as_choice({"reject", "degrade-to-local"}));
  s.finish();
}

UserConfig load_user(const AccessConfig& access, Section s) {
  UserConfig user;
  const NodeAt name = s.required("name");
  user.name = name.as_string();
  if (const auto problem = user_name_problem(user.name)) name.fail(*problem);
  const NodeAt hash = s.required("key_sha256");
  const auto parsed = parse_key_hash(hash.as_string());
  if (!parsed) hash.fail("expected the 64 hex digits of the key's SHA-256 (`llmroute keys new NAME` prints them)");
  user.key_sha256 = *parsed;
  if (auto v = s.optional("role")) user.role = static_cast<Role>(v->as_choice({"member", "admin"}));
  if (auto v = s.optional("private")) user.private_user = v->as_bool();
  user.quotas = access.default_quotas;
  user.on_budget_exhausted = access.on_budget_exhausted;
  if (auto v = s.optional("quotas")) load_quotas(Section(*v), user.quotas, user.on_budget_exhausted);
  s.finish();
  return user;
}

void load_user_list(AccessConfig& access, const NodeAt& list) {
  std::set<std::string> names;
  std::set<KeyHash> hashes;
  for (const NodeAt& item : sequence_items(list)) {
    UserConfig user = load_user(access, Section(item));
    if (!names.insert(user.name).second) item.fail("user '" + user.name + "' is listed twice");
    if (!hashes.insert(user.key_sha256).second) item.fail("user '" + user.name + "' has the key of another user");
    access.users.push_back(std::move(user));
  }
}

/// `users: FILE`: the file holds the list itself; its errors name that file.
void load_users_file(AccessConfig& access, const Config& config, const NodeAt& at) {
  std::filesystem::path path = at.as_string();
  if (path.is_relative()) path = std::filesystem::path(config.source_path).parent_path() / path;
  const std::string file = path.string();
  // A bound, as for the config file itself: a wrong path (/dev/zero, a log) is named instead of read until
  // memory runs out, and a directory is named instead of read as an empty file.
  constexpr std::size_t kMaxUsersBytes = 16u << 20;
  const StartupFile read = read_startup_file(file, "users file", kMaxUsersBytes);
  if (!read.text) at.fail(read.error + " ('" + file + "')");
  const std::string& text = *read.text;
  if (const auto fault = find_text_fault(text))
    throw ConfigError(file + ":" + std::to_string(fault->line) + ":" + std::to_string(fault->column) + ": users: " + fault->what);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                      ": (yaml): " + e.msg);
  }
  const NodeAt top{&file, "users", root};
  if (root.IsNull()) top.fail("the users file is empty");
  load_user_list(access, top);
}

}  // namespace

std::optional<KeyHash> parse_key_hash(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  KeyHash hash{};
  for (std::size_t i = 0; i < hash.size(); ++i) {
    unsigned value = 0;
    for (const char c : hex.substr(2 * i, 2)) {
      value <<= 4;
      if (c >= '0' && c <= '9') value |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') value |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') value |= static_cast<unsigned>(c - 'A' + 10);
      else return std::nullopt;
    }
    hash[i] = static_cast<unsigned char>(value);
  }
  return hash;
}

void load_access(Config& config, Section& root) {
  AccessConfig& access = config.access;
  const auto auth = root.optional("auth");
  if (auth) access.auth = static_cast<AuthMode>(auth->as_choice({"none", "keys"}));
  // The defaults first: every user starts from them, whatever the order of the keys in the file.
  if (auto v = root.optional("quotas")) load_quotas(Section(*v), access.default_quotas, access.on_budget_exhausted);
  access.anonymous.quotas = access.default_quotas;
  access.anonymous.on_budget_exhausted = access.on_budget_exhausted;
  const auto users = root.optional("users");
  if (users) {
    if (users->node.IsScalar()) load_users_file(access, config, *users);
    else load_user_list(access, *users);
  }
  if (access.auth == AuthMode::keys && access.users.empty())
    (users ? *users : *auth).fail("`auth: keys` needs at least one user under `users:`");
  if (access.auth == AuthMode::none && users && !access.users.empty())
    users->fail("users are configured but `auth` is none: set `auth: keys` so that their keys are checked");
}

}  // namespace llmroute::config
