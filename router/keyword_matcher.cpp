// Aho-Corasick automaton with a dense transition table over the bytes the patterns use.
#include "router/keyword_matcher.hpp"

#include <queue>

namespace llmroute::router {

namespace {

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

}  // namespace

std::uint32_t KeywordMatcher::add(std::string_view pattern) {
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
}

void KeywordMatcher::find(std::string_view text, std::vector<std::uint32_t>& first_offset) const {
  first_offset.assign(patterns_.size(), kNotFound);
  if (next_.empty()) return;
  std::uint32_t state = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size(); ++i) {
    state = next_[state * classes_ + class_of_[bytes[i]]];
    std::uint32_t begin = output_begin_[state];
    std::uint32_t end = output_begin_[state + 1];
    for (std::uint32_t k = begin; k < end; ++k) {
      std::uint32_t id = outputs_[k];
      if (first_offset[id] != kNotFound) continue;
      const Pattern& p = patterns_[id];
      std::size_t start = i + 1 - p.text.size();
      if (p.boundary_before && start > 0 && is_word_byte(bytes[start - 1])) continue;
      if (p.boundary_after && i + 1 < text.size() && is_word_byte(bytes[i + 1])) continue;
      first_offset[id] = static_cast<std::uint32_t>(start);
    }
  }
}

}  // namespace llmroute::router
