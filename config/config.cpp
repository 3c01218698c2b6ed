// Lookups over the immutable configuration.
#include "config/config.hpp"

#include <algorithm>
#include <cctype>

namespace llmroute::config {

namespace {

bool contains_lowercase(std::string_view text, std::string_view lowercase_word) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lowered.find(lowercase_word) != std::string::npos;
}

}  // namespace

std::string_view to_string(BackendKind kind) {
  switch (kind) {
    case BackendKind::openai: return "openai";
    case BackendKind::anthropic: return "anthropic";
    case BackendKind::openai_responses: return "openai-responses";
  }
  return "openai";
}

std::string_view to_string(Location location) { return location == Location::local ? "local" : "cloud"; }

bool looks_like_mistral(const ModelConfig& model) {
  static constexpr std::string_view kWords[] = {"mistral", "devstral", "codestral", "magistral", "ministral", "mixtral", "pixtral"};
  for (const std::string_view text : {std::string_view(model.name), std::string_view(model.upstream_name), std::string_view(model.family)})
    for (const std::string_view word : kWords)
      if (contains_lowercase(text, word)) return true;
  return false;
}

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
