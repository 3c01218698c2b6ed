// End-to-end tests of `llmroute simulate`: a real child process spoken to over real sockets.
#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "proxy/asio.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/simulator_process.hpp"

using namespace llmroute::test;
namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string chat_body(json::object extra = {}) {
  json::object body{
      {"model", "sim-model"},
      {"messages", json::array{json::object{{"role", "user"}, {"content", "Write a haiku about routers"}}}}};
  for (const auto& [key, value] : extra) body[key] = value;
  return json::serialize(body);
}

std::string stream_body(json::object extra = {}) {
  extra["stream"] = true;
  return chat_body(std::move(extra));
}

/// The events that carry a content delta.
std::vector<SseEvent> content_events(const HttpResponse& response) {
  std::vector<SseEvent> out;
  for (const auto& event : response.events) {
    if (event.data == "[DONE]") continue;
    const auto value = event.json();
    const auto& choices = value.at("choices").as_array();
    if (choices.empty()) continue;
    const auto* delta = choices[0].as_object().if_contains("delta");
    if (delta != nullptr && delta->as_object().contains("content") && !delta->at("content").as_string().empty()) {
      out.push_back(event);
    }
  }
  return out;
}

std::string streamed_text(const HttpResponse& response) {
  std::string text;
  for (const auto& event : content_events(response)) {
    text += event.json().at("choices").at(0).at("delta").at("content").as_string();
  }
  return text;
}

/// The finish_reason of the stream's finish chunk; empty when there was none. Events that are
/// not JSON (the malformed fault) are skipped.
std::string finish_reason(const HttpResponse& response) {
  for (const auto& event : response.events) {
    boost::system::error_code ec;
    const auto value = json::parse(event.data, ec);
    if (ec) continue;
    const auto& choices = value.at("choices").as_array();
    if (!choices.empty() && choices[0].at("finish_reason").is_string()) {
      return std::string(choices[0].at("finish_reason").as_string());
    }
  }
  return {};
}

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

/// Polls /sim/stats until `field` equals `expected` or the deadline passes; returns the last value.
std::int64_t wait_for_stat(const SimulatorProcess& sim, const char* field, std::int64_t expected,
                           milliseconds timeout = milliseconds(3000)) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto value = sim.stats().at(field).to_number<std::int64_t>();
    if (value == expected || Clock::now() >= deadline) return value;
    std::this_thread::sleep_for(milliseconds(10));
  }
}

}  // namespace

