// The rule classifier: explicit client signals, precedence, weighted rules and strict loading of rules.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "router/classifier.hpp"
#include "router/text_stats.hpp"
#include "router/keyword_matcher.hpp"
#include "router/task_kind.hpp"

using namespace llmroute::router;

namespace {

const RuleClassifier& shipped() {
  static const RuleClassifier classifier =
      RuleClassifier::from_file(std::string(LLMROUTE_SOURCE_DIR) + "/router/rules.yaml");
  return classifier;
}

Classification classify(std::string_view path, const Headers& headers, const std::string& body) {
  ExtractResult result = extract_features(path, headers, body);
  REQUIRE(std::holds_alternative<RequestFeatures>(result));
  return shipped().classify(std::get<RequestFeatures>(result));
}

std::string chat(std::string_view system, std::string_view user) {
  return std::string(R"({"messages":[{"role":"system","content":")") + std::string(system) +
         R"("},{"role":"user","content":")" + std::string(user) + R"("}]})";
}

const Headers kClaudeCode{{"user-agent", "claude-cli/2.0.14 (external, cli)"}};
const Headers kAider{{"user-agent", "OpenAI/Python 1.99.9"}};

}  // namespace

TEST_CASE("every task kind has a wire name that parses back") {
  for (TaskKind kind : kAllTaskKinds) CHECK(parse_task_kind(to_string(kind)) == kind);
  CHECK_FALSE(parse_task_kind("Debugging").has_value());
  CHECK(to_string(TaskKind::commit_message) == "commit-message");
}

TEST_CASE("keywords match on word boundaries unless a star allows more") {
  KeywordMatcher m;
  std::uint32_t fel = m.add("fel");
  std::uint32_t refactor = m.add("refactor*");
  std::uint32_t review = m.add("/review");
  std::uint32_t phrase = m.add("stack trace");
  m.build();
  constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;
  std::vector<std::uint32_t> found;
  std::size_t reports = 0;
  auto find = [&](std::string_view text) {
    found.assign(m.size(), kNotFound);
    reports = 0;
    m.find(text, [&](std::uint32_t id, std::uint32_t offset) {
      CHECK(found[id] == kNotFound);  // each pattern is reported once, at its first occurrence
      found[id] = offset;
      ++reports;
    });
  };
  find("we should refactoring this; feline /review the stack trace, refactor the stack trace");
  CHECK(found[fel] == kNotFound);
  CHECK(found[refactor] == 10);
  CHECK(found[review] == std::string("we should refactoring this; feline ").size());
  CHECK(found[phrase] == std::string("we should refactoring this; feline /review the ").size());
  CHECK(reports == 3);
  find("felet är här, fel");
  CHECK(found[fel] == std::string("felet är här, ").size());
  CHECK(reports == 1);

}

TEST_CASE("keywords found in a text lowercased on the fly are those found in its lowercase copy") {
  KeywordMatcher m;
  m.add("fel");
  m.add("refactor*");
  m.add("ändra");
  m.add("stack trace");
  m.build();
  constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;
  auto offsets = [&](std::string_view text, bool on_the_fly) {
    std::vector<std::uint32_t> found(m.size(), kNotFound);
    auto on_hit = [&](std::uint32_t id, std::uint32_t offset) { found[id] = offset; };
    if (on_the_fly) {
      m.find_lowercased(text, on_hit);
    } else {
      m.find(lowercase(text), on_hit);
    }
    return found;
  };
  for (std::string_view text : {"We should REFACTORING this; FEL, \xC3\x84NDRA the Stack Trace",
                                "a 0xC3 lead keeps the next byte: \xC3" "FEL, \xC3\xC3\x84NDRA, fel",
                                "ends on a lead \xC3"}) {
    CHECK(offsets(text, true) == offsets(text, false));
  }
  CHECK(offsets("\xC3\x84NDRA", true)[2] == 0);
}

TEST_CASE("count_tokens, quota probes and warmups are background") {
  CHECK(classify("/v1/messages/count_tokens", kClaudeCode, R"({"messages":[{"role":"user","content":"fix the bug"}]})").kind ==
        TaskKind::background);
  Classification probe = classify("/v1/messages", kClaudeCode, R"({"max_tokens":1,"messages":[{"role":"user","content":"quota"}]})");
  CHECK(probe.kind == TaskKind::background);
  CHECK(probe.rule == "signal/probe-max-tokens-1");
  CHECK(classify("/v1/messages", kClaudeCode, R"({"tools":[{"name":"Bash"}],"messages":[{"role":"user","content":"Warmup"}]})").kind ==
        TaskKind::background);
}

