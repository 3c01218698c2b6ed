// Cloud spend and privacy through the real proxy: spend settled at the cloud price, degrade-to-local or
// reject once the month's budget cannot pay for a request, and private users never reaching the cloud.
#include <doctest/doctest.h>

#include "quota_fixture.hpp"

using namespace llmroute::test;
namespace json = boost::json;

namespace {

/// Sends `body` as `key`'s user with the route header `route`.
HttpResponse send_routed(HttpClient& client, const std::string& key, const std::string& route, const std::string& body) {
  Headers headers = bearer(key);
  headers.emplace_back("x-llmroute-route", route);
  return client.post_json("/v1/chat/completions", body, headers);
}

}  // namespace

TEST_CASE("cloud spend is settled at the cloud price, and a spent budget degrades to local with the reason said") {
  QuotaSetupOptions options;
  options.cloud = true;
  // 1000 per million tokens: every token costs 0.001; a request with max_tokens 20 may cost ~0.03.
  options.users = {{"ann", "lr-test-ann", "    quotas: { cloud_spend_per_month: 0.1, on_budget_exhausted: degrade-to-local }\n"}};
  QuotaSetup setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());
  const std::string body = chat_body("auto", {{"max_tokens", 20}});
  const HttpResponse first = send_routed(client, "lr-test-ann", "cloud", body);
  REQUIRE(first.status == 200);
  CHECK(first.header("x-llmroute-route") == "cloud");
  const json::value usage = first.json().at("usage");
  const double cost = (usage.at("prompt_tokens").to_number<double>() + usage.at("completion_tokens").to_number<double>()) * 0.001;
  CHECK(poll_until([&] { return std::abs(quota_used(usage_of(setup.proxy.port(), "lr-test-ann"), "cloud_spend_per_month") - cost) < 1e-9; }));

  int cloud = 1;
  HttpResponse degraded;
  for (int i = 0; i < 10; ++i) {
    HttpResponse next = send_routed(client, "lr-test-ann", "cloud", body);
    REQUIRE(next.status == 200);
    if (next.header("x-llmroute-route") == "local") {
      degraded = std::move(next);
      break;
    }
    ++cloud;
  }
  REQUIRE(degraded.status == 200);
  CHECK(degraded.header("x-llmroute-backend") == "sim");
  const std::string reason = degraded.header("x-llmroute-reason");
  CHECK(reason.find("cloud budget exhausted: local only") != std::string::npos);
  CHECK(reason.find("cloud_spend_per_month used") != std::string::npos);
  CHECK(requests_to(*setup.cloud, "/v1/chat/completions") == cloud);
  // The budget is never overdrawn: each admission reserved the worst case of its request.
  CHECK(poll_until([&] { return usage_of(setup.proxy.port(), "lr-test-ann").at("in_flight") == 0; }));
  CHECK(quota_used(usage_of(setup.proxy.port(), "lr-test-ann"), "cloud_spend_per_month") <= 0.1);
}

TEST_CASE("with on_budget_exhausted reject, a request that may reach the cloud is refused; a local one still passes") {
  QuotaSetupOptions options;
  options.cloud = true;
  options.users = {{"ann", "lr-test-ann", "    quotas: { cloud_spend_per_month: 0.01, on_budget_exhausted: reject }\n"}};
  QuotaSetup setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());
  const HttpResponse refused = send_routed(client, "lr-test-ann", "cloud", chat_body("auto", {{"max_tokens", 20}}));
  CHECK(refused.status == 429);
  // OpenAI's words for a spent budget; the quota's own name is in x-llmroute-quota.
  CHECK(refused.json().at("error").at("type") == "insufficient_quota");
  CHECK(refused.json().at("error").at("code") == "insufficient_quota");
  CHECK(refused.header("x-llmroute-quota") == "cloud_spend_per_month");
  const std::string message(refused.json().at("error").at("message").as_string());
  CHECK(message.find("0.0000 USD of 0.0100 USD cloud spend used this month") != std::string::npos);
  CHECK(refused.header("x-llmroute-quota-reset").find("-01T00:00:00Z") != std::string::npos);
  CHECK(requests_to(*setup.cloud, "/v1/chat/completions") == 0);
  const HttpResponse local = send_routed(client, "lr-test-ann", "local", chat_body("auto", {{"max_tokens", 20}}));
  CHECK(local.status == 200);
  CHECK(local.header("x-llmroute-route") == "local");
}

TEST_CASE("a private user whose request has only cloud candidates gets 503, and never reaches the cloud") {
  QuotaSetupOptions options;
  options.local = false;
  options.cloud = true;
  options.route = "cloud-model";
  options.users = {{"cem", "lr-test-cem", "    private: true\n"}, {"dan", "lr-test-dan", ""}};
  QuotaSetup setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());
  const HttpResponse refused = client.post_json("/v1/chat/completions", chat_body("auto"), bearer("lr-test-cem"));
  CHECK(refused.status == 503);
  CHECK(std::string(refused.json().at("error").at("message").as_string()).find("private user") != std::string::npos);
  CHECK(requests_to(*setup.cloud, "/v1/chat/completions") == 0);
  CHECK(client.post_json("/v1/chat/completions", chat_body("auto"), bearer("lr-test-dan")).status == 200);
  CHECK(requests_to(*setup.cloud, "/v1/chat/completions") == 1);
  // The private user's refused request took no quota and holds no slot.
  const json::object usage = usage_of(setup.proxy.port(), "lr-test-cem");
  CHECK(quota_used(usage, "requests_per_minute") == 0);
  CHECK(usage.at("in_flight") == 0);
}

TEST_CASE("a private user's request for the cloud is served by a local model, and the cloud never sees it") {
  QuotaSetupOptions options;
  options.cloud = true;
  options.route = "cloud-model";
  options.users = {{"cem", "lr-test-cem", "    private: true\n"}};
  QuotaSetup setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());
  const HttpResponse by_header = send_routed(client, "lr-test-cem", "cloud", chat_body("auto"));
  const HttpResponse by_model = client.post_json("/v1/chat/completions", chat_body("cloud-model"), bearer("lr-test-cem"));
  const HttpResponse by_default = client.post_json("/v1/chat/completions", chat_body("auto"), bearer("lr-test-cem"));
  for (const HttpResponse* response : {&by_header, &by_model, &by_default}) {
    CHECK(response->status == 200);
    CHECK(response->header("x-llmroute-route") == "local");
    CHECK(response->header("x-llmroute-reason").find("private") != std::string::npos);
  }
  Headers anthropic{{"x-api-key", "lr-test-cem"}, {"x-llmroute-route", "cloud"}};
  CHECK(client.post_json("/v1/messages", messages_body("auto"), anthropic).header("x-llmroute-route") == "local");
  CHECK(requests_to(*setup.cloud, "/v1/chat/completions") == 0);
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 4);
}
