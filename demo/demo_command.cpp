// `llmroute demo`: two simulators, the proxy between them, a minute of real-shaped traffic, then the report.
#include "demo/demo_command.hpp"

#include "config/config_loader.hpp"
#include "config/startup_file.hpp"
#include "demo/demo_config.hpp"
#include "demo/judging_wait.hpp"
#include "demo/subprocess.hpp"
#include "demo/traffic_driver.hpp"
#include "demo/workload.hpp"
#include "report/renderers.hpp"
#include "report/report_loader.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

namespace llmroute::demo {

namespace {

constexpr std::string_view kUsage = R"(usage: llmroute demo [options]
Shows what llmroute does in under a minute, with nothing but this binary: starts a simulated local box and a
simulated cloud (two `llmroute simulate` processes with different speeds and prices), starts `llmroute serve`
between them with config/coop.yaml's split, sends requests taken from the labelled set of real Claude Code,
aider (via litellm), Codex and Continue traffic (streamed and not, every task kind), then prints the text
report and writes the HTML report. Meanwhile some task kinds are shadowed on an alternate model and two
simulated judges score each pair; the report's shadow section shows their verdicts.

options:
  --requests N       requests to send (default 150)
  --seconds N        start no request after N seconds (default 50)
  --judge-seconds N  after the traffic, wait at most N seconds for shadows and judges to finish (default 60)
  --concurrency N    requests in flight at once (default 6)
  --tasks DIR        the labelled request set (default tasks/classification)
  --dir DIR          where the config, records database and logs go (default llmroute-demo)
  --out FILE         the HTML report (default report.html)
  --seed N           which requests are picked (default 1)
  --help             this text
exit status: 0 done, 1 a server failed or no request was answered, 2 usage errors
)";

struct DemoOptions {
  std::size_t requests = 150;
  std::size_t seconds = 50;
  std::size_t judge_seconds = 60;
  std::size_t concurrency = 6;
  std::filesystem::path tasks = "tasks/classification";
  std::filesystem::path dir = "llmroute-demo";
  std::filesystem::path out = "report.html";
  std::uint64_t seed = 1;
};

std::optional<std::uint64_t> parse_count(std::string_view text, std::uint64_t min, std::uint64_t max) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) return std::nullopt;
  return value;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "llmroute demo: %s\n(see llmroute demo --help)\n", message.c_str());
  return 2;
}

int failure(const std::string& message) {
  std::fprintf(stderr, "llmroute demo: %s\n", message.c_str());
  return 1;
}

/// "[#########...........]  45/150 requests  12.3 s", redrawn in place on a terminal; on anything else one
/// line per tenth of the work, so logs stay short.
class ProgressBar {
 public:
  explicit ProgressBar(bool terminal) : terminal_(terminal) {}

  void update(std::size_t done, std::size_t total, std::chrono::milliseconds elapsed) {
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = total == 0 ? kWidth : done * kWidth / total;
    const std::size_t tenth = total == 0 ? 10 : done * 10 / total;
    if (!terminal_ && tenth == last_tenth_ && done != total) return;
    last_tenth_ = tenth;
    char line[160];
    std::snprintf(line, sizeof line, "[%s%s] %3zu/%zu requests  %.1f s", std::string(filled, '#').c_str(),
                  std::string(kWidth - filled, '.').c_str(), done, total, static_cast<double>(elapsed.count()) / 1000);
    if (terminal_) std::fprintf(stderr, "\r%s", line);
    else if (line != last_line_) std::fprintf(stderr, "%s\n", line);
    last_line_ = line;
  }
  void finish() {
    if (terminal_) std::fputc('\n', stderr);
  }

 private:
  bool terminal_;
  std::size_t last_tenth_ = 11;
  std::string last_line_;
};

