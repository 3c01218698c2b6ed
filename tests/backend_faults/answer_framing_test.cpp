// What a client gets when a backend frames its answer in an unexpected but valid way: a whole JSON answer
// sent chunked, an event stream sent with a Content-Length.
#include <doctest/doctest.h>

#include "backend_faults_fixture.hpp"

using namespace llmroute::test;

TEST_CASE("a whole answer that a backend sends chunked reaches an Anthropic client translated, not lost") {
  FaultyBackend setup({{chunked_answer("application/json; charset=utf-8", chat_answer_body("the answer"))}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/messages", messages_request());
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  const auto answer = response.json();
  CHECK(answer.at("type").as_string() == "message");
  CHECK(answer.at("content").at(0).at("text").as_string() == "the answer");
  CHECK(answer.at("usage").at("output_tokens").as_int64() == 1);
}

TEST_CASE("an event stream that a backend sends with a Content-Length reaches an Anthropic client translated") {
  const std::string events = chat_events();
  FaultyBackend setup({{"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " + std::to_string(events.size()) +
                        "\r\n\r\n" + events}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/messages", messages_request(true));
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  std::string text;
  for (const auto& event : response.events)
    if (event.event == "content_block_delta") text += event.json().at("delta").at("text").as_string();
  CHECK(text == "Hello world");
  REQUIRE_FALSE(response.events.empty());
  CHECK(response.events.back().event == "message_stop");
}

TEST_CASE("an event stream that a backend sends with a Content-Length reaches a Chat client with its length left out") {
  const std::string events = chat_events();
  FaultyBackend setup({{"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " + std::to_string(events.size()) +
                        "\r\n\r\n" + events}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  // The proxy asks for the usage chunk on the client's behalf and hides it: the length the backend gave no
  // longer holds for what the client gets.
  const auto response = client.post_json("/v1/chat/completions", chat_request(true));
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  CHECK(response.header("content-length").empty());
  REQUIRE_FALSE(response.events.empty());
  CHECK(response.events.back().data == "[DONE]");
}

TEST_CASE("an answer that a backend delimits by closing the connection is relayed complete at once") {
  // The last bytes come with the close, while the proxy waits to read: one readiness event brings both.
  const std::string body = chat_answer_body("closed");
  FaultyBackend setup({{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + body.substr(0, 40),
                        ScriptedAnswer::Then::close, body.substr(40)}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/chat/completions", chat_request());
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  CHECK(response.json().at("choices").at(0).at("message").at("content").as_string() == "closed");
  CHECK(response.finished - response.sent < std::chrono::seconds(1));  // not held until upstream_idle (2 s)
}

TEST_CASE("a stream that a backend delimits by closing the connection ends at once after its last event") {
  const std::string events = chat_events();
  FaultyBackend setup({{"HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + events.substr(0, 60),
                        ScriptedAnswer::Then::close, events.substr(60)}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/messages", messages_request(true));
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  REQUIRE_FALSE(response.events.empty());
  CHECK(response.events.back().event == "message_stop");
  CHECK(response.finished - response.sent < std::chrono::seconds(1));  // not held until upstream_idle (2 s)
}
