// llmroute's command line: dispatches to the subcommands (serve, simulate, classify, report, ...).
#include <cstdio>
#include <string_view>

#include "simulator/simulate_command.hpp"

int main(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) == "--help") {
    std::puts("usage: llmroute <serve|simulate|check-config> [options]");
    return argc < 2 ? 2 : 0;
  }
  if (std::string_view(argv[1]) == "simulate") return llmroute::simulator::run_simulate_command(argc - 1, argv + 1);
  std::fprintf(stderr, "llmroute: unknown command '%s'\n", argv[1]);
  return 2;
}
