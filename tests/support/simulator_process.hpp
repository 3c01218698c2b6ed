// Test support: a `llmroute simulate` child process on a free loopback port.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace llmroute::test {

/// Starts `llmroute simulate --listen 127.0.0.1:0 --port-file … <extra_args>` and waits (with a
/// deadline) until it listens; stops it on destruction. Tests of other modules use it as a backend.
/// Its stderr goes to a file (stderr_text()), so that a test can scan what the simulator reported (the
/// sanitizers' findings, say); the destructor copies whatever it holds to the test's stderr.
class SimulatorProcess {
 public:
  explicit SimulatorProcess(std::vector<std::string> extra_args = {});
  ~SimulatorProcess();
  SimulatorProcess(const SimulatorProcess&) = delete;
  SimulatorProcess& operator=(const SimulatorProcess&) = delete;

  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:PORT", e.g. for a backend's base URL in a test config.
  std::string base_url() const;
  /// GET /sim/stats on a fresh connection (which the stats do not count).
  boost::json::object stats() const;
  /// POST /sim/reset: zero the counters between test steps.
  void reset_stats() const;
  /// What the simulator wrote to stderr so far.
  std::string stderr_text() const;
  ChildProcess& process() { return child_; }

 private:
  TempDir dir_;
  ChildProcess child_;
  std::uint16_t port_ = 0;
};

}  // namespace llmroute::test
