// Reads the `auth`, `quotas` and `users` keys of a config file (users may live in a file of their own).
#pragma once

#include "config/config.hpp"
#include "config/yaml_section.hpp"

namespace llmroute::config {

/// Takes `auth`, `quotas` and `users` from the top-level section `root` into `config.access`. `users` is a
/// list of users, or the path of a YAML file holding that list (relative to the config file's directory).
/// Throws ConfigError (`file:line:col: key.path: what`).
void load_access(Config& config, Section& root);

/// Parses the 64 hex digits of a SHA-256; nullopt when `hex` is anything else.
std::optional<KeyHash> parse_key_hash(std::string_view hex);

}  // namespace llmroute::config
