// The table of fuzz harnesses, by name.
#include "fuzz_targets.hpp"

#include <array>

namespace llmroute::fuzz {

std::span<const FuzzTarget> fuzz_targets() {
  static constexpr std::array kTargets = {
      FuzzTarget{"translate_request", fuzz_translate_request},
      FuzzTarget{"stream_translator", fuzz_stream_translator},
      FuzzTarget{"translate_response", fuzz_translate_response},
      FuzzTarget{"translate_error", fuzz_translate_error},
      FuzzTarget{"sse_parser", fuzz_sse_parser},
      FuzzTarget{"chunked_decoder", fuzz_chunked_decoder},
      FuzzTarget{"request_body", fuzz_request_body},
      FuzzTarget{"think_splitter", fuzz_think_splitter},
      FuzzTarget{"chat_delta_scanner", fuzz_chat_delta_scanner},
      FuzzTarget{"request_features", fuzz_request_features},
      FuzzTarget{"config_loader", fuzz_config_loader},
      FuzzTarget{"judge_verdict", fuzz_judge_verdict},
      FuzzTarget{"request_line", fuzz_request_line},
      FuzzTarget{"records_query", fuzz_records_query},
      FuzzTarget{"time_and_address", fuzz_time_and_address},
      FuzzTarget{"api_key_headers", fuzz_api_key_headers},
      FuzzTarget{"json_quote", fuzz_json_quote},
  };
  return kTargets;
}

}  // namespace llmroute::fuzz
