// call_model against a real simulator: OpenAI and Anthropic backends, whole and streamed, tool calls, faults.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <string>

#include "config/config_loader.hpp"
#include "proxy/model_call.hpp"
#include "support/model_call_runner.hpp"
#include "support/scripted_backend.hpp"
#include "support/simulator_process.hpp"

namespace llmroute::proxy {
namespace {

using test::SimulatorProcess;
using test::why;

/// Two backends on one simulator: "oai" (OpenAI chat) and "claude" (Anthropic Messages, with a key, set here in
/// the environment), each with a plain model and models whose upstream id carries simulator knobs.
config::ConfigPtr two_backends(const SimulatorProcess& sim) {
  ::setenv("LLMROUTE_TEST_MODEL_CALL_KEY", "sk-test-key", 1);
  const std::string url = sim.base_url() + "/v1";
  const std::string models =
      "[{ name: NAME-plain, upstream_name: sim-up }, { name: NAME-tool, upstream_name: 'sim-up+script=tool' },"
      " { name: NAME-500, upstream_name: 'sim-up+fault=500' }, { name: NAME-die, upstream_name: 'sim-up+fault=die-mid' },"
      " { name: NAME-stall, upstream_name: 'sim-up+fault=stall-mid' }, { name: NAME-401, upstream_name: 'sim-up+fault=401' },"
      " { name: NAME-403, upstream_name: 'sim-up+fault=403' }]";
  auto named = [&models](const std::string& prefix) {
    std::string m = models;
    for (auto at = m.find("NAME"); at != std::string::npos; at = m.find("NAME")) m.replace(at, 4, prefix);
    return m;
  };
  const std::string yaml = "server: { timeouts: { upstream_idle: 5s } }\nbackends:\n"
                           "  - { name: oai, kind: openai, location: local, url: " + url + ", models: " + named("o") + " }\n"
                           "  - { name: claude, kind: anthropic, location: cloud, url: " + url +
                           ", api_key_env: LLMROUTE_TEST_MODEL_CALL_KEY, models: " + named("a") + " }\n"
                           "routing: { default: oai/o-plain }\nrecords: { enabled: false }\n";
  return config::load_config_text(yaml, "model_call_test.yaml");
}

std::string chat_body(const std::string& prompt, boost::json::object extra = {}) {
  boost::json::object body{{"model", "anything"},
                           {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", prompt}}}}};
  for (const auto& [key, value] : extra) body[key] = value;
  return boost::json::serialize(body);
}

/// The simulator and the two backends on it, for calls run to completion in this process.
struct CallRunner {
  explicit CallRunner(std::vector<std::string> sim_args = {"--ttft-ms", "30", "--tokens-per-second", "0", "--tokens", "12"})
      : sim(std::move(sim_args)), calls(two_backends(sim)) {}

  ModelCallResult call(const std::string& model, std::string body, ModelCallOptions options) {
    return calls.call(model, std::move(body), std::move(options));
  }

  SimulatorProcess sim;
  test::ModelCallRunner calls;
};

ModelCallOptions mode(CallMode m) {
  ModelCallOptions options;
  options.mode = m;
  return options;
}

std::string last_target(const SimulatorProcess& sim) {
  return std::string(sim.stats().at("last_request").at("target").as_string());
}

boost::json::object last_body(const SimulatorProcess& sim) {
  return sim.stats().at("last_request").at("body").as_object();
}

TEST_CASE("a whole call to an OpenAI backend returns the answer text, reported usage and the finish reason") {
  CallRunner runner;
  const ModelCallResult r = runner.call("o-plain", chat_body("Write a haiku about routers"), mode(CallMode::whole));
  INFO(why(r));
  CHECK(r.ok());
  CHECK(r.http_status == 200);
  CHECK_FALSE(r.text.empty());
  CHECK(r.tool_calls.empty());
  CHECK(r.usage_reported);
  CHECK(r.usage.output == 12);
  CHECK(r.usage.input > 0);
  CHECK(r.finish_reason == "stop");
  CHECK_FALSE(r.truncated);
  CHECK(r.backend == "oai");
  CHECK(r.model == "o-plain");
  CHECK(r.location == config::Location::local);
  REQUIRE(r.first_byte_ms);
  CHECK_FALSE(r.ttft_ms);  // a whole answer has no first token of its own
  CHECK(r.total_ms >= *r.first_byte_ms);
  // The backend got its own model id and a non-streamed request.
  const auto body = last_body(runner.sim);
  CHECK(body.at("model").as_string() == "sim-up");
  CHECK(body.at("stream").as_bool() == false);
  CHECK(last_target(runner.sim) == "/v1/chat/completions");
}

TEST_CASE("a streamed call measures the first token and reassembles the same text as a whole call") {
  CallRunner runner;
  const std::string body = chat_body("Explain keep-alive in one paragraph");
  const ModelCallResult whole = runner.call("o-plain", body, mode(CallMode::whole));
  const ModelCallResult streamed = runner.call("o-plain", body, mode(CallMode::streamed));
  INFO(why(streamed));
  CHECK(streamed.ok());
  CHECK(streamed.text == whole.text);
  REQUIRE(streamed.ttft_ms);
  CHECK(*streamed.ttft_ms >= 30);  // the simulator's TTFT
  CHECK(*streamed.ttft_ms <= streamed.total_ms);
  CHECK(streamed.usage_reported);  // include_usage was asked on the client's behalf
  CHECK(streamed.usage.output == 12);
  CHECK(streamed.finish_reason == "stop");
  const auto sent = last_body(runner.sim);
  CHECK(sent.at("stream").as_bool());
  CHECK(sent.at("stream_options").at("include_usage").as_bool());
}

TEST_CASE("a call to an Anthropic backend is translated to Messages, with its key, whole and streamed") {
  CallRunner runner;
  const std::string body = chat_body("Summarise the HTTP spec", {{"max_tokens", 200}});
  const ModelCallResult whole = runner.call("a-plain", body, mode(CallMode::whole));
  INFO(why(whole));
  CHECK(whole.ok());
  CHECK(last_target(runner.sim) == "/v1/messages");
  const auto headers = runner.sim.stats().at("last_request").at("headers").as_object();
  CHECK(headers.at("x-api-key").as_string() == "sk-test-key");
  CHECK(headers.contains("anthropic-version"));
  const auto sent = last_body(runner.sim);
  CHECK(sent.at("model").as_string() == "sim-up");
  CHECK(sent.at("max_tokens").to_number<std::int64_t>() == 200);
  CHECK(whole.location == config::Location::cloud);
  CHECK_FALSE(whole.text.empty());
  CHECK(whole.usage_reported);
  CHECK(whole.finish_reason == "stop");

  const ModelCallResult streamed = runner.call("a-plain", body, mode(CallMode::streamed));
  CHECK(streamed.ok());
  CHECK(streamed.text == whole.text);
  CHECK(streamed.ttft_ms);
  // The same prompt tokens (the second call reads them from the simulated prompt cache), the same answer.
  CHECK(streamed.usage.input == whole.usage.input);
  CHECK(streamed.usage.output == whole.usage.output);
}

TEST_CASE("a call whose answer is a tool call returns it as JSON, from either backend kind") {
  CallRunner runner;
  boost::json::object tool{{"type", "function"},
                           {"function", {{"name", "read_file"},
                                         {"parameters", {{"type", "object"},
                                                         {"properties", {{"path", {{"type", "string"}}}}},
                                                         {"required", boost::json::array{"path"}}}}}}};
  const std::string body = chat_body("Open the readme", {{"tools", boost::json::array{tool}}});
  for (const char* model : {"o-tool", "a-tool"}) {
    for (CallMode m : {CallMode::whole, CallMode::streamed}) {
      CAPTURE(model);
      CAPTURE(static_cast<int>(m));
      const ModelCallResult r = runner.call(model, body, mode(m));
      INFO(why(r));
      CHECK(r.ok());
      CHECK(r.finish_reason == "tool_calls");
      REQUIRE_FALSE(r.tool_calls.empty());
      const auto calls = boost::json::parse(r.tool_calls).as_array();
      REQUIRE(calls.size() == 1);
      CHECK(calls[0].at("name").as_string() == "read_file");
      CHECK(calls[0].at("arguments").at("path").as_string() == "README.md");
      CHECK_FALSE(calls[0].at("id").as_string().empty());
    }
  }
}

TEST_CASE("max_tokens cuts a call's answer and the result says it was truncated") {
  CallRunner runner;
  const ModelCallResult r = runner.call("o-plain", chat_body("Go on", {{"max_tokens", 4}}), mode(CallMode::streamed));
  CHECK(r.ok());
  CHECK(r.truncated);
  CHECK(r.finish_reason == "length");
  CHECK(r.usage.output == 4);
}

TEST_CASE("an error status from the backend is a failure value with the backend's body") {
  CallRunner runner;
  for (const char* model : {"o-500", "a-500"}) {
    CAPTURE(model);
    const ModelCallResult r = runner.call(model, chat_body("hello"), mode(CallMode::whole));
    REQUIRE(r.failure);
    CHECK(r.failure->kind == FailureKind::upstream_status);
    CHECK(r.http_status == 500);
    CHECK(r.failure->retryable);
    CHECK(r.error_body.find("error") != std::string::npos);
    CHECK(r.text.empty());
  }
}

TEST_CASE("a backend refusing llmroute's key (401, 403) fails the call with where that key comes from and the backend's message") {
  CallRunner runner;
  for (const CallMode m : {CallMode::whole, CallMode::streamed}) {
    CAPTURE(m == CallMode::whole);
    const ModelCallResult rejected = runner.call("a-401", chat_body("hello"), mode(m));
    REQUIRE(rejected.failure);
    CHECK(rejected.failure->kind == FailureKind::upstream_status);
    CHECK(rejected.http_status == 401);
    CHECK(rejected.failure->detail ==
          "backend 'claude' answered 401: it rejected llmroute's API key for it (the key in the environment variable "
          "LLMROUTE_TEST_MODEL_CALL_KEY): Incorrect API key provided (simulated)");
    const ModelCallResult denied = runner.call("o-403", chat_body("hello"), mode(m));
    REQUIRE(denied.failure);
    CHECK(denied.http_status == 403);
    CHECK(denied.failure->detail ==
          "backend 'oai' answered 403: llmroute's API key for it lacks permission for this request (no api_key_env is "
          "configured for it, so llmroute sent none): The API key has no access to this model (simulated)");
  }
}

TEST_CASE("a backend dying mid-stream gives a failure and keeps the part of the answer that arrived") {
  CallRunner runner;
  const ModelCallResult r = runner.call("o-die", chat_body("hello"), mode(CallMode::streamed));
  REQUIRE(r.failure);
  CHECK(r.failure->kind == FailureKind::upstream_error);
  CHECK(r.http_status == 200);
  CHECK_FALSE(r.text.empty());
  CHECK(r.ttft_ms);
}

TEST_CASE("a stalled backend ends the call at its deadline with a timeout") {
  CallRunner runner;
  ModelCallOptions options = mode(CallMode::streamed);
  options.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(800);
  const ModelCallResult r = runner.call("o-stall", chat_body("hello"), options);
  REQUIRE(r.failure);
  CHECK(r.failure->kind == FailureKind::timeout);
  CHECK(r.total_ms >= 700);
  CHECK(r.total_ms < 5000);
  CHECK_FALSE(r.text.empty());  // the tokens before the stall
}

TEST_CASE("a call to a backend whose API key is not set fails without connecting") {
  CallRunner runner;
  ::unsetenv("LLMROUTE_TEST_MODEL_CALL_KEY");
  runner.calls.reset_state();
  runner.sim.reset_stats();
  const ModelCallResult r = runner.call("a-plain", chat_body("hello"), mode(CallMode::whole));
  REQUIRE(r.failure);
  CHECK(r.failure->kind == FailureKind::upstream_refused);
  CHECK(r.failure->detail.find("LLMROUTE_TEST_MODEL_CALL_KEY") != std::string::npos);
  CHECK(runner.sim.stats().at("requests").to_number<std::int64_t>() == 0);
}

TEST_CASE("a call's record carries its route, model, timings and usage") {
  CallRunner runner;
  const ModelCallResult r = runner.call("a-plain", chat_body("hello"), mode(CallMode::streamed));
  const records::RequestRecord record = record_of(r);
  CHECK(record.id == r.request_id);
  CHECK_FALSE(record.id.empty());
  CHECK(record.route == config::Location::cloud);
  CHECK(record.backend == "claude");
  CHECK(record.model_served == "a-plain");
  CHECK(record.http_status == 200);
  CHECK(record.failure_kind.empty());
  CHECK(record.ttft_ms == r.ttft_ms);
  CHECK(record.usage == r.usage);
  CHECK(record.start_unix_ms > 0);
  CHECK(record.bytes_in > 0);
}

/// One whole call to backend "scripted" (OpenAI kind), which answers from `script`.
ModelCallResult call_scripted(std::vector<test::ScriptedAnswer> script) {
  test::ScriptedBackend backend(std::move(script));
  test::ModelCallRunner calls(config::load_config_text(
      "backends:\n  - { name: scripted, kind: openai, location: local, url: " + backend.url() +
          ", models: [{ name: s }] }\nrouting: { default: scripted/s, health: { probe_interval: 0 } }\nrecords: { enabled: false }\n",
      "scripted.yaml"));
  return calls.call("s", chat_body("hello"), mode(CallMode::whole));
}

const std::string kWholeAnswerBody =
    R"({"id":"c1","object":"chat.completion","created":1,"model":"s","choices":[{"index":0,"message":{"role":"assistant","content":"after interim"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}})";


TEST_CASE("a call reads the answer after a backend's 100 Continue and 103 Early Hints") {
  const ModelCallResult r = call_scripted({{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
                                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                            std::to_string(kWholeAnswerBody.size()) + "\r\n\r\n" + kWholeAnswerBody}});
  CHECK(why(r).empty());
  CHECK(r.http_status == 200);
  CHECK(r.text == "after interim");
}

TEST_CASE("a call answered 204 fails, naming the backend and the status") {
  const ModelCallResult r = call_scripted({{"HTTP/1.1 204 No Content\r\n\r\n"}});
  REQUIRE(r.failure);
  CHECK(r.failure->detail.find("backend 'scripted' answered 204") != std::string::npos);
}

/// Backend "scripted" of `kind` answering from `script` (upstream_idle 5 s), and calls to its model "s" in
/// the mode shadows and judges use.
struct ScriptedCalls {
  ScriptedCalls(const std::string& kind, std::vector<test::ScriptedAnswer> script)
      : backend(std::move(script)),
        calls(config::load_config_text("server: { timeouts: { upstream_idle: 5s } }\nbackends:\n  - { name: scripted, kind: " +
                                           kind + ", location: local, url: " + backend.url() +
                                           ", models: [{ name: s }] }\nrouting: { default: scripted/s, health: { probe_interval: 0 } }\n"
                                           "records: { enabled: false }\n",
                                       "scripted.yaml")) {}

  ModelCallResult call() { return calls.call("s", chat_body("hello"), mode(CallMode::whole)); }

  test::ScriptedBackend backend;
  test::ModelCallRunner calls;
};

/// `events` as a 200 event-stream in one chunk, without the chunked terminator that would end the body.
std::string unended_stream(const std::string& events) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx", events.size());
  return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(size) +
         "\r\n" + events + "\r\n";
}

TEST_CASE("a shadow or judge call whose backend sends [DONE] but never ends its body has its answer at once, and that connection is not reused") {
  const std::string events =
      R"(data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"s","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello world"},"finish_reason":null}]})"
      "\n\n"
      R"(data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"s","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"
      "\n\n"
      R"(data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"s","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}})"
      "\n\ndata: [DONE]\n\n";
  const std::string whole = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                            std::to_string(kWholeAnswerBody.size()) + "\r\n\r\n" + kWholeAnswerBody;
  ScriptedCalls calls("openai", {{unended_stream(events), test::ScriptedAnswer::Then::hang},
                                 {whole, test::ScriptedAnswer::Then::keep_open}});
  const ModelCallResult r = calls.call();
  CHECK(why(r).empty());
  CHECK(r.text == "Hello world");
  CHECK(r.finish_reason == "stop");
  CHECK(r.usage_reported);
  CHECK(r.usage.output == 2);
  CHECK(r.total_ms < 1000);  // not when upstream_idle (5 s) ran out

