// Accuracy of a classifier on the labelled set (JSON Lines of {"label","path","headers","body"}).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "router/classifier.hpp"
#include "router/headers.hpp"

namespace llmroute::router {

/// One line of a labelled (or unlabelled) JSON Lines file, its body re-serialized as sent.
struct LabelledRequest {
  std::string label;  ///< empty when the line has none
  std::string path = "/v1/chat/completions";
  Headers headers;
  std::string body;
};

/// Parses one line; nullopt with `why` set when it is not a JSON object with a "body".
std::optional<LabelledRequest> parse_labelled_line(std::string_view line, std::string& why);

/// Which lines of each file take part: all, or those with an even or odd index (tune on one
/// half, report the other).
enum class Split { all, even, odd };

/// Counts of an evaluation; rows are the expected kind, columns the classified kind (kAllTaskKinds order).
struct Evaluation {
  std::array<std::array<std::size_t, kAllTaskKinds.size()>, kAllTaskKinds.size()> confusion{};
  std::size_t total = 0;
  std::size_t correct = 0;
  double seconds = 0;                ///< extract + classify, summed
  std::vector<std::string> misses;  ///< "file:line expected X got Y (rule)"

  double accuracy() const { return total == 0 ? 0 : static_cast<double>(correct) / static_cast<double>(total); }
  /// Accuracy, per-kind precision and recall, and the confusion matrix, as text.
  std::string report() const;
};

/// Classifies every labelled line of every *.jsonl file in `dir` (sorted by name).
/// nullopt with `error` set on an unreadable directory, a malformed line or an unknown label.
std::optional<Evaluation> evaluate_directory(const std::string& dir, const Classifier& classifier, Split split,
                                             std::string& error);

}  // namespace llmroute::router
