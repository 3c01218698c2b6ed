// What the router knows about a request after one pass over its body: shape, sizes, client, the user's prompt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <simdjson.h>

#include "router/headers.hpp"
#include "router/text_stats.hpp"

namespace llmroute::router {

/// The API a request was sent to, from its path (query string ignored).
enum class WireFormat {
  chat_completions,  ///< POST /v1/chat/completions (OpenAI)
  completions,       ///< POST /v1/completions (legacy, fill-in-the-middle)
  messages,          ///< POST /v1/messages (Anthropic)
  count_tokens,      ///< POST /v1/messages/count_tokens (Anthropic)
  responses,         ///< POST /v1/responses (OpenAI Responses)
  responses_compact, ///< POST /v1/responses/compact (Codex remote compaction)
  unknown,
};

/// The client that sent a request, from its headers (and, for aider, its system prompt).
enum class ClientKind {
  unknown,
  claude_code,
  codex,
  qwen_code,
  continue_dev,
  aider,
  openai_sdk,
  anthropic_sdk,
};

std::string_view to_string(WireFormat format);
std::string_view to_string(ClientKind client);

/// Wire format of a request path such as "/v1/messages?beta=true".
WireFormat wire_format_of(std::string_view path);

/// Everything the classifier and the pinning logic read from one request. Owns its strings:
/// it outlives the body and the parser it came from.
struct RequestFeatures {
  WireFormat wire = WireFormat::unknown;
  ClientKind client = ClientKind::unknown;
  std::string user_agent;

  // Conversation shape.
  std::uint32_t message_count = 0;  ///< messages / input items, system entries included
  std::uint32_t user_messages = 0;
  std::uint32_t assistant_messages = 0;
  std::uint32_t system_messages = 0;  ///< system/developer entries plus a top-level system/instructions
  std::uint32_t tool_count = 0;       ///< tool definitions (tools inside a namespace count one each)
  std::uint32_t tool_calls = 0;       ///< tool_use / tool_calls / function_call items
  std::uint32_t tool_results = 0;     ///< tool_result blocks / role "tool" / function_call_output items
  bool tool_continuation = false;     ///< the conversation ends with tool results, not a new user turn
  bool has_images = false;

  // Sizes, in bytes of text (tokens are estimated from them).
  std::uint64_t content_chars = 0;      ///< user, assistant and tool text: the conversation itself
  std::uint64_t tool_result_chars = 0;  ///< part of content_chars
  std::uint64_t boilerplate_chars = 0;  ///< system prompts and tool schemas: the client's own scaffolding
  std::uint32_t estimated_input_tokens = 0;
  std::uint32_t content_tokens = 0;  ///< the part of the input that is the user's and the tools' content

  // Generation settings.
  std::optional<std::uint32_t> max_tokens;
  bool stream = false;
  bool thinking = false;            ///< Anthropic thinking enabled, or a reasoning effort above "none"
  std::string reasoning_effort;     ///< as sent ("low", "high", ...), empty if absent
  bool json_schema_output = false;  ///< response_format / output_format / text.format is a JSON schema
  bool fill_in_middle = false;      ///< a completions request with a suffix or FIM tokens

  // Text. `prompt` is the user's actual request: the last user message that is not only tool results,
  // with client wrappers removed; long prompts keep their head and tail.
  std::string prompt;
  std::uint64_t prompt_chars = 0;  ///< full length before truncation
  TextStats prompt_stats;          ///< over the full prompt
  std::string first_user_message;  ///< head of the first real user message (conversation pinning)
  std::string system_text;         ///< head of the system/developer/instructions text
  std::string command_name;        ///< Claude Code slash command of the prompt ("/review"), if any

  // Identity, for conversation pinning and explicit signals.
  std::string session_id;          ///< Claude Code or Codex session, or a prompt_cache_key
  std::string codex_request_kind;  ///< x-codex-turn-metadata request_kind
  std::string subagent;            ///< x-openai-subagent
  std::string agent_id;            ///< x-claude-code-agent-id
};

/// Why a body could not be read.
struct ExtractError {
  std::size_t offset = 0;  ///< byte offset in the body near the fault
  std::string message;
};

using ExtractResult = std::variant<RequestFeatures, ExtractError>;

/// Limits of the text kept in RequestFeatures.
inline constexpr std::size_t kPromptHeadBytes = 6 * 1024;
inline constexpr std::size_t kPromptTailBytes = 2 * 1024;
inline constexpr std::size_t kFirstMessageBytes = 4 * 1024;
inline constexpr std::size_t kSystemTextBytes = 4 * 1024;

/// Reads requests; keeps one simdjson parser so repeated calls reuse its buffers. Not thread-safe:
/// one per thread or connection.
class RequestParser {
 public:
  /// Zero-copy: the body must be followed by SIMDJSON_PADDING readable bytes (e.g. spare capacity
  /// of the std::string it was read into).
  ExtractResult extract(std::string_view path, const Headers& headers, simdjson::padded_string_view body);

  /// Reads a document some other pass already indexed over `body` (it is rewound first): a caller that
  /// read the top level itself does not pay for indexing the body twice (2 instructions a byte).
  ExtractResult extract(std::string_view path, const Headers& headers, simdjson::ondemand::document& document,
                        simdjson::padded_string_view body);

  /// Uses the spare capacity of `body` when it is enough, else copies it into a padded buffer.
  ExtractResult extract(std::string_view path, const Headers& headers, const std::string& body);

  /// Copies the body into a padded buffer first.
  ExtractResult extract_copy(std::string_view path, const Headers& headers, std::string_view body);

 private:
  simdjson::ondemand::parser parser_;
};

/// One-shot convenience: a fresh parser, the body copied into a padded buffer.
ExtractResult extract_features(std::string_view path, const Headers& headers, std::string_view body);

}  // namespace llmroute::router
