// `llmroute simulate`: runs the model-server simulator until SIGTERM or SIGINT.
#pragma once

namespace llmroute::simulator {

/// Runs the simulator with the arguments after `llmroute` (argv[0] is "simulate").
/// Returns the process exit code: 0 on signal or --help, 2 on bad options, 1 when it cannot listen.
int run_simulate_command(int argc, char** argv);

}  // namespace llmroute::simulator
