// The prompts the judges get: pairwise (a task and two answers) and absolute (a task, what it expects, one answer).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmroute::policies {

/// A judged answer: its text and, for an agentic turn, the tool calls it proposes.
struct JudgedAnswer {
  std::string text;
  std::string tool_calls;  ///< JSON array `[{"id","name","arguments"}]` as in ShadowAnswer; empty: none
};

/// One judge request: a system message with the rubric and the reply format, and a user message with the case.
struct JudgePrompt {
  std::string system;
  std::string user;
};

/// Both prompts contain this marker (the simulator answers such prompts with a verdict, not prose).
inline constexpr std::string_view kJudgeMarker = "LLMROUTE-JUDGE";

/// How an answer reads to a judge: its text, then each proposed tool call as
/// "Proposed action: call tool NAME with arguments ARGS" (a tool-call turn is judged on that action).
std::string render_answer(const JudgedAnswer& answer);

/// The tools a request offered (name: description), one per line, from an OpenAI Chat Completions body;
/// empty when it offered none or the body is not JSON. A judge of a tool-call turn needs to know them.
std::string offered_tools(std::string_view chat_completions_body);

/// The pairwise prompt: `task` (the conversation as text), `tools` (offered_tools), `first` shown as
/// answer A and `second` as answer B, inside <answer_a>…</answer_a> and <answer_b>…</answer_b>. The
/// reply asked for is strict JSON: {"winner":"A"|"B"|"tie","scores":{"A":{…},"B":{…}},"reason":"…"}.
JudgePrompt pairwise_prompt(std::string_view task, std::string_view tools, const JudgedAnswer& first,
                            const JudgedAnswer& second);

/// The absolute prompt: `task`, the capabilities the task expects (one per item), and one answer inside
/// <answer>…</answer>. The reply asked for: {"scores":{"correctness","completeness","clarity"},"reason":"…"}.
JudgePrompt absolute_prompt(std::string_view task, const std::vector<std::string>& expected_capabilities,
                            const JudgedAnswer& answer);

/// The user message as an OpenAI Chat Completions body (without `model`, which the caller sets):
/// system + user messages, temperature 0, `max_tokens`.
std::string judge_request_body(const JudgePrompt& prompt, std::uint32_t max_tokens);

}  // namespace llmroute::policies
