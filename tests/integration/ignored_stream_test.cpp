// A backend that ignores `stream` (some OpenAI-compatible servers) and answers a streamed request with one JSON
// body: the client, which asked for a stream, gets one in its own format, told from the whole answer.
#include <doctest/doctest.h>

#include <algorithm>

#include "proxy_fixture.hpp"

using namespace llmroute::test;
namespace json = boost::json;

namespace {

/// Backend "sim" (kind openai) whose model answers every request whole; records go to `db`.
std::string ignoring_config(const std::string& sim_url, const std::string& db) {
  return "server:\n  listen: 127.0.0.1:0\nbackends:\n"
         "  - { name: sim, url: '" + sim_url + "/v1', models: [{ name: local-model, upstream_name: 'sim-upstream+ignore-stream=1' }] }\n"
         "routing: { default: sim/local-model, health: { probe_interval: 0 } }\n"
         "records: { path: '" + db + "' }\n";
}

/// The record of request `id`, polled from /admin/records until the writer thread committed it.
json::object record_of(std::uint16_t port, const std::string& id) {
  HttpClient admin("127.0.0.1", port);
  json::object found;
  poll_until(
      [&] {
        const HttpResponse answer = admin.get("/admin/records?limit=1000");
        if (answer.status != 200) return false;
        const json::value records = answer.json();
        for (const auto& value : records.as_array())
          if (value.at("id").as_string() == id) found = value.as_object();
        return !found.empty();
      },
      milliseconds(5000));
  return found;
}

/// The event types of a response, in order.
std::vector<std::string> event_types(const HttpResponse& response) {
  std::vector<std::string> types;
  for (const auto& event : response.events) types.push_back(event.event);
  return types;
}

/// The record of a 12-token answer retold as a stream: a success, with its tokens, finish reason and TTFT.
void check_told_record(std::uint16_t port, const std::string& request_id) {
  const auto record = record_of(port, request_id);
  REQUIRE_FALSE(record.empty());
  CHECK(record.at("status").as_int64() == 200);
  CHECK(record.at("failure").as_string() == "");
  CHECK(record.at("output_tokens").as_int64() == 12);
  CHECK(record.at("finish_reason").as_string() == "stop");
  CHECK(record.at("ttft_ms").to_number<double>() > 0);
}

}  // namespace

TEST_CASE("a Chat client that asked for a stream gets one when the backend answers with one JSON body, and the record has its tokens and TTFT") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "12"});
  TempDir dir;
  ProxyProcess proxy(ignoring_config(sim.base_url(), (dir / "records.db").string()));
  HttpClient client("127.0.0.1", proxy.port());
  const auto whole = client.post_json("/v1/chat/completions", chat_body("local-model"));
  REQUIRE(whole.status == 200);
  const json::value whole_json = whole.json();
  const std::string text(whole_json.at("choices").at(0).at("message").at("content").as_string());

  const auto response = client.post_json(
      "/v1/chat/completions", stream_body("local-model", {{"stream_options", json::object{{"include_usage", true}}}}),
      {{"x-request-id", "told-as-stream"}});
  CHECK(response.status == 200);
  CHECK(response.header("content-type") == "text/event-stream");
  REQUIRE(response.complete());
  REQUIRE(response.events.size() >= 3);
  CHECK(streamed_text(response) == text);
  CHECK(response.events.back().data == "[DONE]");
  const json::value usage_chunk = response.events[response.events.size() - 2].json();
  CHECK(usage_chunk.at("usage").at("completion_tokens") == 12);
  int finishes = 0;
  for (const auto& event : response.events) {
    if (event.data == "[DONE]") continue;
    const json::value chunk = event.json();
    CHECK(chunk.at("object") == "chat.completion.chunk");
    for (const auto& choice : chunk.at("choices").as_array())
      if (!choice.at("finish_reason").is_null()) ++finishes;
  }
  CHECK(finishes == 1);

  // Without stream_options the client gets no usage chunk; the connection serves both.
  const auto plain = client.post_json("/v1/chat/completions", stream_body("local-model"));
  CHECK(streamed_text(plain) == text);
  for (const auto& event : plain.events)
    if (event.data != "[DONE]") CHECK(event.json().at("choices").as_array().size() == 1);
  CHECK(client.connections_opened() == 1);

  check_told_record(proxy.port(), "told-as-stream");
}

