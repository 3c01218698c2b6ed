// Claude Code and Codex on a Mistral-family model behind vLLM: the model refuses any tool-call id but 9 letters or
// digits (simulated with tool-ids=mistral), so the proxy sends short ids hashed from the clients' own.
#include <doctest/doctest.h>

#include "proxy_fixture.hpp"

using namespace llmroute::test;
namespace json = boost::json;

namespace {

/// Backend "vllm" with one Devstral under three names: `devstral` (mistral_tool_ids auto, on by its name) and
/// `devstral-as-is` (off), whose simulator refuses foreign ids as mistral-common does, and `devstral-vllm-as-is`
/// (off), whose simulator first keeps the last 9 characters of a long id, as vLLM does.
std::string mistral_config(const std::string& sim_url) {
  return "server:\n  listen: 127.0.0.1:0\nbackends:\n"
         "  - name: vllm\n    url: '" + sim_url + "/v1'\n    models:\n"
         "      - { name: devstral, upstream_name: 'mistralai/Devstral-Small-2507+tool-ids=mistral' }\n"
         "      - { name: devstral-as-is, upstream_name: 'mistralai/Devstral-Small-2507+tool-ids=mistral', mistral_tool_ids: off }\n"
         "      - { name: devstral-vllm-as-is, upstream_name: 'mistralai/Devstral-Small-2507+tool-ids=vllm-mistral', mistral_tool_ids: off }\n"
         "routing: { default: vllm/devstral, health: { probe_interval: 0 } }\nrecords: { enabled: false }\n";
}

struct MistralBackend {
  SimulatorProcess sim{{"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"}};
  ProxyProcess proxy{mistral_config(sim.base_url())};
};

/// Claude Code's second turn: it asked to read a file, the tool answered, and the history goes back.
std::string claude_code_turn(const std::string& model, bool stream) {
  const json::object body{
      {"model", model},
      {"max_tokens", 32000},
      {"stream", stream},
      {"tools", json::array{json::object{{"name", "Read"},
                                         {"description", "Reads a file"},
                                         {"input_schema", json::object{{"type", "object"}}}}}},
      {"messages",
       json::array{
           json::object{{"role", "user"}, {"content", "What does main.cpp print?"}},
           json::object{{"role", "assistant"},
                        {"content", json::array{json::object{{"type", "tool_use"},
                                                             {"id", "toolu_01A09q90qw90lq917835lq9"},
                                                             {"name", "Read"},
                                                             {"input", json::object{{"file_path", "main.cpp"}}}},
                                                json::object{{"type", "tool_use"},
                                                             {"id", "toolu_01B"},
                                                             {"name", "Read"},
                                                             {"input", json::object{{"file_path", "main.hpp"}}}}}}},
           json::object{{"role", "user"},
                        {"content", json::array{json::object{{"type", "tool_result"},
                                                             {"tool_use_id", "toolu_01A09q90qw90lq917835lq9"},
                                                             {"content", "int main() { puts(\"hi\"); }"}},
                                                json::object{{"type", "tool_result"},
                                                             {"tool_use_id", "toolu_01B"},
                                                             {"content", "#pragma once"}}}}}}}};
  return json::serialize(body);
}

/// Codex's second turn on the Responses API: a shell call and its output.
std::string codex_turn(const std::string& model) {
  const json::object body{
      {"model", model},
      {"stream", true},
      {"tools", json::array{json::object{{"type", "function"},
                                         {"name", "shell"},
                                         {"parameters", json::object{{"type", "object"}}}}}},
      {"input", json::array{json::object{{"type", "message"},
                                         {"role", "user"},
                                         {"content", json::array{json::object{{"type", "input_text"}, {"text", "run the tests"}}}}},
                            json::object{{"type", "function_call"},
                                         {"call_id", "call_Xq3kZ9mN2pL8vR4tY6wB1cDe"},
                                         {"name", "shell"},
                                         {"arguments", R"({"command":["pytest","-q"]})"}},
                            json::object{{"type", "function_call_output"},
                                         {"call_id", "call_Xq3kZ9mN2pL8vR4tY6wB1cDe"},
                                         {"output", "1 passed"}}}}};
  return json::serialize(body);
}

/// An aider turn (litellm relays the ids of whichever backend answered before): a call Ollama made
/// (call_ + 8 characters), one OpenAI made (call_ + 24), their results and a question.
json::object aider_turn(const std::string& model, std::string_view ollama_id = "call_k2j4h6g8") {
  const auto call = [](std::string_view id, std::string_view path) {
    return json::object{{"id", id},
                        {"type", "function"},
                        {"function", json::object{{"name", "read"}, {"arguments", "{\"path\":\"" + std::string(path) + "\"}"}}}};
  };
  return json::object{
      {"model", model},
      {"temperature", 0.2},
      {"tools", json::array{json::object{
                    {"type", "function"},
                    {"function", json::object{{"name", "read"}, {"parameters", json::object{{"type", "object"}}}}}}}},
      {"messages",
       json::array{json::object{{"role", "system"}, {"content", "Act as an expert software developer."}},
                   json::object{{"role", "user"}, {"content", "Fix the build"}},
                   json::object{{"role", "assistant"},
                                {"content", nullptr},
                                {"tool_calls", json::array{call(ollama_id, "a.c"), call("call_Xq3kZ9mN2pL8vR4tY6wB1cDe", "b.c")}}},
                   json::object{{"role", "tool"}, {"tool_call_id", ollama_id}, {"content", "int a;"}},
                   json::object{{"role", "tool"}, {"tool_call_id", "call_Xq3kZ9mN2pL8vR4tY6wB1cDe"}, {"content", "int b;"}},
                   json::object{{"role", "user"}, {"content", "Why does call_k2j4h6g8 fail?"}}}}};
}

bool mistral_id(std::string_view id) {
  if (id.size() != 9) return false;
  for (const char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

/// The tool-call ids of the Chat body the backend received: calls first, then the tool messages'.
std::pair<std::vector<std::string>, std::vector<std::string>> backend_ids(const SimulatorProcess& sim) {
  const json::value body = sim.stats().at("last_request").at("body");
  std::vector<std::string> calls, results;
  for (const auto& message : body.at("messages").as_array()) {
    if (const auto* list = message.as_object().if_contains("tool_calls"))
      for (const auto& call : list->as_array()) calls.emplace_back(call.at("id").as_string());
    if (const auto* id = message.as_object().if_contains("tool_call_id")) results.emplace_back(id->as_string());
  }
  return {calls, results};
}

}  // namespace

TEST_CASE("Claude Code's second turn reaches a Devstral on vLLM with short tool-call ids, each result still with its call") {
  MistralBackend backend;
  HttpClient client("127.0.0.1", backend.proxy.port());
  for (const bool stream : {false, true}) {
    CAPTURE(stream);
    const auto answer = client.post_json("/v1/messages", claude_code_turn("devstral", stream));
    CHECK(answer.status == 200);
    CHECK(answer.header("x-llmroute-reason").find("tool-call ids shortened") != std::string::npos);
    const auto [calls, results] = backend_ids(backend.sim);
    REQUIRE(calls.size() == 2);
    CHECK(mistral_id(calls[0]));
    CHECK(mistral_id(calls[1]));
    CHECK(calls[0] != calls[1]);
    CHECK(results == calls);
  }
}

TEST_CASE("the same Claude Code history sent twice carries the same short ids both times") {
  MistralBackend backend;
  HttpClient client("127.0.0.1", backend.proxy.port());
  REQUIRE(client.post_json("/v1/messages", claude_code_turn("devstral", false)).status == 200);
  const auto first = backend_ids(backend.sim).first;
  REQUIRE(client.post_json("/v1/messages", claude_code_turn("devstral", true)).status == 200);
  CHECK(backend_ids(backend.sim).first == first);
}

TEST_CASE("with mistral_tool_ids off, Claude Code gets the backend's 400 about its tool-call id, as an Anthropic error") {
  MistralBackend backend;
  HttpClient client("127.0.0.1", backend.proxy.port());
  const auto answer = client.post_json("/v1/messages", claude_code_turn("devstral-as-is", true));
  CHECK(answer.status == 400);
  const json::value error = answer.json();
  CHECK(error.at("type") == "error");
  CHECK(std::string(error.at("error").at("message").as_string()).find("Tool call id was toolu_01A09q90qw90lq917835lq9 but must be") !=
        std::string::npos);
}

TEST_CASE("Codex's second turn reaches a Devstral with its call id shortened, and is refused without") {
  MistralBackend backend;
  HttpClient client("127.0.0.1", backend.proxy.port());
  const auto answer = client.post_json("/v1/responses", codex_turn("devstral"));
  CHECK(answer.status == 200);
  REQUIRE(answer.complete());
  CHECK(answer.events.back().event == "response.completed");
  const auto [calls, results] = backend_ids(backend.sim);
  REQUIRE(calls.size() == 1);
  CHECK(mistral_id(calls[0]));
  CHECK(results == calls);

  const auto refused = client.post_json("/v1/responses", codex_turn("devstral-as-is"));
  CHECK(refused.status == 400);
  CHECK(std::string(refused.json().at("error").at("message").as_string()).find("Tool call id was call_Xq3kZ9mN2pL8vR4tY6wB1cDe") !=
        std::string::npos);
}

TEST_CASE("a tool call Devstral makes reaches Claude Code with the model's own id, and comes back unchanged") {
  MistralBackend backend;
  HttpClient client("127.0.0.1", backend.proxy.port());
  json::object first = json::parse(claude_code_turn("devstral", false)).as_object();
  first["messages"] = json::array{json::object{{"role", "user"}, {"content", "Read main.cpp"}}};
  const auto answer = client.post_json("/v1/messages", json::serialize(first), {{"x-sim-script", "tool"}});
  REQUIRE(answer.status == 200);
  const json::value message = answer.json();
  const json::value& tool_use = message.at("content").as_array().back();
  REQUIRE(tool_use.at("type") == "tool_use");
  const std::string id(tool_use.at("id").as_string());
  CHECK(mistral_id(id));

  json::object second = first;
  second["messages"].as_array().push_back(json::object{{"role", "assistant"}, {"content", json::array{tool_use}}});
  second["messages"].as_array().push_back(json::object{
      {"role", "user"},
      {"content", json::array{json::object{{"type", "tool_result"}, {"tool_use_id", id}, {"content", "int main() {}"}}}}});
  CHECK(client.post_json("/v1/messages", json::serialize(second)).status == 200);
  const auto [calls, results] = backend_ids(backend.sim);
  CHECK(calls == std::vector<std::string>{id});
  CHECK(results == calls);
}

TEST_CASE("an aider history relayed Chat to Chat reaches a Devstral with short tool-call ids and every other field as sent") {
  MistralBackend backend;
  HttpClient client("127.0.0.1", backend.proxy.port());
  const json::object turn = aider_turn("devstral");
  const auto answer = client.post_json("/v1/chat/completions", json::serialize(turn));
  CHECK(answer.status == 200);
  CHECK(answer.header("x-llmroute-reason").find("tool-call ids shortened") != std::string::npos);
  const auto [calls, results] = backend_ids(backend.sim);
  REQUIRE(calls.size() == 2);
  CHECK(mistral_id(calls[0]));
  CHECK(mistral_id(calls[1]));
  CHECK(results == calls);

  // The body the backend got is the client's with the upstream model and those ids, nothing else.
  json::object expected = turn;
  expected["model"] = "mistralai/Devstral-Small-2507+tool-ids=mistral";
  auto& messages = expected["messages"].as_array();
  messages[2].as_object()["tool_calls"].as_array()[0].as_object()["id"] = calls[0];
  messages[2].as_object()["tool_calls"].as_array()[1].as_object()["id"] = calls[1];
  messages[3].as_object()["tool_call_id"] = calls[0];
  messages[4].as_object()["tool_call_id"] = calls[1];
  CHECK(backend.sim.stats().at("last_request").at("body") == json::value(expected));

  // Streamed, the usage request is spliced in next to the ids.
  json::object streamed = turn;
  streamed["stream"] = true;
  const auto stream = client.post_json("/v1/chat/completions", json::serialize(streamed));
  CHECK(stream.status == 200);
  CHECK(stream.complete());
  CHECK(backend_ids(backend.sim).first == calls);
}

TEST_CASE("with mistral_tool_ids off, an aider history gets the backend's 400, also from vLLM, which keeps a long id's last 9 characters") {
  MistralBackend backend;
  HttpClient client("127.0.0.1", backend.proxy.port());
  const auto refused = client.post_json("/v1/chat/completions", json::serialize(aider_turn("devstral-as-is")));
  CHECK(refused.status == 400);
  CHECK(refused.json().at("error").at("message") == "Tool call id was call_k2j4h6g8 but must be a-z, A-Z, 0-9, with a length of 9.");

  // vLLM's cut saves OpenAI's call_ + 24 letters and digits, not Ollama's call_ + 8: its tail keeps the '_'.
  const auto vllm = client.post_json("/v1/chat/completions", json::serialize(aider_turn("devstral-vllm-as-is")));
  CHECK(vllm.status == 400);
  CHECK(vllm.json().at("error").at("message") == "Tool call id was _k2j4h6g8 but must be a-z, A-Z, 0-9, with a length of 9.");
  const auto openai_only = client.post_json("/v1/chat/completions",
                                            json::serialize(aider_turn("devstral-vllm-as-is", "call_0123456789abcdefghijklmn")));
  CHECK(openai_only.status == 200);
}
