// Per-request answer settings: the command-line defaults overridden by model suffixes and x-sim-* headers.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simulator/sim_options.hpp"

namespace llmroute::simulator {

/// What the assistant does on one turn of a scripted conversation.
enum class TurnBehaviour { text, tool };

/// Where a think block goes: inline as `<think>…</think>` text, or in a separate reasoning field.
enum class ThinkStyle { tags, field };

/// Which tool-call ids a chat request may carry: any; Mistral's rule (exactly 9 characters of [a-zA-Z0-9])
/// as mistral-common checks it (Mistral's API, the v3 chat templates); or vLLM's `--tokenizer-mode mistral`,
/// which first cuts an id longer than 9 to its last 9 characters and then checks the rule.
enum class ToolIdRule { any, mistral, vllm_mistral };

/// The settings that shape one answer.
struct RequestKnobs {
  std::chrono::milliseconds ttft{0};
  std::chrono::microseconds interval{0};
  int tokens = 0;
  bool usage = true;
  int think_tokens = 0;
  ThinkStyle think_style = ThinkStyle::tags;
  bool timings = false;
  bool ignore_stream = false;  ///< answer a streamed request with one JSON body, as some OpenAI-compatible servers do
  ToolIdRule tool_ids = ToolIdRule::any;  ///< other ids get a 400; a Mistral rule's answers carry 9-character ids
  Quality quality = Quality::good;
  Fault fault = Fault::none;
  std::vector<TurnBehaviour> script;
  std::optional<JudgePreference> judge_prefers;
  bool judge_malformed = false;
};

/// One `KEY=VALUE` override; KEY is the header name without its `x-sim-` prefix.
struct KnobSetting {
  std::string key;
  std::string value;
};

/// A requested model split into the model proper and its `+KEY=VALUE` suffixes.
struct ModelSuffix {
  std::string model;
  std::vector<KnobSetting> settings;
};

/// Splits "sim-model+fault=429+tokens=5" into "sim-model" and {fault=429, tokens=5}.
ModelSuffix split_model_suffix(std::string_view requested_model);

/// Applies `settings` in order (later ones win) on top of the command-line defaults.
/// Returns an error message naming the first unknown key or invalid value.
struct ResolvedKnobs {
  RequestKnobs knobs;
  std::string error;
};
ResolvedKnobs resolve_knobs(const SimOptions& options, const std::vector<KnobSetting>& settings);

/// The 400 message a server with `rule` answers for the first of `ids` it refuses (mistral-common's words, with
/// the id as it checked it); empty when it takes them all.
std::string refused_tool_id(ToolIdRule rule, const std::vector<std::string>& ids);

/// The behaviour scripted for `turn` (0-based); text when the script is shorter.
TurnBehaviour behaviour_for_turn(const RequestKnobs& knobs, int turn);

}  // namespace llmroute::simulator
