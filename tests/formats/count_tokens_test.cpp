// count_tokens on a local backend: llama.cpp's tokenizer where the config names one, else the estimate.
#include <doctest/doctest.h>

#include "integration/proxy_fixture.hpp"
#include "proxy/backend_tokenizer.hpp"

using namespace llmroute::test;

namespace {

const char* kCountBody =
    R"({"model":"%MODEL%","system":"You are terse.","messages":[{"role":"user","content":"Count the tokens of this sentence, please."},)"
    R"({"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"read_file","input":{"path":"a.py"}}]},)"
    R"x({"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"print('hi')"}]}],)x"
    R"("tools":[{"name":"read_file","description":"Reads a file","input_schema":{"type":"object"}}]})";

std::string count_body(const std::string& model) {
  std::string body = kCountBody;
  body.replace(body.find("%MODEL%"), 7, model);
  return body;
}

std::string tokenizer_config(const std::string& sim_url) {
  return "server:\n  listen: 127.0.0.1:0\n"
         "backends:\n"
         "  - { name: llama, url: '" + sim_url + "/v1', tokenize_path: /tokenize, models: [{ name: llama-model }] }\n"
         "  - { name: broken, url: '" + sim_url + "/v1', tokenize_path: /no-such-path, models: [{ name: broken-model }] }\n"
         "  - { name: ollama, url: '" + sim_url + "/v1', models: [{ name: ollama-model }] }\n"
         "routing:\n  default: ollama/ollama-model\n  health: { probe_interval: 0 }\nrecords: { enabled: false }\n";
}

}  // namespace

TEST_CASE("the text of a Messages request for a tokenizer has the system, every message, tool calls and tools") {
  const std::string text = llmroute::proxy::messages_request_text(count_body("m"));
  CHECK(text.find("You are terse.") != std::string::npos);
  CHECK(text.find("Count the tokens") != std::string::npos);
  CHECK(text.find(R"({"path":"a.py"})") != std::string::npos);
  CHECK(text.find("print('hi')") != std::string::npos);
  CHECK(text.find("Reads a file") != std::string::npos);
  CHECK(llmroute::proxy::messages_request_text("not json").empty());
}

TEST_CASE("count_tokens asks llama.cpp's tokenizer, and falls back to the estimate when it cannot answer") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0"});
  ProxyProcess proxy(tokenizer_config(sim.base_url()));
  HttpClient client("127.0.0.1", proxy.port());
  HttpClient direct("127.0.0.1", sim.port());

  const std::string text = llmroute::proxy::messages_request_text(count_body("llama-model"));
  const auto expected = direct.post_json("/tokenize", boost::json::serialize(boost::json::object{{"content", text}}))
                            .json().at("tokens").as_array().size();

  const HttpResponse counted = client.post_json("/v1/messages/count_tokens", count_body("llama-model"));
  REQUIRE(counted.status == 200);
  CHECK(counted.json().at("input_tokens").to_number<std::size_t>() == expected);
  CHECK(counted.header("x-llmroute-reason").find("counted by llama's tokenizer") != std::string::npos);
  CHECK(requests_to(sim, "/v1/chat/completions") == 0);

  const HttpResponse broken = client.post_json("/v1/messages/count_tokens", count_body("broken-model"));
  REQUIRE(broken.status == 200);
  CHECK(broken.json().at("input_tokens").to_number<std::int64_t>() > 0);
  CHECK(broken.header("x-llmroute-reason").find("estimated") != std::string::npos);
  INFO(broken.header("x-llmroute-reason"));
  CHECK(broken.header("x-llmroute-reason").find("broken's tokenizer: it answered 4") != std::string::npos);

  const HttpResponse plain = client.post_json("/v1/messages/count_tokens", count_body("ollama-model"));
  REQUIRE(plain.status == 200);
  CHECK(plain.header("x-llmroute-reason").find("estimated by llmroute") != std::string::npos);
}
