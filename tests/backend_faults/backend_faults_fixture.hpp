// Shared setup of the backend fault tests: a scripted backend behind a proxy, and the answers it scripts.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/proxy_process.hpp"
#include "support/scripted_backend.hpp"

namespace llmroute::test {

/// A proxy config with backend "faulty" of `kind` (openai | anthropic) at `url`, serving model "m"; no health
/// probes, so that every request the backend reads is one the test sent. Records go to `records_db` (none when empty).
inline std::string faulty_backend_config(const std::string& url, const std::string& kind = "openai",
                                         const std::string& records_db = {}) {
  return "server:\n  listen: 127.0.0.1:0\n  timeouts: { upstream_first_byte: 2s, upstream_idle: 2s, shutdown_grace: 1s }\n"
         "backends:\n  - name: faulty\n    kind: " + kind + "\n    location: local\n    url: " + url +
         "\n    models: [{ name: m, context_tokens: 16384 }]\n"
         "routing: { default: faulty/m, health: { probe_interval: 0 } }\n" +
         (records_db.empty() ? std::string("records: { enabled: false }\n") : "records: { path: '" + records_db + "' }\n");
}

/// A scripted backend and a proxy in front of it.
struct FaultyBackend {
  explicit FaultyBackend(std::vector<ScriptedAnswer> script, const std::string& kind = "openai",
                         const std::string& records_db = {})
      : backend(std::move(script)), proxy(faulty_backend_config(backend.url(), kind, records_db)) {}
  ScriptedBackend backend;
  ProxyProcess proxy;
};

/// The JSON body of a whole Chat Completions answer saying `text`.
inline std::string chat_answer_body(const std::string& text) {
  return
      R"({"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":")" +
      text + R"("},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}})";
}

/// A whole Chat Completions answer saying `text`, as a complete HTTP/1.1 response.
inline std::string chat_answer(const std::string& text) {
  const std::string body = chat_answer_body(text);
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

/// `body` as the payload of a chunked HTTP/1.1 200 answer of `content_type`, in chunks of at most `chunk` bytes.
inline std::string chunked_answer(const std::string& content_type, const std::string& body, std::size_t chunk = 64) {
  std::string out = "HTTP/1.1 200 OK\r\nContent-Type: " + content_type + "\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (std::size_t at = 0; at < body.size(); at += chunk) {
    const std::string piece = body.substr(at, chunk);
    char size[20];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    out += size + piece + "\r\n";
  }
  return out + "0\r\n\r\n";
}

/// A streamed Chat Completions answer saying "Hello" then " world", as SSE events (without HTTP framing).
inline std::string chat_events() {
  const std::string chunk = R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":)";
  return "data: " + chunk + R"({"role":"assistant","content":"Hello"},"finish_reason":null}]})" + "\n\n" +
         "data: " + chunk + R"({"content":" world"},"finish_reason":null}]})" + "\n\n" +
         "data: " + chunk + R"({},"finish_reason":"stop"}]})" + "\n\n" + "data: [DONE]\n\n";
}

inline std::string chat_request(bool stream = false) {
  return std::string(R"({"model":"m","messages":[{"role":"user","content":"hi"}])") + (stream ? R"(,"stream":true})" : "}");
}

inline std::string messages_request(bool stream = false) {
  return std::string(R"({"model":"m","max_tokens":50,"messages":[{"role":"user","content":"hi"}])") +
         (stream ? R"(,"stream":true})" : "}");
}

/// The record of request `id`, read from /admin/records once the writer thread committed it; null when it
/// did not appear within a few seconds.
inline boost::json::object record_of(std::uint16_t port, const std::string& id) {
  HttpClient admin("127.0.0.1", port);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    const HttpResponse answer = admin.get("/admin/records?limit=1000");
    if (answer.status == 200) {
      const boost::json::value records = answer.json();
      for (const auto& value : records.as_array())
        if (value.at("id").as_string() == id) return value.as_object();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the writer's commit, with a deadline
  }
  return {};
}

/// The error message of an OpenAI-shaped error body, or of an Anthropic-shaped one; empty when the body is neither.
inline std::string error_message(const HttpResponse& response) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(response.body, ec);
  if (ec || !value.is_object() || !value.as_object().contains("error")) return {};
  const auto* message = value.at("error").as_object().if_contains("message");
  return message != nullptr && message->is_string() ? std::string(message->as_string()) : std::string();
}

}  // namespace llmroute::test
