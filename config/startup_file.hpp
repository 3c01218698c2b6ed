// Reads a whole file a command was pointed at on its command line (config, rules, a request body), or says
// why it cannot: the one place that tells a directory, a missing file and a runaway size apart.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace llmroute::config {

/// The file's bytes, or (text empty) what is wrong with it, phrased after `noun`: "is a directory, not a
/// <noun>", "cannot open the <noun>: No such file or directory", "is larger than 16 MiB, so it is not a <noun>",
/// "cannot read the <noun>: Input/output error".
struct StartupFile {
  std::optional<std::string> text;
  std::string error;
};

/// Reads `path` whole, refusing more than `max_bytes` (a wrong path such as /dev/zero or a log is named, not read
/// until memory runs out). Failures are values; startup code turns them into its own exit status.
StartupFile read_startup_file(const std::string& path, std::string_view noun, std::size_t max_bytes);

/// Why `path` cannot be written as a command's output file, checked at its start rather than after its work:
/// "is a directory, not a file", "the directory D does not exist", "is not writable: Permission denied"; empty
/// when it can be written (nothing is created to find out).
std::string output_file_problem(const std::string& path);

/// "16 MiB", "1 GiB": the size limits above, in words.
std::string size_in_words(std::size_t bytes);

}  // namespace llmroute::config
