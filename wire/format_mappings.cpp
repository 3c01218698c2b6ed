// Finish reasons, usage objects, error bodies and Responses items in each format's spelling.
#include "wire/format_mappings.hpp"

#include <boost/json/parse.hpp>

#include "wire/json_access.hpp"

namespace llmroute::wire {

FinishReason finish_from_chat(std::string_view reason) {
  if (reason == "stop") return FinishReason::stop;
  if (reason == "length") return FinishReason::length;
  if (reason == "tool_calls" || reason == "function_call") return FinishReason::tool_calls;
  if (reason == "content_filter") return FinishReason::content_filter;
  if (reason.empty()) return FinishReason::none;
  return FinishReason::stop;
}

FinishReason finish_from_messages(std::string_view stop_reason) {
  if (stop_reason == "end_turn" || stop_reason == "pause_turn") return FinishReason::stop;
  if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded") return FinishReason::length;
  if (stop_reason == "tool_use") return FinishReason::tool_calls;
  if (stop_reason == "stop_sequence") return FinishReason::stop_sequence;
  if (stop_reason == "refusal") return FinishReason::content_filter;
  if (stop_reason.empty()) return FinishReason::none;
  return FinishReason::stop;
}

FinishReason finish_from_responses(std::string_view status, std::string_view incomplete_reason, bool has_tool_calls) {
  if (status == "incomplete") {
    if (incomplete_reason == "content_filter") return FinishReason::content_filter;
    return FinishReason::length;
  }
  return has_tool_calls ? FinishReason::tool_calls : FinishReason::stop;
}

FinishReason effective_finish(FinishReason reason, bool has_tool_calls) {
  if (has_tool_calls && (reason == FinishReason::stop || reason == FinishReason::none)) return FinishReason::tool_calls;
  // A client told "tool_use" with no tool call to run would wait for one forever.
  if (!has_tool_calls && reason == FinishReason::tool_calls) return FinishReason::stop;
  if (reason == FinishReason::none) return FinishReason::stop;
  return reason;
}

std::string_view chat_finish_reason(FinishReason reason) {
  switch (reason) {
    case FinishReason::none:
    case FinishReason::stop:
    case FinishReason::stop_sequence:
      return "stop";
    case FinishReason::length:
      return "length";
    case FinishReason::tool_calls:
      return "tool_calls";
    case FinishReason::content_filter:
      return "content_filter";
  }
  return "stop";
}

std::string_view messages_stop_reason(FinishReason reason) {
  switch (reason) {
    case FinishReason::none:
    case FinishReason::stop:
      return "end_turn";
    case FinishReason::stop_sequence:
      return "stop_sequence";
    case FinishReason::length:
      return "max_tokens";
    case FinishReason::tool_calls:
      return "tool_use";
    case FinishReason::content_filter:
      return "refusal";
  }
  return "end_turn";
}

void write_chat_usage(JsonWriter& w, const Usage& usage) {
  w.begin_object();
  w.member("prompt_tokens", usage.input).member("completion_tokens", usage.output);
  w.member("total_tokens", usage.input + usage.output);
  w.key("prompt_tokens_details").begin_object().member("cached_tokens", usage.cache_read).end_object();
  w.key("completion_tokens_details").begin_object().member("reasoning_tokens", usage.reasoning).end_object();
  w.end_object();
}

void write_messages_usage(JsonWriter& w, const Usage& usage) {
  const auto uncached = usage.input - usage.cache_read - usage.cache_write;
  w.begin_object();
  w.member("input_tokens", uncached > 0 ? uncached : 0);
  w.member("cache_creation_input_tokens", usage.cache_write).member("cache_read_input_tokens", usage.cache_read);
  w.member("output_tokens", usage.output);
  w.end_object();
}

void write_responses_usage(JsonWriter& w, const Usage& usage) {
  w.begin_object();
  w.member("input_tokens", usage.input);
  w.key("input_tokens_details").begin_object().member("cached_tokens", usage.cache_read).end_object();
  w.member("output_tokens", usage.output);
  w.key("output_tokens_details").begin_object().member("reasoning_tokens", usage.reasoning).end_object();
  w.member("total_tokens", usage.input + usage.output);
  w.end_object();
}

bool is_custom_tool(const ToolNameMap& tools, std::string_view wire_name) {
  const auto* alias = tools.find_wire_name(wire_name);
  return alias != nullptr && alias->shape == ToolShape::custom;
}

std::string custom_tool_input(std::string_view arguments) {
  boost::json::error_code ec;
  const auto parsed = boost::json::parse(arguments, ec);
  if (!ec && parsed.is_object()) {
    if (const auto* input = parsed.get_object().if_contains("input"); input != nullptr && input->is_string()) {
      return std::string(input->get_string());
    }
  }
  return std::string(arguments);
}

void write_responses_item(JsonWriter& w, const OutputItem& item, std::string_view item_id, const ToolNameMap& tools) {
  w.begin_object();
  switch (item.kind) {
    case ItemKind::text:
      w.member("id", item_id).member("type", "message").member("status", "completed").member("role", "assistant");
      w.key("content").begin_array().begin_object().member("type", "output_text").key("annotations").raw("[]");
      w.member("text", item.text).end_object().end_array();
      break;
    case ItemKind::reasoning:
      w.member("id", item_id).member("type", "reasoning").key("summary").begin_array();
      w.begin_object().member("type", "summary_text").member("text", item.text).end_object().end_array();
      break;
    case ItemKind::tool_call: {
      const auto* alias = tools.find_wire_name(item.name);
      const std::string_view name = alias != nullptr ? std::string_view(alias->name) : std::string_view(item.name);
      if (alias != nullptr && alias->shape == ToolShape::custom) {
        w.member("id", item_id).member("type", "custom_tool_call").member("status", "completed");
        w.member("call_id", item.call_id).member("name", name).member("input", custom_tool_input(item.arguments));
      } else {
        w.member("id", item_id).member("type", "function_call").member("status", "completed");
        w.member("arguments", item.arguments).member("call_id", item.call_id).member("name", name);
      }
      if (alias != nullptr && !alias->namespace_name.empty()) w.member("namespace", alias->namespace_name);
      break;
    }
  }
  w.end_object();
}

std::string anthropic_tool_id(std::string_view id) {
  std::string out(id);
  for (auto& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) c = '_';
  }
  if (out.empty()) out = "call";
  return out;
}

