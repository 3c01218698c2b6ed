// Reassembles an answer's text, reasoning and tool calls from stream events, up to a byte cap.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "wire/completion.hpp"

namespace llmroute::wire {

/// The answer of one stream as output items (the same neutral form as a whole Completion), kept only
/// when someone asked for it (a sampled request, a model call): relaying never needs it.
class AnswerCollector {
 public:
  /// Keeps at most `max_bytes` of text, reasoning and tool arguments together; the rest is dropped
  /// and clipped() says so.
  explicit AnswerCollector(std::size_t max_bytes) : room_(max_bytes) {}

  void text(std::string_view delta);
  void reasoning(std::string_view delta);
  void tool_begin(std::size_t slot, std::string_view id, std::string_view name);
  void tool_arguments(std::size_t slot, std::string_view delta);

  const std::vector<OutputItem>& items() const { return items_; }
  bool clipped() const { return clipped_; }

 private:
  void append(ItemKind kind, std::string_view delta);
  std::string_view take(std::string_view delta);

  std::vector<OutputItem> items_;
  static constexpr std::size_t kNoItem = static_cast<std::size_t>(-1);
  std::vector<std::size_t> tool_item_;  ///< item index of each tool slot (kNoItem: not begun)
  std::size_t room_;
  bool clipped_ = false;
};

/// The items of a whole answer, kept up to `max_bytes` like a stream's.
AnswerCollector collect_items(const std::vector<OutputItem>& items, std::size_t max_bytes);

/// The text items of an answer, joined (reasoning excluded).
std::string answer_text(const std::vector<OutputItem>& items);
/// The reasoning items of an answer, joined.
std::string answer_reasoning(const std::vector<OutputItem>& items);
/// The tool calls of an answer as a JSON array `[{"id":…,"name":…,"arguments":…}]` (arguments as the
/// JSON value the model wrote, or as a string when it is not valid JSON); empty when there are none.
std::string tool_calls_json(const std::vector<OutputItem>& items);

}  // namespace llmroute::wire
