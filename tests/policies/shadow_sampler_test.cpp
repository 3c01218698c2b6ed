// Shadow sampling: rates honoured statistically with a fixed seed, reproducible, background kinds off.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "config/config_loader.hpp"
#include "policies/shadow_sampler.hpp"

using namespace llmroute;

namespace {

config::ConfigPtr with_shadow(const std::string& shadow) {
  return config::load_config_text("backends: [{ name: box, url: 'http://127.0.0.1:1/v1', models: [m, judge] }]\n"
                                  "judging: { judges: [box/m, box/judge] }\n" + shadow,
                                  "sampler.yaml");
}

}  // namespace

TEST_CASE("with a fixed seed the sample rate is honoured within five standard deviations") {
  const auto config = with_shadow("shadow: { rate: 0.1, monthly_budget: 1, seed: 7, tasks: { debugging: 0.5 } }\n");
  policies::ShadowSampler sampler(config->shadow);
  constexpr int kDraws = 20'000;
  int docs = 0, debugging = 0;
  for (int i = 0; i < kDraws; ++i) {
    docs += sampler.sample("documentation");
    debugging += sampler.sample("debugging");
  }
  auto within = [](int hits, double rate) {
    const double sd = std::sqrt(kDraws * rate * (1 - rate));
    return std::abs(hits - kDraws * rate) <= 5 * sd;
  };
  CHECK(within(docs, 0.1));
  CHECK(within(debugging, 0.5));
}

TEST_CASE("the same seed samples the same requests") {
  const auto config = with_shadow("shadow: { rate: 0.3, monthly_budget: 1, seed: 42 }\n");
  policies::ShadowSampler a(config->shadow), b(config->shadow);
  std::vector<bool> first, second;
  for (int i = 0; i < 500; ++i) {
    first.push_back(a.sample(i % 2 ? "refactoring" : "architecture"));
    second.push_back(b.sample(i % 2 ? "refactoring" : "architecture"));
  }
  CHECK(first == second);
  const auto other = with_shadow("shadow: { rate: 0.3, monthly_budget: 1, seed: 43 }\n");
  policies::ShadowSampler c(other->shadow);
  std::vector<bool> third;
  for (int i = 0; i < 500; ++i) third.push_back(c.sample(i % 2 ? "refactoring" : "architecture"));
  CHECK(third != first);
}

TEST_CASE("rate 0, background kinds and unknown kinds are never sampled; rate 1 always is") {
  const auto config = with_shadow("shadow: { rate: 1, monthly_budget: 1, tasks: { reasoning: 0 } }\n");
  policies::ShadowSampler sampler(config->shadow);
  for (int i = 0; i < 100; ++i) {
    CHECK(sampler.sample("debugging"));
    CHECK_FALSE(sampler.sample("reasoning"));
    CHECK_FALSE(sampler.sample("background"));
    CHECK_FALSE(sampler.sample("autocomplete"));
    CHECK_FALSE(sampler.sample("unclassified"));
  }
}

TEST_CASE("without a shadow section no request is sampled") {
  const auto config = with_shadow("");
  policies::ShadowSampler sampler(config->shadow);
  CHECK_FALSE(sampler.sample("debugging"));
}
