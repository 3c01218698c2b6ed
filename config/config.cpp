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

std::optional<ModelRef> Config::find_ref(std::string_view text) const {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return find_model(text);
  const std::string_view backend_name = text.substr(0, slash), model_name = text.substr(slash + 1);
  for (std::size_t b = 0; b < backends.size(); ++b) {
    if (backends[b].name != backend_name) continue;
    for (std::size_t m = 0; m < backends[b].models.size(); ++m)
      if (backends[b].models[m].name == model_name) return ModelRef{b, m};
  }
  // Model names may contain '/' themselves (e.g. `qwen/qwen3-32b`), so try the whole text as one.
  return find_model(text);
}

std::string Config::ref_name(ModelRef ref) const { return backends[ref.backend].name + "/" + model(ref).name; }

const std::vector<ModelRef>* RoutingConfig::candidates(std::string_view task) const {
  for (std::size_t i = 0; i < kTaskKindNames.size(); ++i)
    if (kTaskKindNames[i] == task) return &tasks[i];
  return nullptr;
}

}  // namespace llmroute::config
