// `llmroute demo`: a newcomer's first run — simulated local box and cloud, the proxy, real-shaped traffic, the report.
#pragma once

namespace llmroute::demo {

/// Runs `llmroute demo` with the arguments after the program name (argv[0] is "demo").
/// Exit status: 0 done, 1 a server failed or nothing was answered, 2 usage errors.
int run_demo_command(int argc, char** argv);

}  // namespace llmroute::demo
