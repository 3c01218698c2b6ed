// Harness: the config loader on any text. It either loads or throws ConfigError as `file:line:col: what`.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "config/config_loader.hpp"

#include <cctype>
#include <string>

namespace llmroute::fuzz {

namespace {

/// Skips `file:` (the users file may be named instead of the config) and reads `line:col: `, both from 1.
bool has_location(std::string_view message) {
  const auto number_then_colon = [&message](std::size_t& at) {
    const std::size_t start = at;
    std::size_t value = 0;
    while (at < message.size() && std::isdigit(static_cast<unsigned char>(message[at])) != 0) {
      value = value * 10 + static_cast<std::size_t>(message[at] - '0');
      ++at;
    }
    if (at == start || at >= message.size() || message[at] != ':' || value == 0) return false;
    ++at;
    return true;
  };
  for (std::size_t colon = message.find(':'); colon != std::string_view::npos; colon = message.find(':', colon + 1)) {
    std::size_t at = colon + 1;
    if (number_then_colon(at) && number_then_colon(at) && at < message.size() && message[at] == ' ') return true;
  }
  return false;
}

}  // namespace

void fuzz_config_loader(std::string_view bytes) {
  try {
    const config::ConfigPtr config = config::load_config_text(std::string(bytes), "fuzz.yaml");
    require(config != nullptr, "a loaded config exists");
  } catch (const config::ConfigError& e) {
    require(has_location(e.what()), "a config error says file:line:col: what (from line 1, column 1)");
  }
}

}  // namespace llmroute::fuzz
