// The `quota_store:` section: memory by default, Redis URLs in short and long form, located errors.
#include <doctest/doctest.h>

#include "config_error.hpp"

#include "config/config_loader.hpp"

using namespace llmroute::config;
using namespace std::chrono_literals;

namespace {

const std::string kBackends = R"(backends:
  - name: box
    url: http://127.0.0.1:11434/v1
    models: [qwen3-coder]
)";

std::string error_of(const std::string& yaml) { return llmroute::test::config_error(kBackends + yaml, "test.yaml"); }

}  // namespace

TEST_CASE("without a quota_store section quotas and pins stay in the process") {
  const auto c = load_config_text(kBackends, "test.yaml");
  CHECK(c->quota_store.kind == QuotaStoreKind::memory);
  CHECK(c->quota_store.on_failure == StoreFailureMode::fail_open);
  CHECK(load_config_text(kBackends + "quota_store: memory\n", "t.yaml")->quota_store.kind == QuotaStoreKind::memory);
}

TEST_CASE("a Redis URL gives host, port and database, with 6379 and 0 as defaults") {
  const auto full = load_config_text(kBackends + "quota_store: redis://10.0.0.5:6380/2\n", "t.yaml")->quota_store;
  CHECK(full.kind == QuotaStoreKind::redis);
  CHECK(full.host == "10.0.0.5");
  CHECK(full.port == 6380);
  CHECK(full.db == 2);
  const auto bare = load_config_text(kBackends + "quota_store: redis://redis.lan\n", "t.yaml")->quota_store;
  CHECK(bare.host == "redis.lan");
  CHECK(bare.port == 6379);
  CHECK(bare.db == 0);
  const auto v6 = load_config_text(kBackends + "quota_store: redis://[::1]:7000/1\n", "t.yaml")->quota_store;
  CHECK(v6.host == "::1");
  CHECK(v6.port == 7000);
}

TEST_CASE("the long form sets the failure mode and the timeouts") {
  const auto store = load_config_text(kBackends + R"(quota_store:
  url: redis://127.0.0.1:6379/0
  on_failure: fail-closed
  key_prefix: "coop-a:"
  connect_timeout: 250ms
  command_timeout: 300ms
  reconnect_max: 2s
  lease_ttl: 9s
)", "t.yaml")->quota_store;
  CHECK(store.on_failure == StoreFailureMode::fail_closed);
  CHECK(store.key_prefix == "coop-a:");
  CHECK(store.connect_timeout == 250ms);
  CHECK(store.command_timeout == 300ms);
  CHECK(store.reconnect_max == 2s);
  CHECK(store.lease_ttl == 9s);
  CHECK(to_string(store.on_failure) == "fail-closed");
}

TEST_CASE("a wrong quota_store is an error at its line naming what is wrong") {
  CHECK(error_of("quota_store: postgres://x\n") ==
        "test.yaml:5:14: quota_store: expected 'memory' or redis://HOST:PORT/DB, found 'postgres://x'");
  CHECK(error_of("quota_store: redis://h:99999\n").find("quota_store: the Redis port must be") != std::string::npos);
  CHECK(error_of("quota_store: redis://h/16\n").find("from 0 to 15") != std::string::npos);
  CHECK(error_of("quota_store: redis://:secret@h\n").find("password") != std::string::npos);
  CHECK(error_of("quota_store:\n  url: redis://h\n  on_failure: maybe\n").find("test.yaml:7:15: quota_store.on_failure:") == 0);
  CHECK(error_of("quota_store:\n  url: redis://h\n  lease_ttl: 1s\n").find("at least 3s") != std::string::npos);
  CHECK(error_of("quota_store:\n  url: redis://h\n  colour: red\n").find("quota_store.colour") != std::string::npos);
  CHECK(error_of("quota_store:\n  on_failure: fail-open\n").find("url") != std::string::npos);
}
