// The invariant of every stream the proxy writes to a client: a client can read it to its end.
#pragma once

#include "fuzz_check.hpp"

#include "wire/sse_parser.hpp"
#include "wire/wire_format.hpp"

#include <string>
#include <string_view>

namespace llmroute::fuzz {

/// Bytes of answer text and reasoning a client reads from a stream.
struct ClientRead {
  std::size_t text_bytes = 0;
  std::size_t reasoning_bytes = 0;
};

namespace detail {

inline std::size_t string_size(const boost::json::value* value) {
  return value != nullptr && value->is_string() ? value->get_string().size() : 0;
}

inline void count_deltas(wire::WireFormat client, std::string_view event, const boost::json::object& data, ClientRead& read) {
  switch (client) {
    case wire::WireFormat::chat:
      if (const auto* choices = data.if_contains("choices"); choices != nullptr && choices->is_array()) {
        for (const auto& choice : choices->get_array()) {
          const auto* delta = choice.is_object() ? choice.get_object().if_contains("delta") : nullptr;
          if (delta == nullptr || !delta->is_object()) continue;
          read.text_bytes += string_size(delta->get_object().if_contains("content"));
          read.reasoning_bytes += string_size(delta->get_object().if_contains("reasoning_content"));
        }
      }
      break;
    case wire::WireFormat::messages:
      if (const auto* delta = data.if_contains("delta"); event == "content_block_delta" && delta != nullptr && delta->is_object()) {
        read.text_bytes += string_size(delta->get_object().if_contains("text"));
        read.reasoning_bytes += string_size(delta->get_object().if_contains("thinking"));
      }
      break;
    case wire::WireFormat::responses:
      if (event == "response.output_text.delta") read.text_bytes += string_size(data.if_contains("delta"));
      if (event == "response.reasoning_summary_text.delta") read.reasoning_bytes += string_size(data.if_contains("delta"));
      break;
  }
}

}  // namespace detail

/// Whole events, JSON object data (or Chat's [DONE]), and the format's terminal event last. Returns what the
/// client read.
inline ClientRead check_client_stream(wire::WireFormat client, std::string_view out) {
  wire::SseParser parser;
  parser.append(out);
  std::string last_event;
  std::string last_data;
  bool any = false;
  ClientRead read;
  while (const auto event = parser.next()) {
    any = true;
    last_event = event->event;
    last_data = event->data;
    if (event->data == "[DONE]") continue;
    bool ok = false;
    const auto data = parse_json(event->data, ok);
    require(ok && data.is_object(), "every client event's data is a JSON object");
    detail::count_deltas(client, event->event, data.get_object(), read);
  }
  require(!parser.failed() && parser.buffered() == 0, "the client stream ends between events");
  require(any, "the client stream has events");
  switch (client) {
    case wire::WireFormat::chat:
      require(last_data == "[DONE]", "a Chat client stream ends with [DONE]");
      break;
    case wire::WireFormat::messages:
      require(last_event == "message_stop" || last_event == "error",
              "a Messages client stream ends with message_stop or error");
      break;
    case wire::WireFormat::responses:
      require(last_event == "response.completed" || last_event == "response.failed",
              "a Responses client stream ends with response.completed or response.failed");
      break;
  }
  return read;
}

}  // namespace llmroute::fuzz
