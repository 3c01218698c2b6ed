// `llmroute bench`: the offline benchmark of configured models on the task suite (see benchmark/ and tasks/).
#pragma once

namespace llmroute::proxy {

/// Runs `llmroute bench ...`; argv[0] is "bench". Exit status: 0 every pair finished, 1 some pairs failed
/// or could not be stored (a write the database refuses, e.g. its file deleted or replaced or the disk full, stops
/// the run), 2 usage, config, suite or database errors.
int run_bench_command(int argc, char** argv);

}  // namespace llmroute::proxy
