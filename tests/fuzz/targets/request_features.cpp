// Harness: the router's one pass over a request (path, headers, body) and the classifier's verdict on it.
//
// Input: one selector byte (the endpoint; whether header lines follow), then, when they do, `name: value`
// lines up to an empty line, then the body.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "router/classifier.hpp"
#include "router/request_features.hpp"

#include <cmath>
#include <string>
#include <variant>

namespace llmroute::fuzz {

namespace {

constexpr std::string_view kPaths[] = {"/v1/chat/completions", "/v1/messages?beta=true", "/v1/responses",
                                       "/v1/completions",      "/v1/messages/count_tokens", "/v1/responses/compact"};

const router::RuleClassifier& classifier() {
  static const router::RuleClassifier rules =
      router::RuleClassifier::from_file(std::string(LLMROUTE_SOURCE_DIR) + "/router/rules.yaml");
  return rules;
}

router::Headers take_headers(std::string_view& bytes) {
  router::Headers headers;
  while (!bytes.empty()) {
    const std::size_t end = bytes.find('\n');
    const std::string_view line = bytes.substr(0, end);
    bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.add(std::string(line.substr(0, colon)), std::string(value));
  }
  return headers;
}

}  // namespace

void fuzz_request_features(std::string_view bytes) {
  ControlBytes control(bytes);
  const unsigned selector = control.take();
  const std::string_view path = kPaths[selector % std::size(kPaths)];
  const router::Headers headers = selector / std::size(kPaths) % 2 != 0 ? take_headers(bytes) : router::Headers{};

  router::RequestParser parser;
  const std::string body(bytes);
  const auto extracted = parser.extract(path, headers, body);
  const auto copied = router::extract_features(path, headers, bytes);
  require(extracted.index() == copied.index(), "reading in place and from a copy agree on whether a body is readable");
  if (const auto* error = std::get_if<router::ExtractError>(&extracted)) {
    require(!error->message.empty(), "an unreadable body says why");
    return;
  }
  const auto& features = std::get<router::RequestFeatures>(extracted);
  require(features.prompt == std::get<router::RequestFeatures>(copied).prompt, "both readings find the same prompt");
  const router::Classification verdict = classifier().classify(features);
  require(verdict.confidence >= 0 && verdict.confidence <= 1, "a confidence is between 0 and 1");
  require(!verdict.rule.empty(), "a verdict names its rule");
  for (const double score : classifier().scores(features)) require(std::isfinite(score), "every score is a number");
}

}  // namespace llmroute::fuzz
