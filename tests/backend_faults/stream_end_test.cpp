// What a client gets when a backend's event stream sends its terminal event but its body does not end
// with it (no chunked terminator, no close).
#include <doctest/doctest.h>

#include "backend_faults_fixture.hpp"

using namespace llmroute::test;

namespace {

const std::string kChunkedHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

/// `body` in chunks of at most 64 bytes, without the terminator that would end it.
std::string unterminated_chunks(const std::string& body) {
  const std::string whole = chunked_answer("text/event-stream", body);
  return whole.substr(whole.find("\r\n\r\n") + 4, whole.size() - whole.find("\r\n\r\n") - 4 - 5);
}

/// A Chat stream with the usage chunk the proxy asks for (3 prompt, 2 completion tokens) before [DONE].
std::string chat_events_with_usage() {
  const std::string events = chat_events();
  const std::string usage =
      R"(data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}})";
  return events.substr(0, events.find("data: [DONE]")) + usage + "\n\n" + "data: [DONE]\n\n";
}

/// An Anthropic Messages stream saying "Hello world", ending with message_stop.
std::string messages_events() {
  return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
         "\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
         "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
         "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello world\"}}\n\n"
         "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
         "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n"
         "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
}

/// An OpenAI Responses stream saying "Hello", ending with response.completed.
std::string responses_events() {
  return "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r1\",\"status\":\"in_progress\",\"model\":\"m\"}}\n\n"
         "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hello\"}\n\n"
         "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r1\",\"status\":\"completed\",\"model\":\"m\","
         "\"usage\":{\"input_tokens\":3,\"output_tokens\":1,\"total_tokens\":4}}}\n\n";
}

bool any_error_event(const HttpResponse& response) {
  for (const auto& event : response.events)
    if (event.event == "error" || event.data.find("\"error\"") != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a stream whose backend sends [DONE] but never ends its chunked body reaches the client complete at once, recorded as a success with its usage") {
  TempDir dir;
  FaultyBackend setup({{kChunkedHead + unterminated_chunks(chat_events_with_usage()), ScriptedAnswer::Then::hang},
                       {chat_answer("fine"), ScriptedAnswer::Then::keep_open}},
                      "openai", (dir / "records.db").string());
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/chat/completions", chat_request(true), {{"x-request-id", "done-then-silence"}});
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  REQUIRE_FALSE(response.events.empty());
  CHECK(response.events.back().data == "[DONE]");
  CHECK_FALSE(any_error_event(response));
  CHECK(response.finished - response.sent < std::chrono::seconds(1));  // not when upstream_idle (2 s) ran out

  // The client's next request on its kept-alive connection goes ahead at once, on another backend connection:
  // the silent one is not reused.
  const auto next = client.post_json("/v1/chat/completions", chat_request());
  CHECK(next.status == 200);
  CHECK(next.body.find("\"fine\"") != std::string::npos);
  CHECK(next.finished - next.sent < std::chrono::seconds(1));
  CHECK(client.connections_opened() == 1);
  CHECK(setup.backend.connections() == 2);

  const auto record = record_of(setup.proxy.port(), "done-then-silence");
  REQUIRE_FALSE(record.empty());
  CHECK(record.at("status").as_int64() == 200);
  CHECK(record.at("failure").as_string() == "");
  CHECK(record.at("client_disconnected").as_bool() == false);
  CHECK(record.at("input_tokens").as_int64() == 3);
  CHECK(record.at("output_tokens").as_int64() == 2);
}

TEST_CASE("an Anthropic backend's stream that never ends its body after message_stop reaches a Chat client translated and complete at once") {
  FaultyBackend setup({{kChunkedHead + unterminated_chunks(messages_events()), ScriptedAnswer::Then::hang}}, "anthropic");
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/chat/completions", chat_request(true));
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  REQUIRE_FALSE(response.events.empty());
  CHECK(response.events.back().data == "[DONE]");
  CHECK_FALSE(any_error_event(response));
  CHECK(response.finished - response.sent < std::chrono::seconds(1));
}

TEST_CASE("a Responses stream whose backend never ends its body after response.completed reaches the client complete at once") {
  FaultyBackend setup({{kChunkedHead + unterminated_chunks(responses_events()), ScriptedAnswer::Then::hang}}, "openai-responses");
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/responses", R"({"model":"m","input":"hi","stream":true})");
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  REQUIRE_FALSE(response.events.empty());
  CHECK(response.events.back().event == "response.completed");
  CHECK_FALSE(any_error_event(response));
  CHECK(response.finished - response.sent < std::chrono::seconds(1));
}

TEST_CASE("a Responses stream whose backend never ends its body after response.failed ends with that event at once, with no error of the proxy's after it") {
  const std::string events = responses_events();
  const std::string failed =
      events.substr(0, events.find("event: response.completed")) +
      "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"id\":\"r1\",\"status\":\"failed\",\"model\":\"m\","
      "\"error\":{\"code\":\"server_error\",\"message\":\"the model crashed\"}}}\n\n";
  FaultyBackend setup({{kChunkedHead + unterminated_chunks(failed), ScriptedAnswer::Then::hang}}, "openai-responses");
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/responses", R"({"model":"m","input":"hi","stream":true})");
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  REQUIRE_FALSE(response.events.empty());
  CHECK(response.events.back().event == "response.failed");
  CHECK(response.body.find("upstream_idle") == std::string::npos);
  CHECK(response.finished - response.sent < std::chrono::seconds(1));
}

TEST_CASE("a stream delimited by the backend's close ends at once after its last event even when the close never comes") {
  FaultyBackend setup({{"HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + chat_events(), ScriptedAnswer::Then::hang}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/chat/completions", chat_request(true));
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  REQUIRE_FALSE(response.events.empty());
  CHECK(response.events.back().data == "[DONE]");
  CHECK_FALSE(any_error_event(response));
  CHECK(response.finished - response.sent < std::chrono::seconds(1));
}

TEST_CASE("a backend that sends its chunked terminator apart from [DONE] keeps its connection for the next request") {
  FaultyBackend setup({{kChunkedHead + unterminated_chunks(chat_events()), ScriptedAnswer::Then::keep_open, "0\r\n\r\n"},
                       {chat_answer("second"), ScriptedAnswer::Then::keep_open}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto first = client.post_json("/v1/chat/completions", chat_request(true));
  CHECK(first.status == 200);
  REQUIRE(first.complete());
  REQUIRE_FALSE(first.events.empty());
  CHECK(first.events.back().data == "[DONE]");
  const auto second = client.post_json("/v1/chat/completions", chat_request());
  CHECK(second.status == 200);
  CHECK(second.body.find("\"second\"") != std::string::npos);
  CHECK(setup.backend.connections() == 1);  // the terminator came in time: the connection was reused
}
