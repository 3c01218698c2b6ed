// Integration tests of what crosses the proxy besides the answer: credentials, model names, request ids,
// routing headers, and the proxy's own endpoints.
#include <doctest/doctest.h>

#include <set>

#include "proxy_fixture.hpp"

using namespace llmroute::test;
namespace json = boost::json;

namespace {

ProxyConfigOptions with_cloud_backend() {
  ProxyConfigOptions options;
  options.cloud_key_env = "LLMROUTE_IT_CLOUD_KEY";
  return options;
}

}  // namespace

TEST_CASE("the client's credentials are not forwarded, and a cloud backend gets its own key instead") {
  SimulatedBackend setup(with_cloud_backend(),
                         {"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"},
                         {"LLMROUTE_IT_CLOUD_KEY=sk-backend-key"});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const Headers secrets{{"Authorization", "Bearer sk-client-secret"}, {"x-api-key", "client-key"}, {"Cookie", "s=1"}};

  REQUIRE(client.post_json("/v1/chat/completions", chat_body("local-model"), secrets).status == 200);
  CHECK_FALSE(last_request_header(setup.sim, "authorization"));
  CHECK_FALSE(last_request_header(setup.sim, "x-api-key"));
  CHECK_FALSE(last_request_header(setup.sim, "cookie"));

  REQUIRE(client.post_json("/v1/chat/completions", chat_body("cloud-model"), secrets).status == 200);
  CHECK(last_request_header(setup.sim, "authorization") == "Bearer sk-backend-key");
  CHECK_FALSE(last_request_header(setup.sim, "x-api-key"));
}

TEST_CASE("the model in the body is replaced by the backend's upstream name and the rest is sent as is") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  const std::string body = R"({ "messages": [{"role": "user", "content": "hi \"there\""}],  "model" : "local-model", "temperature": 0.25 })";
  REQUIRE(client.post_json("/v1/chat/completions", body).status == 200);
  const auto last = setup.sim.stats().at("last_request").as_object();
  CHECK(last.at("body").at("model") == "sim-upstream");
  CHECK(last.at("body").at("temperature").to_number<double>() == 0.25);
  CHECK(last.at("body").at("messages").at(0).at("content") == "hi \"there\"");
  CHECK(last.at("target") == "/v1/chat/completions");

  SUBCASE("an unknown model takes the default route") {
    const auto response = client.post_json("/v1/chat/completions", chat_body("gpt-whatever"));
    REQUIRE(response.status == 200);
    CHECK(setup.sim.stats().at("last_request").at("body").at("model") == "sim-upstream");
    CHECK(response.header("x-llmroute-reason").starts_with("task "));
  }
  SUBCASE("a body without a model gets one") {
    REQUIRE(client.post_json("/v1/chat/completions", R"({"messages":[{"role":"user","content":"hi"}]})").status == 200);
    CHECK(setup.sim.stats().at("last_request").at("body").at("model") == "sim-upstream");
  }
}

TEST_CASE("x-request-id is passed through when the client sends one and generated when it does not") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto traced = client.post_json("/v1/chat/completions", chat_body("local-model"), {{"x-request-id", "trace-42"}});
  REQUIRE(traced.status == 200);
  CHECK(traced.header("x-request-id") == "trace-42");
  CHECK(last_request_header(setup.sim, "x-request-id") == "trace-42");

  std::set<std::string> generated;
  for (int i = 0; i < 3; ++i) {
    const auto response = client.post_json("/v1/chat/completions", stream_body("local-model"));
    REQUIRE(response.status == 200);
    const std::string id = response.header("x-request-id");
    CHECK_FALSE(id.empty());
    CHECK(last_request_header(setup.sim, "x-request-id") == id);
    generated.insert(id);
  }
  CHECK(generated.size() == 3);
}

TEST_CASE("every proxied answer carries the x-llmroute routing headers") {
  SimulatedBackend setup(with_cloud_backend(),
                         {"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"},
                         {"LLMROUTE_IT_CLOUD_KEY=sk-backend-key"});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto local = client.post_json("/v1/chat/completions", stream_body("local-model"));
  REQUIRE(local.status == 200);
  CHECK_FALSE(local.header("x-llmroute-task").empty());
  CHECK(local.header("x-llmroute-route") == "local");
  CHECK(local.header("x-llmroute-backend") == "sim");
  CHECK(local.header("x-llmroute-model") == "local-model");
  CHECK(local.header("x-llmroute-reason") == "model named in request");

  const auto cloud = client.post_json("/v1/chat/completions", chat_body("cloud-model"));
  REQUIRE(cloud.status == 200);
  CHECK(cloud.header("x-llmroute-route") == "cloud");
  CHECK(cloud.header("x-llmroute-backend") == "cloud");
  CHECK(cloud.header("x-llmroute-model") == "cloud-model");
  CHECK(setup.sim.stats().at("last_request").at("body").at("model") == "sim-cloud-upstream");
}

TEST_CASE("/v1/models lists every configured model with its backend and location") {
  SimulatedBackend setup(with_cloud_backend());
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.get("/v1/models");
  REQUIRE(response.status == 200);
  const auto body = response.json();
  CHECK(body.at("object") == "list");
  const auto& data = body.at("data").as_array();
  REQUIRE(data.size() == 2);
  CHECK(data[0].at("id") == "local-model");
  CHECK(data[0].at("object") == "model");
  CHECK(data[0].at("llmroute").at("backend") == "sim");
  CHECK(data[0].at("llmroute").at("location") == "local");
  CHECK(data[0].at("llmroute").at("context_tokens").to_number<int>() == 16384);
  CHECK(data[1].at("id") == "cloud-model");
  CHECK(data[1].at("llmroute").at("backend") == "cloud");
  CHECK(data[1].at("llmroute").at("location") == "cloud");
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 0);
}

TEST_CASE("HEAD / and /healthz answer 200 without touching a backend") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  HttpRequest head;
  head.method = "HEAD";
  head.target = "/";
  const auto root = client.send(head);
  CHECK(root.status == 200);
  CHECK(root.body.empty());
  const auto health = client.get("/healthz");
  CHECK(health.status == 200);
  CHECK(health.json().at("status") == "ok");
  CHECK(client.connections_opened() == 1);
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 0);
}

TEST_CASE("a query string does not change which endpoint answers") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto chat = client.post_json("/v1/chat/completions?x=1", stream_body("local-model"));
  CHECK(chat.status == 200);
  CHECK_FALSE(streamed_text(chat).empty());
  CHECK(client.get("/v1/models?limit=5").status == 200);
  CHECK(client.get("/healthz?probe=1").status == 200);
}
