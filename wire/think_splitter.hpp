// Separates a leading <think>…</think> section of streamed text into reasoning, across any split.
#pragma once

#include <string>
#include <string_view>

namespace llmroute::wire {

/// Receives what the splitter separated.
class ThinkSink {
 public:
  virtual ~ThinkSink() = default;
  virtual void on_text(std::string_view text) = 0;
  virtual void on_reasoning(std::string_view text) = 0;
};

/// Only a `<think>` that opens the content (after optional whitespace) counts; later tags are
/// plain text. Holds back at most a tag's length of bytes while a tag might be forming.
class ThinkSplitter {
 public:
  void feed(std::string_view text, ThinkSink& sink);
  /// End of content: releases what was held back.
  void flush(ThinkSink& sink);

 private:
  enum class State { detecting, thinking, after_think, text };
  State state_ = State::detecting;
  std::string held_;
};

}  // namespace llmroute::wire
