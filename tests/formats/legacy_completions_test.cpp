// The legacy completions API (IDE autocomplete) has no Messages or Responses form: it goes to OpenAI-compatible
// backends as it came, and any other backend refuses it with a clear 400 instead of a foreign endpoint's error.
#include <doctest/doctest.h>

#include "formats/format_fixture.hpp"
#include "integration/proxy_fixture.hpp"

using namespace llmroute::test;

namespace {

std::string completion_body(const std::string& model, bool stream) {
  return boost::json::serialize(boost::json::object{
      {"model", model}, {"prompt", "def fib(n):"}, {"suffix", "\n"}, {"max_tokens", 8}, {"stream", stream}});
}

}  // namespace

TEST_CASE("an autocomplete request for an Anthropic or Responses backend is refused with a 400 and never sent") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"});
  ProxyProcess proxy(kinds_config(sim.base_url()));
  HttpClient client("127.0.0.1", proxy.port());

  for (const char* backend : {"anthropic", "responses"}) {
    for (const bool stream : {false, true}) {
      INFO("backend " << backend << (stream ? ", streamed" : ", whole"));
      sim.reset_stats();
      const HttpResponse response = client.post_json("/v1/completions", completion_body(std::string(backend) + "-model", stream));
      CHECK(response.status == 400);
      CHECK(response.header("x-llmroute-backend") == backend);
      const auto error = response.json().at("error");
      CHECK(error.at("type") == "invalid_request_error");
      CHECK(std::string(error.at("message").as_string()).find("cannot serve /v1/completions") != std::string::npos);
      CHECK(sim.stats().at("requests").as_int64() == 0);
    }
  }

  const HttpResponse served = client.post_json("/v1/completions", completion_body("chat-model", false));
  CHECK(served.status == 200);
  CHECK(served.json().at("object") == "text_completion");
}
