// Test support: a `llmroute simulate` child process on a free loopback port.
#include "support/simulator_process.hpp"

#include <cstdio>
#include <stdexcept>

#include "support/command_run.hpp"
#include "support/http_client.hpp"

namespace llmroute::test {
namespace {

ChildProcessOptions simulator_options(const TempDir& dir, std::vector<std::string> extra_args) {
  ChildProcessOptions options;
  options.program = LLMROUTE_BINARY;
  options.args = {"simulate", "--listen", "127.0.0.1:0", "--port-file", (dir / "port").string()};
  options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
  options.stdout_path = dir / "stdout";
  options.stderr_path = dir / "stderr";
  return options;
}

}  // namespace

SimulatorProcess::SimulatorProcess(std::vector<std::string> extra_args)
    : child_(simulator_options(dir_, std::move(extra_args))) {
  try {
    port_ = wait_for_port_file(dir_ / "port", std::chrono::seconds(10), &child_);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + "; stderr: " + stderr_text());
  }
}

SimulatorProcess::~SimulatorProcess() {
  // Stopped first, so that what it writes on its way out (a sanitizer's report at exit) is in the file.
  child_.stop();
  if (const std::string text = stderr_text(); !text.empty())
    std::fprintf(stderr, "llmroute simulate (port %u) wrote to stderr:\n%s", static_cast<unsigned>(port_), text.c_str());
}

std::string SimulatorProcess::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

boost::json::object SimulatorProcess::stats() const {
  HttpClient client("127.0.0.1", port_);
  const auto response = client.get("/sim/stats");
  if (response.status != 200) throw std::runtime_error("GET /sim/stats failed");
  return response.json().as_object();
}

std::string SimulatorProcess::stderr_text() const { return read_text_file(dir_ / "stderr"); }

void SimulatorProcess::reset_stats() const {
  HttpClient client("127.0.0.1", port_);
  if (client.post_json("/sim/reset", "{}").status != 200) throw std::runtime_error("POST /sim/reset failed");
}

}  // namespace llmroute::test