/// Starts one simulator and waits for its port.
std::uint16_t start_simulator(std::optional<Subprocess>& process, const std::filesystem::path& dir,
                              const std::string& name, std::vector<std::string> profile) {
  const std::filesystem::path port_file = dir / (name + ".port");
  std::filesystem::remove(port_file);
  std::vector<std::string> args = {"simulate", "--listen", "127.0.0.1:0", "--port-file", port_file.string(), "--name", name};
  args.insert(args.end(), profile.begin(), profile.end());
  process.emplace(args, dir / (name + ".out"), dir / (name + ".err"));
  const auto port = wait_for_port(port_file, "", *process, std::chrono::seconds(20));
  if (!port) throw std::runtime_error("the " + name + " simulator did not start; see " + (dir / (name + ".err")).string());
  return *port;
}

int run(const DemoOptions& o) {
  std::filesystem::create_directories(o.dir);
  const std::filesystem::path db = o.dir / "records.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
  const std::vector<WorkloadRequest> workload = load_workload(o.tasks, o.requests, o.seed);

  // The local box: a fast mid-size coder model; the cloud: quicker first tokens, priced per token.
  std::optional<Subprocess> local_sim;
  std::optional<Subprocess> cloud_sim;
  DemoPorts ports;
  ports.local = start_simulator(local_sim, o.dir, "local", {"--ttft-ms", "400", "--tokens-per-second", "60", "--tokens", "80", "--seed", "1"});
  ports.cloud = start_simulator(cloud_sim, o.dir, "cloud", {"--ttft-ms", "200", "--tokens-per-second", "110", "--tokens", "80", "--seed", "2"});

  const std::filesystem::path config_path = o.dir / "demo.yaml";
  {
    std::ofstream config(config_path);
    config << demo_config_yaml(ports, db.string());
  }
  Subprocess proxy({"serve", "--config", config_path.string(), "--listen", "127.0.0.1:0"}, o.dir / "serve.out",
                   o.dir / "serve.err");
  const auto proxy_port = wait_for_port(o.dir / "serve.out", "llmroute listening on 127.0.0.1:", proxy, std::chrono::seconds(20));
  if (!proxy_port) return failure("llmroute serve did not start; see " + (o.dir / "serve.err").string());

  std::fprintf(stderr,
               "llmroute demo: local simulator on :%u, cloud simulator on :%u, llmroute on :%u (config %s)\n"
               "sending %zu requests shaped like Claude Code, aider, Continue and Codex traffic, %zu at a time\n",
               ports.local, ports.cloud, *proxy_port, config_path.c_str(), workload.size(), o.concurrency);
  ProgressBar bar(isatty(STDERR_FILENO) != 0);
  DriveOptions drive_options;
  drive_options.port = *proxy_port;
  drive_options.concurrency = o.concurrency;
  drive_options.time_limit = std::chrono::seconds(o.seconds);
  drive_options.progress = [&bar](std::size_t done, std::size_t total, std::chrono::milliseconds elapsed) {
    bar.update(done, total, elapsed);
  };
  const DriveResult driven = drive(workload, drive_options);
  bar.finish();
  std::string statuses;
  for (const auto& [status, n] : driven.by_status) statuses += " " + std::to_string(n) + "×" + std::to_string(status);
  std::fprintf(stderr, "answered %zu of %zu (status%s), %zu without an answer\n", driven.answered, driven.sent,
               statuses.c_str(), driven.transport_failures);

  // Shadows finish after their primaries and judges after their shadows: wait for both, so the report has the
  // verdicts. Whatever is left at the deadline stays queued in the database and shows as waiting.
  const bool terminal = isatty(STDERR_FILENO) != 0;
  const auto line_of = [](const JudgingProgress& p) {
    char line[200];
    std::snprintf(line, sizeof line, "shadows: %llu started%s, %llu running; judges: %llu pairs scored, %llu waiting",
                  static_cast<unsigned long long>(p.shadows_started),
                  p.shadows_skipped.empty() ? "" : (" (not started: " + p.shadows_skipped + ")").c_str(),
                  static_cast<unsigned long long>(p.shadows_running), static_cast<unsigned long long>(p.pairs_done),
                  static_cast<unsigned long long>(p.pairs_pending));
    return std::string(line);
  };
  const auto redraw = [&](const JudgingProgress& p) {
    if (terminal) std::fprintf(stderr, "\r%-120s", line_of(p).c_str());
  };
  const JudgingProgress judging = wait_for_judging(*proxy_port, db, std::chrono::seconds(o.judge_seconds), redraw);
  std::fprintf(stderr, "%s%s%s\n", terminal ? "\r" : "", line_of(judging).c_str(),
               judging.settled() ? "" : (" (stopped waiting after " + std::to_string(o.judge_seconds) + " s)").c_str());

  // A graceful stop drains the record writer, so the report below sees every request.
  const int proxy_exit = proxy.stop(std::chrono::seconds(20));
  local_sim.reset();
  cloud_sim.reset();
  if (proxy_exit != 0) return failure("llmroute serve exited with " + std::to_string(proxy_exit) + "; see " + (o.dir / "serve.err").string());
  if (driven.answered == 0) return failure("no request was answered; see " + (o.dir / "serve.err").string());

  const config::ConfigPtr config = config::load_config_file(config_path.string());
  const report::LoadedReport loaded = report::load_report(*config, std::nullopt, std::nullopt);
  if (!loaded.report) return failure(loaded.error);
  std::cout << "\n" << report::render_text(*loaded.report) << std::flush;
  std::ofstream html(o.out, std::ios::binary | std::ios::trunc);
  html << report::render_html(*loaded.report);
  html.close();
  if (!html) return failure("cannot write " + o.out.string());
  std::fprintf(stderr,
               "\nThe economics extrapolate these seconds of back-to-back traffic to a month, so they come out large;\n"
               "over real traffic, `llmroute report --since 30d` gives the month itself.\n"
               "HTML report: %s (open it in a browser; `llmroute report --config %s` reads the same records)\n",
               o.out.c_str(), config_path.c_str());
  return 0;
}

}  // namespace

