// Every fuzz harness on its committed seed corpus (crash inputs found by run-libfuzzer included), then on a
// fixed number of deterministic mutations of it: no input may crash, trip a sanitizer or break an invariant.
#include <doctest/doctest.h>

#include "mutator.hpp"
#include "targets/fuzz_check.hpp"
#include "targets/fuzz_targets.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using namespace llmroute::fuzz;

const FuzzTarget& target_named(std::string_view name) {
  const auto targets = fuzz_targets();
  const auto found = std::find_if(targets.begin(), targets.end(), [&](const FuzzTarget& t) { return t.name == name; });
  REQUIRE_MESSAGE(found != targets.end(), "no fuzz target " << name);
  return *found;
}

std::vector<std::string> read_corpus(std::string_view name) {
  const std::filesystem::path folder = std::filesystem::path(LLMROUTE_SOURCE_DIR) / "tests/fuzz/corpus" / name;
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(folder))
    for (const auto& entry : std::filesystem::directory_iterator(folder)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> inputs;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    inputs.push_back(text.str());
  }
  return inputs;
}

/// The input as a C string literal, to paste into a corpus file or a test.
std::string escaped(std::string_view input) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : input.substr(0, 4096)) {
    if (c == '\\' || c == '"') out += {'\\', static_cast<char>(c)};
    else if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else out += {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
  }
  return out;
}

void run_one(const FuzzTarget& target, std::string_view input, std::string_view origin) {
  try {
    target.run(input);
  } catch (const std::exception& e) {
    FAIL_CHECK(target.name << " on " << origin << ": " << std::string(e.what()) << "\n  input (" << input.size() << " bytes): \""
                           << escaped(input) << "\"");
  }
}

/// The corpus as it is, then `rounds` mutations of its inputs.
void exercise(std::string_view name, int rounds) {
  const FuzzTarget& target = target_named(name);
  const std::vector<std::string> corpus = read_corpus(name);
  REQUIRE_MESSAGE(!corpus.empty(), "tests/fuzz/corpus/" << name << "/ has no seed inputs");
  for (std::size_t i = 0; i < corpus.size(); ++i) run_one(target, corpus[i], "seed " + std::to_string(i));
  Mutator mutator(20261125);
  for (int round = 0; round < rounds; ++round) {
    const std::string& base = corpus[static_cast<std::size_t>(round) % corpus.size()];
    const std::string& other = corpus[static_cast<std::size_t>(round) * 7 % corpus.size()];
    run_one(target, mutator.mutate(base, other), "mutation " + std::to_string(round));
  }
}

}  // namespace

TEST_CASE("client request bodies translated between every pair of formats never crash and stay JSON") {
  exercise("translate_request", 2000);
}

TEST_CASE("backend streams translated for every client end well-formed whatever the bytes and their split") {
  exercise("stream_translator", 3000);
}

TEST_CASE("whole backend answers translated for every client are JSON or refused") { exercise("translate_response", 3000); }

TEST_CASE("backend error bodies of any shape become a JSON error in the client's format") {
  exercise("translate_error", 3000);
}

TEST_CASE("the event stream parser gives the same events for any split of any bytes") { exercise("sse_parser", 1500); }

TEST_CASE("the chunked body decoder gives the same payload for any split of any bytes") {
  exercise("chunked_decoder", 10000);
}

TEST_CASE("the request body scan accepts only JSON objects and its model splice keeps them JSON") {
  exercise("request_body", 4000);
}

TEST_CASE("a leading think section is split the same way whatever the pieces") { exercise("think_splitter", 10000); }

TEST_CASE("the plain chunk scanner reads text exactly as a JSON parser would or declines") {
  exercise("chat_delta_scanner", 20000);
}

TEST_CASE("the router reads and classifies any request without crashing") { exercise("request_features", 3000); }

TEST_CASE("the config loader loads any text or names the file, line and column at fault") {
  exercise("config_loader", 2000);
}

TEST_CASE("a judge's reply of any shape is a valid verdict or a reason it is not") { exercise("judge_verdict", 10000); }

TEST_CASE("request lines and paths of any bytes give an endpoint without reading outside them") {
  exercise("request_line", 10000);
}

TEST_CASE("any query string of /admin/records is a record query or a 400 saying why") {
  exercise("records_query", 10000);
}

TEST_CASE("time bounds and listen addresses of any text parse or are refused") { exercise("time_and_address", 10000); }

TEST_CASE("only the configured key gets in, whatever the Authorization and x-api-key headers hold") {
  exercise("api_key_headers", 10000);
}

TEST_CASE("any bytes quoted for hand-built JSON are one JSON string") { exercise("json_quote", 4000); }
