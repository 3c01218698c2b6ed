// Aho-Corasick automaton with a dense transition table over the bytes the patterns use.
#include "router/keyword_matcher.hpp"

#include <queue>
#include <stdexcept>

namespace llmroute::router {

std::uint32_t KeywordMatcher::add(std::string_view pattern) {
  if (patterns_.size() >= kMaxPatterns) throw std::length_error("more than 16384 keyword patterns");
  Pattern p;
  if (!pattern.empty() && pattern.front() == '*') {
    p.boundary_before = false;
    pattern.remove_prefix(1);
  }
  if (!pattern.empty() && pattern.back() == '*') {
    p.boundary_after = false;
    pattern.remove_suffix(1);
  }
  p.text = std::string(pattern);
  // A boundary only means something next to a word character ("/review" may follow anything).
  if (!p.text.empty() && !is_word_byte(static_cast<unsigned char>(p.text.front()))) p.boundary_before = false;
  if (!p.text.empty() && !is_word_byte(static_cast<unsigned char>(p.text.back()))) p.boundary_after = false;
  patterns_.push_back(std::move(p));
  return static_cast<std::uint32_t>(patterns_.size() - 1);
}

void KeywordMatcher::build() {
  for (auto& c : class_of_) c = 0;
  classes_ = 1;
  for (const Pattern& p : patterns_) {
    for (unsigned char c : p.text) {
      if (class_of_[c] == 0 && classes_ < 255) class_of_[c] = static_cast<std::uint8_t>(classes_++);
    }
  }
  for (int c = 0; c < 256; ++c) {
    class_of_lowercase_[c] = class_of_[lowercase_byte(static_cast<unsigned char>(c))];
    class_after_c3_[c] = class_of_[lowercase_after_c3(static_cast<unsigned char>(c))];
  }
  // Trie with goto edges (0 = none; the root is state 0 and never a target).
  std::vector<std::uint32_t> trie(classes_, 0);
  std::vector<std::vector<std::uint32_t>> ends(1);
  for (std::uint32_t id = 0; id < patterns_.size(); ++id) {
    std::uint32_t state = 0;
    for (unsigned char c : patterns_[id].text) {
      std::uint32_t& edge = trie[state * classes_ + class_of_[c]];
      if (edge == 0) {
        edge = static_cast<std::uint32_t>(ends.size());
        ends.emplace_back();
        trie.resize(trie.size() + classes_, 0);
      }
      state = trie[state * classes_ + class_of_[c]];
    }
    if (!patterns_[id].text.empty()) ends[state].push_back(id);
  }
  const std::size_t states = ends.size();
  std::vector<std::uint32_t> fail(states, 0);
  next_ = trie;
  std::queue<std::uint32_t> queue;
  for (std::uint32_t c = 0; c < classes_; ++c) {
    if (next_[c] != 0) queue.push(next_[c]);
  }
  std::vector<std::uint32_t> order;
  while (!queue.empty()) {
    std::uint32_t state = queue.front();
    queue.pop();
    order.push_back(state);
    for (std::uint32_t c = 0; c < classes_; ++c) {
      std::uint32_t child = trie[state * classes_ + c];
      if (child != 0) {
        fail[child] = next_[fail[state] * classes_ + c];
        queue.push(child);
        next_[state * classes_ + c] = child;
      } else {
        next_[state * classes_ + c] = next_[fail[state] * classes_ + c];
      }
    }
  }
  // Outputs in BFS order so a state's failure target is complete before the state copies it.
  std::vector<std::vector<std::uint32_t>> outs = ends;
  for (std::uint32_t state : order) {
    const auto& inherited = outs[fail[state]];
    outs[state].insert(outs[state].end(), inherited.begin(), inherited.end());
  }
  output_begin_.assign(states + 1, 0);
  outputs_.clear();
  for (std::size_t s = 0; s < states; ++s) {
    output_begin_[s] = static_cast<std::uint32_t>(outputs_.size());
    outputs_.insert(outputs_.end(), outs[s].begin(), outs[s].end());
  }
  output_begin_[states] = static_cast<std::uint32_t>(outputs_.size());
  // Entries become the target's row offset, shifted left once, with bit 0 set when the target
  // has outputs: a step is then one load and no multiply, and most steps stop at a bit test.
  if (states * classes_ * 2 > 0xFFFFFFFFu) throw std::length_error("keyword automaton too large");
  for (std::uint32_t& entry : next_) {
    const std::uint32_t target = entry;
    entry = (target * classes_) << 1 | (outs[target].empty() ? 0u : 1u);
  }
}

}  // namespace llmroute::router
