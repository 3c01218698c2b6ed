// Every number of the report over a fixture records database, against values computed by hand.
#include <doctest/doctest.h>

#include "benchmark/bench_store.hpp"
#include "policies/judge_store.hpp"
#include "records/sqlite_record_store.hpp"
#include "report/report_loader.hpp"
#include "report_fixture.hpp"
#include "support/child_process.hpp"

using namespace llmroute;
using namespace llmroute::report;
using doctest::Approx;

namespace {

/// Writes the fixture records through the real store and reads the report back for 2026-11-01.
struct FixtureDatabase {
  test::TempDir dir;
  config::ConfigPtr config;
  Report report;

  FixtureDatabase() {
    config = config::load_config_text(test::fixture_config_yaml((dir / "records.db").string()), "fixture.yaml");
    {
      records::SqliteRecordStore store(config->records);
      for (records::RequestRecord& r : test::fixture_records()) REQUIRE(store.submit(std::move(r)));
      store.flush_and_stop();
      REQUIRE(store.lost() == 0);
    }
    LoadedReport loaded = load_report(*config, test::kDayStart, test::kDayStart + 24 * test::kHour);
    REQUIRE_MESSAGE(loaded.report.has_value(), loaded.error);
    report = std::move(*loaded.report);
  }
};

void check_percentiles(const Percentiles& p, double p50, double p95) {
  REQUIRE(p.p50.has_value());
  REQUIRE(p.p95.has_value());
  CHECK(*p.p50 == p50);
  CHECK(*p.p95 == p95);
}

}  // namespace

TEST_CASE("the report over the fixture database: totals, window and shadow copies") {
  const FixtureDatabase db;
  const Report& r = db.report;
  CHECK(r.currency == "USD");
  CHECK(r.first_unix_ms == test::kDayStart);
  CHECK(r.last_unix_ms == test::kDayStart + 24 * test::kHour);
  CHECK(r.shadow_requests == 1);
  CHECK(r.shadow_cost == Approx(0.0048));

  const TrafficRow& t = r.total;
  CHECK(t.requests == 8);
  CHECK(t.local == 4);
  CHECK(t.cloud == 3);
  CHECK(t.unrouted == 1);
  CHECK(*t.local_share == Approx(4.0 / 7));
  CHECK(t.input_tokens == 10800);
  CHECK(t.output_tokens == 2120);
  check_percentiles(t.ttft_ms, 400, 1000);    // 100 200 400 600 800 1000
  check_percentiles(t.total_ms, 2000, 10000); // 5 50 500 2000 4000 5000 6000 10000
  CHECK(*t.tokens_per_second == Approx(75));  // (50+40+100+110+90+60) / 6
  CHECK(t.cost == Approx(0.0515));
  CHECK(t.cloud_cost == Approx(0.048));
  CHECK(*t.all_cloud_cost == Approx(0.0642));
  CHECK(*t.savings == Approx(0.0127));
  CHECK(t.truncations == 1);
  CHECK(t.errors == 2);
  CHECK(t.fallbacks == 1);
}

