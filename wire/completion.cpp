// Finish reason names, client-visible ids and token estimates.
#include "wire/completion.hpp"

namespace llmroute::wire {

std::string_view to_string(FinishReason reason) {
  switch (reason) {
    case FinishReason::none:
      return "none";
    case FinishReason::stop:
      return "stop";
    case FinishReason::stop_sequence:
      return "stop_sequence";
    case FinishReason::length:
      return "length";
    case FinishReason::tool_calls:
      return "tool_calls";
    case FinishReason::content_filter:
      return "content_filter";
  }
  return "none";
}

std::string client_id(std::string_view prefix, const TranslationContext& context, std::string_view upstream_id) {
  std::string id(prefix);
  if (!context.request_id.empty()) {
    id.append(context.request_id);
  } else if (upstream_id.starts_with(prefix)) {
    id.assign(upstream_id);
  } else if (!upstream_id.empty()) {
    id.append(upstream_id);
  } else {
    id.append("0");
  }
  return id;
}

std::int64_t estimate_tokens(std::size_t bytes) { return static_cast<std::int64_t>((bytes + 3) / 4); }

}  // namespace llmroute::wire
