// Functional checks: the answer's code runs in a temporary directory, step by step, without stdin or network.
#pragma once

#include "tasks/task.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmroute::benchmark {

/// How the checked programs are kept off the network.
enum class NetworkIsolation {
  network_namespace,  ///< `unshare -rn`: a network namespace with only a downed loopback
  environment_only,   ///< no namespace available: only proxy variables are kept out of the environment
};

struct StepOutcome {
  std::string name;
  bool passed = false;
  std::string detail;  ///< why it failed (exit status, timeout, missing output, the last stderr line); empty on success
};

/// How many steps of one check passed. Steps after one that timed out are not run and count as failed.
struct CheckOutcome {
  int passed = 0;
  int total = 0;
  std::vector<StepOutcome> steps;
  std::string problem;  ///< set when no step could run (no code block, no temporary directory)
};

/// The outcome as JSON: {"passed","total","problem","steps":[{"name","passed","detail"}]}.
std::string to_json(const CheckOutcome& outcome);

class Sandbox {
 public:
  /// Finds the Python interpreter (the real sys.executable behind `python3` on PATH) and whether
  /// `unshare -rn` works here. nullopt, with `error` saying why, when there is no usable python3.
  static std::optional<Sandbox> detect(std::string& error);

  /// Writes the answer's code block to the check's file (beside its support files) in a fresh temporary
  /// directory, runs every step with the check's timeout, and removes the directory.
  CheckOutcome run(const tasks::FunctionalCheck& check, std::string_view answer) const;

  NetworkIsolation isolation() const { return isolation_; }
  /// One line for the bench's log, e.g. "python /usr/bin/python3.11, network namespace (unshare -rn)".
  std::string describe() const;

 private:
  Sandbox(std::string python, std::string unshare, NetworkIsolation isolation, std::string why);

  std::string python_;
  std::string unshare_;  // empty without a namespace
  NetworkIsolation isolation_;
  std::string why_;      // why there is no namespace
};

}  // namespace llmroute::benchmark
