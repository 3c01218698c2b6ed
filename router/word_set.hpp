// A fixed set of short words, looked up by comparing integers instead of strings.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace llmroute::router {

/// A compile-time set of words of 1 to 8 bytes (no NUL bytes). Each word is packed into one integer,
/// so a lookup is a length test and a binary search over N integers: no string compares, no calls.
template <std::size_t N>
class WordSet {
 public:
  consteval explicit WordSet(const std::array<std::string_view, N>& words) {
    for (std::size_t i = 0; i < N; ++i) {
      if (words[i].empty() || words[i].size() > 8) throw "a WordSet word has 1 to 8 bytes";
      keys_[i] = pack(words[i]);
      max_size_ = std::max(max_size_, words[i].size());
    }
    std::sort(keys_.begin(), keys_.end());
  }

  constexpr bool contains(std::string_view word) const {
    if (word.empty() || word.size() > max_size_) return false;
    return std::binary_search(keys_.begin(), keys_.end(), pack(word));
  }

 private:
  // Byte i of the word in bits 8i..8i+7. At run time a word of 4 to 8 bytes is two overlapping
  // 4-byte loads (little-endian hosts) instead of a loop over its bytes.
  static constexpr std::uint64_t pack(std::string_view word) {
    if constexpr (std::endian::native == std::endian::little) {
      if (!std::is_constant_evaluated() && word.size() >= 4) {
        std::uint32_t head = 0;
        std::uint32_t tail = 0;
        std::memcpy(&head, word.data(), 4);
        std::memcpy(&tail, word.data() + word.size() - 4, 4);
        return std::uint64_t{head} | std::uint64_t{tail} << (8 * (word.size() - 4));
      }
    }
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < word.size(); ++i) key |= std::uint64_t{static_cast<unsigned char>(word[i])} << (8 * i);
    return key;
  }

  std::array<std::uint64_t, N> keys_{};
  std::size_t max_size_ = 0;
};

}  // namespace llmroute::router
