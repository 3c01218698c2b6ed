// `llmroute simulate`: runs the model-server simulator until SIGTERM or SIGINT.
#include "simulator/simulate_command.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "simulator/sim_options.hpp"
#include "simulator/sim_server.hpp"

namespace llmroute::simulator {
namespace {

/// Thousands of concurrent streams need thousands of descriptors; the soft limit is often 1024.
void raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

/// Writes the port to a temporary file and renames it, so a reader never sees a partial number. Why it could not
/// (the reason of the operating system), or empty.
std::string write_port_file(const std::filesystem::path& path, std::uint16_t port) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    if (!out) return std::strerror(errno);
    out << port << '\n';
    if (!out.flush()) return std::strerror(errno);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  return ec ? ec.message() : std::string();
}

}  // namespace

int run_simulate_command(int argc, char** argv) {
  const ParsedOptions parsed = parse_sim_options(argc, argv);
  if (parsed.help) {
    std::fwrite(sim_usage().data(), 1, sim_usage().size(), stdout);
    return 0;
  }
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "llmroute simulate: %s\n", parsed.error.c_str());
    return 2;
  }
  const SimOptions& options = parsed.options;
  raise_file_limit();

  std::optional<SimServer> server;
  try {
    server.emplace(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "llmroute simulate: cannot listen on %s:%u: %s\n", options.listen_host.c_str(),
                 static_cast<unsigned>(options.listen_port), e.what());
    return 1;
  }
  const auto port = server->port();
  // The port file is the signal that the simulator is ready, so everything it says at start comes before it: a
  // script that reads stdout once the file appears finds the "listening" line there.
  std::printf("llmroute simulate listening on %s:%u\n", options.listen_host.c_str(), static_cast<unsigned>(port));
  std::fflush(stdout);
  if (!options.port_file.empty())
    if (const std::string why = write_port_file(options.port_file, port); !why.empty()) {
      std::fprintf(stderr, "llmroute simulate: --port-file %s: cannot write it: %s\n", options.port_file.c_str(), why.c_str());
      return 2;
    }
  server->run();
  return 0;
}

}  // namespace llmroute::simulator