TEST_CASE("the simulator prints where it listens, answers health checks and lists its models") {
  TempDir dir;
  ChildProcessOptions options;
  options.program = LLMROUTE_BINARY;
  options.args = {"simulate",     "--listen",        "127.0.0.1:0", "--port-file", (dir / "port").string(),
                  "--model-name", "qwen-coder,llama"};
  options.stdout_path = dir / "stdout";
  ChildProcess child(options);
  const auto port = wait_for_port_file(dir / "port", milliseconds(10'000), &child);
  std::ifstream out(dir / "stdout");
  std::string line;
  std::getline(out, line);
  CHECK(line == "llmroute simulate listening on 127.0.0.1:" + std::to_string(port));

  HttpClient client("127.0.0.1", port);
  for (const auto* path : {"/health", "/v1/health"}) {
    const auto health = client.get(path);
    CHECK(health.status == 200);
    CHECK(health.json().at("status") == "ok");
  }
  const auto models = client.get("/v1/models");
  CHECK(models.status == 200);
  CHECK(models.json().at("data").at(0).at("id") == "qwen-coder");
  CHECK(models.json().at("data").at(1).at("id") == "llama");
}

TEST_CASE("SIGTERM stops the simulator promptly with exit code 0") {
  SimulatorProcess sim;
  HttpClient client("127.0.0.1", sim.port());
  REQUIRE(client.get("/health").status == 200);
  sim.process().send_signal(SIGTERM);
  CHECK(sim.process().wait_for_exit(milliseconds(3000)) == 0);
}

TEST_CASE("--help prints the usage and exits 0") {
  TempDir dir;
  ChildProcessOptions options;
  options.program = LLMROUTE_BINARY;
  options.args = {"simulate", "--help"};
  options.stdout_path = dir / "stdout";
  ChildProcess child(options);
  CHECK(child.wait_for_exit(milliseconds(5000)) == 0);
  std::ifstream out(dir / "stdout");
  const std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  CHECK(text.find("--tokens-per-second") != std::string::npos);
  CHECK(text.find("x-sim-") != std::string::npos);
}

TEST_CASE("a streamed chat answer arrives as SSE events spread over time") {
  SimulatorProcess sim({"--ttft-ms", "50", "--tokens-per-second", "20", "--tokens", "5"});
  HttpClient client("127.0.0.1", sim.port());
  const auto response = client.post_json("/v1/chat/completions", stream_body());
  REQUIRE(response.complete());
  CHECK(response.status == 200);
  CHECK(response.header("content-type") == "text/event-stream");
  CHECK(response.header("transfer-encoding") == "chunked");
  CHECK(response.header("connection") == "keep-alive");

  // role, 5 tokens, finish, [DONE]
  REQUIRE(response.events.size() == 8);
  CHECK(response.events.front().json().at("choices").at(0).at("delta").at("role") == "assistant");
  CHECK(response.events.back().data == "[DONE]");
  CHECK(finish_reason(response) == "stop");
  const auto tokens = content_events(response);
  REQUIRE(tokens.size() == 5);
  CHECK(ms_between(response.sent, tokens.front().arrived) >= 45);
  CHECK(ms_between(tokens.front().arrived, tokens.back().arrived) >= 4 * 50 * 0.8);
  int spaced_gaps = 0;
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    spaced_gaps += ms_between(tokens[i - 1].arrived, tokens[i].arrived) >= 25 ? 1 : 0;
  }
  CHECK(spaced_gaps >= 3);
}

TEST_CASE("the same prompt gets the same answer text") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--seed", "7"});
  HttpClient client("127.0.0.1", sim.port());
  const auto first = client.post_json("/v1/chat/completions", chat_body());
  const auto second = client.post_json("/v1/chat/completions", chat_body());
  CHECK(first.json().at("choices").at(0).at("message").at("content") ==
        second.json().at("choices").at(0).at("message").at("content"));
}

TEST_CASE("a non-streaming answer comes whole after the generation time, with usage") {
  SimulatorProcess sim({"--ttft-ms", "40", "--chunk-interval-ms", "10", "--tokens", "6", "--name", "alpha"});
  HttpClient client("127.0.0.1", sim.port());
  const auto response = client.post_json("/v1/chat/completions", chat_body());
  REQUIRE(response.complete());
  CHECK(response.status == 200);
  CHECK(response.header("content-type") == "application/json");
  CHECK(response.header("x-sim-name") == "alpha");
  CHECK(ms_between(response.sent, response.headers_arrived) >= 40 + 5 * 10 * 0.8);
  const auto body = response.json();
  CHECK(body.at("object") == "chat.completion");
  CHECK(body.at("model") == "sim-model");
  CHECK(body.at("id").as_string().starts_with("chatcmpl-"));
  const auto& choice = body.at("choices").at(0);
  CHECK(choice.at("message").at("role") == "assistant");
  CHECK(choice.at("message").at("content").as_string().starts_with("[alpha] Here is"));
  CHECK(choice.at("finish_reason") == "stop");
  CHECK(body.at("usage").at("completion_tokens") == 6);
  CHECK(body.at("usage").at("prompt_tokens") == 6);  // 27 bytes of prompt / 4
}

