// Finds many keywords in a text in one pass (Aho-Corasick over bytes), with optional word boundaries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmroute::router {

/// A set of lowercase keywords matched together. A pattern must sit on word boundaries unless it
/// starts or ends with `*`, which lets the match run into the rest of a word ("refactor*" finds
/// "refactoring"). Build once at startup; matching is read-only and thread-safe.
class KeywordMatcher {
 public:
  /// Adds a pattern and returns its id (dense, from 0). Call before build().
  std::uint32_t add(std::string_view pattern);

  /// Freezes the patterns into the matching automaton.
  void build();

  std::size_t size() const { return patterns_.size(); }

  /// For each pattern found in `lowercase_text`, records the offset of its first occurrence in
  /// `first_offset[id]` (resized to size(); kNotFound where absent).
  void find(std::string_view lowercase_text, std::vector<std::uint32_t>& first_offset) const;

  static constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;

 private:
  struct Pattern {
    std::string text;
    bool boundary_before = true;
    bool boundary_after = true;
  };

  std::uint32_t classes_ = 1;                 ///< byte classes; 0 = a byte no pattern contains
  std::uint8_t class_of_[256] = {};
  std::vector<std::uint32_t> next_;           ///< state * classes_ + class -> state
  std::vector<std::uint32_t> output_begin_;   ///< per state, range into outputs_
  std::vector<std::uint32_t> outputs_;        ///< pattern ids ending at each state (suffixes included)
  std::vector<Pattern> patterns_;
};

}  // namespace llmroute::router
