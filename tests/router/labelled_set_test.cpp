// Accuracy of the shipped rules on the labelled request set, and the cost of one large request.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "router/classifier.hpp"
#include "router/classify_command.hpp"
#include "router/evaluation.hpp"

using namespace llmroute::router;

namespace {

const std::string kSetDir = std::string(LLMROUTE_SOURCE_DIR) + "/tasks/classification";

RuleClassifier shipped() { return RuleClassifier::from_file(std::string(LLMROUTE_SOURCE_DIR) + "/router/rules.yaml"); }

}  // namespace

TEST_CASE("the shipped rules classify at least 90% of the labelled set correctly") {
  RuleClassifier classifier = shipped();
  std::string error;
  auto eval = evaluate_directory(kSetDir, classifier, Split::all, error);
  REQUIRE_MESSAGE(eval.has_value(), error);
  CHECK(eval->total >= 250);
  // Each kind is represented, so a kind the rules never produce cannot hide behind the others.
  for (std::size_t k = 0; k < kAllTaskKinds.size(); ++k) {
    std::size_t support = 0;
    for (std::size_t j = 0; j < kAllTaskKinds.size(); ++j) support += eval->confusion[k][j];
    CHECK_MESSAGE(support >= 12, to_string(kAllTaskKinds[k]) << " has only " << support << " examples");
  }
  std::string misses;
  for (const std::string& miss : eval->misses) misses += "  " + miss + "\n";
  INFO("\n" << eval->report() << "misses:\n" << misses);
  CHECK(eval->accuracy() >= 0.90);
  // Each half on its own: a large gap between them would show rules fitted to one half. (They are no
  // longer a held-out measure: later tuning looked at both; see tasks/classification/README.md.)
  auto even = evaluate_directory(kSetDir, classifier, Split::even, error);
  auto odd = evaluate_directory(kSetDir, classifier, Split::odd, error);
  REQUIRE(even.has_value());
  REQUIRE(odd.has_value());
  MESSAGE("labelled set: " << eval->total << " requests, accuracy " << eval->accuracy() * 100 << "% (even half "
                           << even->accuracy() * 100 << "%, odd half " << odd->accuracy() * 100 << "%), mean "
                           << eval->seconds * 1e6 / static_cast<double>(eval->total) << " us per request");
}

TEST_CASE("the shipped rules classify at least 80% of every held-out batch correctly") {
  // Each batch under tasks/classification/holdout was written apart from the rules and measured once
  // before any tuning on it (tasks/classification/README.md has the history). The newest batch is the
  // honest estimate; the floor guards all of them against rules that stop generalising.
  RuleClassifier classifier = shipped();
  std::vector<std::filesystem::path> batches;
  for (const auto& entry : std::filesystem::directory_iterator(kSetDir + "/holdout")) {
    if (entry.is_directory()) batches.push_back(entry.path());
  }
  std::sort(batches.begin(), batches.end());
  REQUIRE(batches.size() >= 2);
  for (const auto& batch : batches) {
    std::string error;
    auto eval = evaluate_directory(batch.string(), classifier, Split::all, error);
    REQUIRE_MESSAGE(eval.has_value(), error);
    CHECK(eval->total >= 60);
    std::string misses;
    for (const std::string& miss : eval->misses) misses += "  " + miss + "\n";
    INFO(batch.filename().string() << "\n" << eval->report() << "misses:\n" << misses);
    CHECK(eval->accuracy() >= 0.80);
    MESSAGE("held-out " << batch.filename().string() << ": " << eval->total << " requests, accuracy "
                        << eval->accuracy() * 100 << "%");
  }
}

TEST_CASE("a 100 KB Claude Code request is parsed and classified, and its timing is reported") {
  RuleClassifier classifier = shipped();
  std::string body = R"({"model":"claude-sonnet-4-5","max_tokens":32000,"stream":true,"system":[{"type":"text","text":"You are Claude Code, Anthropic's official CLI for Claude."}],"tools":[)";
  for (int i = 0; i < 25; ++i) {
    if (i > 0) body += ',';
    body += R"({"name":"Tool)" + std::to_string(i) + R"(","description":")" + std::string(600, 'd') +
            R"(","input_schema":{"type":"object","properties":{"path":{"type":"string"}}}})";
  }
  body += R"(],"messages":[{"role":"user","content":[{"type":"text","text":"<system-reminder>ctx</system-reminder>"},{"type":"text","text":"why does the upload test fail with a timeout?"}]})";
  std::string listing;
  for (int line = 0; line < 60; ++line) listing += "    const result = await db.query(sql, params);\\n";
  for (int i = 0; body.size() < 100 * 1024; ++i) {
    std::string id = "toolu_" + std::to_string(i);
    body += R"(,{"role":"assistant","content":[{"type":"tool_use","id":")" + id +
            R"(","name":"Read","input":{"file_path":"/src/a.ts"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":")" +
            id + R"(","content":")" + listing + R"("}]})";
  }
  body += "]}";
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);

  RequestParser parser;
  constexpr int kRuns = 200;
  Classification last;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) {
    ExtractResult result = parser.extract("/v1/messages?beta=true", {{"user-agent", "claude-cli/2.0.14 (external, cli)"}}, body);
    REQUIRE(std::holds_alternative<RequestFeatures>(result));
    last = classifier.classify(std::get<RequestFeatures>(result));
  }
  double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / kRuns;
  CHECK(last.kind == TaskKind::debugging);
  // Timing is printed, not asserted: test builds are unoptimised and the machine is shared.
  MESSAGE("extract + classify of a " << body.size() / 1024 << " KB Claude Code request: " << us << " us");
}

TEST_CASE("the classify command evaluates a directory and fails below a required accuracy") {
  std::string dir = kSetDir;
  std::string rules = std::string(LLMROUTE_SOURCE_DIR) + "/router/rules.yaml";
  const char* ok[] = {"classify", "--rules", rules.c_str(), "--eval", dir.c_str(), "--split", "odd", "--min-accuracy", "0.5"};
  CHECK(run_classify_command(9, const_cast<char**>(ok)) == 0);
  const char* strict[] = {"classify", "--rules", rules.c_str(), "--eval", dir.c_str(), "--min-accuracy", "1.01"};
  CHECK(run_classify_command(7, const_cast<char**>(strict)) == 1);
  const char* bad[] = {"classify", "--no-such-option"};
  CHECK(run_classify_command(2, const_cast<char**>(bad)) == 2);
}
