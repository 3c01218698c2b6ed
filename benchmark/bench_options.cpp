// Parsing of `llmroute bench` options.
#include "benchmark/bench_options.hpp"

#include <charconv>
#include <sstream>
#include <string_view>

namespace llmroute::benchmark {

const char* const kBenchUsage = R"(usage: llmroute bench --models LIST [options]
       llmroute bench --resume [options]

Sends every task of the suite to every model, streaming, through the configured backends (as the
proxy does), and stores per (task, model): TTFT, total time, tokens, tokens/s, cost, truncation
(finish_reason length), reasoning tokens, the judges' 0/1/2 scores and the functional checks passed.
Results go to the records database (tables bench_runs, bench_results), where `llmroute report` reads them.

  --models LIST        models to benchmark, comma-separated: backend/model or model names (required for a new run)
  --tasks DIR          task suite directory (default: tasks/suite, here or next to the binary)
  --only LIST          this invocation works only on these task ids or categories, comma-separated
                       (not remembered: a resumed run covers the whole suite unless --only is given again)
  --judges LIST        judge models, comma-separated, or none (default: the config's judging.judges); each scores
                       every answer 0/1/2 for correctness, completeness and clarity against the task's expected
                       capabilities (policies/ absolute protocol); quality = 0.40/0.35/0.25 weighted mean
  --concurrency N      pairs in flight at once (default 1: concurrent runs on one box distort its timings)
  --resume             continue the latest run (or --run ID): finished pairs are neither re-run nor re-billed;
                       an answered but unjudged pair is judged and checked from its stored answer
  --run ID             the new run's id (default: bench-YYYYMMDD-HHMMSS), or the run --resume continues
  --config FILE        config file (default: config/default.yaml, else /etc/llmroute/config.yaml)
  --db FILE            records database (default: the config's records.path)
  --out FILE           also write the run's results and per-model summary as JSON to FILE
  --rules FILE         classifier rules the proxy state loads (default: as `llmroute serve`)
  --help               this text

Progress goes to stderr (a bar with ETA on a terminal, one line per finished pair otherwise); the
per-model summary to stdout. Interrupt at any time and continue with --resume.
Exit status: 0 every pair finished, 1 some pairs failed (run --resume to retry them), the database could not be
opened or refused a write, the first one included (its directory missing or not writable, its file deleted or
replaced, the disk full, an I/O error: the bench stops then) or the --out FILE could not be written at the end (the
results stay in the database), 2 usage or config error.
)";

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

std::optional<BenchOptions> parse_bench_options(int argc, const char* const* argv, std::string& error) {
  BenchOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      continue;
    }
    if (arg == "--resume") {
      options.resume = true;
      continue;
    }
    const bool takes_value = arg == "--models" || arg == "--tasks" || arg == "--only" || arg == "--judges" ||
                             arg == "--concurrency" || arg == "--run" || arg == "--config" || arg == "--db" ||
                             arg == "--out" || arg == "--rules";
    if (!takes_value) {
      error = "unexpected argument '" + std::string(arg) + "'";
      return std::nullopt;
    }
    if (i + 1 >= argc) {
      error = std::string(arg) + " needs a value";
      return std::nullopt;
    }
    const std::string value = argv[++i];
    if (arg == "--models") options.models = split_list(value);
    else if (arg == "--tasks") options.tasks_dir = value;
    else if (arg == "--only") options.only = split_list(value);
    else if (arg == "--judges") options.judges = value == "none" ? std::vector<std::string>{} : split_list(value);
    else if (arg == "--run") options.run_id = value;
    else if (arg == "--config") options.config_path = value;
    else if (arg == "--db") options.db_path = value;
    else if (arg == "--out") options.out_path = value;
    else if (arg == "--rules") options.rules_path = value;
    else {
      std::size_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || end != value.data() + value.size() || n < 1 || n > 64) {
        error = "--concurrency expects a number from 1 to 64, got '" + value + "'";
        return std::nullopt;
      }
      options.concurrency = n;
    }
  }
  if (!options.help && !options.resume && options.models.empty()) {
    error = "a new run needs --models (or --resume to continue the last run)";
    return std::nullopt;
  }
  return options;
}

}  // namespace llmroute::benchmark
