// Strict verdict parsing: the documented JSON object or an invalid verdict with a reason; the rubric weights.
#include "policies/judge_verdict.hpp"

#include <doctest/doctest.h>

using namespace llmroute::policies;

namespace {

constexpr const char* kValid =
    R"({"winner":"A","scores":{"A":{"correctness":2,"completeness":2,"clarity":2},"B":{"correctness":1,"completeness":1,"clarity":2}},"reason":"A handles the empty list"})";

std::string error_of(std::string_view reply) { return parse_pairwise_verdict(reply).error; }

}  // namespace

TEST_CASE("the weighted score is 40 % correctness, 35 % completeness, 25 % clarity on the 0-2 scale") {
  CHECK(weighted_score({2, 2, 2}) == doctest::Approx(2.0));
  CHECK(weighted_score({0, 0, 0}) == doctest::Approx(0.0));
  CHECK(weighted_score({1, 1, 2}) == doctest::Approx(0.4 + 0.35 + 0.5));
  CHECK(weighted_score({2, 0, 0}) == doctest::Approx(0.8));
  CHECK(weighted_score({0, 2, 0}) == doctest::Approx(0.7));
  CHECK(weighted_score({0, 0, 2}) == doctest::Approx(0.5));
}

TEST_CASE("a verdict in the documented shape is read with its winner, scores and reason") {
  const auto parsed = parse_pairwise_verdict(kValid);
  REQUIRE(parsed.verdict);
  CHECK(parsed.error.empty());
  CHECK(parsed.verdict->winner == Winner::a);
  CHECK(parsed.verdict->a == RubricScores{2, 2, 2});
  CHECK(parsed.verdict->b == RubricScores{1, 1, 2});
  CHECK(parsed.verdict->reason == "A handles the empty list");
}

TEST_CASE("whitespace and one json code fence around the object are accepted, other prose is not") {
  CHECK(parse_pairwise_verdict(std::string("\n  ") + kValid + "\n").verdict);
  CHECK(parse_pairwise_verdict(std::string("```json\n") + kValid + "\n```").verdict);
  CHECK(parse_pairwise_verdict(std::string("```\n") + kValid + "\n```").verdict);
  CHECK(error_of(std::string("```python\n") + kValid + "\n```").find("the reply is not JSON") == 0);
  CHECK(error_of(std::string("Here is my verdict: ") + kValid).find("the reply is not JSON") == 0);
  CHECK(error_of(std::string(kValid) + " I hope this helps").find("the reply is not JSON") == 0);
}

TEST_CASE("malformed verdicts are invalid and say why") {
  CHECK(error_of("").find("the reply is empty") == 0);
  CHECK(error_of(R"({"winner":"A","scores":{"A":{"correctness":2)").find("the reply is not JSON") == 0);
  CHECK(error_of("[1,2]") == "the reply is not a JSON object");
  CHECK(error_of(R"({"winner":"a","scores":{},"reason":""})") == "winner must be \"A\", \"B\" or \"tie\"");
  CHECK(error_of(R"({"winner":"A","scores":[],"reason":""})") == "scores must be an object with A and B");
  CHECK(error_of(R"({"winner":"A","scores":{"A":{"correctness":2,"completeness":2,"clarity":2}},"reason":""})") ==
        "scores.B must be an object with correctness, completeness and clarity");
  CHECK(error_of(R"({"winner":"A","scores":{"A":{"correctness":3,"completeness":2,"clarity":2},"B":{"correctness":1,"completeness":1,"clarity":1}},"reason":""})") ==
        "scores.A.correctness must be the integer 0, 1 or 2");
  CHECK(error_of(R"({"winner":"A","scores":{"A":{"correctness":1.5,"completeness":2,"clarity":2},"B":{"correctness":1,"completeness":1,"clarity":1}},"reason":""})") ==
        "scores.A.correctness must be the integer 0, 1 or 2");
  CHECK(error_of(R"({"winner":"A","scores":{"A":{"correctness":"2","completeness":2,"clarity":2},"B":{"correctness":1,"completeness":1,"clarity":1}},"reason":""})") ==
        "scores.A.correctness must be the integer 0, 1 or 2");
  CHECK(error_of(R"({"winner":"A","scores":{"A":{"correctness":2,"completeness":2,"clarity":2},"B":{"correctness":1,"completeness":1,"clarity":1}}})") ==
        "reason must be a string");
  CHECK(error_of(R"({"winner":"A","scores":{"A":{"correctness":2,"completeness":2,"clarity":2},"B":{"correctness":1,"completeness":1,"clarity":1}},"reason":"","confidence":0.9})") ==
        "the verdict has an unexpected key 'confidence'");
  CHECK(error_of(R"({"winner":"A","scores":{"A":{"correctness":2,"completeness":2,"clarity":2,"style":1},"B":{"correctness":1,"completeness":1,"clarity":1}},"reason":""})") ==
        "scores.A has an unexpected key 'style'");
}

TEST_CASE("a winner with the lower weighted score contradicts itself and is invalid; a tie may have any scores") {
  CHECK(error_of(R"({"winner":"B","scores":{"A":{"correctness":2,"completeness":2,"clarity":2},"B":{"correctness":1,"completeness":1,"clarity":2}},"reason":"x"})") ==
        "the winner B has the lower weighted score");
  CHECK(parse_pairwise_verdict(R"({"winner":"tie","scores":{"A":{"correctness":2,"completeness":2,"clarity":2},"B":{"correctness":1,"completeness":1,"clarity":2}},"reason":"x"})")
            .verdict);
  CHECK(parse_pairwise_verdict(R"({"winner":"A","scores":{"A":{"correctness":1,"completeness":1,"clarity":1},"B":{"correctness":1,"completeness":1,"clarity":1}},"reason":"x"})")
            .verdict);
}

TEST_CASE("an absolute verdict has scores and a reason and nothing else") {
  const auto parsed = parse_absolute_verdict(R"({"scores":{"correctness":2,"completeness":1,"clarity":0},"reason":"ok"})");
  REQUIRE(parsed.verdict);
  CHECK(parsed.verdict->scores == RubricScores{2, 1, 0});
  CHECK(parse_absolute_verdict(R"({"scores":{"correctness":2,"completeness":1},"reason":"ok"})").error ==
        "scores.clarity must be the integer 0, 1 or 2");
  CHECK(parse_absolute_verdict(R"({"winner":"A","scores":{"correctness":2,"completeness":1,"clarity":0},"reason":"ok"})").error ==
        "the verdict has an unexpected key 'winner'");
  CHECK(parse_absolute_verdict(R"({"scores":{"correctness":2,"completeness":1,"clarity":0},"reason":"ok)").error.find("not JSON") !=
        std::string::npos);
}
