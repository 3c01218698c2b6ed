// The per-user quota columns of the report: each user's use of the UTC day's tokens and the UTC month's cloud
// budget at the report's moment, from the fixture database, against the configured limits (computed by hand).
#include <doctest/doctest.h>

#include "records/sqlite_record_store.hpp"
#include "report/renderers.hpp"
#include "report/report_loader.hpp"
#include "report_fixture.hpp"
#include "report_schema_check.hpp"
#include "support/child_process.hpp"

#include <boost/json/parse.hpp>

#include <fstream>

using namespace llmroute;
using namespace llmroute::report;
using doctest::Approx;

namespace {

/// alice and bob send the fixture's traffic; carol never does; dave is in the records but not in the config.
std::string keyed_config_yaml(const std::string& db_path) {
  return test::fixture_config_yaml(db_path) + R"(auth: keys
users:
  - name: alice
    key_sha256: 1111111111111111111111111111111111111111111111111111111111111111
    quotas: { tokens_per_day: 10000, cloud_spend_per_month: 0.05, on_budget_exhausted: reject }
  - name: bob
    key_sha256: 2222222222222222222222222222222222222222222222222222222222222222
    quotas: { cloud_spend_per_month: 0.04 }
  - name: carol
    key_sha256: 3333333333333333333333333333333333333333333333333333333333333333
    private: true
)";
}

/// The fixture day, plus alice's dear cloud request the evening before (October: another month) and dave's.
struct QuotaDatabase {
  test::TempDir dir;
  config::ConfigPtr config;

  QuotaDatabase() {
    config = config::load_config_text(keyed_config_yaml((dir / "records.db").string()), "fixture.yaml");
    std::vector<records::RequestRecord> rows = test::fixture_records();
    rows.push_back(test::fixture_record(
        {"o1", test::kDayStart - test::kHour, "alice", "architecture", "cloud", 9000, 3000, 900, 9000, 100, 0.5, 0.5}));
    rows.push_back(test::fixture_record(
        {"d1", test::kDayStart + 3 * test::kHour, "dave", "debugging", "local", 100, 50, 100, 900, 60, 0.0002, 0.001}));
    records::SqliteRecordStore store(config->records);
    for (records::RequestRecord& r : rows) REQUIRE(store.submit(std::move(r)));
    store.flush_and_stop();
    REQUIRE(store.lost() == 0);
  }

  Report report_at(std::int64_t now) const {
    LoadedReport loaded = load_report(*config, test::kDayStart, test::kDayStart + 24 * test::kHour, now);
    REQUIRE_MESSAGE(loaded.report.has_value(), loaded.error);
    return std::move(*loaded.report);
  }
};

}  // namespace

TEST_CASE("the report's quota rows count the day's tokens and the month's cloud spend of answered requests") {
  const QuotaDatabase db;
  const Report r = db.report_at(test::kDayStart + 12 * test::kHour);
  CHECK(*r.quota_at_unix_ms == test::kDayStart + 12 * test::kHour);
  REQUIRE(r.user_quotas.size() == 4);

  const UserQuotaRow& alice = r.user_quotas[0];
  CHECK(alice.user == "alice");
  CHECK(alice.tokens_today == 4920);  // r1 1100 + r2 2200 + r3 1300 + r7 320; r4 failed (502), s1 is a shadow
  CHECK(*alice.tokens_per_day == 10000);
  CHECK(alice.cloud_spend_this_month == Approx(0.0075));  // r3; October's 0.5 belongs to another month
  CHECK(*alice.cloud_spend_per_month == Approx(0.05));
  CHECK(alice.on_budget_exhausted == "reject");
  CHECK_FALSE(alice.private_user);

  const UserQuotaRow& bob = r.user_quotas[1];
  CHECK(bob.user == "bob");
  CHECK(bob.tokens_today == 7500);  // r5 5000 + r6 2500; r8 was refused (400)
  CHECK_FALSE(bob.tokens_per_day.has_value());
  CHECK(bob.cloud_spend_this_month == Approx(0.0405));
  CHECK(bob.on_budget_exhausted == "degrade-to-local");

  const UserQuotaRow& carol = r.user_quotas[2];
  CHECK(carol.user == "carol");
  CHECK(carol.tokens_today == 0);
  CHECK(carol.cloud_spend_this_month == 0);
  CHECK(carol.private_user);

  const UserQuotaRow& dave = r.user_quotas[3];  // not configured (any more): use without limits
  CHECK(dave.user == "dave");
  CHECK(dave.tokens_today == 150);
  CHECK_FALSE(dave.tokens_per_day.has_value());
  CHECK_FALSE(dave.cloud_spend_per_month.has_value());
  CHECK(dave.on_budget_exhausted.empty());
}

