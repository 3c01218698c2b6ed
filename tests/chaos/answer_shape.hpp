// What a client of each endpoint can read: a complete answer checked against the shape of its wire format.
#pragma once

#include <boost/beast/http/error.hpp>
#include <boost/json.hpp>
#include <string>

#include "chaos/chaos_scenario.hpp"
#include "support/http_client.hpp"

namespace llmroute::test {

namespace answer_shape_detail {

inline const boost::json::object* parse_object(const std::string& text, boost::json::value& storage) {
  boost::system::error_code ec;
  storage = boost::json::parse(text, ec);
  return ec || !storage.is_object() ? nullptr : &storage.as_object();
}

inline bool is_string(const boost::json::object& object, const char* key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string();
}

/// OpenAI's {"error":{"message","type",…}}, or Anthropic's {"type":"error","error":{"type","message"}}.
inline bool is_error_object(const boost::json::object& body, Endpoint endpoint) {
  const auto* error = body.if_contains("error");
  if (error == nullptr || !error->is_object()) return false;
  const auto& inner = error->as_object();
  if (!is_string(inner, "message") || !is_string(inner, "type")) return false;
  return endpoint != Endpoint::messages || (is_string(body, "type") && body.at("type").as_string() == "error");
}

/// Whether `body` is a whole (non-streamed) answer of `endpoint`'s format.
inline bool is_whole_answer(const boost::json::object& body, Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::chat:
    case Endpoint::completions: {
      const auto* choices = body.if_contains("choices");
      return choices != nullptr && choices->is_array() && !choices->as_array().empty();
    }
    case Endpoint::messages:
      return is_string(body, "type") && body.at("type").as_string() == "message" && body.contains("content");
    case Endpoint::responses:
      return is_string(body, "object") && body.at("object").as_string() == "response" && body.contains("output");
  }
  return false;
}

/// Whether `event` ends a stream of `endpoint`'s format: its terminator, or an error event.
inline bool ends_stream(const SseEvent& event, Endpoint endpoint) {
  boost::json::value storage;
  const auto* data = parse_object(event.data, storage);
  const bool error_event = data != nullptr && is_error_object(*data, endpoint);
  switch (endpoint) {
    case Endpoint::chat:
    case Endpoint::completions:
      return event.data == "[DONE]" || error_event;
    case Endpoint::messages:
      return event.event == "message_stop" || (event.event == "error" && error_event);
    case Endpoint::responses: {
      if (error_event) return true;
      if (data == nullptr || !is_string(*data, "type")) return false;
      const auto type = data->at("type").as_string();
      return type == "response.completed" || type == "response.incomplete" || type == "response.failed";
    }
  }
  return false;
}

/// Whether the proxy relayed the backend's bytes as they came, its backend speaking the client's format (backend
/// names of the chaos config: sim speaks Chat and legacy completions, anth Messages, resp Responses). A broken answer
/// is then passed on as broken as the backend sent it: the proxy does not buffer nor re-parse what it relays.
inline bool relayed_as_is(const Scenario& s, const HttpResponse& response) {
  const std::string backend = response.header("x-llmroute-backend");
  const bool retold = s.stream && !response.header("content-type").starts_with("text/event-stream");
  switch (s.endpoint) {
    case Endpoint::chat:
    case Endpoint::completions: return !retold && backend == "sim";
    case Endpoint::messages: return !retold && backend == "anth";
    case Endpoint::responses: return !retold && backend == "resp";
  }
  return false;
}

}  // namespace answer_shape_detail

/// What is wrong with `response` as the answer a client of `s` reads to the end; empty when nothing is.
inline std::string answer_problem(const Scenario& s, const HttpResponse& response) {
  using namespace answer_shape_detail;
  if (response.status == 0) return "no status line: " + response.error.message();
  // A whole answer relayed as the backend sends it has its head out before its end: a backend that dies or stalls
  // in the middle can only be told to the client by cutting the connection, which every HTTP client reports.
  const bool cut_relay = !s.stream && response.status == 200 && (s.fault == "die-mid" || s.fault == "stall-mid") &&
                         response.error == boost::beast::http::error::partial_message && relayed_as_is(s, response);
  if (cut_relay) return {};
  if (response.error)
    return "status " + std::to_string(response.status) + " but the answer broke off: " + response.error.message();
  if (response.header("x-request-id") != s.id) return "x-request-id is '" + response.header("x-request-id") + "'";
  const std::string type = response.header("content-type");
  boost::json::value storage;
  if (response.status != 200) {
    const auto* body = parse_object(response.body, storage);
    if (response.status < 400 || body == nullptr || !is_error_object(*body, s.endpoint))
      return "status " + std::to_string(response.status) + " with a body that is not a " +
             (s.endpoint == Endpoint::messages ? "Anthropic" : "OpenAI") + " error: " + response.body.substr(0, 300);
    return {};
  }
  // A backend's malformed answer relayed as is stays malformed (see relayed_as_is).
  const bool malformed_relay = s.fault == "malformed" && relayed_as_is(s, response);
  if (!s.stream) {
    if (malformed_relay) return {};
    const auto* body = parse_object(response.body, storage);
    if (!type.starts_with("application/json") || body == nullptr || !is_whole_answer(*body, s.endpoint))
      return "200 (" + type + ") that is not a whole answer: " + response.body.substr(0, 300);
    return {};
  }
  if (!type.starts_with("text/event-stream"))
    return "a stream was asked for, got " + type + ": " + response.body.substr(0, 300);
  if (response.events.empty()) return "an empty stream";
  for (const auto& event : response.events) {
    if (event.data == "[DONE]" || malformed_relay) continue;
    if (parse_object(event.data, storage) == nullptr)
      return "an event whose data is not a JSON object: " + event.data.substr(0, 200);
  }
  if (!ends_stream(response.events.back(), s.endpoint))
    return "the stream ends with neither its terminator nor an error event: event '" + response.events.back().event +
           "' data " + response.events.back().data.substr(0, 200);
  return {};
}

}  // namespace llmroute::test