  // The silent connection was closed, not pooled: the next call gets a new one and its answer.
  const ModelCallResult next = calls.call();
  CHECK(why(next).empty());
  CHECK(next.text == "after interim");
  CHECK(next.total_ms < 1000);
  CHECK(calls.backend.connections() == 2);
}

TEST_CASE("a shadow or judge call reuses its backend connection when the body ends promptly after [DONE], at once or a moment later") {
  const std::string events =
      R"(data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"s","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello world"},"finish_reason":"stop"}]})"
      "\n\ndata: [DONE]\n\n";
  // The terminating chunk in the same write as [DONE]; then 50 ms after it (well inside the 250 ms the call
  // waits for the body's end); then the same again on the kept connection.
  ScriptedCalls calls("openai", {{unended_stream(events) + "0\r\n\r\n", test::ScriptedAnswer::Then::keep_open},
                                 {unended_stream(events), test::ScriptedAnswer::Then::keep_open, "0\r\n\r\n",
                                  std::chrono::milliseconds(50)},
                                 {unended_stream(events) + "0\r\n\r\n", test::ScriptedAnswer::Then::keep_open}});
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    const ModelCallResult r = calls.call();
    CHECK(why(r).empty());
    CHECK(r.text == "Hello world");
    CHECK(r.total_ms < 1000);
  }
  CHECK(calls.backend.requests() == 3);
  CHECK(calls.backend.connections() == 1);  // one connection, pooled after each answer
}

TEST_CASE("a shadow or judge call to an Anthropic backend that sends message_stop but never ends its body has its answer at once") {
  const std::string events =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
      "\"model\":\"s\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello world\"}}\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  ScriptedCalls calls("anthropic", {{unended_stream(events), test::ScriptedAnswer::Then::hang}});
  const ModelCallResult r = calls.call();
  CHECK(why(r).empty());
  CHECK(r.text == "Hello world");
  CHECK(r.usage.output == 2);
  CHECK(r.total_ms < 1000);
}

}  // namespace
}  // namespace llmroute::proxy
