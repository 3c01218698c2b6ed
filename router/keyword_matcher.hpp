// Finds many keywords in a text in one pass (Aho-Corasick over bytes), with optional word boundaries.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "router/text_stats.hpp"

namespace llmroute::router {

/// A set of lowercase keywords matched together. A pattern must sit on word boundaries unless it
/// starts or ends with `*`, which lets the match run into the rest of a word ("refactor*" finds
/// "refactoring"). Build once at startup; matching is read-only and thread-safe.
class KeywordMatcher {
 public:
  /// Adds a pattern and returns its id (dense, from 0). Call before build(). Throws
  /// std::length_error past kMaxPatterns (startup only).
  std::uint32_t add(std::string_view pattern);

  /// Freezes the patterns into the matching automaton.
  void build();

  std::size_t size() const { return patterns_.size(); }

  /// Most patterns one matcher holds: find() keeps one bit per pattern on the stack to report each once.
  static constexpr std::size_t kMaxPatterns = 16384;

  /// Calls `on_hit(id, offset)` once for each pattern found in `lowercase_text`, with the offset of its
  /// first occurrence, in the order those occurrences end. Touches nothing per pattern that is absent.
  template <typename OnHit>
  void find(std::string_view lowercase_text, OnHit&& on_hit) const {
    scan<false>(lowercase_text, on_hit);
  }

  /// find() on lowercase(text) (text_stats.hpp), lowercasing as it reads instead of copying the text.
  template <typename OnHit>
  void find_lowercased(std::string_view text, OnHit&& on_hit) const {
    scan<true>(text, on_hit);
  }

 private:
  template <bool kLowercase, typename OnHit>
  void scan(std::string_view text, OnHit& on_hit) const;

  static constexpr std::array<bool, 256> kWordBytes = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c) {
      table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
    }
    return table;
  }();
  static bool is_word_byte(unsigned char c) { return kWordBytes[c]; }

  struct Pattern {
    std::string text;
    bool boundary_before = true;
    bool boundary_after = true;
  };

  std::uint32_t classes_ = 1;                 ///< byte classes; 0 = a byte no pattern contains
  std::uint8_t class_of_[256] = {};
  std::uint8_t class_of_lowercase_[256] = {};  ///< class_of_[lowercase_byte(c)]
  std::uint8_t class_after_c3_[256] = {};      ///< class_of_[lowercase_after_c3(c)]
  std::vector<std::uint32_t> next_;           ///< state * classes_ + class -> (target * classes_) << 1 | has outputs
  std::vector<std::uint32_t> output_begin_;   ///< per state, range into outputs_
  std::vector<std::uint32_t> outputs_;        ///< pattern ids ending at each state (suffixes included)
  std::vector<Pattern> patterns_;
};

// Word boundaries read the text's own bytes: lowercasing keeps a byte a word byte or not.
template <bool kLowercase, typename OnHit>
void KeywordMatcher::scan(std::string_view text, OnHit& on_hit) const {
  if (next_.empty()) return;
  std::array<std::uint64_t, kMaxPatterns / 64> seen;  // only the first (size() + 63) / 64 words are used
  for (std::size_t w = 0; w < (patterns_.size() + 63) / 64; ++w) seen[w] = 0;
  std::uint32_t row = 0;  // the current state * classes_
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  [[maybe_unused]] bool after_c3 = false;  // the byte before was a 0xC3 lead (lowercase() maps its continuation)
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = bytes[i];
    std::uint8_t byte_class = class_of_[c];
    if constexpr (kLowercase) {
      byte_class = after_c3 ? class_after_c3_[c] : class_of_lowercase_[c];
      after_c3 = !after_c3 && c == 0xC3;
    }
    const std::uint32_t entry = next_[row + byte_class];
    row = entry >> 1;
    if ((entry & 1) == 0) continue;
    const std::uint32_t state = row / classes_;
    std::uint32_t begin = output_begin_[state];
    std::uint32_t end = output_begin_[state + 1];
    for (std::uint32_t k = begin; k < end; ++k) {
      std::uint32_t id = outputs_[k];
      std::uint64_t bit = std::uint64_t{1} << (id % 64);
      if (seen[id / 64] & bit) continue;
      const Pattern& p = patterns_[id];
      std::size_t start = i + 1 - p.text.size();
      if (p.boundary_before && start > 0 && is_word_byte(bytes[start - 1])) continue;
      if (p.boundary_after && i + 1 < text.size() && is_word_byte(bytes[i + 1])) continue;
      seen[id / 64] |= bit;
      on_hit(id, static_cast<std::uint32_t>(start));
    }
  }
}

}  // namespace llmroute::router
