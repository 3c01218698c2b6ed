// Test support: call_model (judges, shadows, `llmroute bench`) run to its end in the test's own process.
// Header only: only the suites that link the proxy library include it.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "config/config.hpp"
#include "proxy/model_call.hpp"
#include "proxy/server_state.hpp"

namespace llmroute::test {

/// A server state over `config` (the classifier rules of the source tree) and the io_context its calls run on.
struct ModelCallRunner {
  explicit ModelCallRunner(config::ConfigPtr config_in) : config(std::move(config_in)) { reset_state(); }

  /// A fresh server state: its backends read their API keys and trusted CAs from the environment as it is now.
  void reset_state() {
    state = std::make_unique<proxy::ServerState>(io, config, std::string(LLMROUTE_SOURCE_DIR) + "/router/rules.yaml");
  }

  /// Runs one call of `model` (a configured name) to its end, 20 seconds at most, and returns its result.
  proxy::ModelCallResult call(const std::string& model, std::string body, proxy::ModelCallOptions options) {
    const auto ref = config->find_model(model);
    REQUIRE(ref);
    std::optional<proxy::ModelCallResult> out;
    asio::co_spawn(io, proxy::call_model(state.get(), *ref, std::move(body), std::move(options)),
                   [&out](std::exception_ptr error, proxy::ModelCallResult result) {
                     if (error) std::rethrow_exception(error);
                     out = std::move(result);
                   });
    io.restart();
    io.run_for(std::chrono::seconds(20));
    REQUIRE(out);
    return std::move(*out);
  }

  asio::io_context io;
  config::ConfigPtr config;
  std::unique_ptr<proxy::ServerState> state;
};

/// Why a call failed (its failure's detail), empty when it did not: for INFO.
inline std::string why(const proxy::ModelCallResult& result) { return result.failure ? result.failure->detail : std::string(); }

}  // namespace llmroute::test
