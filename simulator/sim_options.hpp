// Command-line options of `llmroute simulate`, the fault kinds, and their parsing.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmroute::simulator {

/// A misbehaviour injected into one answer (or every answer with `--fault`).
enum class Fault {
  none,
  refuse,             ///< read the request, close the connection without a byte
  unauthorized,       ///< 401: the key the proxy sent is wrong (a cloud API's "Incorrect API key")
  forbidden,          ///< 403: the key lacks permission for the model
  too_many_requests,  ///< 429 with Retry-After: 2
  server_error,       ///< 500
  unavailable,        ///< 503
  overloaded,         ///< 529 (Anthropic's overloaded_error)
  stall_headers,      ///< read the request, then send nothing until the client gives up
  stall_mid,          ///< headers and a few events, then nothing until the client gives up
  die_mid,            ///< headers and a few events, then close without the terminating chunk
  malformed,          ///< one event whose data is not JSON, then carry on normally
};

std::optional<Fault> parse_fault(std::string_view text);
std::string_view fault_name(Fault fault);

enum class Quality { good, poor };

/// Which answer a judge-mode reply declares the winner.
enum class JudgePreference { a, b, longer, tie };

std::optional<JudgePreference> parse_judge_preference(std::string_view text);

/// Everything `llmroute simulate` can be told on its command line; per-request headers override
/// the answer-shaping fields (see RequestKnobs).
struct SimOptions {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 11434;
  std::chrono::milliseconds ttft{50};
  double tokens_per_second = 50;
  std::optional<std::chrono::milliseconds> chunk_interval;
  int tokens = 32;
  bool usage = true;
  int think_tokens = 0;
  std::vector<std::string> model_names{"sim-model"};
  std::uint64_t seed = 0;
  std::string name;
  Quality quality = Quality::good;
  std::filesystem::path port_file;
  int threads = 1;
  Fault fault = Fault::none;
  std::chrono::milliseconds idle_timeout{0};
  JudgePreference judge_prefers = JudgePreference::longer;
};

/// The gap between two tokens implied by a rate (0 = no gap) or a fixed chunk interval.
std::chrono::microseconds token_interval(double tokens_per_second,
                                         std::optional<std::chrono::milliseconds> chunk_interval);

/// Outcome of parsing the command line: options, a request for help, or an error message.
struct ParsedOptions {
  SimOptions options;
  bool help = false;
  std::string error;
};

/// Parses the arguments after the word `simulate` (argv[0] is "simulate" and is skipped).
ParsedOptions parse_sim_options(int argc, char** argv);

/// The text `llmroute simulate --help` prints.
std::string_view sim_usage();

/// Strict integer parsing for options and headers: the whole text must be a number in range.
std::optional<long long> parse_integer(std::string_view text, long long min, long long max);
std::optional<double> parse_decimal(std::string_view text, double min, double max);

}  // namespace llmroute::simulator
