// The user's own words in a prompt (pasted code, diffs and traces left out) and the shape of what they ask.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace llmroute::router {

/// What the classifier's keywords read, and the sentence-level structure rules may test.
struct Prose {
  std::string text;  ///< the prompt without fenced blocks, inline `code`, quotations and pasted code, diff and trace lines
  std::uint32_t words = 0;       ///< words in `text`
  std::uint32_t numbers = 0;     ///< numbers in `text`: words that start with a digit ("4", "99.9%") or number words ("three")
  bool question = false;         ///< the prose ends with '?' or opens with an interrogative ("why", "how", "vad")
  std::uint32_t list_items = 0;  ///< most items in one enumeration ("model, service and tests" = 3; bullets count)
  std::uint32_t paths = 0;       ///< file paths the user names in `text` (not those of pasted code or diffs)
};

/// The prose of a lowercase prompt. Pasted code says little about what the user asks for, and its
/// identifiers ("list", "format", "error") would otherwise vote; structure counts still see it.
Prose prose_of(std::string_view lowercase_prompt);

}  // namespace llmroute::router
