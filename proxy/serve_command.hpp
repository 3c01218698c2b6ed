// `llmroute serve`: load the config, listen, serve until SIGTERM/SIGINT, drain, exit 0.
#pragma once

namespace llmroute::proxy {

int run_serve_command(int argc, char** argv);
int run_check_config_command(int argc, char** argv);

}  // namespace llmroute::proxy
