// `llmroute classify`: classify request bodies from files, JSON Lines or a labelled directory (evaluation).
#pragma once

#include "config/startup_file.hpp"

#include <string>
#include <string_view>

namespace llmroute::router {

/// Runs `llmroute classify ...`; argv[0] is "classify" (the subcommand), options follow.
/// Returns the process exit code (0 ok, 1 evaluation below --min-accuracy, 2 usage or input errors).
int run_classify_command(int argc, char** argv);

/// Where the shipped rules are when no --rules is given: $LLMROUTE_RULES, ./router/rules.yaml, or
/// router/rules.yaml next to (or above) the running executable. Empty if none exists.
std::string default_rules_path();

/// A request body (or JSON Lines) file named on the command line, whole; "-" is standard input. `noun` names
/// the file in the reason it cannot be read ("cannot open the request body file: No such file or directory").
config::StartupFile read_command_input(const std::string& file, std::string_view noun);

}  // namespace llmroute::router
