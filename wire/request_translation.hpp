// Whole-body request translation between Chat Completions, Anthropic Messages and Responses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/completion.hpp"
#include "wire/conversation.hpp"
#include "wire/tool_name_map.hpp"
#include "wire/wire_format.hpp"

namespace llmroute::wire {

/// A request body rewritten for the backend, plus what the answer's translation needs.
struct RequestTranslation {
  std::string body;
  std::string model;               ///< the model named in the body sent to the backend
  bool stream = false;             ///< the client asked for a streamed answer
  bool include_usage = false;      ///< a Chat client asked for a usage chunk (stream_options.include_usage)
  ToolNameMap tool_names;          ///< flattened namespaced/custom tools, restored in the answer
  std::vector<std::string> notes;  ///< what was dropped or approximated (for x-llmroute-reason)
};

/// Options of one translation; `model` replaces the body's model when not empty.
struct TranslateOptions {
  RequestOptions request;
  std::string model;
};

/// The context for translating the answer to this request: tool names to restore and whether a
/// Chat client asked for a usage chunk. `request_id` and `created` make the client-visible ids.
TranslationContext answer_context(const RequestTranslation& request, std::string request_id, std::int64_t created);

/// Translates a client request body from `from` to `to`. Same format: the body is returned
/// unchanged (only `model` is replaced when asked). Errors name the JSON path at fault.
Translated<RequestTranslation> translate_request(WireFormat from, WireFormat to, std::string_view body,
                                                 const TranslateOptions& options = {});

/// Thinking produced by a non-Anthropic model reaches Claude Code without a signature, and
/// Anthropic rejects unsigned thinking blocks in history. For a Messages body bound for Anthropic:
/// the body without them, or nothing when it has none (the common case costs one substring scan).
std::optional<std::string> strip_unsigned_thinking(std::string_view body);

}  // namespace llmroute::wire
