// Names of the wire formats.
#include "wire/wire_format.hpp"

namespace llmroute::wire {

std::string_view to_string(WireFormat format) {
  switch (format) {
    case WireFormat::chat:
      return "chat";
    case WireFormat::messages:
      return "messages";
    case WireFormat::responses:
      return "responses";
  }
  return "chat";
}

std::optional<WireFormat> wire_format_from_string(std::string_view name) {
  if (name == "chat") return WireFormat::chat;
  if (name == "messages") return WireFormat::messages;
  if (name == "responses") return WireFormat::responses;
  return std::nullopt;
}

}  // namespace llmroute::wire