TEST_CASE("usage is streamed only when asked for, and never when switched off") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "4"});
  HttpClient client("127.0.0.1", sim.port());
  const json::object include_usage{{"stream_options", json::object{{"include_usage", true}}}};

  const auto with_usage = client.post_json("/v1/chat/completions", stream_body(include_usage));
  REQUIRE(with_usage.events.size() >= 3);
  const auto usage_event = with_usage.events[with_usage.events.size() - 2].json();
  CHECK(usage_event.at("choices").as_array().empty());
  CHECK(usage_event.at("usage").at("completion_tokens") == 4);

  const auto without_request = client.post_json("/v1/chat/completions", stream_body());
  for (const auto& event : without_request.events) CHECK(event.data.find("\"usage\"") == std::string::npos);

  const auto switched_off =
      client.post_json("/v1/chat/completions", stream_body(include_usage), {{"x-sim-usage", "off"}});
  REQUIRE(switched_off.complete());
  for (const auto& event : switched_off.events) CHECK(event.data.find("\"usage\"") == std::string::npos);
  const auto whole = client.post_json("/v1/chat/completions", chat_body(), {{"x-sim-usage", "off"}});
  CHECK_FALSE(whole.json().as_object().contains("usage"));
}

TEST_CASE("max_tokens shorter than the answer truncates it with finish_reason length") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "32"});
  HttpClient client("127.0.0.1", sim.port());
  const auto streamed = client.post_json("/v1/chat/completions", stream_body({{"max_tokens", 5}}));
  CHECK(content_events(streamed).size() == 5);
  CHECK(finish_reason(streamed) == "length");

  const auto whole = client.post_json("/v1/chat/completions", chat_body({{"max_completion_tokens", 7}}));
  CHECK(whole.json().at("choices").at(0).at("finish_reason") == "length");
  CHECK(whole.json().at("usage").at("completion_tokens") == 7);

  const auto roomy = client.post_json("/v1/chat/completions", chat_body({{"max_tokens", 100}}));
  CHECK(roomy.json().at("choices").at(0).at("finish_reason") == "stop");
}

TEST_CASE("a stop string ends chat and legacy answers before it, and vLLM's stop_reason names it") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "32"});
  HttpClient client("127.0.0.1", sim.port());
  const auto streamed = client.post_json("/v1/chat/completions", stream_body({{"stop", json::array{"zzz", " answer"}}}));
  REQUIRE(streamed.complete());
  CHECK(streamed_text(streamed) == "Here is a simulated");
  CHECK(finish_reason(streamed) == "stop");
  const auto& finish_chunk = streamed.events[streamed.events.size() - 2];  // before [DONE]
  CHECK(finish_chunk.json().at("choices").at(0).at("stop_reason") == " answer");

  const json::value whole = client.post_json("/v1/chat/completions", chat_body({{"stop", " simulated"}})).json();
  const json::value& choice = whole.at("choices").at(0);
  CHECK(choice.at("message").at("content") == "Here is a");
  CHECK(choice.at("finish_reason") == "stop");
  CHECK(choice.at("stop_reason") == " simulated");
  CHECK(whole.at("usage").at("completion_tokens") == 4);

  const auto legacy = client.post_json("/v1/completions", R"({"model":"coder","prompt":"def f(","stop":["is"]})");
  CHECK(legacy.json().at("choices").at(0).at("text") == "Here ");
  CHECK(legacy.json().at("choices").at(0).at("stop_reason") == "is");

  // No stop string met: stop_reason is null, as vLLM sends it.
  const auto unmet = client.post_json("/v1/chat/completions", chat_body({{"stop", json::array{"zzz"}}}));
  CHECK(unmet.json().at("choices").at(0).at("finish_reason") == "stop");
  CHECK(unmet.json().at("choices").at(0).at("stop_reason").is_null());
}

TEST_CASE("the connection is kept alive across requests and the stats show it") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "3"});
  HttpClient client("127.0.0.1", sim.port());
  CHECK(client.post_json("/v1/chat/completions", stream_body()).complete());
  CHECK(client.post_json("/v1/chat/completions", chat_body()).complete());
  CHECK(client.post_json("/v1/completions", R"({"model":"m","prompt":"x"})").complete());
  CHECK(client.connections_opened() == 1);
  const auto stats = sim.stats();
  CHECK(stats.at("requests") == 3);
  CHECK(stats.at("connections_accepted") == 1);
  CHECK(stats.at("open_connections") == 1);
  client.close();
  CHECK(wait_for_stat(sim, "open_connections", 0) == 0);
}

