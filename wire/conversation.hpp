// The format-neutral form of a request that every request translation passes through.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wire/tool_name_map.hpp"

namespace llmroute::wire {

/// An image as the client gave it: either a URL or inline base64 bytes with their media type.
struct Image {
  std::string url;         ///< http(s) URL; empty for inline images
  std::string media_type;  ///< e.g. image/png (inline images)
  std::string base64;      ///< inline bytes, base64 (no data: prefix)
  std::string detail;      ///< OpenAI detail hint (auto/low/high), kept when both sides know it
};

enum class PartKind { text, image, tool_call, tool_result, reasoning };

/// One piece of a message. Only the fields of its kind are meaningful.
struct Part {
  PartKind kind = PartKind::text;
  std::string text;  ///< text, reasoning text, or a tool result's text
  Image image;
  std::string call_id;            ///< tool_call / tool_result
  std::string name;               ///< tool_call: the name the backend sees
  std::string arguments;          ///< tool_call: JSON text
  std::vector<Part> result;       ///< tool_result: its content (text and image parts)
  bool is_error = false;          ///< tool_result
  std::string signature;          ///< reasoning: Anthropic thinking signature (only valid for Anthropic)
  bool cache_breakpoint = false;  ///< Anthropic cache_control on this block
};

/// A part of `kind` with every other field empty.
inline Part make_part(PartKind kind) {
  Part part;
  part.kind = kind;
  return part;
}

inline Part text_part(std::string_view text, bool cache_breakpoint = false) {
  Part part;
  part.text = text;
  part.cache_breakpoint = cache_breakpoint;
  return part;
}

enum class Role { system, user, assistant, tool };

struct Message {
  Role role = Role::user;
  std::vector<Part> parts;
  bool developer = false;  ///< a system message the client called "developer"
};

inline Message make_message(Role role, std::vector<Part> parts = {}) {
  Message message;
  message.role = role;
  message.parts = std::move(parts);
  return message;
}

struct Tool {
  std::string name;  ///< the name the backend sees
  std::string description;
  boost::json::value parameters;  ///< JSON schema object (null: none given)
  std::optional<bool> strict;
  bool cache_breakpoint = false;
};

enum class ToolChoiceMode { unset, automatic, required, none, named };

struct ToolChoice {
  ToolChoiceMode mode = ToolChoiceMode::unset;
  std::string name;
};

/// Structured output requested by the client.
struct OutputFormat {
  enum class Kind { text, json_object, json_schema } kind = Kind::text;
  std::string name;
  std::string description;
  boost::json::value schema;
  std::optional<bool> strict;
};

/// How the translated body must spell the output-token limit for Chat Completions backends:
/// local servers know `max_tokens`, OpenAI's newer models only `max_completion_tokens`.
enum class MaxTokensField { max_tokens, max_completion_tokens };

/// Whether thinking from earlier assistant turns is sent to Chat backends as `reasoning_content`.
enum class ReasoningHistory { keep, drop };

/// Whether a Chat → Messages translation adds Anthropic prompt-cache breakpoints
/// (Chat clients cannot express them, and without them every turn pays full input price).
enum class CacheBreakpoints { automatic, none };

/// Whether tool-call ids go to the backend as the client sent them, or rewritten to Mistral's rule
/// (exactly 9 characters of [a-zA-Z0-9]), which Mistral-family models enforce (tool_call_ids.hpp).
enum class ToolCallIds { as_sent, mistral };

/// Choices the proxy makes per backend.
struct RequestOptions {
  MaxTokensField max_tokens_field = MaxTokensField::max_tokens;
  ReasoningHistory reasoning_history = ReasoningHistory::keep;
  CacheBreakpoints cache_breakpoints = CacheBreakpoints::automatic;
  std::int64_t default_max_tokens = 4096;  ///< Anthropic requires max_tokens; used when absent
  /// Upper bound for the output-token limit (0: none). Claude Code asks for 32000+ tokens, which
  /// vLLM rejects outright when prompt + max_tokens exceed the model's context window.
  std::int64_t max_tokens_limit = 0;
  ToolCallIds tool_call_ids = ToolCallIds::as_sent;
};

/// A request between parsing and rendering.
struct Conversation {
  std::string model;
  std::vector<Message> messages;  ///< system messages in their original positions
  std::vector<Tool> tools;
  ToolChoice tool_choice;
  std::optional<bool> parallel_tool_calls;
  std::optional<std::int64_t> max_tokens;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> top_k;
  std::vector<std::string> stop;
  bool stream = false;
  bool include_usage = false;  ///< a Chat client asked for stream_options.include_usage
  std::string user;
  std::string reasoning_effort;  ///< low/medium/high when the client asked
  OutputFormat output_format;
  std::optional<bool> store;
  boost::json::value metadata;  ///< OpenAI metadata object, passed between OpenAI formats
  ToolNameMap tool_names;
  std::vector<std::string> notes;  ///< what was dropped or approximated, for x-llmroute-reason
};

}  // namespace llmroute::wire
