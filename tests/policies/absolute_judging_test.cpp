// The absolute protocol (bench): every judge scores one answer against the task's expected capabilities.
#include "policies/absolute_judging.hpp"

#include <doctest/doctest.h>

using namespace llmroute::policies;

namespace {

JudgeReply answered(std::string text) {
  JudgeReply reply;
  reply.answered = true;
  reply.text = std::move(text);
  return reply;
}

AbsoluteCase todo_app() {
  return {"Write a CLI todo app with SQLite", {"persists to SQLite", "add, list, complete, delete"},
          {"```python\nimport sqlite3\n```", ""}, "qwen"};
}

}  // namespace

TEST_CASE("the absolute prompt carries the task, its expected capabilities and the one answer") {
  AbsoluteJudging judging(todo_app(), {{"a/opus", "claude"}, {"a/mini", "gpt"}}, 1, 0.5);
  const JudgeCall call = *judging.next_call();
  CHECK(call.prompt.user.find("<expected>\n- persists to SQLite\n- add, list, complete, delete\n</expected>") !=
        std::string::npos);
  CHECK(call.prompt.user.find("<answer>\n```python\nimport sqlite3\n```\n</answer>") != std::string::npos);
  CHECK(call.prompt.system.find("absolute") != std::string::npos);
}

TEST_CASE("absolute scores are averaged over the valid judges, per criterion and weighted") {
  AbsoluteJudging judging(todo_app(), {{"a/opus", "claude"}, {"a/mini", "gpt"}, {"a/qwen", "qwen"}}, 1, 0.5);
  const std::vector<std::string> replies = {
      R"({"scores":{"correctness":2,"completeness":2,"clarity":2},"reason":"complete"})",
      R"({"scores":{"correctness":2,"completeness":1,"clarity":2},"reason":"no delete"})",
      "not json", "still not json",
  };
  std::size_t next = 0;
  while (auto call = judging.next_call()) judging.take_reply(*call, answered(replies.at(next++)));
  CHECK(next == 4);  // the third judge was asked twice
  const AbsoluteJudgment j = judging.judgment();
  CHECK(j.judges[0].valid);
  CHECK(j.judges[1].valid);
  CHECK_FALSE(j.judges[2].valid);
  CHECK(j.judges[2].reason.find("invalid verdict: the reply is not JSON") == 0);
  CHECK(j.judges[2].same_family);  // a qwen judge scoring a qwen answer
  CHECK_FALSE(j.same_family_judge);  // …but its verdict is invalid, so it did not count
  CHECK(*j.correctness == doctest::Approx(2.0));
  CHECK(*j.completeness == doctest::Approx(1.5));
  CHECK(*j.clarity == doctest::Approx(2.0));
  // Weighted: 2.0 and 0.8 + 0.35 + 0.5 = 1.65 → mean 1.825; a gap of 0.35 ≤ 0.5.
  CHECK(*j.weighted == doctest::Approx(1.825));
  CHECK_FALSE(j.needs_review);
}

TEST_CASE("absolute judging with no valid verdict has no scores") {
  AbsoluteJudging judging(todo_app(), {{"a/opus", "claude"}, {"a/mini", "gpt"}}, 0, 0.5);
  while (auto call = judging.next_call()) judging.take_reply(*call, answered("{}"));
  CHECK_FALSE(judging.judgment().weighted);
}
