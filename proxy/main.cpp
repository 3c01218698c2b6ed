// llmroute's command line: dispatches to the subcommands (serve, simulate, classify, report, ...).
#include "demo/demo_command.hpp"
#include "policies/review_command.hpp"
#include "proxy/bench_command.hpp"
#include "policies/keys_command.hpp"
#include "proxy/serve_command.hpp"
#include "report/report_command.hpp"
#include "router/classify_command.hpp"
#include "router/route_command.hpp"
#include "simulator/simulate_command.hpp"

#include <cstdio>
#include <string_view>

namespace {

constexpr const char* kUsage = R"(usage: llmroute <command> [options]

commands:
  serve          run the routing proxy (default config: config/default.yaml)
  simulate       run a simulated model server (OpenAI/Anthropic/Responses APIs) for tests and demos
  classify       the task kind of a request body (--jsonl: many, --eval DIR: accuracy on the labelled set)
  route          show where a request would be routed and why (--explain: the whole trace)
  report         the split report over the records: per task kind, user and model, savings, co-op economics
  check-config   validate a config file
  keys           `keys new NAME`: a fresh API key for a co-op member and its config entry
  demo           a one-minute tour: simulated local box and cloud, real-shaped traffic, then the report
  bench          benchmark configured models on the task suite (speed, cost, judged quality, functional checks)
  review         the human review queue of shadow pairs the judges disagreed on
Run `llmroute <command> --help` for a command's options.
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h") {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string_view command = argv[1];
  if (command == "serve") return llmroute::proxy::run_serve_command(argc - 1, argv + 1);
  if (command == "simulate") return llmroute::simulator::run_simulate_command(argc - 1, argv + 1);
  if (command == "classify") return llmroute::router::run_classify_command(argc - 1, argv + 1);
  if (command == "route") return llmroute::router::run_route_command(argc - 1, argv + 1);
  if (command == "report") return llmroute::report::run_report_command(argc - 1, argv + 1);
  if (command == "demo") return llmroute::demo::run_demo_command(argc - 1, argv + 1);
  if (command == "keys") return llmroute::policies::run_keys_command(argc - 1, argv + 1);
  if (command == "check-config") return llmroute::proxy::run_check_config_command(argc - 1, argv + 1);
  if (command == "bench") return llmroute::proxy::run_bench_command(argc - 1, argv + 1);
  if (command == "review") return llmroute::policies::run_review_command(argc - 1, argv + 1);
  std::fprintf(stderr, "llmroute: unknown command '%s'\n\n%s", argv[1], kUsage);
  return 2;
}
