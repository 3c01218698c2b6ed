// `llmroute route`: shows where a request body would go, and with --explain every step of the decision.
#pragma once

namespace llmroute::router {

/// Runs `llmroute route ...`; argv[0] is "route" (the subcommand), options follow.
/// Returns the process exit code: 0 routed, 1 refused (no candidate may serve it), 2 usage or input errors.
int run_route_command(int argc, char** argv);

}  // namespace llmroute::router