TEST_CASE("Claude Code title generation is background, whichever prompt it uses") {
  std::string json_title = R"({"system":[{"type":"text","text":"You are Claude Code."},{"type":"text","text":"Generate a concise, sentence-case title (3-7 words) that captures the main topic."}],
    "output_format":{"type":"json_schema","schema":{}},"messages":[{"role":"user","content":"fix the login bug"}]})";
  Classification c = classify("/v1/messages", kClaudeCode, json_title);
  CHECK(c.kind == TaskKind::background);
  CHECK(c.rule == "signal/title-generation");
  std::string topic = chat("Analyze if this message indicates a new conversation topic. If it does, extract a 2-3 word title.",
                           "refactor the parser");
  CHECK(classify("/v1/messages", kClaudeCode, topic).kind == TaskKind::background);
}

TEST_CASE("compaction prompts are background even inside a tool-equipped conversation") {
  std::string body = R"({"tools":[{"name":"Read"}],"messages":[{"role":"user","content":"add pagination"},
    {"role":"assistant","content":"done"},
    {"role":"user","content":"Your task is to create a detailed summary of the conversation so far, paying close attention to the user's explicit requests."}]})";
  Classification c = classify("/v1/messages", kClaudeCode, body);
  CHECK(c.kind == TaskKind::background);
  CHECK(c.rule == "signal/compaction-prompt");
  std::string codex = R"({"input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"You are performing a CONTEXT CHECKPOINT COMPACTION. Create a handoff summary for another LLM."}]}]})";
  CHECK(classify("/v1/responses", {{"user-agent", "codex_cli_rs/0.46.0"}}, codex).kind == TaskKind::background);
}

TEST_CASE("aider's commit-message and history-summary calls are recognised by their system prompts") {
  std::string commit = chat("You are an expert software engineer that generates concise, one-line Git commit messages based on the provided diffs.",
                            "diff --git a/x.py b/x.py\\n+x = 2");
  Classification c = classify("/v1/chat/completions", kAider, commit);
  CHECK(c.kind == TaskKind::commit_message);
  CHECK(c.rule == "signal/commit-message-system-prompt");
  std::string summary = chat("*Briefly* summarize this partial conversation about programming.", "# USER\\nadd logging\\n# ASSISTANT\\ndone");
  CHECK(classify("/v1/chat/completions", kAider, summary).kind == TaskKind::background);
}

TEST_CASE("Codex subagent headers name compaction and review") {
  std::string body = R"({"input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"Review the current code changes"}]}]})";
  CHECK(classify("/v1/responses", {{"x-openai-subagent", "review"}}, body).kind == TaskKind::code_review);
  CHECK(classify("/v1/responses", {{"x-openai-subagent", "compact"}}, body).kind == TaskKind::background);
  CHECK(classify("/v1/responses/compact", {}, body).kind == TaskKind::background);
  CHECK(classify("/v1/responses", {{"x-codex-turn-metadata", R"({"request_kind":"compaction"})"}}, body).kind ==
        TaskKind::background);
}

TEST_CASE("legacy completions and fill-in-the-middle are autocomplete") {
  CHECK(classify("/v1/completions", {}, R"({"prompt":"<|fim_prefix|>x = <|fim_suffix|>\n<|fim_middle|>"})").kind ==
        TaskKind::autocomplete);
  CHECK(classify("/v1/completions", {}, R"({"prompt":"def fib(n):"})").kind == TaskKind::autocomplete);
}

