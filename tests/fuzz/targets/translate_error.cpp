// Harness: a backend's error body rewritten for a client of every format, and its message read.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "wire/format_mappings.hpp"

namespace llmroute::fuzz {

void fuzz_translate_error(std::string_view bytes) {
  constexpr wire::WireFormat kFormats[] = {wire::WireFormat::chat, wire::WireFormat::messages,
                                           wire::WireFormat::responses};
  (void)wire::json_error_message(bytes);
  for (const auto backend : kFormats) {
    for (const auto client : kFormats) {
      for (const int status : {400, 429, 503}) {
        const std::string body = wire::translate_error(backend, client, status, bytes);
        if (backend == client) require(body == bytes, "an error in the client's own format is relayed as it came");
        else require(is_json_object(body), "a translated error body is one JSON object");
      }
    }
  }
  for (const auto client : kFormats) {
    require(is_json_object(wire::error_body(client, 500, bytes)), "an error body around any message is one JSON object");
  }
}

}  // namespace llmroute::fuzz
