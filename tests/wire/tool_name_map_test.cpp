// Tests of flattened tool names and the <think> splitter.
#include "wire/tool_name_map.hpp"

#include <doctest/doctest.h>

#include <string>

#include "wire/think_splitter.hpp"

namespace {

using namespace llmroute::wire;

struct Collected final : ThinkSink {
  std::string text;
  std::string reasoning;
  void on_text(std::string_view t) override { text += t; }
  void on_reasoning(std::string_view t) override { reasoning += t; }
};

Collected split(const std::vector<std::string>& pieces) {
  ThinkSplitter splitter;
  Collected collected;
  for (const auto& piece : pieces) splitter.feed(piece, collected);
  splitter.flush(collected);
  return collected;
}

}  // namespace

TEST_CASE("namespaced tools get stable flattened names that map back to namespace and name") {
  ToolNameMap map;
  CHECK(map.add("mcp__github", "read_issue", ToolShape::function) == "mcp__github__read_issue");
  CHECK(map.add("files", "read", ToolShape::function) == "files__read");
  const auto* alias = map.find_wire_name("files__read");
  REQUIRE(alias != nullptr);
  CHECK(alias->namespace_name == "files");
  CHECK(alias->name == "read");
  CHECK(map.find_wire_name("read") == nullptr);
  CHECK(map.wire_name_for("files", "read") == "files__read");
  CHECK(map.wire_name_for("", "plain") == "plain");
}

TEST_CASE("over-long flattened names are cut to 64 characters with a hash that keeps them distinct") {
  const std::string ns(50, 'n');
  const auto a = flatten_tool_name(ns, "create_pull_request_alpha");
  const auto b = flatten_tool_name(ns, "create_pull_request_beta");
  CHECK(a.size() == 64);
  CHECK(b.size() == 64);
  CHECK(a != b);
  CHECK(a == flatten_tool_name(ns, "create_pull_request_alpha"));
}

TEST_CASE("a leading think section is reasoning wherever the chunks split the tags") {
  const std::string text = "  <think>step one</think>\n\nThe answer";
  for (std::size_t i = 0; i <= text.size(); ++i) {
    for (std::size_t j = i; j <= text.size(); ++j) {
      CAPTURE(i);
      CAPTURE(j);
      const auto got = split({text.substr(0, i), text.substr(i, j - i), text.substr(j)});
      CHECK(got.reasoning == "step one");
      CHECK(got.text == "The answer");
    }
  }
}

TEST_CASE("text that does not open with a think tag is left alone, tags and all") {
  CHECK(split({"Use <think> tags"}).text == "Use <think> tags");
  CHECK(split({"<thin", "g>"}).text == "<thing>");
  CHECK(split({"<th"}).text == "<th");
  const auto unterminated = split({"<think>still thinking"});
  CHECK(unterminated.reasoning == "still thinking");
  CHECK(unterminated.text.empty());
  CHECK(split({"<think>a</think>b <think>c</think>"}).text == "b <think>c</think>");
}