TEST_CASE("the report over the fixture database: per task kind, in the task kinds' order") {
  const FixtureDatabase db;
  const auto& tasks = db.report.tasks;
  REQUIRE(tasks.size() == 4);
  CHECK(tasks[0].name == "commit-message");
  CHECK(tasks[1].name == "debugging");
  CHECK(tasks[2].name == "architecture");
  CHECK(tasks[3].name == "unclassified");

  const TrafficRow& commit = tasks[0];
  CHECK(commit.requests == 1);
  CHECK(*commit.local_share == 1);
  CHECK(commit.input_tokens == 300);
  CHECK(commit.output_tokens == 20);
  check_percentiles(commit.ttft_ms, 100, 100);
  check_percentiles(commit.total_ms, 500, 500);
  CHECK(*commit.tokens_per_second == 60);
  CHECK(commit.cost == Approx(0.0005));
  CHECK(*commit.all_cloud_cost == Approx(0.0012));
  CHECK(*commit.savings == Approx(0.0007));

  const TrafficRow& debugging = tasks[1];
  CHECK(debugging.requests == 4);
  CHECK(debugging.local == 3);
  CHECK(debugging.cloud == 1);
  CHECK(*debugging.local_share == 0.75);
  CHECK(debugging.input_tokens == 4500);
  CHECK(debugging.output_tokens == 600);
  check_percentiles(debugging.ttft_ms, 400, 800);
  check_percentiles(debugging.total_ms, 2000, 6000);
  CHECK(*debugging.tokens_per_second == Approx(190.0 / 3));
  CHECK(debugging.cost == Approx(0.0105));
  CHECK(debugging.cloud_cost == Approx(0.0075));
  CHECK(*debugging.all_cloud_cost == Approx(0.0225));
  CHECK(*debugging.savings == Approx(0.012));
  CHECK(debugging.truncations == 1);
  CHECK(debugging.errors == 1);
  CHECK(debugging.fallbacks == 1);

  const TrafficRow& architecture = tasks[2];
  CHECK(architecture.requests == 2);
  CHECK(architecture.cloud == 2);
  CHECK(*architecture.local_share == 0);
  CHECK(architecture.input_tokens == 6000);
  CHECK(architecture.output_tokens == 1500);
  check_percentiles(architecture.ttft_ms, 600, 1000);
  check_percentiles(architecture.total_ms, 5000, 10000);
  CHECK(*architecture.tokens_per_second == 100);
  CHECK(architecture.cost == Approx(0.0405));
  CHECK(*architecture.savings == Approx(0));
  CHECK(architecture.errors == 0);

  const TrafficRow& unclassified = tasks[3];
  CHECK(unclassified.requests == 1);
  CHECK(unclassified.unrouted == 1);
  CHECK_FALSE(unclassified.local_share.has_value());
  CHECK_FALSE(unclassified.ttft_ms.p50.has_value());
  check_percentiles(unclassified.total_ms, 5, 5);
  CHECK_FALSE(unclassified.tokens_per_second.has_value());
  CHECK(unclassified.errors == 1);
}

TEST_CASE("the report over the fixture database: per user") {
  const FixtureDatabase db;
  const auto& users = db.report.users;
  REQUIRE(users.size() == 2);
  CHECK(users[0].name == "alice");
  CHECK(users[0].requests == 5);
  CHECK(*users[0].local_share == 0.8);
  CHECK(users[0].input_tokens == 4800);
  CHECK(users[0].output_tokens == 620);
  CHECK(users[0].cost == Approx(0.011));
  CHECK(users[0].cloud_cost == Approx(0.0075));
  CHECK(users[1].name == "bob");
  CHECK(users[1].requests == 3);
  CHECK(*users[1].local_share == 0);
  CHECK(users[1].input_tokens == 6000);
  CHECK(users[1].output_tokens == 1500);
  CHECK(users[1].cost == Approx(0.0405));
  CHECK(users[1].cloud_cost == Approx(0.0405));
}

TEST_CASE("the report over the fixture database: per model, shadow copies included, local first") {
  const FixtureDatabase db;
  const auto& models = db.report.models;
  REQUIRE(models.size() == 2);
  const ModelRow& local = models[0];
  CHECK(local.model == "qwen3-coder");
  CHECK(local.backend == "ollama");
  CHECK(local.location == config::Location::local);
  CHECK(local.requests == 4);
  CHECK(*local.tokens_per_second == Approx(50));  // (50+40+60) / 3
  CHECK(*local.ttft_ms == Approx(700.0 / 3));     // (200+400+100) / 3
  CHECK(*local.total_ms == Approx(1637.5));       // (2000+4000+50+500) / 4
  CHECK(local.input_tokens == 3800);
  CHECK(local.output_tokens == 320);
  CHECK(local.cost == Approx(0.0035));
  CHECK_FALSE(local.quality.has_value());
  CHECK_FALSE(local.cost_per_quality_point.has_value());

  const ModelRow& cloud = models[1];
  CHECK(cloud.model == "sonnet");
  CHECK(cloud.location == config::Location::cloud);
  CHECK(cloud.requests == 4);
  CHECK(*cloud.tokens_per_second == Approx(98.75));  // (100+110+90+95) / 4
  CHECK(*cloud.ttft_ms == Approx(775));
  CHECK(*cloud.total_ms == Approx(6000));
  CHECK(cloud.input_tokens == 8000);
  CHECK(cloud.output_tokens == 1920);
  CHECK(cloud.cost == Approx(0.0528));
}

