// `llmroute serve`: load the config, listen, serve until SIGTERM/SIGINT, drain, exit 0.
#pragma once

#include <string>

namespace llmroute::proxy {

int run_serve_command(int argc, char** argv);
/// The config used without --config: config/default.yaml, else /etc/llmroute/config.yaml.
std::string default_config_path();
int run_check_config_command(int argc, char** argv);

}  // namespace llmroute::proxy
