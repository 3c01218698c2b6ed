// The deterministic token sequence of one answer: text, think block, or a scripted tool call.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/request_knobs.hpp"
#include "simulator/sim_options.hpp"
#include "simulator/sim_request.hpp"

namespace llmroute::simulator {

enum class PieceKind { reasoning, content, tool_arguments };

/// One token as it goes on the wire: its text is already JSON-escaped (no quotes), so encoders
/// paste it between a prebuilt prefix and suffix without touching the heap.
struct Piece {
  PieceKind kind = PieceKind::content;
  std::string_view text;
};

enum class FinishReason { stop, length, tool_calls };

/// The call a tool-turn answer makes.
struct ToolCall {
  std::string id_suffix;       ///< random part of the id; encoders add call_ / toolu_ / fc_
  bool mistral_id = false;     ///< a Chat answer's id is the suffix's first 9 characters, as vLLM's Mistral parser makes them
  std::string name;            ///< as the request spelled it (not escaped)
  std::string arguments_json;  ///< the whole arguments object, e.g. {"path":"README.md"}
};

/// A complete answer, decided before the first byte is sent.
struct Answer {
  std::vector<Piece> pieces;
  FinishReason finish = FinishReason::stop;
  int completion_tokens = 0;
  int reasoning_tokens = 0;
  std::optional<ToolCall> tool_call;
  std::string stop_sequence;  ///< the stop string that ended the answer (not escaped); empty when none did
  std::deque<std::string> owned;  ///< text of non-static pieces; a deque never moves its strings

  /// The concatenated (still escaped) text of every piece of `kind`.
  std::string joined(PieceKind kind) const;
};

/// The inputs an answer depends on; the same spec always yields the same answer.
struct AnswerSpec {
  int tokens = 0;
  int think_tokens = 0;
  ThinkStyle think_style = ThinkStyle::tags;
  Quality quality = Quality::good;
  std::optional<int> max_tokens;
  std::uint64_t seed = 0;
  std::string_view name;  ///< shown as "[name] " at the start of the answer when not empty
  std::span<const std::string> stop;  ///< stop strings (OpenAI's "stop"): a prose answer ends before the first
};

/// A prose-and-code answer of `spec.tokens` tokens (half for poor quality, which also carries
/// the marker "[sim-mistake]"), after a think block of `spec.think_tokens`, cut at max_tokens, or as vLLM
/// does before the first of `spec.stop` it contains when that comes within max_tokens: the stop string and
/// what follows are not sent, the tokens up to its end are counted, and stop_sequence names it.
Answer build_text_answer(const AnswerSpec& spec);

/// A call of `tool` whose arguments object arrives in three pieces, after any think block.
Answer build_tool_call_answer(const ToolSpec& tool, const AnswerSpec& spec);

/// An answer whose content is `text` verbatim (e.g. a judge verdict), cut into pieces of about
/// four bytes that never split a UTF-8 character, after any think block, cut at max_tokens.
Answer build_verbatim_answer(std::string_view text, const AnswerSpec& spec);

/// The marker every poor-quality answer contains.
inline constexpr std::string_view kMistakeMarker = "[sim-mistake]";

}  // namespace llmroute::simulator
