// Loads and validates a config file into an immutable Config (throws ConfigError at startup only).
#pragma once

#include "config/config.hpp"
#include "config/yaml_section.hpp"

#include <string>

namespace llmroute::config {

/// Parses, type-checks and validates `path`. Throws ConfigError (`file:line:col: key.path: what`).
ConfigPtr load_config_file(const std::string& path);

/// The same from text already in memory; `name` is used in error messages.
ConfigPtr load_config_text(const std::string& text, const std::string& name);

/// The config file a command uses without --config: config/default.yaml when it exists, else
/// /etc/llmroute/config.yaml when that exists, else config/default.yaml (whose absence is then the error).
std::string default_config_path();

/// The model `at` names (`backend/model` or a configured model name); an error at `at` when there is none.
ModelRef resolve_model_ref(const Config& config, const NodeAt& at);

/// Splits "http(s)://host:port/base" into the backend's scheme, host, port and base path.
/// Returns an error message, or empty on success.
std::string parse_backend_url(BackendConfig& backend);

}  // namespace llmroute::config
