// The fuzz harnesses: one function per parser of outside bytes, shared by the CI suite and tests/fuzz/run-libfuzzer.
#pragma once

#include <span>
#include <string_view>

namespace llmroute::fuzz {

/// Each harness feeds `bytes` to the real code and checks the invariants that are cheap to check. Any input
/// must leave it normally: a crash, a sanitizer report or a thrown InvariantFailure (fuzz_check.hpp) is a bug.
void fuzz_translate_request(std::string_view bytes);
void fuzz_stream_translator(std::string_view bytes);
void fuzz_translate_response(std::string_view bytes);
void fuzz_translate_error(std::string_view bytes);
void fuzz_sse_parser(std::string_view bytes);
void fuzz_chunked_decoder(std::string_view bytes);
void fuzz_request_body(std::string_view bytes);
void fuzz_think_splitter(std::string_view bytes);
void fuzz_chat_delta_scanner(std::string_view bytes);
void fuzz_request_features(std::string_view bytes);
void fuzz_config_loader(std::string_view bytes);
void fuzz_judge_verdict(std::string_view bytes);
void fuzz_request_line(std::string_view bytes);
void fuzz_records_query(std::string_view bytes);
void fuzz_time_and_address(std::string_view bytes);
void fuzz_api_key_headers(std::string_view bytes);
void fuzz_json_quote(std::string_view bytes);

struct FuzzTarget {
  std::string_view name;  ///< also the folder of its seed corpus, tests/fuzz/corpus/<name>/
  void (*run)(std::string_view bytes);
};

/// Every harness, most valuable first.
std::span<const FuzzTarget> fuzz_targets();

}  // namespace llmroute::fuzz
