// The command line of `llmroute bench`, parsed into a plain struct (no I/O, so it is tested directly).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::benchmark {

struct BenchOptions {
  std::string config_path;                ///< empty: the serve command's default
  std::string tasks_dir;                  ///< empty: tasks/suite, here or next to the binary (or the resumed run's)
  std::vector<std::string> models;        ///< backend/model or model names; empty: the resumed run's
  std::optional<std::vector<std::string>> judges;  ///< unset: the config's judging.judges (or the resumed run's); empty: none
  std::vector<std::string> only;          ///< task ids or categories to keep; empty: every task
  std::size_t concurrency = 1;            ///< pairs in flight at once
  bool resume = false;
  std::string run_id;                     ///< names a new run, or the run to resume; empty: generated / the latest
  std::string db_path;                    ///< empty: the config's records.path
  std::string out_path;                   ///< also write the run's results as JSON here
  std::string rules_path;                 ///< classifier rules (the proxy state loads them); empty: the default
  bool help = false;
};

/// The --help text.
extern const char* const kBenchUsage;

/// Parses `llmroute bench` arguments (argv[0] is "bench"). Returns nullopt with `error` set on a usage error.
std::optional<BenchOptions> parse_bench_options(int argc, const char* const* argv, std::string& error);

/// "a,b,,c" -> {"a","b","c"}.
std::vector<std::string> split_list(const std::string& text);

}  // namespace llmroute::benchmark
