// Every answer a client gets after its request was routed says the request's task exactly once, whether
// the request named its model (classified after the send) or was routed by task, in every format pair.
#include <doctest/doctest.h>

#include "formats/format_fixture.hpp"
#include "integration/proxy_fixture.hpp"

using namespace llmroute::test;

namespace {

std::size_t lines_named(const HttpResponse& response, std::string_view name) {
  std::size_t n = 0;
  for (const auto& [key, value] : response.headers)
    if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(),
                                                [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      ++n;
  return n;
}

}  // namespace

TEST_CASE("every answer after routing says the task once, named or routed by task, in every format pair") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"});
  for (const std::string backend : {"chat", "anthropic", "responses"}) {
    ProxyProcess proxy(kinds_config(sim.base_url(), backend));
    HttpClient client("127.0.0.1", proxy.port());
    for (const Api api : {Api::chat, Api::messages, Api::responses}) {
      for (const std::string& model : {backend + "-model", std::string("not-configured")}) {
        for (const bool stream : {false, true}) {
          INFO("client " << path_of(api) << ", backend " << backend << ", model " << model << (stream ? ", streamed" : ", whole"));
          const HttpResponse response = client.post_json(path_of(api), body_for(api, model, stream));
          REQUIRE(response.status == 200);
          CHECK(response.header("x-llmroute-backend") == backend);
          CHECK(lines_named(response, "x-llmroute-task") == 1);
          CHECK(lines_named(response, "x-request-id") == 1);
        }
      }
    }
  }
}

TEST_CASE("a refusal after routing says the task once: an overloaded backend, a request its backend's format cannot take") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"});
  ProxyProcess proxy(kinds_config(sim.base_url(), "anthropic"));
  HttpClient client("127.0.0.1", proxy.port());

  for (const bool stream : {false, true}) {
    INFO((stream ? "streamed" : "whole"));
    const HttpResponse busy = client.post_json("/v1/messages", body_for(Api::messages, "busy-model", stream));
    CHECK(busy.status == 529);
    CHECK(lines_named(busy, "x-llmroute-task") == 1);
    CHECK(lines_named(busy, "x-request-id") == 1);
  }
  // Two choices cannot be asked of an Anthropic backend: the proxy answers 400 itself, named or routed by task.
  for (const std::string model : {"anthropic-model", "not-configured"}) {
    INFO("model " << model);
    const HttpResponse untranslatable =
        client.post_json("/v1/chat/completions", body_for(Api::chat, model, false, {{"n", 2}}), {{"x-request-id", "two-choices"}});
    CHECK(untranslatable.status == 400);
    CHECK(lines_named(untranslatable, "x-llmroute-task") == 1);
    CHECK(untranslatable.header("x-request-id") == "two-choices");
    CHECK(untranslatable.header("x-llmroute-backend") == "anthropic");
  }
}
