// What the bench sends for a task, and how it reads the answer back (the <think> tax included).
#pragma once

#include "records/usage.hpp"
#include "tasks/task.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace llmroute::benchmark {

/// The OpenAI Chat Completions body of `task`: its prompt as the one user message and its max_tokens
/// (`model` and `stream` are set per call).
std::string task_request_body(const tasks::Task& task);

/// An answer split into what the user sees and what the model spent thinking.
struct AnswerParts {
  std::string answer;          ///< the text without <think> blocks
  std::string reasoning;       ///< reasoning sent apart, then the content of inline <think> blocks
  std::uint64_t reasoning_tokens = 0;
  bool reasoning_estimated = false;  ///< the backend did not count reasoning tokens; estimated from the text
};

/// Splits `text` (which may hold inline <think> blocks, as DeepSeek R1 on Ollama sends them) and counts the
/// reasoning tokens: as reported, or else the share of the output tokens that the reasoning text takes.
AnswerParts split_answer(std::string_view text, std::string_view reasoning, const records::Usage& usage);

}  // namespace llmroute::benchmark