int run_demo_command(int argc, char** argv) {
  DemoOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
      return 0;
    }
    static constexpr std::string_view kOptions[] = {"--requests", "--seconds", "--judge-seconds", "--concurrency",
                                                    "--seed", "--tasks", "--dir", "--out"};
    if (std::find(std::begin(kOptions), std::end(kOptions), arg) == std::end(kOptions))
      return usage_error("unknown option '" + std::string(arg) + "'");
    if (i + 1 >= argc) return usage_error(std::string(arg) + " needs a value");
    const std::string value = argv[++i];
    if (arg == "--requests" || arg == "--seconds" || arg == "--judge-seconds" || arg == "--concurrency" || arg == "--seed") {
      const auto n = parse_count(value, arg == "--seed" || arg == "--judge-seconds" ? 0 : 1, arg == "--concurrency" ? 64 : 1'000'000);
      if (!n) return usage_error(std::string(arg) + " expects a whole number in range, not '" + value + "'");
      if (arg == "--requests") o.requests = *n;
      else if (arg == "--seconds") o.seconds = *n;
      else if (arg == "--judge-seconds") o.judge_seconds = *n;
      else if (arg == "--concurrency") o.concurrency = *n;
      else o.seed = *n;
    } else if (arg == "--tasks") {
      o.tasks = value;
    } else if (arg == "--dir") {
      o.dir = value;
    } else {  // --out, the last of kOptions
      o.out = value;
    }
  }
  // Mistakes in the paths are found before a minute of traffic, not after it.
  if (const std::string problem = config::output_file_problem(o.out.string()); !problem.empty())
    return usage_error("--out " + o.out.string() + ": " + problem);
  std::error_code ec;
  if (!std::filesystem::is_directory(o.tasks, ec))
    return usage_error("--tasks " + o.tasks.string() + ": not a directory (run the demo from the repository, or pass --tasks DIR with the labelled set)");
  if (std::filesystem::create_directories(o.dir, ec); ec)
    return usage_error("--dir " + o.dir.string() + ": cannot create the directory: " + ec.message());
  try {
    return run(o);
  } catch (const std::exception& e) {
    return failure(e.what());
  }
}

}  // namespace llmroute::demo
