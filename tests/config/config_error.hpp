#pragma once
// The config tests compare the message a config text is rejected with; this is that message.

#include <string>

#include "config/config_loader.hpp"

namespace llmroute::test {

/// The smallest config that loads: one local backend with one model. Tests add or break one key at a time.
inline constexpr const char* kMinimalConfig = R"(backends:
  - name: local
    url: http://127.0.0.1:11434/v1
    models: [m1]
)";

/// What loading `yaml` (named `file` in the message) fails with, or "" when it loads.
inline std::string config_error(const std::string& yaml, const std::string& file = "test.yaml") {
  try {
    config::load_config_text(yaml, file);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace llmroute::test