TEST_CASE("the report over the fixture database: hourly cost over the day") {
  const FixtureDatabase db;
  const Report& r = db.report;
  CHECK(r.cost_bucket_ms == test::kHour);
  REQUIRE(r.cost_over_time.size() == 24);
  CHECK(r.cost_over_time[0].start_unix_ms == test::kDayStart);
  CHECK(r.cost_over_time[0].cost == 0);
  CHECK(r.cost_over_time[1].cost == Approx(0.003));
  CHECK(*r.cost_over_time[1].all_cloud_cost == Approx(0.0135));
  CHECK(r.cost_over_time[2].cost == Approx(0.0075));
  CHECK(*r.cost_over_time[3].all_cloud_cost == Approx(0.0015));
  CHECK(r.cost_over_time[5].cost == Approx(0.0405));
  CHECK(r.cost_over_time[10].cost == Approx(0.0005));
  CHECK(*r.cost_over_time[10].all_cloud_cost == Approx(0.0012));
  CHECK(r.cost_over_time[23].start_unix_ms == test::kDayStart + 23 * test::kHour);
  CHECK(r.cost_over_time[23].cost == 0);
}

TEST_CASE("the report over the fixture database: co-op economics") {
  const FixtureDatabase db;
  const Economics& e = db.report.economics;
  CHECK(e.window_days == 1);
  CHECK(*e.cloud_spend_avoided == Approx(0.0162));  // r1 + r2 + r4 + r7 at sonnet's prices
  CHECK(*e.monthly_cloud_spend_avoided == Approx(0.49248));
  CHECK(*e.monthly_cloud_spend == Approx(1.4592));  // 0.048 × 30.4
  CHECK(e.monthly_amortisation == Approx(100));
  CHECK(e.monthly_electricity == Approx(7.6));
  CHECK(e.monthly_box_cost == Approx(107.6));
  CHECK(*e.monthly_net_saving == Approx(-107.10752));
  CHECK_FALSE(e.break_even_months.has_value());  // avoided spend is below the electricity bill
  CHECK(e.members == 2);
  CHECK(*e.monthly_box_cost_per_member == Approx(53.8));
  CHECK(db.report.shadow_verdicts.empty());
}

TEST_CASE("a window without the database, or a newer schema, is an error message, not a crash") {
  test::TempDir dir;
  const config::ConfigPtr config =
      config::load_config_text(test::fixture_config_yaml((dir / "missing.db").string()), "fixture.yaml");
  const LoadedReport loaded = load_report(*config, std::nullopt, std::nullopt);
  CHECK_FALSE(loaded.report.has_value());
  CHECK(loaded.error.find("no records database at") == 0);
}

