// What a client gets when a backend's event stream, delimited by the connection's close (no length, not
// chunked), is cut off: the close is then the only sign, and only the missing terminal event tells.
#include <doctest/doctest.h>

#include "backend_faults_fixture.hpp"

using namespace llmroute::test;

namespace {

const std::string kCloseDelimitedHead = "HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";

/// The stream's events up to (not including) `[DONE]`, then half an event.
std::string cut_stream() {
  const std::string events = chat_events();
  return events.substr(0, events.find("data: [DONE]")) + R"(data: {"id":"c1","object":"chat.comp)";
}

}  // namespace

TEST_CASE("a stream a backend cuts by closing the connection mid-event ends with an error event naming the backend") {
  FaultyBackend setup({{kCloseDelimitedHead + cut_stream()}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/chat/completions", chat_request(true));
  CHECK(response.status == 200);
  REQUIRE(response.complete());  // the chunked body still ends properly
  REQUIRE_FALSE(response.events.empty());
  const auto& last = response.events.back();
  INFO(last.data);
  CHECK(last.data.find("backend 'faulty'") != std::string::npos);
  CHECK(last.json().as_object().contains("error"));
}

TEST_CASE("a stream a backend cuts by closing the connection mid-event ends an Anthropic client's stream with an error event") {
  FaultyBackend setup({{kCloseDelimitedHead + cut_stream()}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/messages", messages_request(true));
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  REQUIRE_FALSE(response.events.empty());
  CHECK(response.events.back().event == "error");
  CHECK(response.events.back().data.find("backend 'faulty'") != std::string::npos);
}

TEST_CASE("a stream a backend ends by closing the connection after its last event is a complete answer") {
  FaultyBackend setup({{kCloseDelimitedHead + chat_events()}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/messages", messages_request(true));
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  REQUIRE_FALSE(response.events.empty());
  CHECK(response.events.back().event == "message_stop");
}

TEST_CASE("a whole answer a backend cuts mid-body reaches the client incomplete, with no event appended to its JSON") {
  const std::string body = chat_answer_body("a long answer");
  const std::string half = body.substr(0, body.size() / 2);
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", half.size());
  FaultyBackend setup({{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(size) + half + "\r\n"}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/chat/completions", chat_request());
  CHECK(response.status == 200);
  CHECK_FALSE(response.complete());  // the chunked body is never terminated: the client knows it is cut
  CHECK(response.body == half);
}

TEST_CASE("after a stream that a silent backend let time out, the client's kept-alive connection serves its next request") {
  const std::string events = chat_events();
  const std::string first_event = events.substr(0, events.find("\n\n") + 2);
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", first_event.size());
  FaultyBackend setup({{"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
                            std::string(size) + first_event + "\r\n",
                        ScriptedAnswer::Then::hang},
                       {chat_answer("fine")}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto timed_out = client.post_json("/v1/chat/completions", chat_request(true));  // upstream_idle is 2 s
  CHECK(timed_out.status == 200);
  REQUIRE(timed_out.complete());
  REQUIRE_FALSE(timed_out.events.empty());
  CHECK(timed_out.events.back().data.find("upstream_idle") != std::string::npos);
  const auto next = client.post_json("/v1/chat/completions", chat_request());
  CHECK(next.status == 200);
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("a backend that closes right after its head, before any of its answer, gets the client a 502 naming the backend") {
  for (const std::string type : {"text/event-stream", "application/json"}) {
    CAPTURE(type);
    FaultyBackend setup({{"HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nTransfer-Encoding: chunked\r\n\r\n"}});
    HttpClient client("127.0.0.1", setup.proxy.port());
    const auto translated = client.post_json("/v1/messages", messages_request(true));
    CHECK(translated.status == 502);
    CHECK(translated.complete());
    CHECK(error_message(translated).find("backend 'faulty' ended its answer early") != std::string::npos);
    const auto relayed = client.post_json("/v1/chat/completions", chat_request(true));
    CHECK(relayed.status == 502);
    CHECK(relayed.complete());
    CHECK(error_message(relayed).find("backend 'faulty' ended its answer early") != std::string::npos);
  }
}

TEST_CASE("a chunked stream a backend cuts mid-chunk, closing with its last bytes, ends with an error event at once") {
  const std::string events = chat_events();
  const std::string first_event = events.substr(0, events.find("\n\n") + 2);
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", first_event.size());
  // The proxy relays the first chunk and waits; then half a chunk and the close arrive together.
  FaultyBackend setup({{"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
                            std::string(size) + first_event + "\r\n",
                        ScriptedAnswer::Then::close, std::string(size) + first_event.substr(0, 30)}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/chat/completions", chat_request(true));
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  REQUIRE_FALSE(response.events.empty());
  CHECK(response.events.back().data.find("backend 'faulty' ended its answer early") != std::string::npos);
  CHECK(response.finished - response.sent < std::chrono::seconds(1));  // not when upstream_idle (2 s) ran out
}

TEST_CASE("a chunked stream a backend cuts right after a whole chunk, closing with it, ends with an error event at once") {
  const std::string events = chat_events();
  const std::string first_event = events.substr(0, events.find("\n\n") + 2);
  const std::string second_event = events.substr(first_event.size(), events.find("\n\n", first_event.size()) + 2 - first_event.size());
  char size[20], second_size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", first_event.size());
  std::snprintf(second_size, sizeof second_size, "%zx\r\n", second_event.size());
  // The proxy relays the first chunk and waits; then the whole second chunk arrives with the close, in one packet.
  FaultyBackend setup({{"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
                            std::string(size) + first_event + "\r\n", ScriptedAnswer::Then::close,
                        std::string(second_size) + second_event + "\r\n"}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/chat/completions", chat_request(true));
  CHECK(response.status == 200);
  REQUIRE(response.complete());
  REQUIRE(response.events.size() >= 2);
  CHECK(response.events.back().data.find("backend 'faulty' ended its answer early") != std::string::npos);
  CHECK(response.finished - response.sent < std::chrono::seconds(1));  // not when upstream_idle (2 s) ran out
}
