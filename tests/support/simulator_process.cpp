// Test support: a `llmroute simulate` child process on a free loopback port.
#include "support/simulator_process.hpp"

#include <stdexcept>

#include "support/http_client.hpp"

namespace llmroute::test {
namespace {

ChildProcessOptions simulator_options(const TempDir& dir, std::vector<std::string> extra_args) {
  ChildProcessOptions options;
  options.program = LLMROUTE_BINARY;
  options.args = {"simulate", "--listen", "127.0.0.1:0", "--port-file", (dir / "port").string()};
  options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
  options.stdout_path = dir / "stdout";
  return options;
}

}  // namespace

SimulatorProcess::SimulatorProcess(std::vector<std::string> extra_args)
    : child_(simulator_options(dir_, std::move(extra_args))),
      port_(wait_for_port_file(dir_ / "port", std::chrono::seconds(10), &child_)) {}

std::string SimulatorProcess::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

boost::json::object SimulatorProcess::stats() const {
  HttpClient client("127.0.0.1", port_);
  const auto response = client.get("/sim/stats");
  if (response.status != 200) throw std::runtime_error("GET /sim/stats failed");
  return response.json().as_object();
}

void SimulatorProcess::reset_stats() const {
  HttpClient client("127.0.0.1", port_);
  if (client.post_json("/sim/reset", "{}").status != 200) throw std::runtime_error("POST /sim/reset failed");
}

}  // namespace llmroute::test