namespace {

std::string_view anthropic_error_type(int status) {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

std::string_view openai_error_type(int status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 429:
      return "rate_limit_error";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

/// The backend's message, else the start of its body as it is.
std::string error_message_of(std::string_view body) {
  if (std::string message = json_error_message(body); !message.empty()) return message;
  constexpr std::size_t kMaxRaw = 2000;
  return std::string(body.substr(0, kMaxRaw));
}

}  // namespace

std::string json_error_message(std::string_view body) {
  boost::json::error_code ec;
  const auto parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return {};
  const auto& object = parsed.get_object();
  if (const auto* error = member(object, "error")) {
    if (error->is_string()) return std::string(error->get_string());
    if (error->is_object()) {
      if (auto message = string_member(error->get_object(), "message"); !message.empty()) return std::string(message);
    }
  }
  if (auto message = string_member(object, "message"); !message.empty()) return std::string(message);
  if (const auto* detail = member(object, "detail")) {
    return detail->is_string() ? std::string(detail->get_string()) : to_json(*detail);
  }
  return {};
}

std::string error_body(WireFormat client, int status, std::string_view message) {
  std::string out;
  JsonWriter w(out);
  if (client == WireFormat::messages) {
    w.begin_object().member("type", "error").key("error").begin_object();
    w.member("type", anthropic_error_type(status)).member("message", message).end_object().end_object();
  } else {
    w.begin_object().key("error").begin_object().member("message", message);
    w.member("type", openai_error_type(status)).key("param").null().key("code").null().end_object().end_object();
  }
  return out;
}

std::string translate_error(WireFormat backend, WireFormat client, int status, std::string_view body) {
  if (backend == client) return std::string(body);
  return error_body(client, status, error_message_of(body));
}

}  // namespace llmroute::wire
