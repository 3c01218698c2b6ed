// Command-line options of llmroute-load and their strict parsing (unknown flags are errors).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmroute::bench {

enum class StreamMode { on, off };
enum class OutputFormat { text, json };

/// The parts of an `http://host:port/path` URL the client needs.
struct TargetUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string target;  ///< path and query, always starting with '/'
};

struct LoadOptions {
  TargetUrl url;
  std::size_t concurrency = 1;
  std::optional<std::size_t> requests;  ///< stop after this many requests ...
  std::optional<double> duration_s;     ///< ... or stop issuing new ones after this long
  std::size_t warmup = 0;               ///< requests run (unrecorded) before the measurement
  StreamMode stream = StreamMode::on;   ///< the built-in body's "stream" field
  std::string body;                     ///< exact request body bytes
  std::vector<std::string> headers;     ///< extra "name: value" lines
  std::optional<double> hold_s;         ///< hold mode: keep `concurrency` streams open this long
  std::string ready_file;               ///< hold mode: written once every stream is open
  double timeout_s = 30;                ///< per request (and, in hold mode, for opening all streams)
  OutputFormat format = OutputFormat::text;
};

/// Parses argv. Throws std::invalid_argument with a message meant for the user.
LoadOptions parse_load_options(int argc, char** argv);

/// Parses `http://host[:port][/path]`. Throws std::invalid_argument.
TargetUrl parse_target_url(std::string_view url);

std::string_view load_usage();

}  // namespace llmroute::bench