TEST_CASE("background beats long context, and long context beats the task") {
  std::string huge(130000, 'a');
  std::string compaction = R"({"messages":[{"role":"user","content":")" + huge +
                           R"("},{"role":"user","content":"Your task is to create a detailed summary of the conversation so far."}]})";
  CHECK(classify("/v1/messages", kClaudeCode, compaction).kind == TaskKind::background);
  std::string debugging = R"({"messages":[{"role":"user","content":"why does this crash? )" + huge + R"("}]})";
  Classification c = classify("/v1/messages", kClaudeCode, debugging);
  CHECK(c.kind == TaskKind::long_context);
  CHECK(c.rule.find("signal/content-tokens") == 0);
  // The client's own boilerplate does not count towards long context.
  std::string big_system = R"({"system":")" + huge + R"(","messages":[{"role":"user","content":"why does this crash?"}]})";
  CHECK(classify("/v1/messages", kClaudeCode, big_system).kind == TaskKind::debugging);
}

TEST_CASE("weighted rules read the user's prompt") {
  CHECK(classify("/v1/chat/completions", {}, chat("You are helpful.", "Traceback (most recent call last):\\n  File \\\"a.py\\\", line 1\\nKeyError: 'id'")).kind ==
        TaskKind::debugging);
  CHECK(classify("/v1/chat/completions", {}, chat("", "Refactor this module to remove the duplication")).kind == TaskKind::refactoring);
  CHECK(classify("/v1/chat/completions", {}, chat("", "Översätt till engelska: Vi ses imorgon")).kind == TaskKind::non_coding);
  CHECK(classify("/v1/chat/completions", {}, chat("", "Skriv en statusrapport för veckan")).kind == TaskKind::status_report);
  Classification review = classify("/v1/chat/completions", {}, chat("", "please review this diff before I merge"));
  CHECK(review.kind == TaskKind::code_review);
  CHECK(review.rule == "code-review/review-words");
  CHECK(review.confidence > 0.5);
}

TEST_CASE("a prompt with no evidence falls back with low confidence") {
  Classification c = classify("/v1/messages", kClaudeCode,
                              R"({"tools":[{"name":"Bash"}],"messages":[{"role":"user","content":"zzz qqq"}]})");
  CHECK(c.kind == TaskKind::simple_coding);
  CHECK(c.confidence < 0.5);
  CHECK(c.rule == "fallback/simple-coding");
  // Absence of code alone is weak evidence for non-coding: not enough to leave the fallback.
  CHECK(classify("/v1/chat/completions", {}, chat("", "zzz qqq")).kind == TaskKind::simple_coding);
}