TEST_CASE("model quality comes from the latest bench run with judged answers in the same database") {
  test::TempDir dir;
  const config::ConfigPtr config =
      config::load_config_text(test::fixture_config_yaml((dir / "records.db").string()), "fixture.yaml");
  {
    records::SqliteRecordStore store(config->records);
    for (records::RequestRecord& r : test::fixture_records()) REQUIRE(store.submit(std::move(r)));
  }
  {
    benchmark::BenchStore bench((dir / "records.db").string());
    // An older judged run, a newer one, and the newest, which has no judged answer yet.
    const std::vector<std::pair<std::string, std::int64_t>> runs = {
        {"old", test::kDayStart}, {"judged", test::kDayStart + 12 * test::kHour}, {"unjudged", test::kDayStart + 20 * test::kHour}};
    for (const auto& [id, start] : runs) REQUIRE(bench.create_run({id, start, "tasks", {}, {}, 3}).empty());
    const auto save = [&bench](const char* run, const char* task, const char* category, const char* model,
                               std::optional<double> quality) {
      benchmark::BenchResult r;
      r.run_id = run;
      r.task_id = task;
      r.category = category;
      r.model = model;
      r.state = quality ? benchmark::PairState::done : benchmark::PairState::answered;
      r.quality = quality;
      REQUIRE(bench.save(r).empty());
    };
    save("old", "debug-1", "debugging", "ollama/qwen3-coder", 0.2);
    save("judged", "debug-1", "debugging", "ollama/qwen3-coder", 1.5);
    save("judged", "debug-2", "debugging", "ollama/qwen3-coder", 1.0);
    save("judged", "debug-1", "debugging", "anthropic/sonnet", 2.0);
    save("judged", "arch-1", "architecture", "anthropic/sonnet", 1.6);
    save("unjudged", "debug-1", "debugging", "ollama/qwen3-coder", std::nullopt);
  }
  const LoadedReport loaded = load_report(*config, test::kDayStart, test::kDayStart + 24 * test::kHour);
  REQUIRE_MESSAGE(loaded.report.has_value(), loaded.error);
  const Report& r = *loaded.report;
  CHECK(r.quality_source == "bench run judged of 2026-11-01 12:00 UTC");
  CHECK(*r.models[0].quality == Approx(1.25));  // qwen3-coder: (1.5 + 1.0) / 2
  CHECK(r.models[0].judgments == 2);
  CHECK(*r.models[0].cost_per_quality_point == Approx(0.0028));  // 0.0035 / 1.25
  CHECK(*r.models[1].quality == Approx(1.8));   // sonnet: (2.0 + 1.6) / 2
  REQUIRE(r.quality.size() == 3);
  CHECK(r.quality[0].task == "debugging");
  CHECK(r.quality[0].model == "qwen3-coder");
  CHECK(r.quality[0].quality == Approx(1.25));
  CHECK(r.quality[1].model == "sonnet");
  CHECK(r.quality[1].quality == Approx(2.0));
  CHECK(r.quality[2].task == "architecture");
  CHECK(r.quality[2].quality == Approx(1.6));
}

TEST_CASE("the shadow pairs of the window come from the judge queue in the same database") {
  test::TempDir dir;
  const config::ConfigPtr config =
      config::load_config_text(test::fixture_config_yaml((dir / "records.db").string()), "fixture.yaml");
  {
    records::SqliteRecordStore store(config->records);
    for (records::RequestRecord& r : test::fixture_records()) REQUIRE(store.submit(std::move(r)));
  }
  {
    policies::JudgeStore judges((dir / "records.db").string());
    const auto enqueue = [&judges](const char* primary_id, std::int64_t created) {
      policies::ShadowPair pair;
      pair.task = "debugging";
      pair.prompt = "user: why does this crash?";
      pair.request_body = R"({"messages":[]})";
      pair.created_unix_ms = created;
      pair.primary = {primary_id, "ollama", "qwen3-coder", config::Location::local, "a fix", "", false, 2000, 100, 0.001};
      pair.shadow = {"s1", "anthropic", "sonnet", config::Location::cloud, "another fix", "", false, 3000, 120, 0.0048};
      std::string error;
      REQUIRE_MESSAGE(judges.enqueue(pair, "", error).has_value(), error);
    };
    enqueue("r1", test::kDayStart + test::kHour);
    enqueue("r2", test::kDayStart + 2 * test::kHour);
    enqueue("x9", test::kDayStart + 30 * test::kHour);  // the next day: outside the window
  }
  const LoadedReport loaded = load_report(*config, test::kDayStart, test::kDayStart + 24 * test::kHour);
  REQUIRE_MESSAGE(loaded.report.has_value(), loaded.error);
  CHECK(loaded.report->judging.pending == 2);
  CHECK(loaded.report->judging.judged == 0);
  CHECK(loaded.report->judging.min_n == 20);  // judging.min_n's default
  CHECK(loaded.report->shadow_verdicts.empty());
}

