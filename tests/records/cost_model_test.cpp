// The cost model against hand-computed numbers: token prices, cache discounts, the local box's busy seconds.
#include <doctest/doctest.h>

#include "config/config_loader.hpp"
#include "records/cost_model.hpp"

using namespace llmroute;
using namespace llmroute::records;

namespace {

// The seed's co-op box: a ~40,000 SEK Mac Studio over 36 months, 8 busy hours a day, ~120 W, 2 SEK/kWh.
const char* kCoopConfig = R"(currency: SEK
backends:
  - name: box
    location: local
    url: http://127.0.0.1:11434/v1
    models:
      - qwen3-coder
      - name: priced-local
        price: { input: 1, output: 2 }
  - name: cloud
    location: cloud
    url: https://api.example.com/v1
    models:
      - name: sonnet
        price: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 }
      - name: free-preview
cost:
  hardware_price: 40000
  amortisation_months: 36
  power_watts: 120
  electricity_price_per_kwh: 2
  busy_hours_per_day: 8
  baseline: cloud/sonnet
)";

}  // namespace

TEST_CASE("cached input tokens are billed at cache prices and reasoning at the output price") {
  const config::Price sonnet{.input = 3.00, .output = 15.00, .cache_read = 0.30, .cache_write = 3.75};
  const Usage usage{.input = 10'000, .output = 1'500, .reasoning = 500, .cache_read = 6'000, .cache_write = 2'000};
  // uncached input 10,000 - 6,000 - 2,000 = 2,000 × 3.00 =  6,000
  // cache reads                             6,000 × 0.30 =  1,800
  // cache writes                            2,000 × 3.75 =  7,500
  // output (its 500 reasoning included)     1,500 × 15   = 22,500
  //                                                         37,800 / 1,000,000 = 0.0378
  CHECK(token_cost(sonnet, usage) == doctest::Approx(0.0378).epsilon(1e-12));
}

TEST_CASE("the seed's monthly volume at Qwen3-32B prices costs what the seed says") {
  // 1.9 B tokens a month, 30 % input: 570 M × $0.10 + 1,330 M × $0.30 = $57 + $399 = $456
  // (~4,600 SEK at ~10 SEK/USD: the seed's "cheapest API" figure).
  const config::Price qwen3_32b{.input = 0.10, .output = 0.30};
  CHECK(token_cost(qwen3_32b, Usage{.input = 570'000'000, .output = 1'330'000'000}) == doctest::Approx(456.0));
}

TEST_CASE("cache counts larger than the input never make the uncached share negative") {
  // A backend reporting 300 cached of 100 input: no uncached input, 300 × 0.5 = 150 / 1e6.
  const config::Price price{.input = 1, .output = 1, .cache_read = 0.5};
  CHECK(token_cost(price, Usage{.input = 100, .cache_read = 300}) == doctest::Approx(150e-6));
}

TEST_CASE("a busy second of the seed's co-op box costs its amortised price plus its power") {
  const auto config = config::load_config_text(kCoopConfig, "coop.yaml");
  // hardware: 40,000 / (36 months × 30.4 days × 8 h × 3,600 s) = 40,000 / 31,518,720 = 0.00126909 SEK/s
  // power:    120 W / 1,000 × 2 SEK/kWh / 3,600 s               = 0.24 / 3,600      = 0.00006667 SEK/s
  //                                                                                   0.00133575 SEK/s
  const double per_second = local_cost_per_busy_second(config->cost);
  CHECK(per_second == doctest::Approx(0.0013357537).epsilon(1e-9));
  // An hour of generation: 4.81 SEK. A month of 8-hour days: 1,111.11 hardware (40,000 / 36) + 58.37 power
  // = 1,169.48 SEK, the seed's ~1,186 SEK/month (which assumes a little more electricity).
  CHECK(per_second * 3600 == doctest::Approx(4.8087).epsilon(1e-4));
  CHECK(per_second * 30.4 * 8 * 3600 == doctest::Approx(1169.479).epsilon(1e-6));
}

TEST_CASE("the cost model prices tokens where a price is set and busy time for unpriced local models") {
  const auto config = config::load_config_text(kCoopConfig, "coop.yaml");
  const CostModel model(*config);
  CHECK(model.currency() == "SEK");
  const Usage usage{.input = 2'000, .output = 1'000};
  const auto& local = config->backends[0];
  const auto& cloud = config->backends[1];

  // Unpriced local: 12.5 busy seconds × 0.0013357537 SEK/s = 0.016696922 SEK, whatever the token count.
  CHECK(model.cost_of(local.models[0], config::Location::local, usage, 12.5) ==
        doctest::Approx(12.5 * 0.0013357537).epsilon(1e-9));
  // A price wins over busy time: 2,000 × 1 + 1,000 × 2 = 4,000 / 1e6.
  CHECK(model.cost_of(local.models[1], config::Location::local, usage, 12.5) == doctest::Approx(0.004));
  // Cloud: 2,000 × 3 + 1,000 × 15 = 21,000 / 1e6.
  CHECK(model.cost_of(cloud.models[0], config::Location::cloud, usage, 12.5) == doctest::Approx(0.021));
  // An unpriced cloud model is taken to be free rather than guessed at.
  CHECK(model.cost_of(cloud.models[1], config::Location::cloud, usage, 12.5) == 0);
  // Cloud-equivalent at the baseline (sonnet) price, the same 0.021 for a request that ran locally.
  REQUIRE(model.cloud_equivalent(usage).has_value());
  CHECK(*model.cloud_equivalent(usage) == doctest::Approx(0.021));
}

TEST_CASE("without a baseline there is no cloud-equivalent cost, and without hardware local time is free") {
  const auto config = config::load_config_text(
      "backends:\n  - name: box\n    url: http://127.0.0.1:1/v1\n    models: [m]\n", "bare.yaml");
  const CostModel model(*config);
  CHECK_FALSE(model.cloud_equivalent(Usage{.input = 1, .output = 1}).has_value());
  CHECK(model.local_cost_per_busy_second() == 0);
  CHECK(model.cost_of(config->backends[0].models[0], config::Location::local, Usage{}, 100) == 0);
}