TEST_CASE("rules files are strict and errors name file, line, column and key") {
  auto error_of = [](std::string_view yaml) {
    try {
      RuleClassifier::from_yaml(yaml, "rules.yaml");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string minimal_signals = "signals: {title_generation: [a], compaction: [b], side_request: [c], commit_instruction: [d]}\n";
  CHECK(error_of(minimal_signals + "rules: {}\n").empty());
  CHECK(error_of(minimal_signals + "rules: {}\ncolour: red\n") == "rules.yaml:3:1: colour: unknown key");
  CHECK(error_of(minimal_signals + "rules:\n  debuging:\n    - {name: x, weight: 1, any: [bug]}\n") ==
        "rules.yaml:3:3: rules.debuging: unknown task kind 'debuging'");
  CHECK(error_of(minimal_signals + "rules:\n  debugging:\n    - {name: x, weight: 1, any: [Bug]}\n")
            .find("rules.yaml:4:33: rules.debugging[0].any: keyword 'Bug' must be lowercase") == 0);
  CHECK(error_of(minimal_signals + "rules:\n  debugging:\n    - {name: x, weight: 1, feature: colour, min: 1}\n")
            .find("rules.debugging[0].feature: unknown feature 'colour'") != std::string::npos);
  CHECK(error_of("rules: {}\n").find("missing key 'signals'") != std::string::npos);
  CHECK(error_of("long_context_tokens: -5\n" + minimal_signals + "rules: {}\n") ==
        "rules.yaml:1:22: long_context_tokens: must be between 1 and 10000000");
}

TEST_CASE("the shipped rules load and keep the documented long-context threshold") {
  CHECK(shipped().long_context_tokens() == 25000);
}

namespace {

const std::string kMinimalSignals =
    "signals: {title_generation: [a title], compaction: [b compact], side_request: [c side], commit_instruction: [d commit]}\n";

Classification classify_with(const RuleClassifier& rules, const std::string& prompt) {
  ExtractResult result = extract_features("/v1/chat/completions", {}, chat("", prompt));
  REQUIRE(std::holds_alternative<RequestFeatures>(result));
  return rules.classify(std::get<RequestFeatures>(result));
}

}  // namespace

TEST_CASE("keywords match inflections, paraphrases with filler words, and not negated words") {
  RuleClassifier rules = RuleClassifier::from_yaml(kMinimalSignals + R"(
min_score: 1
rules:
  refactoring:
    - {name: same-behaviour, weight: 3, any: ["without changing behaviour"]}
  debugging:
    - {name: fix, weight: 2, any: ["fix"]}
  documentation:
    - {name: docstrings, weight: 3, any: ["docstring*"]}
)", "rules.yaml");
  CHECK(classify_with(rules, "Split it up without changing the behaviour please").kind == TaskKind::refactoring);
  CHECK(classify_with(rules, "the login fixes").kind == TaskKind::debugging);
  CHECK(classify_with(rules, "don't fix anything, just look").rule == "fallback/simple-coding");
  CHECK(classify_with(rules, "add docstrings everywhere").kind == TaskKind::documentation);
  // Words of pasted code do not vote.
  CHECK(classify_with(rules, "look at this\\n```\\nfix(x);\\n```").rule == "fallback/simple-coding");
}

TEST_CASE("rules may test the shape of the prose: questions, numbers, enumerations, named paths") {
  RuleClassifier rules = RuleClassifier::from_yaml(kMinimalSignals + R"(
min_score: 1
rules:
  reasoning:
    - {name: numbers-question, weight: 2, features: [{feature: question, min: 1}, {feature: numbers, min: 2}]}
  multi-file:
    - {name: enumeration, weight: 2, any: [create], feature: list_items, min: 3}
    - {name: paths, weight: 2, any: [create], feature: prose_paths, min: 2}
)", "rules.yaml");
  CHECK(classify_with(rules, "if 3 people share 2 cakes, how much each?").kind == TaskKind::reasoning);
  CHECK(classify_with(rules, "create a model, a view and a test").kind == TaskKind::multi_file);
  CHECK(classify_with(rules, "create a.py and b.py").kind == TaskKind::multi_file);
  CHECK(classify_with(rules, "create a model").rule == "fallback/simple-coding");
}

TEST_CASE("equal scores go to the kind listed first in priority") {
  std::string body = R"(
min_score: 1
rules:
  debugging:
    - {name: words, weight: 2, any: [login]}
  code-review:
    - {name: words, weight: 2, any: [login]}
)";
  RuleClassifier by_declaration = RuleClassifier::from_yaml(kMinimalSignals + body, "rules.yaml");
  CHECK(classify_with(by_declaration, "login").kind == TaskKind::debugging);
  RuleClassifier review_first = RuleClassifier::from_yaml(kMinimalSignals + "priority: [code-review]\n" + body, "rules.yaml");
  CHECK(classify_with(review_first, "login").kind == TaskKind::code_review);
}

TEST_CASE("a keyword with nothing left once normalised, and a kind listed twice in priority, are startup errors") {
  auto error_of = [](const std::string& yaml) {
    try {
      RuleClassifier::from_yaml(yaml, "rules.yaml");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error_of(kMinimalSignals + "rules:\n  debugging:\n    - {name: x, weight: 1, any: [\"the this\"]}\n")
            .find("rules.debugging[0].any: keyword 'the this' has no words left once normalised") != std::string::npos);
  CHECK(error_of(kMinimalSignals + "priority: [debugging, debugging]\nrules: {}\n")
            .find("rules.yaml:2:23: priority[1]: task kind 'debugging' is listed twice") == 0);
}

TEST_CASE("Codex's memento compaction and Qwen Code's loop check are background") {
  std::string memento = R"({"instructions":"You have exceeded the maximum number of tokens, please stop coding and instead write a short memento message for the next agent.",
    "input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"add retries"}]}]})";
  CHECK(classify("/v1/responses", {{"user-agent", "codex_cli_rs/0.58.0"}}, memento).kind == TaskKind::background);
  std::string loop_check = chat("You are a sophisticated AI diagnostic agent specializing in identifying when a conversational AI is stuck in an unproductive state.",
                                "Recent conversation history");
  CHECK(classify("/v1/chat/completions", {{"user-agent", "QwenCode/0.2.1 (linux; x64)"}}, loop_check).kind ==
        TaskKind::background);
}
