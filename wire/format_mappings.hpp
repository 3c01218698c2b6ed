// Per-format spellings of finish reasons, usage objects, error bodies and Responses output items.
#pragma once

#include <string>
#include <string_view>

#include "wire/completion.hpp"
#include "wire/json_writer.hpp"
#include "wire/wire_format.hpp"

namespace llmroute::wire {

FinishReason finish_from_chat(std::string_view reason);
FinishReason finish_from_messages(std::string_view stop_reason);
/// A Responses status plus incomplete_details.reason.
FinishReason finish_from_responses(std::string_view status, std::string_view incomplete_reason, bool has_tool_calls);

/// A model that called tools but said "stop" (Ollama does) still stopped to call them; one that
/// said "tool_calls" without calling any just stopped.
FinishReason effective_finish(FinishReason reason, bool has_tool_calls);

std::string_view chat_finish_reason(FinishReason reason);
std::string_view messages_stop_reason(FinishReason reason);

void write_chat_usage(JsonWriter& w, const Usage& usage);
void write_messages_usage(JsonWriter& w, const Usage& usage);
void write_responses_usage(JsonWriter& w, const Usage& usage);

/// A completed Responses output item; tool calls get their namespace and custom shape back.
void write_responses_item(JsonWriter& w, const OutputItem& item, std::string_view item_id, const ToolNameMap& tools);

/// Whether a tool call answers a Responses custom (free-form) tool.
bool is_custom_tool(const ToolNameMap& tools, std::string_view wire_name);

/// The free-form input of a custom tool call from its function arguments `{"input": "..."}`.
std::string custom_tool_input(std::string_view arguments);

/// Anthropic tool ids must match ^[a-zA-Z0-9_-]+$; other backends' ids may not.
std::string anthropic_tool_id(std::string_view id);

/// An error body as `client` expects it (OpenAI `{"error":{...}}` or Anthropic `{"type":"error",...}`).
std::string error_body(WireFormat client, int status, std::string_view message);

/// The human message of a JSON error body in any of the shapes backends send (OpenAI, Anthropic,
/// Ollama's `{"error":"..."}`, vLLM's `{"object":"error","message":...}`, FastAPI's `detail`); empty
/// when the body is not JSON or carries none.
std::string json_error_message(std::string_view body);

/// Rewrites a backend's error body for the client's format, keeping the backend's message.
std::string translate_error(WireFormat backend, WireFormat client, int status, std::string_view body);

}  // namespace llmroute::wire
