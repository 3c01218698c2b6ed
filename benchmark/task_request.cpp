// Task prompts as Chat Completions bodies, and answers split into visible text and reasoning.
#include "benchmark/task_request.hpp"

#include "benchmark/code_block.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace llmroute::benchmark {

namespace {

// The content of every <think> block (an unterminated one runs to the end).
std::string think_content(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t open = text.find("<think>", pos);
    if (open == std::string_view::npos) break;
    const std::size_t from = open + std::string_view("<think>").size();
    const std::size_t close = text.find("</think>", from);
    out.append(text.substr(from, close == std::string_view::npos ? std::string_view::npos : close - from));
    if (close == std::string_view::npos) break;
    pos = close + std::string_view("</think>").size();
  }
  return out;
}

}  // namespace

std::string task_request_body(const tasks::Task& task) {
  return boost::json::serialize(boost::json::object{
      {"model", "bench"},
      {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", task.prompt}}}},
      {"max_tokens", task.max_tokens},
  });
}

AnswerParts split_answer(std::string_view text, std::string_view reasoning, const records::Usage& usage) {
  AnswerParts parts;
  parts.answer = strip_think_blocks(text);
  parts.reasoning = std::string(reasoning) + think_content(text);
  if (usage.reasoning > 0 || parts.reasoning.empty()) {
    parts.reasoning_tokens = usage.reasoning;
    return parts;
  }
  const double share = static_cast<double>(parts.reasoning.size()) /
                       static_cast<double>(parts.reasoning.size() + parts.answer.size());
  parts.reasoning_tokens = static_cast<std::uint64_t>(std::llround(share * static_cast<double>(usage.output)));
  parts.reasoning_estimated = true;
  return parts;
}

}  // namespace llmroute::benchmark