TEST_CASE("the quota rows follow the moment's UTC day and month, not the report's window") {
  const QuotaDatabase db;
  const Report early = db.report_at(test::kDayStart + 4 * test::kHour);  // before r5, r6 and r7
  CHECK(early.user_quotas[0].tokens_today == 4600);
  CHECK(early.user_quotas[1].tokens_today == 0);
  CHECK(early.user_quotas[1].cloud_spend_this_month == 0);

  const Report next_day = db.report_at(test::kDayStart + 25 * test::kHour);
  CHECK(next_day.user_quotas[0].tokens_today == 0);
  CHECK(next_day.user_quotas[0].cloud_spend_this_month == Approx(0.0075));
  CHECK(next_day.user_quotas[1].cloud_spend_this_month == Approx(0.0405));

  const Report october = db.report_at(test::kDayStart - 1);
  CHECK(october.user_quotas[0].tokens_today == 12000);
  CHECK(october.user_quotas[0].cloud_spend_this_month == Approx(0.5));
}

TEST_CASE("the per-user table shows use against limits for every configured user, and the JSON its rows") {
  const QuotaDatabase db;
  const Report r = db.report_at(test::kDayStart + 12 * test::kHour);
  const std::string text = render_text(r);
  CHECK(text.find("tokens today") != std::string::npos);
  CHECK(text.find("cloud this month") != std::string::npos);
  CHECK(text.find("4,920 / 10,000 (49%)") != std::string::npos);
  CHECK(text.find("USD 0.0075 / USD 0.0500 (15%)") != std::string::npos);
  CHECK(text.find("USD 0.0405 / USD 0.0400 (101%)") != std::string::npos);
  const auto carol = text.find("\ncarol ");
  REQUIRE(carol != std::string::npos);
  CHECK(text.substr(carol + 1, text.find('\n', carol + 1) - carol - 1).find(" 0 ") != std::string::npos);
  CHECK(text.find("Quota columns: tokens in the UTC day and cloud spend in the UTC month of 2026-11-01 12:00 UTC") !=
        std::string::npos);
  CHECK(render_markdown(r).find("| 4,920 / 10,000 (49%) |") != std::string::npos);
  CHECK(render_html(r).find("<td>4,920 / 10,000 (49%)</td>") != std::string::npos);

  test::TempDir dir;
  const std::string json = render_json(r);
  std::ofstream(dir / "report.json") << json;
  const boost::json::value document = boost::json::parse(json);
  CHECK(document.at("quota_at_unix_ms").as_int64() == test::kDayStart + 12 * test::kHour);
  const auto& alice = document.at("user_quotas").at(0);
  CHECK(alice.at("tokens_today").to_number<std::uint64_t>() == 4920);
  CHECK(alice.at("tokens_per_day").to_number<std::uint64_t>() == 10000);
  CHECK(document.at("user_quotas").at(3).at("on_budget_exhausted").is_null());

  const test::SchemaCheck schema = test::check_report_schema(dir / "report.json");
  CHECK_MESSAGE(schema.exit_code == 0, schema.errors);
}

TEST_CASE("without keys the report has quota rows only for anonymous, once it has used something") {
  test::TempDir dir;
  const config::ConfigPtr config =
      config::load_config_text(test::fixture_config_yaml((dir / "records.db").string()), "fixture.yaml");
  {
    records::SqliteRecordStore store(config->records);
    for (records::RequestRecord& r : test::fixture_records()) REQUIRE(store.submit(std::move(r)));
    REQUIRE(store.submit(test::fixture_record({"a1", test::kDayStart + 2 * test::kHour, "anonymous", "debugging",
                                               "local", 400, 100, 100, 900, 60, 0.0002, 0.001})));
  }
  const LoadedReport before = load_report(*config, std::nullopt, std::nullopt, test::kDayStart + test::kHour);
  REQUIRE(before.report.has_value());
  CHECK(before.report->user_quotas.empty());
  CHECK(render_text(*before.report).find("tokens today") == std::string::npos);
  const LoadedReport after = load_report(*config, std::nullopt, std::nullopt, test::kDayStart + 3 * test::kHour);
  REQUIRE(after.report.has_value());
  REQUIRE(after.report->user_quotas.size() == 1);
  CHECK(after.report->user_quotas[0].user == "anonymous");
  CHECK(after.report->user_quotas[0].tokens_today == 500);
}