TEST_CASE("the stats show the last request's headers and body, and reset zeroes them") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0"});
  HttpClient client("127.0.0.1", sim.port());
  client.post_json("/v1/chat/completions", chat_body({{"model", "qwen+tokens=2"}}),
                   {{"Authorization", "Bearer user-key"}});
  client.get("/health");  // probes do not replace the last request
  const auto stats = sim.stats();
  const auto& last = stats.at("last_request");
  CHECK(last.at("method") == "POST");
  CHECK(last.at("target") == "/v1/chat/completions");
  CHECK(last.at("headers").at("authorization") == "Bearer user-key");
  CHECK(last.at("body").at("model") == "qwen+tokens=2");
  CHECK(stats.at("by_path").at("/health") == 1);
  sim.reset_stats();
  const auto after = sim.stats();
  CHECK(after.at("requests") == 0);
  CHECK(after.at("last_request").is_null());
}

TEST_CASE("a client that goes away mid-stream frees the simulator's connection at once") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "5", "--tokens", "100"});
  HttpClient client("127.0.0.1", sim.port());
  HttpRequest request;
  request.method = "POST";
  request.target = "/v1/chat/completions";
  request.body = stream_body();
  int seen = 0;
  request.on_event = [&seen](const SseEvent&) { return ++seen < 2; };
  const auto response = client.send(request);
  CHECK(response.status == 200);
  CHECK(response.error == boost::asio::error::operation_aborted);
  CHECK_FALSE(client.connected());
  // The next token is 200 ms away, so only watching the socket notices this quickly.
  CHECK(wait_for_stat(sim, "open_connections", 0, milliseconds(150)) == 0);
  CHECK(sim.stats().at("active_streams") == 0);
}

TEST_CASE("the model is echoed without its suffix, and suffix settings apply") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0"});
  HttpClient client("127.0.0.1", sim.port());
  const auto response = client.post_json("/v1/chat/completions", chat_body({{"model", "qwen2.5-coder:7b+tokens=3"}}));
  CHECK(response.json().at("model") == "qwen2.5-coder:7b");
  CHECK(response.json().at("usage").at("completion_tokens") == 3);
  const auto bad = client.post_json("/v1/chat/completions", chat_body(), {{"x-sim-tokens", "lots"}});
  CHECK(bad.status == 400);
  CHECK(bad.json().at("error").at("message").as_string().find("tokens") != json::string::npos);
}

TEST_CASE("fault refuse closes the connection without answering") {
  SimulatorProcess sim({"--ttft-ms", "0"});
  HttpClient client("127.0.0.1", sim.port());
  const auto response = client.post_json("/v1/chat/completions", chat_body(), {{"x-sim-fault", "refuse"}});
  CHECK(response.status == 0);
  CHECK(response.error);
  CHECK(sim.stats().at("faults").at("refuse") == 1);
}

