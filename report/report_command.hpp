// `llmroute report`: the split report over the records database, as text, markdown, JSON or HTML.
#pragma once

namespace llmroute::report {

/// Runs `llmroute report` with the arguments after the program name (argv[0] is "report").
/// Exit status: 0 written, 1 the records could not be read or the output written, 2 usage or config errors.
int run_report_command(int argc, char** argv);

}  // namespace llmroute::report
