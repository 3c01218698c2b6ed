// Per-request answer settings: the command-line defaults overridden by model suffixes and x-sim-* headers.
#include "simulator/request_knobs.hpp"

namespace llmroute::simulator {
namespace {

std::optional<bool> parse_flag(std::string_view text) {
  if (text == "1" || text == "on" || text == "true") return true;
  if (text == "0" || text == "off" || text == "false") return false;
  return std::nullopt;
}

std::optional<std::vector<TurnBehaviour>> parse_script(std::string_view text) {
  std::vector<TurnBehaviour> script;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "text") {
      script.push_back(TurnBehaviour::text);
    } else if (item == "tool") {
      script.push_back(TurnBehaviour::tool);
    } else {
      return std::nullopt;
    }
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return script;
}

/// Applies one setting; false when the key is unknown or the value invalid.
bool apply(RequestKnobs& knobs, double& rate, std::optional<std::chrono::milliseconds>& chunk_interval,
           const KnobSetting& setting) {
  const std::string_view key = setting.key;
  const std::string_view value = setting.value;
  if (key == "ttft-ms") {
    const auto ms = parse_integer(value, 0, 3'600'000);
    if (!ms) return false;
    knobs.ttft = std::chrono::milliseconds{*ms};
  } else if (key == "tokens") {
    const auto tokens = parse_integer(value, 0, 10'000'000);
    if (!tokens) return false;
    knobs.tokens = static_cast<int>(*tokens);
  } else if (key == "tokens-per-second") {
    const auto parsed = parse_decimal(value, 0, 1e9);
    if (!parsed) return false;
    rate = *parsed;
    chunk_interval.reset();
  } else if (key == "chunk-interval-ms") {
    const auto ms = parse_integer(value, 0, 3'600'000);
    if (!ms) return false;
    chunk_interval = std::chrono::milliseconds{*ms};
  } else if (key == "usage") {
    const auto flag = parse_flag(value);
    if (!flag) return false;
    knobs.usage = *flag;
  } else if (key == "think") {
    const auto tokens = parse_integer(value, 0, 10'000'000);
    if (!tokens) return false;
    knobs.think_tokens = static_cast<int>(*tokens);
  } else if (key == "reasoning-field") {
    const auto flag = parse_flag(value);
    if (!flag) return false;
    knobs.think_style = *flag ? ThinkStyle::field : ThinkStyle::tags;
  } else if (key == "timings") {
    const auto flag = parse_flag(value);
    if (!flag) return false;
    knobs.timings = *flag;
  } else if (key == "ignore-stream") {
    const auto flag = parse_flag(value);
    if (!flag) return false;
    knobs.ignore_stream = *flag;
  } else if (key == "quality") {
    if (value == "good") {
      knobs.quality = Quality::good;
    } else if (value == "poor") {
      knobs.quality = Quality::poor;
    } else {
      return false;
    }
  } else if (key == "tool-ids") {
    if (value == "any") {
      knobs.tool_ids = ToolIdRule::any;
    } else if (value == "mistral") {
      knobs.tool_ids = ToolIdRule::mistral;
    } else if (value == "vllm-mistral") {
      knobs.tool_ids = ToolIdRule::vllm_mistral;
    } else {
      return false;
    }
  } else if (key == "fault") {
    const auto fault = parse_fault(value);
    if (!fault) return false;
    knobs.fault = *fault;
  } else if (key == "script") {
    auto script = parse_script(value);
    if (!script) return false;
    knobs.script = std::move(*script);
  } else if (key == "judge") {
    if (value == "malformed") {
      knobs.judge_malformed = true;
    } else {
      const auto preference = parse_judge_preference(value);
      if (!preference) return false;
      knobs.judge_prefers = *preference;
    }
  } else {
    return false;
  }
  return true;
}

}  // namespace

ModelSuffix split_model_suffix(std::string_view requested_model) {
  ModelSuffix result;
  const auto plus = requested_model.find('+');
  result.model = std::string(requested_model.substr(0, plus));
  if (plus == std::string_view::npos) return result;
  std::string_view rest = requested_model.substr(plus + 1);
  while (!rest.empty()) {
    const auto next = rest.find('+');
    const std::string_view item = rest.substr(0, next);
    const auto equals = item.find('=');
    if (equals == std::string_view::npos) {
      result.settings.push_back({std::string(item), std::string{}});
    } else {
      result.settings.push_back({std::string(item.substr(0, equals)), std::string(item.substr(equals + 1))});
    }
    rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
  }
  return result;
}

ResolvedKnobs resolve_knobs(const SimOptions& options, const std::vector<KnobSetting>& settings) {
  ResolvedKnobs resolved;
  RequestKnobs& knobs = resolved.knobs;
  knobs.ttft = options.ttft;
  knobs.tokens = options.tokens;
  knobs.usage = options.usage;
  knobs.think_tokens = options.think_tokens;
  knobs.quality = options.quality;
  knobs.fault = options.fault;
  double rate = options.tokens_per_second;
  std::optional<std::chrono::milliseconds> chunk_interval = options.chunk_interval;
  for (const auto& setting : settings) {
    if (!apply(knobs, rate, chunk_interval, setting)) {
      resolved.error = "invalid simulator setting '" + setting.key + "=" + setting.value + "'";
      return resolved;
    }
  }
  knobs.interval = token_interval(rate, chunk_interval);
  return resolved;
}

std::string refused_tool_id(ToolIdRule rule, const std::vector<std::string>& ids) {
  if (rule == ToolIdRule::any) return {};
  for (std::string_view id : ids) {
    // vllm/tokenizers/mistral.py truncate_tool_call_ids(): "Truncating tool call ID ... to id[-9:]".
    if (rule == ToolIdRule::vllm_mistral && id.size() > 9) id.remove_prefix(id.size() - 9);
    bool valid = id.size() == 9;
    for (const char c : id) valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    if (!valid) return "Tool call id was " + std::string(id) + " but must be a-z, A-Z, 0-9, with a length of 9.";
  }
  return {};
}

TurnBehaviour behaviour_for_turn(const RequestKnobs& knobs, int turn) {
  if (turn < 0 || static_cast<std::size_t>(turn) >= knobs.script.size()) return TurnBehaviour::text;
  return knobs.script[static_cast<std::size_t>(turn)];
}

}  // namespace llmroute::simulator
