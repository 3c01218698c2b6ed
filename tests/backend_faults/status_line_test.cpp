// What a client gets when a backend's answer starts with an unusual status: interim 1xx answers, or a
// status that cannot carry an answer at all.
#include <doctest/doctest.h>

#include "backend_faults_fixture.hpp"

using namespace llmroute::test;

TEST_CASE("a backend's 100 Continue and 103 Early Hints before its answer are skipped: the client gets the real answer") {
  const std::string interim = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n";
  FaultyBackend setup({{interim + chat_answer("first"), ScriptedAnswer::Then::keep_open},
                       {chat_answer("second"), ScriptedAnswer::Then::keep_open}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto first = client.post_json("/v1/chat/completions", chat_request());
  CHECK(first.status == 200);
  CHECK(first.body.find("\"first\"") != std::string::npos);
  // The kept-alive connection carries the next answer, not what was left of the first.
  const auto second = client.post_json("/v1/chat/completions", chat_request());
  CHECK(second.status == 200);
  CHECK(second.body.find("\"second\"") != std::string::npos);
  CHECK(setup.backend.connections() == 1);
}

TEST_CASE("a backend answering 204 or 304 to a chat request gets the client a 502 naming the backend") {
  for (const std::string status : {"204 No Content", "304 Not Modified"}) {
    CAPTURE(status);
    FaultyBackend setup({{"HTTP/1.1 " + status + "\r\nContent-Type: text/event-stream\r\n\r\n"}});
    HttpClient client("127.0.0.1", setup.proxy.port());
    const auto streamed = client.post_json("/v1/chat/completions", chat_request(true));
    CHECK(streamed.status == 502);
    CHECK(streamed.complete());
    CHECK(error_message(streamed).find("backend 'faulty' answered " + status.substr(0, 3)) != std::string::npos);
  }
}

TEST_CASE("a backend answering 101 Switching Protocols gets an Anthropic client a 502 in Anthropic's shape") {
  FaultyBackend setup({{"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"}});
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/messages", messages_request(true));
  CHECK(response.status == 502);
  CHECK(response.complete());
  CHECK(response.body.find(R"("type":"error")") != std::string::npos);
  CHECK(error_message(response).find("backend 'faulty' answered 101") != std::string::npos);
}

TEST_CASE("a backend's 503 that reaches an Anthropic client as 529 is recorded as 529, the status the client got") {
  TempDir dir;
  const std::string body = R"({"error":{"message":"busy","type":"server_error"}})";
  FaultyBackend setup({{"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body}},
                      "openai", (dir / "records.db").string());
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/messages", messages_request(), {{"x-request-id", "overloaded"}});
  CHECK(response.status == 529);
  const auto record = record_of(setup.proxy.port(), "overloaded");
  REQUIRE_FALSE(record.empty());
  CHECK(record.at("status").as_int64() == 529);
}

TEST_CASE("after a 502 for an answer that cannot be translated, the client's kept-alive connection serves its next request") {
  const std::string not_a_message = R"({"type":"error","error":{"type":"api_error","message":"m"}})";
  FaultyBackend setup({{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(not_a_message.size()) +
                        "\r\n\r\n" + not_a_message},
                       {chat_answer("fine")}},
                      "anthropic");
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto failed = client.post_json("/v1/chat/completions", chat_request());
  CHECK(failed.status == 502);
  CHECK(error_message(failed).find("backend 'faulty'") != std::string::npos);
  CHECK(failed.header("connection") != "close");
  // The proxy said keep-alive: the same connection must carry the next request.
  const auto next = client.post_json("/v1/messages", messages_request());
  CHECK(next.status != 0);
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("a backend answering a status outside 100-599 gets the client a 502 naming the backend and the status") {
  for (const std::string status : {"999 Weird", "600 Beyond", "099 Below"}) {
    CAPTURE(status);
    const std::string body = chat_answer_body("not relayed");
    FaultyBackend setup({{"HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body,
                          ScriptedAnswer::Then::keep_open}});
    HttpClient client("127.0.0.1", setup.proxy.port());
    const auto response = client.post_json("/v1/chat/completions", chat_request());
    CHECK(response.status == 502);
    CHECK(response.complete());
    CHECK(error_message(response).find("backend 'faulty' answered " + std::to_string(std::stoi(status)) + ", which is not an HTTP status") !=
          std::string::npos);
    CHECK(response.body.find("not relayed") == std::string::npos);
    // The answer was whole and well framed: the client's connection carries its next request.
    const auto next = client.post_json("/v1/messages", messages_request());
    CHECK(next.status == 502);
    CHECK(next.body.find(R"("type":"error")") != std::string::npos);
    CHECK(client.connections_opened() == 1);
  }
}

TEST_CASE("a backend answering status 999 is skipped for the next candidate, which answers the client") {
  ScriptedBackend broken({{"HTTP/1.1 999 Weird\r\nContent-Length: 0\r\n\r\n"}});
  ScriptedBackend good({{chat_answer("from the second"), ScriptedAnswer::Then::keep_open}});
  // Every task kind has both candidates, the broken one first.
  std::string tasks;
  for (const char* kind : {"commit-message", "documentation", "status-report", "refactoring", "debugging", "simple-coding",
                           "multi-file", "architecture", "code-review", "reasoning", "non-coding", "background",
                           "long-context", "autocomplete"})
    tasks += std::string("    ") + kind + ": [broken/m, good/m2]\n";
  ProxyProcess proxy(
      "server:\n  listen: 127.0.0.1:0\n  timeouts: { upstream_first_byte: 2s, upstream_idle: 2s, shutdown_grace: 1s }\n"
      "backends:\n"
      "  - { name: broken, kind: openai, location: local, url: '" + broken.url() + "', models: [{ name: m }] }\n"
      "  - { name: good, kind: openai, location: local, url: '" + good.url() + "', models: [{ name: m2 }] }\n"
      "routing:\n  default: broken/m\n  health: { probe_interval: 0 }\n  tasks:\n" + tasks +
      "records: { enabled: false }\n");
  HttpClient client("127.0.0.1", proxy.port());
  const auto response = client.post_json("/v1/chat/completions", R"({"model":"auto","messages":[{"role":"user","content":"hi"}]})");
  CHECK(response.status == 200);
  CHECK(response.body.find("from the second") != std::string::npos);
  CHECK(response.header("x-llmroute-backend") == "good");
  CHECK(broken.requests() == 1);
  CHECK(response.header("x-llmroute-reason").find("999") != std::string::npos);
}
