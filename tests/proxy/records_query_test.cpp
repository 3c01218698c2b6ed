// GET /admin/records query strings read into record queries.
#include <doctest/doctest.h>

#include "proxy/records_query.hpp"

using llmroute::proxy::parse_records_query;

namespace {

constexpr std::int64_t kNow = 1'790'000'000'000;

}  // namespace

TEST_CASE("an /admin/records query reads every filter, durations counted back from now") {
  const auto parse = parse_records_query("/admin/records?since=24h&until=1789999999000&user=ann&task=debugging&limit=5", kNow);
  REQUIRE(parse.error.empty());
  CHECK(parse.query.since_unix_ms == kNow - 24 * 3'600'000);
  CHECK(parse.query.until_unix_ms == 1'789'999'999'000);
  CHECK(parse.query.user == "ann");
  CHECK(parse.query.task == "debugging");
  CHECK(parse.query.limit == 5u);
}

TEST_CASE("an /admin/records query without parameters gives the newest 100 records, empty fields filter nothing") {
  for (const char* target : {"/admin/records", "/admin/records?user=&task=&since=&until="}) {
    const auto parse = parse_records_query(target, kNow);
    CHECK(parse.error.empty());
    CHECK(parse.query.limit == 100u);
    CHECK_FALSE(parse.query.user);
    CHECK_FALSE(parse.query.since_unix_ms);
  }
}

TEST_CASE("a duration further back than 1970 means all time, and wrong parameters say what is wrong") {
  CHECK(parse_records_query("/admin/records?since=9999999999999d", kNow).query.since_unix_ms == 0);
  CHECK(parse_records_query("/admin/records?since=5y", kNow).error == "unknown time unit in '5y' (use s, m, h or d)");
  CHECK(parse_records_query("/admin/records?limit=0", kNow).error == "limit must be a whole number from 1 to 10000");
  CHECK(parse_records_query("/admin/records?colour=red", kNow).error ==
        "unknown parameter 'colour' (since, until, user, task, limit)");
}
