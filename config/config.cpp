// Lookups over the immutable configuration.
#include "config/config.hpp"

namespace llmroute::config {

std::string_view to_string(BackendKind kind) {
  switch (kind) {
    case BackendKind::openai: return "openai";
    case BackendKind::anthropic: return "anthropic";
    case BackendKind::openai_responses: return "openai-responses";
  }
  return "openai";
}

std::string_view to_string(Location location) { return location == Location::local ? "local" : "cloud"; }

std::optional<ModelRef> Config::find_model(std::string_view name) const {
  for (std::size_t b = 0; b < backends.size(); ++b)
    for (std::size_t m = 0; m < backends[b].models.size(); ++m)
      if (backends[b].models[m].name == name) return ModelRef{b, m};
  return std::nullopt;
}

}  // namespace llmroute::config
