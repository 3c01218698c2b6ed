// Whole-body request translation between Chat Completions, Anthropic Messages and Responses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

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

/// Translates a client request body from `from` to `to`. Same format: the body is returned
/// unchanged (only `model` is replaced when asked). Errors name the JSON path at fault.
Translated<RequestTranslation> translate_request(WireFormat from, WireFormat to, std::string_view body,
                                                 const TranslateOptions& options = {});

}  // namespace llmroute::wire