TEST_CASE("without a judged bench run, model quality is the judges' scores of both answers of the window's shadow pairs") {
  test::TempDir dir;
  const std::string db = (dir / "records.db").string();
  const config::ConfigPtr config = config::load_config_text(test::fixture_config_yaml(db), "fixture.yaml");
  {
    records::SqliteRecordStore store(config->records);
    for (records::RequestRecord& r : test::fixture_records()) REQUIRE(store.submit(std::move(r)));
  }
  {
    policies::JudgeStore judges(db);
    std::string error;
    policies::ShadowPair pair;
    pair.task = "debugging";
    pair.prompt = "user: why does this crash?";
    pair.request_body = R"({"messages":[]})";
    pair.created_unix_ms = test::kDayStart + test::kHour;
    pair.primary = {"r1", "ollama", "qwen3-coder", config::Location::local, "a fix", "", false, 2000, 100, 0.001};
    pair.shadow = {"s1", "anthropic", "sonnet", config::Location::cloud, "another fix", "", false, 3000, 120, 0.0048};
    const auto id = judges.enqueue(pair, "", error);
    REQUIRE_MESSAGE(id.has_value(), error);
    // Two valid verdicts in both orders, one invalid reply (which scores nothing) and the pair's verdict.
    const auto call = [&](policies::Order order, const char* reply) {
      policies::StoredCall c;
      c.start_unix_ms = pair.created_unix_ms;
      c.judge = {"openai/gpt-5-mini", "gpt"};
      c.order = order;
      c.reply.answered = true;
      c.reply.text = reply;
      c.reading = policies::read_pairwise_reply(reply, order);
      REQUIRE(judges.record_call(*id, c).empty());
    };
    // Primary first: A is qwen3-coder (2/2/2 = 2.00), B sonnet (1/1/2 = 1.25).
    call(policies::Order::primary_first, R"({"winner":"A","scores":{"A":{"correctness":2,"completeness":2,"clarity":2},)"
                                         R"("B":{"correctness":1,"completeness":1,"clarity":2}},"reason":"r"})");
    // Shadow first: A is sonnet (2/1/2 = 1.65), B qwen3-coder (2/2/1 = 1.75).
    call(policies::Order::shadow_first, R"({"winner":"B","scores":{"A":{"correctness":2,"completeness":1,"clarity":2},)"
                                        R"("B":{"correctness":2,"completeness":2,"clarity":1}},"reason":"r"})");
    call(policies::Order::shadow_first, "not json");
    policies::PairJudgment judgment;
    judgment.valid = true;
    judgment.winner = policies::PairWinner::primary;
    judgment.score_difference = 0.45;
    REQUIRE(judges.finish(*id, judgment, pair.created_unix_ms + 1000).empty());
  }
  const LoadedReport loaded = load_report(*config, test::kDayStart, test::kDayStart + 24 * test::kHour);
  REQUIRE_MESSAGE(loaded.report.has_value(), loaded.error);
  const Report& r = *loaded.report;
  CHECK(r.quality_source == "the judges' scores of both answers of this window's shadow pairs");
  CHECK(*r.models[0].quality == Approx(1.875));  // qwen3-coder: (2.00 + 1.75) / 2
  CHECK(r.models[0].judgments == 2);
  CHECK(*r.models[1].quality == Approx(1.45));  // sonnet: (1.25 + 1.65) / 2
  REQUIRE(r.quality.size() == 2);
  CHECK(r.quality[0].task == "debugging");
  CHECK(r.quality[0].model == "qwen3-coder");
  CHECK(r.quality[0].quality == Approx(1.875));

  // A window without shadow pairs has no quality.
  const LoadedReport later = load_report(*config, test::kDayStart + 2 * test::kHour, test::kDayStart + 24 * test::kHour);
  REQUIRE(later.report.has_value());
  CHECK(later.report->quality_source.empty());
  CHECK_FALSE(later.report->models[0].quality);
}