TEST_CASE("fault 429 answers Too Many Requests with Retry-After and an OpenAI error") {
  SimulatorProcess sim({"--ttft-ms", "0"});
  HttpClient client("127.0.0.1", sim.port());
  const auto response = client.post_json("/v1/chat/completions", stream_body(), {{"x-sim-fault", "429"}});
  CHECK(response.status == 429);
  CHECK(response.header("retry-after") == "2");
  CHECK(response.json().at("error").at("code") == "rate_limit_exceeded");
  // The connection stays usable.
  CHECK(client.post_json("/v1/chat/completions", chat_body({{"max_tokens", 1}})).status == 200);
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("faults 500 and 503 answer with those statuses") {
  SimulatorProcess sim({"--ttft-ms", "0"});
  HttpClient client("127.0.0.1", sim.port());
  CHECK(client.post_json("/v1/chat/completions", chat_body(), {{"x-sim-fault", "500"}}).status == 500);
  const auto unavailable = client.post_json("/v1/chat/completions", chat_body(), {{"x-sim-fault", "503"}});
  CHECK(unavailable.status == 503);
  CHECK(unavailable.json().at("error").at("type") == "server_error");
}

TEST_CASE("faults 401 and 403 answer as a cloud API that refuses the key, in the endpoint's error shape") {
  SimulatorProcess sim({"--ttft-ms", "0"});
  HttpClient client("127.0.0.1", sim.port());
  const auto wrong_key = client.post_json("/v1/chat/completions", stream_body(), {{"x-sim-fault", "401"}});
  CHECK(wrong_key.status == 401);
  CHECK(wrong_key.json().at("error").at("code") == "invalid_api_key");
  CHECK(wrong_key.json().at("error").at("message") == "Incorrect API key provided (simulated)");
  const auto no_access = client.post_json("/v1/chat/completions", chat_body({{"model", "sim-model+fault=403"}}));
  CHECK(no_access.status == 403);
  CHECK(no_access.json().at("error").at("type") == "permission_error");
  const std::string messages = R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})";
  const auto anthropic = client.post_json("/v1/messages", messages, {{"x-sim-fault", "401"}});
  CHECK(anthropic.status == 401);
  CHECK(anthropic.json().at("error").at("type") == "authentication_error");
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("ignore-stream answers a streamed request with one JSON body, as servers that ignore stream do") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  HttpClient client("127.0.0.1", sim.port());
  const auto whole = client.post_json("/v1/chat/completions", stream_body(), {{"x-sim-ignore-stream", "1"}});
  CHECK(whole.status == 200);
  CHECK(whole.header("content-type") == "application/json");
  CHECK(whole.json().at("object") == "chat.completion");
  CHECK(whole.events.empty());
  const auto streamed = client.post_json("/v1/chat/completions", stream_body({{"model", "sim-model+ignore-stream=0"}}));
  CHECK(streamed.header("content-type") == "text/event-stream");
  CHECK_FALSE(streamed.events.empty());
}

TEST_CASE("tool-ids=mistral answers 400 to a history with a foreign tool-call id and 9-character ids of its own") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0"});
  HttpClient client("127.0.0.1", sim.port());
  const json::array tools{json::object{
      {"type", "function"},
      {"function", json::object{{"name", "read"}, {"parameters", json::object{{"type", "object"}}}}}}};
  const auto history = [](std::string_view id) {
    return json::array{
        json::object{{"role", "user"}, {"content", "read it"}},
        json::object{{"role", "assistant"},
                     {"tool_calls", json::array{json::object{{"id", id},
                                                             {"type", "function"},
                                                             {"function", json::object{{"name", "read"}, {"arguments", "{}"}}}}}}},
        json::object{{"role", "tool"}, {"tool_call_id", id}, {"content", "text"}}};
  };
  const auto refused = client.post_json(
      "/v1/chat/completions", chat_body({{"model", "devstral+tool-ids=mistral"}, {"messages", history("call_abc123")}}));
  CHECK(refused.status == 400);
  CHECK(refused.json().at("error").at("message") == "Tool call id was call_abc123 but must be a-z, A-Z, 0-9, with a length of 9.");
  const auto taken = client.post_json(
      "/v1/chat/completions", chat_body({{"model", "devstral+tool-ids=mistral"}, {"messages", history("abc123XYZ")}}));
  CHECK(taken.status == 200);

  const auto call = client.post_json("/v1/chat/completions",
                                     chat_body({{"model", "devstral+tool-ids=mistral+script=tool"}, {"tools", tools}}));
  REQUIRE(call.status == 200);
  const auto id = call.json().at("choices").at(0).at("message").at("tool_calls").at(0).at("id").as_string();
  CHECK(id.size() == 9);
  CHECK(id.find('_') == json::string::npos);
}

