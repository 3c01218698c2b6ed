// The JSON shape of a record served by GET /admin/records.
#include <doctest/doctest.h>

#include "records/record_json.hpp"
#include "records/record_schema.hpp"

#include <boost/json/parse.hpp>

using namespace llmroute;
using namespace llmroute::records;

TEST_CASE("a record's JSON is a flat object keyed by column names, with null for what never happened") {
  RequestRecord r;
  r.id = "req-1";
  r.start_unix_ms = 1'780'000'000'000;
  r.task = "commit_message";
  r.route = config::Location::local;
  r.backend = "ollama";
  r.model_served = "qwen3-coder";
  r.http_status = 200;
  r.truncated = true;
  r.total_ms = 1234.5;
  r.usage.input = 1200;
  r.usage.output = 34;
  r.cost = 0.0016;
  r.task_rule = "quote \" and \\ survive";

  const boost::json::value v = boost::json::parse(to_json(r));
  REQUIRE(v.is_object());
  const auto& o = v.as_object();
  // One key per column, in column order.
  std::string keys;
  for (const auto& entry : o) keys += (keys.empty() ? "" : ", ") + std::string(entry.key());
  CHECK(keys == record_columns());

  CHECK(o.at("id").as_string() == "req-1");
  CHECK(o.at("start_ms").to_number<std::int64_t>() == 1'780'000'000'000);
  CHECK(o.at("user").as_string() == "anonymous");
  CHECK(o.at("route").as_string() == "local");
  CHECK(o.at("status").to_number<int>() == 200);
  CHECK(o.at("truncated").as_bool());
  CHECK_FALSE(o.at("shadow").as_bool());
  CHECK(o.at("total_ms").as_double() == 1234.5);
  CHECK(o.at("input_tokens").to_number<std::uint64_t>() == 1200);
  CHECK(o.at("output_tokens").to_number<std::uint64_t>() == 34);
  CHECK(o.at("ttft_ms").is_null());
  CHECK(o.at("tokens_per_second").is_null());
  CHECK(o.at("cloud_equivalent_cost").is_null());
  CHECK(o.at("task_rule").as_string() == "quote \" and \\ survive");
}

TEST_CASE("a list of records is a JSON array, and an unrouted record has a null route") {
  RequestRecord unrouted;
  unrouted.id = "a";
  RequestRecord routed;
  routed.id = "b";
  routed.route = config::Location::cloud;
  const boost::json::value v = boost::json::parse(to_json(std::vector<RequestRecord>{unrouted, routed}));
  REQUIRE(v.is_array());
  REQUIRE(v.as_array().size() == 2);
  CHECK(v.as_array()[0].as_object().at("route").is_null());
  CHECK(v.as_array()[1].as_object().at("route").as_string() == "cloud");
  CHECK(to_json(std::vector<RequestRecord>{}) == "[]");
}
