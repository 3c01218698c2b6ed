// Harness: the one JSON string escaper every module uses for hand-built JSON, on any bytes.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "config/json_text.hpp"
#include "wire/json_writer.hpp"

#include <string>

namespace llmroute::fuzz {

void fuzz_json_quote(std::string_view bytes) {
  bool ok = false;
  const auto quoted = parse_json(config::json_quote(bytes), ok);
  require(ok && quoted.is_string(), "any bytes quoted are one JSON string");
  std::string written;
  wire::append_json_string(written, bytes);
  const auto again = parse_json(written, ok);
  require(ok && again.is_string(), "any bytes written as a JSON string are one JSON string");
}

}  // namespace llmroute::fuzz