TEST_CASE("a fault can be chosen by model suffix, since a proxy may strip the headers") {
  SimulatorProcess sim({"--ttft-ms", "0"});
  HttpClient client("127.0.0.1", sim.port());
  CHECK(client.post_json("/v1/chat/completions", chat_body({{"model", "sim-model+fault=503"}})).status == 503);
}

TEST_CASE("a process-wide fault applies to generation and health alike") {
  SimulatorProcess sim({"--fault", "503"});
  HttpClient client("127.0.0.1", sim.port());
  CHECK(client.post_json("/v1/chat/completions", chat_body()).status == 503);
  CHECK(client.get("/health").status == 503);
  CHECK(client.get("/sim/stats").status == 200);
}

TEST_CASE("fault stall-headers sends nothing until the client gives up") {
  SimulatorProcess sim({"--ttft-ms", "0"});
  HttpClient client("127.0.0.1", sim.port());
  HttpRequest request;
  request.method = "POST";
  request.target = "/v1/chat/completions";
  request.body = stream_body();
  request.headers = {{"x-sim-fault", "stall-headers"}};
  request.timeout = milliseconds(300);
  const auto started = Clock::now();
  const auto response = client.send(request);
  CHECK(response.status == 0);
  CHECK(response.error == boost::asio::error::timed_out);
  CHECK(ms_between(started, Clock::now()) >= 290);
  CHECK(wait_for_stat(sim, "open_connections", 0) == 0);
}

TEST_CASE("fault stall-mid sends headers and a few events, then nothing") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0"});
  HttpClient client("127.0.0.1", sim.port());
  HttpRequest request;
  request.method = "POST";
  request.target = "/v1/chat/completions";
  request.body = stream_body();
  request.headers = {{"x-sim-fault", "stall-mid"}};
  request.timeout = milliseconds(400);
  const auto response = client.send(request);
  CHECK(response.status == 200);
  CHECK(response.error == boost::asio::error::timed_out);
  CHECK(response.events.size() == 4);  // role and three tokens
  CHECK(wait_for_stat(sim, "open_connections", 0) == 0);
}

TEST_CASE("fault die-mid closes the stream after a few events without ending the body") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0"});
  HttpClient client("127.0.0.1", sim.port());
  const auto streamed = client.post_json("/v1/chat/completions", stream_body(), {{"x-sim-fault", "die-mid"}});
  CHECK(streamed.status == 200);
  CHECK(streamed.error == boost::beast::http::error::partial_message);
  CHECK(streamed.events.size() == 4);
  CHECK(finish_reason(streamed).empty());

  const auto whole = client.post_json("/v1/chat/completions", chat_body(), {{"x-sim-fault", "die-mid"}});
  CHECK(whole.status == 200);
  CHECK(whole.error == boost::beast::http::error::partial_message);
}

TEST_CASE("fault malformed sends one event that is not JSON and then finishes normally") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "4"});
  HttpClient client("127.0.0.1", sim.port());
  const auto response = client.post_json("/v1/chat/completions", stream_body(), {{"x-sim-fault", "malformed"}});
  REQUIRE(response.complete());
  int invalid = 0;
  for (const auto& event : response.events) {
    boost::system::error_code ec;
    json::parse(event.data, ec);
    invalid += ec && event.data != "[DONE]" ? 1 : 0;
  }
  CHECK(invalid == 1);
  CHECK(response.events.back().data == "[DONE]");
  CHECK(finish_reason(response) == "stop");
}

