// The loader reads auth, quota defaults and users (inline or from a file) and rejects mistakes with file:line:col.
#include <doctest/doctest.h>

#include "config_error.hpp"

#include "config/access_config_loader.hpp"
#include "config/config_loader.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace llmroute::config;

namespace {

const std::string kBackends = R"(backends:
  - name: local
    url: http://127.0.0.1:11434/v1
    models: [m1]
)";

const std::string kHashA = std::string(64, 'a');
const std::string kHashB = std::string(63, 'b') + "B";

std::string error_of(const std::string& yaml) { return llmroute::test::config_error(yaml, "test.yaml"); }

}  // namespace

TEST_CASE("without auth, quotas or users every request is the anonymous user, unlimited") {
  const ConfigPtr config = load_config_text(kBackends, "test.yaml");
  CHECK(config->access.auth == AuthMode::none);
  CHECK(config->access.users.empty());
  CHECK(config->access.anonymous.name == "anonymous");
  CHECK(config->access.anonymous.quotas == QuotaLimits{});
  CHECK(config->access.anonymous.on_budget_exhausted == BudgetPolicy::degrade_to_local);
}

TEST_CASE("users start from the default quotas and override them one by one, unlimited included") {
  const ConfigPtr config = load_config_text(kBackends + R"(auth: keys
users:
  - name: ann
    key_sha256: )" + kHashA + R"(
    role: admin
    quotas: { cloud_spend_per_month: 50, requests_per_minute: unlimited, on_budget_exhausted: reject }
  - name: bob
    key_sha256: )" + kHashB + R"(
    private: true
quotas:
  requests_per_minute: 60
  tokens_per_day: 2000000
  cloud_spend_per_month: 20.5
  max_concurrent: 4
  on_budget_exhausted: degrade-to-local
)", "test.yaml");
  const AccessConfig& access = config->access;
  CHECK(access.auth == AuthMode::keys);
  REQUIRE(access.users.size() == 2);
  const UserConfig& ann = *access.find_user("ann");
  CHECK(ann.role == Role::admin);
  CHECK_FALSE(ann.private_user);
  CHECK_FALSE(ann.quotas.requests_per_minute);
  CHECK(ann.quotas.tokens_per_day == 2000000u);
  CHECK(ann.quotas.cloud_spend_per_month == 50.0);
  CHECK(ann.quotas.max_concurrent == 4u);
  CHECK(ann.on_budget_exhausted == BudgetPolicy::reject);
  CHECK(ann.key_sha256[0] == 0xaa);
  const UserConfig& bob = *access.find_user("bob");
  CHECK(bob.role == Role::member);
  CHECK(bob.private_user);
  CHECK(bob.quotas.requests_per_minute == 60u);
  CHECK(bob.quotas.cloud_spend_per_month == 20.5);
  CHECK(bob.on_budget_exhausted == BudgetPolicy::degrade_to_local);
  CHECK(bob.key_sha256[31] == 0xbb);
  CHECK(access.find_user("carol") == nullptr);
}

