#pragma once
// The config tests compare the message a config text is rejected with; this is that message.

#include <string>

#include "config/config_loader.hpp"

namespace llmroute::test {

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
