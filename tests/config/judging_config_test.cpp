// The judging section and model families: judges resolve to configured models, mistakes name file:line:col.
#include <doctest/doctest.h>

#include "config_error.hpp"

#include <string>

#include "config/config_loader.hpp"

using namespace llmroute::config;

namespace {

const std::string kBackends = R"(backends:
  - name: box
    url: http://127.0.0.1:11434/v1
    models:
      - { name: qwen, family: qwen }
  - name: cloud
    location: cloud
    url: https://openrouter.ai/api/v1
    models:
      - { name: opus, family: claude }
      - { name: mini, family: gpt }
)";

std::string error_of(const std::string& yaml) { return llmroute::test::config_error(yaml, "j.yaml"); }

}  // namespace

TEST_CASE("a model may name its family, and a shorthand model has none") {
  const auto c = load_config_text(kBackends + "  - name: extra\n    url: http://h:1\n    models: [bare]\n", "j.yaml");
  CHECK(c->backends[0].models[0].family == "qwen");
  CHECK(c->backends[1].models[1].family == "gpt");
  CHECK(c->backends[2].models[0].family.empty());
  CHECK(error_of(kBackends + "  - name: x\n    url: http://h:1\n    models:\n      - { name: y, family: \"\" }\n") ==
        "j.yaml:15:28: backends[2].models[0].family: must not be empty (leave the key out when the family is unknown)");
}

TEST_CASE("without a judging section nothing is judged") {
  const auto c = load_config_text(kBackends, "j.yaml");
  CHECK_FALSE(c->judging.enabled());
}

TEST_CASE("the judging section names judges by backend/model or model name and sets every knob") {
  const auto c = load_config_text(kBackends + R"(judging:
  judges: [cloud/opus, mini]
  disagreement_threshold: 0.75
  min_n: 12
  parity_margin: 0.1
  concurrency: 3
  max_tokens: 800
  timeout: 45s
  retry: { invalid_verdict: 2, failed_call_attempts: 4, backoff: 5s }
)",
                                  "j.yaml");
  REQUIRE(c->judging.judges.size() == 2);
  CHECK(c->ref_name(c->judging.judges[0]) == "cloud/opus");
  CHECK(c->ref_name(c->judging.judges[1]) == "cloud/mini");
  CHECK(c->judging.enabled());
  CHECK(c->judging.disagreement_threshold == 0.75);
  CHECK(c->judging.min_n == 12);
  CHECK(c->judging.parity_margin == 0.1);
  CHECK(c->judging.concurrency == 3);
  CHECK(c->judging.max_tokens == 800);
  CHECK(c->judging.timeout == std::chrono::seconds(45));
  CHECK(c->judging.retry.invalid_verdict == 2);
  CHECK(c->judging.retry.failed_call_attempts == 4);
  CHECK(c->judging.retry.backoff == std::chrono::seconds(5));
}

TEST_CASE("defaults: one retry of an invalid verdict, twenty pairs before a verdict") {
  const auto c = load_config_text(kBackends + "judging:\n  judges: [opus, mini]\n", "j.yaml");
  CHECK(c->judging.retry.invalid_verdict == 1);
  CHECK(c->judging.min_n == 20);
  CHECK(c->judging.disagreement_threshold == 0.5);
}

TEST_CASE("a judge that is not a configured model is an error at its position") {
  CHECK(error_of(kBackends + "judging:\n  judges: [cloud/opus, cloud/gpt-9]\n") ==
        "j.yaml:13:24: judging.judges[1]: backend 'cloud' has no model 'gpt-9'");
  CHECK(error_of(kBackends + "judging:\n  judges: [opus, nobody]\n") ==
        "j.yaml:13:18: judging.judges[1]: no model named 'nobody' (write backend/model or a configured model name)");
}

TEST_CASE("fewer than two distinct judges, bad numbers and unknown keys are errors") {
  CHECK(error_of(kBackends + "judging:\n  judges: [opus]\n") ==
        "j.yaml:13:11: judging.judges: at least two judge models are needed (preferably of different families)");
  CHECK(error_of(kBackends + "judging:\n  judges: [opus, cloud/opus]\n") ==
        "j.yaml:13:18: judging.judges[1]: 'cloud/opus' is listed twice");
  CHECK(error_of(kBackends + "judging:\n  judges: [opus, mini]\n  disagreement_threshold: 0\n")
            .find("judging.disagreement_threshold: must be more than 0") != std::string::npos);
  CHECK(error_of(kBackends + "judging:\n  judges: [opus, mini]\n  min_n: 1\n").find("j.yaml:14:10: judging.min_n:") == 0);
  CHECK(error_of(kBackends + "judging:\n  judges: [opus, mini]\n  retry: { invalid_verdicts: 1 }\n")
            .find("judging.retry.invalid_verdicts: unknown key") != std::string::npos);
  CHECK(error_of(kBackends + "judging:\n  judges: [opus, mini]\n  judge_model: opus\n")
            .find("j.yaml:14:3: judging.judge_model: unknown key") == 0);
  CHECK(error_of(kBackends + "judging:\n  concurrency: 2\n").find("judging: missing required key") != std::string::npos);
}

TEST_CASE("judging needs the records database") {
  CHECK(error_of(kBackends + "records: { enabled: false }\njudging:\n  judges: [opus, mini]\n")
            .find("judging: judging needs the records database") != std::string::npos);
}

TEST_CASE("the example config documents judging with two judges of different families") {
  const auto c = load_config_file(LLMROUTE_SOURCE_DIR "/config/example.yaml");
  REQUIRE(c->judging.judges.size() == 2);
  CHECK(c->model(c->judging.judges[0]).family != c->model(c->judging.judges[1]).family);
  CHECK(c->model(c->judging.judges[0]).family == "claude");
}