TEST_CASE("users may live in a file of their own, next to the config, with its own error positions") {
  char pattern[] = "/tmp/llmroute-users-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  const std::filesystem::path dir = pattern;
  std::ofstream(dir / "users.yaml") << "- name: ann\n  key_sha256: " << kHashA << "\n- name: bob\n  key_sha256: " << kHashB
                                     << "\n  role: owner\n";
  std::ofstream(dir / "llmroute.yaml") << kBackends << "auth: keys\nusers: users.yaml\n";
  std::string error;
  try {
    load_config_file((dir / "llmroute.yaml").string());
  } catch (const ConfigError& e) {
    error = e.what();
  }
  CHECK(error == (dir / "users.yaml").string() + ":5:9: users[1].role: expected one of member, admin, found 'owner'");
  std::ofstream(dir / "users.yaml") << "- name: ann\n  key_sha256: " << kHashA << "\n";
  const ConfigPtr config = load_config_file((dir / "llmroute.yaml").string());
  CHECK(config->access.users.size() == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("mistakes in auth, quotas and users are errors with file:line:col and the key path") {
  const std::string user_a = "  - name: ann\n    key_sha256: " + kHashA + "\n";
  CHECK(error_of(kBackends + "auth: keys\n") == "test.yaml:5:7: auth: `auth: keys` needs at least one user under `users:`");
  CHECK(error_of(kBackends + "auth: tokens\n") == "test.yaml:5:7: auth: expected one of none, keys, found 'tokens'");
  CHECK(error_of(kBackends + "users:\n" + user_a) ==
        "test.yaml:6:3: users: users are configured but `auth` is none: set `auth: keys` so that their keys are checked");
  CHECK(error_of(kBackends + "auth: keys\nusers:\n  - name: ann\n    key_sha256: secret\n") ==
        "test.yaml:8:17: users[0].key_sha256: expected the 64 hex digits of the key's SHA-256 (`llmroute keys new NAME` prints them)");
  CHECK(error_of(kBackends + "auth: keys\nusers:\n  - name: ann\n    key: lr-abc\n    key_sha256: " + kHashA + "\n")
            .starts_with("test.yaml:8:5: users[0].key: unknown key"));
  CHECK(error_of(kBackends + "auth: keys\nusers:\n" + user_a + user_a) == "test.yaml:9:5: users[1]: user 'ann' is listed twice");
  CHECK(error_of(kBackends + "auth: keys\nusers:\n" + user_a + "  - name: bob\n    key_sha256: " + kHashA + "\n") ==
        "test.yaml:9:5: users[1]: user 'bob' has the key of another user");
  CHECK(error_of(kBackends + "auth: keys\nusers:\n  - name: anonymous\n    key_sha256: " + kHashA + "\n") ==
        "test.yaml:7:11: users[0].name: 'anonymous' is the user of `auth: none` and cannot be configured");
  CHECK(error_of(kBackends + "auth: keys\nusers:\n  - name: a b\n    key_sha256: " + kHashA + "\n") ==
        "test.yaml:7:11: users[0].name: a user name may contain only letters, digits and . _ - @, found 'a b'");
  CHECK(error_of(kBackends + "quotas: { requests_per_minute: 0 }\n") ==
        "test.yaml:5:32: quotas.requests_per_minute: must be between 1 and 1000000000, found 0");
  CHECK(error_of(kBackends + "quotas: { cloud_spend_per_month: -1 }\n").starts_with(
      "test.yaml:5:34: quotas.cloud_spend_per_month: must be at least 0"));
  CHECK(error_of(kBackends + "quotas: { on_budget_exhausted: degrade }\n") ==
        "test.yaml:5:32: quotas.on_budget_exhausted: expected one of reject, degrade-to-local, found 'degrade'");
  CHECK(error_of(kBackends + "quotas: { requests_per_hour: 5 }\n").starts_with("test.yaml:5:11: quotas.requests_per_hour: unknown key"));
  CHECK(error_of(kBackends + "auth: keys\nusers: missing-users.yaml\n").starts_with(
      "test.yaml:6:8: users: cannot open the users file"));
}

TEST_CASE("key hashes are read as 64 hex digits in either case") {
  CHECK(parse_key_hash(kHashB).has_value());
  CHECK_FALSE(parse_key_hash(std::string(64, 'g')));
  CHECK_FALSE(parse_key_hash(std::string(62, 'a')));
  CHECK(user_name_problem("ann.b-c_d@coop") == std::nullopt);
  CHECK(user_name_problem("").has_value());
}

TEST_CASE("the example config documents auth, quotas and users; the default runs without keys") {
  const ConfigPtr example = load_config_file(LLMROUTE_SOURCE_DIR "/config/example.yaml");
  const AccessConfig& access = example->access;
  CHECK(access.auth == AuthMode::keys);
  CHECK(access.default_quotas.requests_per_minute == 60u);
  CHECK(access.default_quotas.max_concurrent == 4u);
  REQUIRE(access.users.size() == 2);
  CHECK(access.users[0].role == Role::admin);
  CHECK_FALSE(access.users[0].quotas.requests_per_minute);
  CHECK(access.users[0].quotas.cloud_spend_per_month == 50.0);
  CHECK(access.users[1].private_user);
  CHECK(access.users[1].quotas.max_concurrent == 2u);
  CHECK(access.users[1].on_budget_exhausted == BudgetPolicy::reject);
  CHECK(load_config_file(LLMROUTE_SOURCE_DIR "/config/default.yaml")->access.auth == AuthMode::none);
}
