// The few facts the simulator needs from a request body, read once with simdjson.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simdjson::dom {
class parser;
}

namespace llmroute::simulator {

/// The generation-side endpoints; each has its own body shape and answer wire format.
enum class Endpoint { chat_completions, completions, messages, count_tokens, responses, tokenize };

/// Who spoke last: a person, a tool result (the agent loop continues), or anything else.
enum class LastTurn { user, tool_result, other };

enum class ArgumentKind { string, integer, boolean };

/// The first tool the request offers, and the argument a scripted call fills in.
struct ToolSpec {
  std::string name;
  std::string argument;  ///< empty when the tool takes no parameters
  ArgumentKind argument_kind = ArgumentKind::string;
};

/// What the answer depends on. Views into the body are copied, so the body may be moved away.
struct SimRequest {
  std::string requested_model;  ///< exactly as sent, suffixes included
  bool stream = false;
  bool include_usage = false;  ///< stream_options.include_usage
  std::optional<int> max_tokens;
  std::vector<std::string> stop;  ///< Chat's and legacy completions' "stop": a string or an array of strings
  std::size_t prompt_bytes = 0;  ///< bytes of all prompt text (system, messages, tool results)
  int assistant_turns = 0;       ///< assistant messages already in the conversation
  LastTurn last_turn = LastTurn::user;
  std::optional<ToolSpec> first_tool;
  std::vector<std::string> tool_call_ids;  ///< chat: every tool_calls[].id and tool_call_id, in order
  std::uint64_t prompt_hash = 0;      ///< of all prompt text; seeds the answer
  bool judge = false;                 ///< the prompt contains kJudgeMarker
  std::string judge_text;             ///< all prompt text, kept only for judge requests
  std::string tokenize_content;       ///< /tokenize's "content"
  bool tokenize_with_pieces = false;  ///< /tokenize's "with_pieces"
  /// The prompt up to the last block marked with cache_control (Anthropic prompt caching);
  /// 0 bytes when nothing is marked.
  std::size_t cache_prefix_bytes = 0;
  std::uint64_t cache_prefix_hash = 0;

  /// The rough prompt size real servers would report: bytes / 4, at least 1.
  int prompt_tokens() const;
};

/// A prompt containing this marker asks for a judge verdict instead of an answer.
inline constexpr std::string_view kJudgeMarker = "LLMROUTE-JUDGE";

struct ParsedRequest {
  SimRequest request;
  std::string error;  ///< non-empty: the body is not JSON or lacks a required field
};

/// Reads `body` as the request shape of `endpoint`. `parser` is reused across requests.
ParsedRequest parse_sim_request(Endpoint endpoint, std::string_view body, simdjson::dom::parser& parser);

}  // namespace llmroute::simulator
