// Incremental <think> tag separation for Chat backends that leave reasoning in the content.
#include "wire/think_splitter.hpp"

#include <algorithm>

namespace llmroute::wire {

namespace {

constexpr std::string_view kOpen = "<think>";
constexpr std::string_view kClose = "</think>";

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

/// Length of the longest suffix of `text` that is a proper prefix of `tag`.
std::size_t partial_tag_suffix(std::string_view text, std::string_view tag) {
  for (std::size_t n = std::min(text.size(), tag.size() - 1); n > 0; --n) {
    if (text.substr(text.size() - n) == tag.substr(0, n)) return n;
  }
  return 0;
}

}  // namespace

void ThinkSplitter::feed(std::string_view text, ThinkSink& sink) {
  while (!text.empty()) {
    switch (state_) {
      case State::text:
        sink.on_text(text);
        return;
      case State::detecting: {
        held_.append(text);
        text = {};
        std::string_view view(held_);
        const auto first = view.find_first_not_of(" \n\r\t");
        if (first == std::string_view::npos) return;
        const auto rest = view.substr(first);
        if (rest.size() < kOpen.size() && kOpen.starts_with(rest)) return;
        if (rest.starts_with(kOpen)) {
          std::string remainder(rest.substr(kOpen.size()));
          held_.clear();
          state_ = State::thinking;
          feed(remainder, sink);
          return;
        }
        state_ = State::text;
        std::string all;
        all.swap(held_);
        sink.on_text(all);
        return;
      }
      case State::thinking: {
        held_.append(text);
        text = {};
        std::string_view view(held_);
        const auto close = view.find(kClose);
        if (close != std::string_view::npos) {
          if (close > 0) sink.on_reasoning(view.substr(0, close));
          std::string remainder(view.substr(close + kClose.size()));
          held_.clear();
          state_ = State::after_think;
          feed(remainder, sink);
          return;
        }
        const auto keep = partial_tag_suffix(view, kClose);
        if (view.size() > keep) sink.on_reasoning(view.substr(0, view.size() - keep));
        held_.erase(0, held_.size() - keep);
        return;
      }
      case State::after_think: {
        // Models put a blank line between the reasoning and the answer; it is not part of either.
        std::size_t skip = 0;
        while (skip < text.size() && is_space(text[skip])) ++skip;
        text.remove_prefix(skip);
        if (text.empty()) return;
        state_ = State::text;
        break;
      }
    }
  }
}

void ThinkSplitter::flush(ThinkSink& sink) {
  if (held_.empty()) return;
  std::string held;
  held.swap(held_);
  if (state_ == State::thinking) {
    sink.on_reasoning(held);
  } else {
    sink.on_text(held);
  }
}

}  // namespace llmroute::wire
