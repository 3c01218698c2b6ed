// Command-line options of `llmroute simulate`, the fault kinds, and their parsing.
#include "simulator/sim_options.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace llmroute::simulator {
namespace {

constexpr std::array<std::pair<Fault, std::string_view>, 12> kFaultNames{{
    {Fault::none, "none"},
    {Fault::refuse, "refuse"},
    {Fault::unauthorized, "401"},
    {Fault::forbidden, "403"},
    {Fault::too_many_requests, "429"},
    {Fault::server_error, "500"},
    {Fault::unavailable, "503"},
    {Fault::overloaded, "overloaded"},
    {Fault::stall_headers, "stall-headers"},
    {Fault::stall_mid, "stall-mid"},
    {Fault::die_mid, "die-mid"},
    {Fault::malformed, "malformed"},
}};

constexpr std::string_view kUsage = R"(usage: llmroute simulate [options]

A deterministic stand-in for Ollama / llama.cpp / vLLM / cloud model servers, for tests,
benchmarks and demos. Speaks OpenAI chat completions and legacy completions, Anthropic
Messages and the OpenAI Responses API, streaming and not, with the real servers' shapes.

Options:
  --listen HOST:PORT         address to listen on (default 127.0.0.1:11434; port 0 = any free port)
  --port-file PATH           write the bound port to PATH once listening
  --ttft-ms N                delay before the first token (default 50)
  --tokens-per-second N      token rate (default 50; 0 = no delay between tokens)
  --chunk-interval-ms N      fixed gap between tokens instead of a rate
  --tokens N                 answer length in tokens (default 32)
  --usage on|off             report token usage (default on)
  --think N                  start answers with a think block of N tokens
  --model-name NAME[,NAME]   models listed by /v1/models (default sim-model); any model is accepted
  --seed N                   seed of the answer text (default 0); same seed + prompt = same answer
  --name NAME                shown as "[NAME]" at the start of every answer and in x-sim-name
  --quality good|poor        poor answers are half as long and contain the marker [sim-mistake]
  --judge-prefers A|B|longer|tie
                             the winner judge-mode verdicts name (default longer)
  --fault KIND               inject KIND into every request except /sim/* (see below)
  --idle-timeout-ms N        close keep-alive connections idle this long (default 0 = never)
  --threads N                I/O threads (default 1)
  --help                     this text

Endpoints:
  POST /v1/chat/completions, /v1/completions    OpenAI (chat.completion[.chunk], text_completion)
  POST /v1/messages                             Anthropic Messages (message_start ... message_stop)
  POST /v1/messages/count_tokens                -> {"input_tokens":N}
  POST /v1/responses                            OpenAI Responses (response.created ... completed)
  POST /tokenize                                llama.cpp: {"content":"..."} -> {"tokens":[...]}
  GET /v1/models   GET /health, /v1/health
  GET /sim/stats  -> {"requests","open_connections","connections_accepted","tcp_accepts",
                      "active_streams","by_path","faults","last_request":{method,target,headers,body}}
                     Only connections that carried a request outside /sim/* are counted, so asking
                     for stats does not disturb the numbers; /sim/* requests are not counted either,
                     and health and model probes do not replace last_request.
  POST /sim/reset -> zero the counters and forget the last request.

Timing: headers are sent as soon as the request is read; the first event (role and first token)
after the TTFT, then one event per token. Non-streaming answers arrive after the whole
generation time. Chat usage is streamed only when the request sets stream_options.include_usage.
Prompt tokens are estimated as bytes / 4 of the prompt text.

Per-request overrides, as headers "x-sim-KEY: VALUE" or as model suffixes "MODEL+KEY=VALUE"
(e.g. "sim-model+fault=429+tokens=5"; the model is echoed back without the suffix; headers win):
  ttft-ms, tokens, tokens-per-second, chunk-interval-ms, usage (on|off), think (N),
  reasoning-field (1 = the think block goes to delta.reasoning_content / a thinking block /
                   a reasoning item instead of inline <think> text, and counts as reasoning tokens),
  timings (1 = llama.cpp "timings" object on chat and completions), quality (good|poor),
  ignore-stream (1 = answer a request with "stream": true by one JSON body, as some
                 OpenAI-compatible servers do),
  fault (KIND), judge (A|B|longer|tie|malformed),
  tool-ids (any|mistral|vllm-mistral: a chat request whose tool_calls[].id or tool_call_id is not
            exactly 9 characters of a-z, A-Z, 0-9 gets 400 "Tool call id was ID but must be ...", as
            mistral-common answers; vllm-mistral first cuts ids longer than 9 to their last 9, as vLLM's
            --tokenizer-mode mistral does. Either way chat tool calls answered carry 9-character ids),
  script (comma list of text|tool per turn; turn = assistant messages so far; past the end: text.
          "tool" answers with a call of the request's first tool when the request has tools,
          its first required parameter set to "README.md" (or 1, or true))

max_tokens / max_completion_tokens / max_output_tokens cut the answer: finish_reason "length",
stop_reason "max_tokens", or status "incomplete".

"stop" (Chat and legacy completions: a string or a list) ends a prose answer before the first stop
string it contains, as vLLM does: finish_reason "stop" and "stop_reason" naming the string (null
on every answer no stop string ended).

Prompt caching (Anthropic): the prompt up to the last block with cache_control is reported as
cache_creation_input_tokens the first time it is seen and as cache_read_input_tokens afterwards.

Judge mode: a prompt containing LLMROUTE-JUDGE gets a verdict instead of an answer:
  {"winner":"A"|"B"|"tie","scores":{"A":{"correctness":0-2,"completeness":0-2,"clarity":0-2},
   "B":{...}},"reason":"..."}
  The answers are read from <answer_a>...</answer_a> and <answer_b>...</answer_b>, or else from
  just after "Answer A" to the line with "Answer B", and from just after "Answer B" to the end.
  The winner scores 2/2/2, the loser 1/1/2 (a tie: both 2/2/2); an answer containing
  [sim-mistake] scores correctness 0. "longer" picks the longer answer. judge=malformed sends
  the verdict cut off mid-JSON. A judge prompt with a single <answer>...</answer> (and no A/B) gets an
  absolute verdict: {"scores":{"correctness","completeness","clarity"},"reason":"..."}, 2/2/2, or
  0/1/1 for an answer containing [sim-mistake].

Fault kinds: refuse (close after reading the request), 401 (the key is wrong), 403 (the key
  lacks permission for the model), 429 (Retry-After: 2), 500, 503, overloaded (529, Anthropic
  overloaded_error), stall-headers (send nothing), stall-mid (a few events, then nothing),
  die-mid (a few events, then close without ending the body), malformed (one event that is not
  JSON, then continue), none. Errors are shaped for the endpoint
  (OpenAI {"error":{...}} or Anthropic {"type":"error","error":{...}}). On health and model
  probes only the faults that replace the answer apply.

SIGTERM / SIGINT exit 0.
)";

bool parse_on_off(std::string_view text, bool& out) {
  if (text == "on") {
    out = true;
    return true;
  }
  if (text == "off") {
    out = false;
    return true;
  }
  return false;
}

}  // namespace

std::optional<Fault> parse_fault(std::string_view text) {
  for (const auto& [fault, name] : kFaultNames) {
    if (name == text) return fault;
  }
  return std::nullopt;
}

std::string_view fault_name(Fault fault) {
  for (const auto& [candidate, name] : kFaultNames) {
    if (candidate == fault) return name;
  }
  return "none";
}

std::optional<JudgePreference> parse_judge_preference(std::string_view text) {
  if (text == "A" || text == "a") return JudgePreference::a;
  if (text == "B" || text == "b") return JudgePreference::b;
  if (text == "longer") return JudgePreference::longer;
  if (text == "tie") return JudgePreference::tie;
  return std::nullopt;
}

std::chrono::microseconds token_interval(double tokens_per_second,
                                         std::optional<std::chrono::milliseconds> chunk_interval) {
  if (chunk_interval) return *chunk_interval;
  if (tokens_per_second <= 0) return std::chrono::microseconds{0};
  return std::chrono::microseconds{static_cast<long long>(std::llround(1'000'000.0 / tokens_per_second))};
}

std::optional<long long> parse_integer(std::string_view text, long long min, long long max) {
  long long value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc{} || result.ptr != text.data() + text.size()) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

std::optional<double> parse_decimal(std::string_view text, double min, double max) {
  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc{} || result.ptr != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value) || value < min || value > max) return std::nullopt;
  return value;
}

/// Every option but --help takes a value: a lone unknown flag is reported as unknown, not as lacking one.
constexpr std::array<std::string_view, 16> kValueOptions{
    "--listen", "--port-file", "--ttft-ms", "--tokens-per-second", "--chunk-interval-ms", "--tokens",
    "--usage", "--think", "--model-name", "--seed", "--name", "--quality", "--judge-prefers", "--fault",
    "--idle-timeout-ms", "--threads"};

std::string_view sim_usage() { return kUsage; }

ParsedOptions parse_sim_options(int argc, char** argv) {
  ParsedOptions parsed;
  SimOptions& options = parsed.options;
  auto fail = [&parsed](std::string message) {
    parsed.error = std::move(message);
    return parsed;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      parsed.help = true;
      return parsed;
    }
    if (i + 1 >= argc) {
      const bool known = std::find(kValueOptions.begin(), kValueOptions.end(), flag) != kValueOptions.end();
      return fail((known ? "option " + std::string(flag) + " needs a value" : "unknown option " + std::string(flag)) + " (see --help)");
    }
    const std::string_view value = argv[++i];
    const auto bad_value = [&] { return fail("invalid value '" + std::string(value) + "' for " + std::string(flag)); };
    if (flag == "--listen") {
      const auto colon = value.rfind(':');
      if (colon == std::string_view::npos || colon == 0) return bad_value();
      const auto port = parse_integer(value.substr(colon + 1), 0, 65535);
      if (!port) return bad_value();
      std::string_view host = value.substr(0, colon);
      if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
      options.listen_host = std::string(host);
      options.listen_port = static_cast<std::uint16_t>(*port);
    } else if (flag == "--ttft-ms") {
      const auto ms = parse_integer(value, 0, 3'600'000);
      if (!ms) return bad_value();
      options.ttft = std::chrono::milliseconds{*ms};
    } else if (flag == "--tokens-per-second") {
      const auto rate = parse_decimal(value, 0, 1e9);
      if (!rate) return bad_value();
      options.tokens_per_second = *rate;
    } else if (flag == "--chunk-interval-ms") {
      const auto ms = parse_integer(value, 0, 3'600'000);
      if (!ms) return bad_value();
      options.chunk_interval = std::chrono::milliseconds{*ms};
    } else if (flag == "--tokens") {
      const auto tokens = parse_integer(value, 0, 10'000'000);
      if (!tokens) return bad_value();
      options.tokens = static_cast<int>(*tokens);
    } else if (flag == "--usage") {
      if (!parse_on_off(value, options.usage)) return bad_value();
    } else if (flag == "--think") {
      const auto tokens = parse_integer(value, 0, 10'000'000);
      if (!tokens) return bad_value();
      options.think_tokens = static_cast<int>(*tokens);
    } else if (flag == "--model-name") {
      options.model_names.clear();
      std::string_view rest = value;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto name = rest.substr(0, comma);
        if (!name.empty()) options.model_names.emplace_back(name);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
      if (options.model_names.empty()) return bad_value();
    } else if (flag == "--seed") {
      const auto seed = parse_integer(value, 0, INT64_MAX);
      if (!seed) return bad_value();
      options.seed = static_cast<std::uint64_t>(*seed);
    } else if (flag == "--name") {
      options.name = std::string(value);
    } else if (flag == "--quality") {
      if (value == "good") {
        options.quality = Quality::good;
      } else if (value == "poor") {
        options.quality = Quality::poor;
      } else {
        return bad_value();
      }
    } else if (flag == "--port-file") {
      options.port_file = std::filesystem::path(value);
    } else if (flag == "--threads") {
      const auto threads = parse_integer(value, 1, 256);
      if (!threads) return bad_value();
      options.threads = static_cast<int>(*threads);
    } else if (flag == "--fault") {
      const auto fault = parse_fault(value);
      if (!fault) return bad_value();
      options.fault = *fault;
    } else if (flag == "--idle-timeout-ms") {
      const auto ms = parse_integer(value, 0, 86'400'000);
      if (!ms) return bad_value();
      options.idle_timeout = std::chrono::milliseconds{*ms};
    } else if (flag == "--judge-prefers") {
      const auto preference = parse_judge_preference(value);
      if (!preference) return bad_value();
      options.judge_prefers = *preference;
    } else {
      return fail("unknown option " + std::string(flag) + " (see --help)");
    }
  }
  return parsed;
}

}  // namespace llmroute::simulator
