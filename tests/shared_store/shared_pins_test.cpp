// Conversation pins through two real llmroute processes on one Redis: a pin set by one proxy routes the
// conversation on the other; while Redis is away each proxy keeps pinning on its own, and uses Redis again after.
#include <doctest/doctest.h>

#include "shared_store/shared_store_fixture.hpp"

using namespace llmroute::test;

namespace {

/// A chat request of conversation `key` (OpenAI's prompt_cache_key) for whatever model the route picks.
std::string conversation_body(const std::string& key) {
  return chat_body("auto", {{"prompt_cache_key", key}}, "Explain what this function does");
}

HttpResponse ask(const ProxyProcess& proxy, const std::string& conversation, Headers headers = {}) {
  HttpClient client("127.0.0.1", proxy.port());
  return client.post_json("/v1/chat/completions", conversation_body(conversation), headers);
}

/// Pins are written after the answer, without waiting for Redis: poll until Redis holds `count` of them.
bool wait_for_pins(const RedisServerProcess& redis, int count) {
  return poll_until([&] { return redis.query("EVAL \"return #redis.call('KEYS','t:pin:*')\" 0") == ":" + std::to_string(count); },
                    milliseconds(5000));
}

}  // namespace

TEST_CASE("a conversation pinned to a model by one proxy goes to that model through another proxy on the same Redis") {
  SharedStoreProxies p;
  // Forced to the cloud on proxy a: the conversation is pinned to cloud/cloud-model.
  const HttpResponse first = ask(p.a, "conv-1", {{"x-llmroute-route", "cloud"}});
  REQUIRE(first.status == 200);
  CHECK(first.header("x-llmroute-backend") == "cloud");
  REQUIRE(wait_for_pins(p.redis, 1));

  // Proxy b would pick the local model first, but the conversation's pin (read from Redis) wins.
  const HttpResponse second = ask(p.b, "conv-1");
  CHECK(second.status == 200);
  CHECK(second.header("x-llmroute-backend") == "cloud");
  CHECK(second.header("x-llmroute-reason").find("pinned") != std::string::npos);
  const HttpResponse other = ask(p.b, "conv-2");
  CHECK(other.header("x-llmroute-backend") == "sim");
  CHECK(metric(p.a, "llmroute_quota_store_up") == 1);
}

TEST_CASE("while Redis is down each proxy keeps its own pins and reports the store down; once Redis is back it is used again") {
  SharedStoreProxies p;
  p.redis.kill();
  REQUIRE(wait_for_metric(p.a, "llmroute_quota_store_up", 0));
  const HttpResponse first = ask(p.a, "conv-3", {{"x-llmroute-route", "cloud"}});
  REQUIRE(first.status == 200);
  // Proxy a remembers the pin in process; proxy b never heard of it.
  CHECK(ask(p.a, "conv-3").header("x-llmroute-backend") == "cloud");
  CHECK(ask(p.b, "conv-3").header("x-llmroute-backend") == "sim");
  CHECK(metric(p.a, "llmroute_quota_store_outages_total") >= 1);

  p.redis.restart();
  REQUIRE(wait_for_metric(p.a, "llmroute_quota_store_up", 1));
  REQUIRE(wait_for_metric(p.b, "llmroute_quota_store_up", 1));
  CHECK(ask(p.a, "conv-4", {{"x-llmroute-route", "cloud"}}).status == 200);
  REQUIRE(wait_for_pins(p.redis, 1));
  CHECK(ask(p.b, "conv-4").header("x-llmroute-backend") == "cloud");
}
