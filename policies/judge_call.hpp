// What the judging protocols ask of a caller: one judge call, and the reply it got. No I/O here.
#pragma once

#include "policies/judge_prompt.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace llmroute::policies {

/// A judge as the protocols know it: its `backend/model` name and its family (empty: unknown).
struct JudgeIdentity {
  std::string name;
  std::string family;
};

/// True when `judge_family` is known and equal to `candidate_family`: self-preference bias is likely.
bool same_family(std::string_view judge_family, std::string_view candidate_family);

/// In which order a pairwise call shows the two answers.
enum class Order { primary_first, shadow_first };
std::string_view to_string(Order order);  ///< "primary-first", "shadow-first"

/// One call a protocol wants made: which judge, which order (pairwise), which attempt, and the prompt.
struct JudgeCall {
  std::size_t judge = 0;                ///< index into the protocol's judges
  Order order = Order::primary_first;   ///< pairwise only
  std::uint32_t attempt = 0;            ///< 0: first ask; 1…: re-asks after invalid verdicts
  JudgePrompt prompt;
};

/// What one judge call brought back. A call that failed (backend down, 5xx, timeout) has `answered` false
/// and does not count as an attempt: the protocol asks the same call again later.
struct JudgeReply {
  bool answered = false;
  std::string text;     ///< the judge's reply text when answered
  std::string error;    ///< why the call failed, when it did
  double cost = 0;      ///< in the config's currency
  double latency_ms = 0;
  std::uint64_t input_tokens = 0;
  std::uint64_t output_tokens = 0;
};

}  // namespace llmroute::policies
