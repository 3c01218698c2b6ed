// `llmroute report`: options, window, format, output file.
#include "report/report_command.hpp"

#include "config/config_loader.hpp"
#include "config/startup_file.hpp"
#include "report/renderers.hpp"
#include "report/report_loader.hpp"
#include "report/report_window.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

namespace llmroute::report {

namespace {

constexpr std::string_view kUsage = R"(usage: llmroute report [options]
The split report over the records database (records.path in the config): per task kind, per user and per
model, shadow verdicts with recommendations, and the co-op economics.

options:
  --config FILE        config naming the records database, prices and the local box's cost
                       (default: config/default.yaml, else /etc/llmroute/config.yaml)
  --since WHEN         only requests from WHEN on (default: the first record)
  --until WHEN         only requests before WHEN (default: up to the last record)
  --format FORMAT      text (default), markdown, json or html
  --out FILE           write to FILE instead of standard output
  --help               this text
WHEN is a date or time in UTC (2026-11-01, 2026-11-01T14:30, 2026-11-01 14:30:05Z) or a duration ago
(90m, 24h, 7d, 2w). Monthly figures extrapolate the window to 30.4 days. The JSON shape is documented in
docs/report-schema.json.
exit status: 0 written, 1 records unreadable or output not written, 2 usage or config errors (an --out FILE
that cannot be written is one, found before the records are read)
)";

std::string default_config_path() {
  for (const char* candidate : {"config/default.yaml", "/etc/llmroute/config.yaml"})
    if (std::ifstream(candidate)) return candidate;
  return "config/default.yaml";
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "llmroute report: %s\n(see llmroute report --help)\n", message.c_str());
  return 2;
}

}  // namespace

int run_report_command(int argc, char** argv) {
  std::string config_path = default_config_path();
  std::string format = "text";
  std::string out_path;
  std::optional<std::int64_t> since;
  std::optional<std::int64_t> until;
  const std::int64_t now = now_unix_ms();
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
      return 0;
    }
    if (arg != "--config" && arg != "--since" && arg != "--until" && arg != "--format" && arg != "--out")
      return usage_error("unknown option '" + std::string(arg) + "'");
    if (i + 1 >= argc) return usage_error(std::string(arg) + " needs a value");
    const std::string value = argv[++i];
    if (arg == "--config") {
      config_path = value;
    } else if (arg == "--format") {
      if (value != "text" && value != "markdown" && value != "json" && value != "html")
        return usage_error("--format must be text, markdown, json or html, not '" + value + "'");
      format = value;
    } else if (arg == "--out") {
      out_path = value;
    } else {
      const WhenResult when = parse_when(value, now);
      if (!when.unix_ms) return usage_error(std::string(arg) + ": " + when.error);
      (arg == "--since" ? since : until) = when.unix_ms;
    }
  }
  if (since && until && *until <= *since) return usage_error("--until must be later than --since");
  if (!out_path.empty())
    if (const std::string problem = config::output_file_problem(out_path); !problem.empty())
      return usage_error("--out " + out_path + ": " + problem);

  config::ConfigPtr config;
  try {
    config = config::load_config_file(config_path);
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  const LoadedReport loaded = load_report(*config, since, until);
  if (!loaded.report) {
    std::fprintf(stderr, "llmroute report: %s\n", loaded.error.c_str());
    return 1;
  }
  const Report& report = *loaded.report;
  const std::string document = format == "markdown" ? render_markdown(report)
                               : format == "json"   ? render_json(report)
                               : format == "html"   ? render_html(report)
                                                    : render_text(report);
  if (out_path.empty()) {
    std::cout << document << std::flush;
    return std::cout ? 0 : 1;
  }
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out << document;
  out.close();
  if (!out) {
    std::fprintf(stderr, "llmroute report: cannot write %s: %s\n", out_path.c_str(), std::strerror(errno));
    return 1;
  }
  return 0;
}

}  // namespace llmroute::report
