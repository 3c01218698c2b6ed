// Quotas through two real llmroute processes on one Redis: exact admission across processes, settlement and
// refund seen from the other process, and Redis killed in the middle (fail-open, fail-closed), then restarted.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "policies/api_key.hpp"
#include "scheduling/scheduling_fixture.hpp"
#include "shared_store/shared_store_fixture.hpp"

using namespace llmroute;
using namespace llmroute::test;

namespace {

const std::string kAnnKey = "sk-ann-shared-store-test";
const std::string kRootKey = "sk-root-shared-store-test";

/// auth: keys with member "ann" (ANN_QUOTAS, a flow mapping) and admin "root" (to read /metrics).
SharedStoreOptions keyed(const std::string& ann_quotas, const std::string& on_failure = "fail-open") {
  SharedStoreOptions options;
  options.on_failure = on_failure;
  options.extra_yaml = "auth: keys\nusers:\n"
                       "  - name: ann\n    key_sha256: " + policies::to_hex(policies::hash_key(kAnnKey)) +
                       "\n    quotas: " + ann_quotas +
                       "\n  - name: root\n    role: admin\n    key_sha256: " + policies::to_hex(policies::hash_key(kRootKey)) + "\n";
  return options;
}

Headers key_of(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
const Headers kAdmin = key_of(kRootKey);

/// A chat request of ann's for the local model (named, so it has no other candidate).
HttpResponse ann_asks(const ProxyProcess& proxy, Headers extra = {}) {
  Headers headers = key_of(kAnnKey);
  headers.insert(headers.end(), extra.begin(), extra.end());
  HttpClient client("127.0.0.1", proxy.port());
  return client.post_json("/v1/chat/completions", chat_body("local-model", {{"max_tokens", 200}}), headers);
}

boost::json::object ann_usage(const ProxyProcess& proxy) {
  HttpClient client("127.0.0.1", proxy.port());
  const HttpResponse response = client.get("/v1/usage", key_of(kAnnKey));
  REQUIRE(response.status == 200);
  return response.json().as_object();
}

double used(const boost::json::object& usage, const char* quota) {
  return usage.at("quotas").at(quota).at("used").to_number<double>();
}

std::int64_t in_flight(const boost::json::object& usage) { return usage.at("in_flight").to_number<std::int64_t>(); }

/// ann's usage through `proxy` once nothing of hers is in flight (settlements reach Redis after the answer).
boost::json::object settled_usage(const ProxyProcess& proxy) {
  boost::json::object usage;
  CHECK(poll_until([&] { return in_flight(usage = ann_usage(proxy)) == 0; }, milliseconds(5000)));
  return usage;
}

unsigned status_of(const std::string& head) {
  return head.starts_with("HTTP/1.1 ") && head.size() >= 12 ? static_cast<unsigned>(std::stoul(head.substr(9, 3))) : 0;
}

}  // namespace

TEST_CASE("300 concurrent requests of one user through two llmroute processes on one Redis: exactly 50 admitted at 50 per minute") {
  SharedStoreProxies p(keyed("{ requests_per_minute: 50 }"));
  std::vector<std::unique_ptr<OpenRequest>> requests;
  const std::string body = chat_body("local-model");
  for (int i = 0; i < 300; ++i)
    requests.push_back(std::make_unique<OpenRequest>((i % 2 ? p.a : p.b).port(), "/v1/chat/completions", body,
                                                     key_of(kAnnKey)));
  int admitted = 0, refused = 0, other = 0;
  std::string refusal;
  for (auto& request : requests) {
    const std::string head = request->read_until("\r\n\r\n");
    const unsigned status = status_of(head);
    if (status == 200) {
      ++admitted;
    } else if (status == 429) {
      ++refused;
      if (refusal.empty()) refusal = request->read_until("}}");
    } else {
      ++other;
    }
  }
  CHECK(admitted == 50);
  CHECK(refused == 250);
  CHECK(other == 0);
  CHECK(refusal.find("Retry-After: ") != std::string::npos);
  CHECK(refusal.find("requests_per_minute") != std::string::npos);
  CHECK(requests_to(p.sim, "/v1/chat/completions") == 50);
  CHECK(used(settled_usage(p.a), "requests_per_minute") == 50);
}

TEST_CASE("tokens reserved through one llmroute are settled with the real use, and refunded after an upstream failure, as the other sees") {
  SharedStoreProxies p(keyed("{ tokens_per_day: 100000 }"));
  const HttpResponse answered = ann_asks(p.a);
  REQUIRE(answered.status == 200);
  const auto real = answered.json().at("usage").at("total_tokens").to_number<double>();
  CHECK(real > 0);
  CHECK(real < 200);  // below the reserved estimate (input + max_tokens): the settlement replaced it
  CHECK(used(settled_usage(p.b), "tokens_per_day") == real);

  const HttpResponse failed = ann_asks(p.b, {{"x-sim-fault", "500"}});
  CHECK(failed.status >= 500);
  const auto after = settled_usage(p.a);
  CHECK(used(after, "tokens_per_day") == real);
  CHECK(used(after, "requests_per_minute") == 2);
}

TEST_CASE("fail-open: with Redis killed each llmroute serves and counts on its own, says so in /metrics, and counts in Redis again once it is back") {
  SharedStoreProxies p(keyed("{ requests_per_minute: 3 }"));
  REQUIRE(ann_asks(p.a).status == 200);
  // Admitted in Redis, still waiting for its first token when Redis dies: it is answered all the same.
  Headers slow = key_of(kAnnKey);
  slow.emplace_back("x-sim-ttft-ms", "400");
  OpenRequest in_flight_at_kill(p.a.port(), "/v1/chat/completions", chat_body("local-model"), slow);
  REQUIRE(poll_until([&] { return requests_to(p.sim, "/v1/chat/completions") == 2; }));
  p.redis.kill();
  // Each process now counts only its own requests: three more each (the limit), then 429.
  for (ProxyProcess* proxy : {&p.a, &p.b}) {
    int admitted = 0;
    for (int i = 0; i < 4; ++i) admitted += ann_asks(*proxy).status == 200;
    CHECK(admitted == 3);
  }
  CHECK(status_of(in_flight_at_kill.read_until("\r\n\r\n")) == 200);
  CHECK(metric(p.a, "llmroute_quota_store_up", kAdmin) == 0);
  CHECK(metric(p.a, "llmroute_quota_store_fail_open_requests_total", kAdmin) == 4);
  CHECK(metric(p.b, "llmroute_quota_store_outages_total", kAdmin) == 1);
  CHECK(p.a.stderr_text().find("fail-open, counting them in this process") != std::string::npos);

  p.redis.restart();
  REQUIRE(wait_for_metric(p.a, "llmroute_quota_store_up", 1, kAdmin));
  REQUIRE(wait_for_metric(p.b, "llmroute_quota_store_up", 1, kAdmin));
  CHECK(ann_asks(p.a).status == 200);
  CHECK(used(settled_usage(p.b), "requests_per_minute") == 1);  // the restarted Redis counts afresh
}

TEST_CASE("fail-closed: with Redis killed requests get 503 (529 on /v1/messages) in the endpoint's wire format, and are served again once it is back") {
  SharedStoreProxies p(keyed("{ requests_per_minute: 100 }", "fail-closed"));
  REQUIRE(ann_asks(p.a).status == 200);
  p.redis.kill();
  REQUIRE(wait_for_metric(p.a, "llmroute_quota_store_up", 0, kAdmin));

  const HttpResponse chat = ann_asks(p.a);
  CHECK(chat.status == 503);
  CHECK(chat.json().at("error").at("code").as_string() == "quota_store_unavailable");
  HttpClient client("127.0.0.1", p.a.port());
  const HttpResponse messages = client.post_json(
      "/v1/messages",
      R"({"model":"local-model","max_tokens":64,"messages":[{"role":"user","content":"Write a haiku about routers"}]})",
      {{"x-api-key", kAnnKey}, {"anthropic-version", "2023-06-01"}});
  CHECK(messages.status == 529);
  CHECK(messages.json().at("type").as_string() == "error");
  CHECK(messages.json().at("error").at("type").as_string() == "overloaded_error");
  CHECK(metric(p.a, "llmroute_quota_store_fail_closed_refusals_total", kAdmin) == 2);
  CHECK(requests_to(p.sim, "/v1/chat/completions") == 1);

  p.redis.restart();
  for (ProxyProcess* proxy : {&p.a, &p.b}) {
    REQUIRE(wait_for_metric(*proxy, "llmroute_quota_store_up", 1, kAdmin));
    CHECK(ann_asks(*proxy).status == 200);
  }
}

TEST_CASE("fail-closed: the 503 a client gets while Redis is down says why (connection refused), naming Redis by address only") {
  SharedStoreProxies p(keyed("{ requests_per_minute: 100 }", "fail-closed"));
  REQUIRE(ann_asks(p.a).status == 200);
  p.redis.kill();
  REQUIRE(wait_for_metric(p.a, "llmroute_quota_store_up", 0, kAdmin));
  // The first reason is the lost connection; the reconnect attempts (every 200 ms at most) then find the port refusing.
  std::string message;
  CHECK(poll_until([&] {
    const HttpResponse refused = ann_asks(p.a);
    message = refused.status == 503 ? std::string(refused.json().at("error").at("message").as_string()) : "";
    return message.find("Connection refused") != std::string::npos;
  }));
  INFO(message);
  CHECK(message.starts_with("the quota store cannot admit requests now"));
  CHECK(message.find("redis 127.0.0.1:" + std::to_string(p.redis.port()) + "/0 is unavailable: Connection refused") != std::string::npos);
  CHECK(message.find("redis://") == std::string::npos);
}

TEST_CASE("fail-closed: a Redis that wants a password (requirepass) gets a 503 and a log line saying so, not only 'PING failed'") {
  SharedStoreOptions options = keyed("{ requests_per_minute: 100 }", "fail-closed");
  options.redis_password = "not-in-the-config";
  SharedStoreProxies p(options);
  const HttpResponse refused = ann_asks(p.a);
  CHECK(refused.status == 503);
  CHECK(refused.json().at("error").at("code").as_string() == "quota_store_unavailable");
  const std::string message(refused.json().at("error").at("message").as_string());
  INFO(message);
  const std::string why = "redis 127.0.0.1:" + std::to_string(p.redis.port()) +
                          "/0 is unavailable: Redis wants a password (NOAUTH Authentication required.) and llmroute sends none: "
                          "it supports no Redis password, so run this Redis without requirepass, on loopback or a trusted network";
  CHECK(message.find(why) != std::string::npos);
  CHECK(message.find("not-in-the-config") == std::string::npos);
  CHECK(poll_until([&] { return p.a.stderr_text().find("Redis wants a password (NOAUTH") != std::string::npos; }));
  CHECK(requests_to(p.sim, "/v1/chat/completions") == 0);
}