TEST_CASE("a scripted conversation calls the request's first tool, then answers with text") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0"});
  HttpClient client("127.0.0.1", sim.port());
  const json::array tools{json::object{
      {"type", "function"},
      {"function", json::object{{"name", "read_file"},
                                {"parameters",
                                 json::object{{"type", "object"},
                                              {"properties", json::object{{"path", json::object{{"type", "string"}}}}},
                                              {"required", json::array{"path"}}}}}}}};
  const Headers script{{"x-sim-script", "tool,text"}};
  const auto first = client.post_json("/v1/chat/completions", stream_body({{"tools", tools}}), script);
  REQUIRE(first.complete());
  CHECK(finish_reason(first) == "tool_calls");
  std::string name;
  std::string arguments;
  for (const auto& event : first.events) {
    if (event.data == "[DONE]") continue;
    const auto value = event.json();
    const auto* delta = value.at("choices").at(0).as_object().if_contains("delta");
    if (delta == nullptr || !delta->as_object().contains("tool_calls")) continue;
    const auto& function = delta->at("tool_calls").at(0).at("function");
    if (function.as_object().contains("name")) name = function.at("name").as_string();
    arguments += function.at("arguments").as_string();
  }
  CHECK(name == "read_file");
  CHECK(json::parse(arguments).at("path") == "README.md");

  json::array messages{
      json::object{{"role", "user"}, {"content", "read the readme"}},
      json::object{{"role", "assistant"},
                   {"content", nullptr},
                   {"tool_calls", json::array{json::object{
                                      {"id", "call_1"},
                                      {"type", "function"},
                                      {"function", json::object{{"name", "read_file"}, {"arguments", arguments}}}}}}},
      json::object{{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "# llmroute"}}};
  const auto second =
      client.post_json("/v1/chat/completions", chat_body({{"tools", tools}, {"messages", messages}}), script);
  CHECK(second.json().at("choices").at(0).at("finish_reason") == "stop");
  CHECK(second.json().at("choices").at(0).at("message").at("content").as_string().size() > 0);

  const auto unscripted = client.post_json("/v1/chat/completions", chat_body({{"tools", tools}}));
  CHECK(unscripted.json().at("choices").at(0).at("finish_reason") == "stop");
}

TEST_CASE("a think block comes inline by default or as reasoning_content on request") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "4", "--think", "5"});
  HttpClient client("127.0.0.1", sim.port());
  const auto inline_think = client.post_json("/v1/chat/completions", stream_body());
  CHECK(streamed_text(inline_think).starts_with("<think>\n"));

  const auto field =
      client.post_json("/v1/chat/completions", chat_body(), {{"x-sim-reasoning-field", "1"}, {"x-sim-think", "3"}});
  const auto body = field.json();
  const auto& message = body.at("choices").at(0).at("message");
  CHECK(message.at("reasoning_content").as_string().size() > 0);
  CHECK(message.at("content").as_string().find("<think>") == json::string::npos);
  CHECK(body.at("usage").at("completion_tokens_details").at("reasoning_tokens") == 3);
}

TEST_CASE("llama.cpp timings are added on request") {
  SimulatorProcess sim({"--ttft-ms", "20", "--tokens-per-second", "100", "--tokens", "3"});
  HttpClient client("127.0.0.1", sim.port());
  const auto response = client.post_json("/v1/chat/completions", chat_body(), {{"x-sim-timings", "1"}});
  const auto body = response.json();
  const auto& timings = body.at("timings");
  CHECK(timings.at("predicted_n") == 3);
  CHECK(timings.at("prompt_ms").to_number<double>() >= 19);
  CHECK(timings.at("predicted_per_second").to_number<double>() > 0);
}

