// `llmroute keys new NAME`: a fresh API key for a user, and its config entry.
#pragma once

namespace llmroute::policies {

/// Runs `llmroute keys ...` (argv[0] is "keys"); returns the exit status.
int run_keys_command(int argc, char** argv);

}  // namespace llmroute::policies
