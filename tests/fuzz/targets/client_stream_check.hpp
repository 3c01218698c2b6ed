// The invariant of every stream the proxy writes to a client: a client can read it to its end.
#pragma once

#include "fuzz_check.hpp"

#include "wire/sse_parser.hpp"
#include "wire/wire_format.hpp"

#include <string>
#include <string_view>

namespace llmroute::fuzz {

/// Whole events, JSON object data (or Chat's [DONE]), and the format's terminal event last.
inline void check_client_stream(wire::WireFormat client, std::string_view out) {
  wire::SseParser parser;
  parser.append(out);
  std::string last_event;
  std::string last_data;
  bool any = false;
  while (const auto event = parser.next()) {
    any = true;
    last_event = event->event;
    last_data = event->data;
    if (event->data != "[DONE]") require(is_json_object(event->data), "every client event's data is a JSON object");
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
}

}  // namespace llmroute::fuzz