TEST_CASE("legacy completions stream text_completion chunks for autocomplete") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "3"});
  HttpClient client("127.0.0.1", sim.port());
  const auto streamed = client.post_json("/v1/completions", R"({"model":"coder","prompt":"def f(","stream":true})");
  REQUIRE(streamed.complete());
  REQUIRE(streamed.events.size() == 5);  // three tokens, finish, [DONE]
  CHECK(streamed.events[0].json().at("object") == "text_completion");
  CHECK(streamed.events[3].json().at("choices").at(0).at("finish_reason") == "stop");
  const auto whole = client.post_json("/v1/completions", R"({"model":"coder","prompt":"def f("})");
  CHECK(whole.json().at("choices").at(0).at("text") == "Here is a");
}

TEST_CASE("unknown paths get a 404 and wrong methods a 405, both as JSON errors") {
  SimulatorProcess sim;
  HttpClient client("127.0.0.1", sim.port());
  const auto missing = client.get("/v2/nothing");
  CHECK(missing.status == 404);
  CHECK(missing.json().at("error").at("message").as_string().find("/v2/nothing") != json::string::npos);
  CHECK(client.get("/v1/chat/completions").status == 405);
  CHECK(client.post_json("/v1/chat/completions", "{not json").status == 400);
}

TEST_CASE("with several I/O threads every connection is still served completely") {
  SimulatorProcess sim({"--threads", "3", "--ttft-ms", "10", "--tokens-per-second", "200", "--tokens", "8"});
  std::vector<std::thread> clients;
  std::vector<int> complete(6, 0);
  for (std::size_t i = 0; i < complete.size(); ++i) {
    clients.emplace_back([&sim, &complete, i] {
      HttpClient client("127.0.0.1", sim.port());
      for (int round = 0; round < 3; ++round) {
        const auto response = client.post_json("/v1/chat/completions", stream_body());
        complete[i] += response.complete() && response.events.size() == 11 ? 1 : 0;
      }
    });
  }
  for (auto& client : clients) client.join();
  for (const int count : complete) CHECK(count == 3);
  CHECK(sim.stats().at("connections_accepted") == 6);
}

TEST_CASE("an idle keep-alive connection is closed after --idle-timeout-ms") {
  SimulatorProcess sim({"--idle-timeout-ms", "100", "--ttft-ms", "0", "--tokens-per-second", "0"});
  HttpClient client("127.0.0.1", sim.port());
  CHECK(client.get("/health").status == 200);
  CHECK(wait_for_stat(sim, "open_connections", 0, milliseconds(2000)) == 0);
  CHECK(client.get("/health").status == 200);
  CHECK(client.connections_opened() == 2);
}

TEST_CASE("a thousand concurrent streams are all served by one simulator thread") {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  constexpr int kStreams = 1000;
  REQUIRE(limit.rlim_cur > kStreams + 64);

  // Each stream waits four seconds for its first token, far longer than opening all the connections
  // takes even under sanitizers on a busy machine, then streams for two.
  SimulatorProcess sim({"--ttft-ms", "4000", "--tokens-per-second", "20", "--tokens", "40"});
  boost::asio::io_context io;
  const std::string body = stream_body();
  const std::string request =
      "POST /v1/chat/completions HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  std::vector<boost::asio::ip::tcp::socket> sockets;
  std::vector<std::string> received(kStreams);
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), sim.port());
  for (int i = 0; i < kStreams; ++i) {
    auto& socket = sockets.emplace_back(io);
    socket.connect(endpoint);
    boost::asio::write(socket, boost::asio::buffer(request));
    socket.non_blocking(true);
  }
  CHECK(wait_for_stat(sim, "active_streams", kStreams, milliseconds(3500)) == kStreams);

  // Read every stream to its terminating chunk with poll(), under one deadline.
  const auto deadline = Clock::now() + milliseconds(30'000);
  int finished = 0;
  std::vector<bool> done(kStreams, false);
  char buffer[8192];
  while (finished < kStreams && Clock::now() < deadline) {
    std::vector<pollfd> fds;
    for (int i = 0; i < kStreams; ++i) {
      if (!done[i]) fds.push_back({sockets[i].native_handle(), POLLIN, 0});
    }
    ::poll(fds.data(), fds.size(), 100);
    for (int i = 0; i < kStreams; ++i) {
      if (done[i]) continue;
      const auto n = ::read(sockets[i].native_handle(), buffer, sizeof buffer);
      if (n > 0) received[i].append(buffer, static_cast<std::size_t>(n));
      if (n == 0 || received[i].ends_with("0\r\n\r\n")) {
        done[i] = true;
        ++finished;
      }
    }
  }
  CHECK(finished == kStreams);
  int complete = 0;
  for (const auto& text : received) complete += text.find("data: [DONE]") != std::string::npos ? 1 : 0;
  CHECK(complete == kStreams);
}