TEST_CASE("Anthropic and Responses clients that asked for a stream get one in their format when the backend answers with one JSON body") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "12"});
  TempDir dir;
  ProxyProcess proxy(ignoring_config(sim.base_url(), (dir / "records.db").string()));
  HttpClient client("127.0.0.1", proxy.port());

  const auto messages = client.post_json(
      "/v1/messages", R"({"model":"local-model","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]})");
  CHECK(messages.status == 200);
  REQUIRE(messages.complete());
  const auto types = event_types(messages);
  REQUIRE(types.size() >= 6);
  CHECK(types.front() == "message_start");
  CHECK(std::count(types.begin(), types.end(), "content_block_start") == 1);
  CHECK(std::count(types.begin(), types.end(), "content_block_delta") >= 1);
  CHECK(types[types.size() - 3] == "content_block_stop");
  CHECK(types[types.size() - 2] == "message_delta");
  CHECK(types.back() == "message_stop");

  const auto responses = client.post_json("/v1/responses", R"({"model":"local-model","input":"hi","stream":true})");
  CHECK(responses.status == 200);
  REQUIRE(responses.complete());
  REQUIRE_FALSE(responses.events.empty());
  CHECK(responses.events.front().event == "response.created");
  CHECK(responses.events.back().event == "response.completed");
  const json::value completed = responses.events.back().json();
  CHECK(completed.at("response").at("usage").at("output_tokens") == 12);
}

TEST_CASE("an autocomplete client that asked /v1/completions for a stream gets text_completion chunks when the backend answers with one JSON body, and the record has its tokens and TTFT") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "12"});
  TempDir dir;
  ProxyProcess proxy(ignoring_config(sim.base_url(), (dir / "records.db").string()));
  HttpClient client("127.0.0.1", proxy.port());
  const auto completion_body = [](bool stream, json::object extra = {}) {
    json::object body{{"model", "local-model"}, {"prompt", "def fib(n):"}, {"max_tokens", 50}, {"stream", stream}};
    for (const auto& [key, value] : extra) body[key] = value;
    return json::serialize(body);
  };
  const auto whole = client.post_json("/v1/completions", completion_body(false));
  REQUIRE(whole.status == 200);
  const std::string text(whole.json().at("choices").at(0).at("text").as_string());
  REQUIRE_FALSE(text.empty());

  const auto response = client.post_json(
      "/v1/completions", completion_body(true, {{"stream_options", json::object{{"include_usage", true}}}}),
      {{"x-request-id", "autocomplete-told"}});
  CHECK(response.status == 200);
  CHECK(response.header("content-type") == "text/event-stream");
  REQUIRE(response.complete());
  REQUIRE(response.events.size() >= 4);
  CHECK(response.events.back().data == "[DONE]");
  std::string streamed;
  int finishes = 0;
  for (std::size_t i = 0; i + 2 < response.events.size(); ++i) {
    const json::value chunk = response.events[i].json();
    CHECK(chunk.at("object") == "text_completion");
    const auto& choice = chunk.at("choices").at(0);
    streamed += choice.at("text").as_string();
    if (!choice.at("finish_reason").is_null()) ++finishes;
  }
  CHECK(streamed == text);
  CHECK(finishes == 1);
  const json::value usage_chunk = response.events[response.events.size() - 2].json();
  CHECK(usage_chunk.at("object") == "text_completion");
  CHECK(usage_chunk.at("choices").as_array().empty());
  CHECK(usage_chunk.at("usage").at("completion_tokens") == 12);

  // Without stream_options no usage chunk: the finish chunk comes right before [DONE].
  const auto plain = client.post_json("/v1/completions", completion_body(true));
  REQUIRE(plain.events.size() >= 2);
  const json::value last_chunk = plain.events[plain.events.size() - 2].json();
  CHECK(last_chunk.at("choices").at(0).at("finish_reason") == "stop");
  CHECK_FALSE(last_chunk.as_object().contains("usage"));
  CHECK(client.connections_opened() == 1);

  check_told_record(proxy.port(), "autocomplete-told");
}
