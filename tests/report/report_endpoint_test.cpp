// GET /report on a running proxy: the same HTML report as `llmroute report --format html`, for loopback clients.
#include <doctest/doctest.h>

#include "integration/proxy_fixture.hpp"

using namespace llmroute::test;

namespace {

std::string config_with_records(const std::string& sim_url, const std::string& db) {
  return "server:\n  listen: 127.0.0.1:0\n"
         "backends:\n  - { name: sim, url: '" + sim_url + "/v1', models: [{ name: local-model, upstream_name: sim-upstream }] }\n"
         "routing:\n  default: sim/local-model\n  health: { probe_interval: 0 }\n"
         "records: { path: '" + db + "' }\n";
}

}  // namespace

TEST_CASE("GET /report serves the HTML report of the requests the proxy recorded, and rejects bad windows") {
  TempDir dir;
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"});
  ProxyProcess proxy(config_with_records(sim.base_url(), (dir / "records.db").string()));
  HttpClient client("127.0.0.1", proxy.port());
  for (int i = 0; i < 3; ++i) REQUIRE(client.post_json("/v1/chat/completions", stream_body("local-model")).status == 200);

  HttpResponse report;
  const bool recorded = poll_until(
      [&] {
        report = client.get("/report");
        return report.status == 200 && report.body.find("3 requests (100% local)") != std::string::npos;
      },
      milliseconds(5000));
  REQUIRE_MESSAGE(recorded, report.status << " " << report.body.substr(0, 400));
  CHECK(report.header("content-type") == "text/html; charset=utf-8");
  CHECK(report.body.starts_with("<!DOCTYPE html>"));
  CHECK(report.body.find("<svg data-chart=\"tokens-per-second\"") != std::string::npos);
  CHECK(report.body.find("sim/local-model") != std::string::npos);

  const HttpResponse future = client.get("/report?since=2099-01-01");
  CHECK(future.status == 200);
  CHECK(future.body.find("0 requests") != std::string::npos);

  const HttpResponse bad = client.get("/report?since=yesterday");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("since: expected a date") != std::string::npos);
  CHECK(client.get("/report?user=alice").status == 400);
  HttpRequest post;
  post.method = "POST";
  post.target = "/report";
  CHECK(client.send(post).status == 405);  // like every operator path, GET only
}

TEST_CASE("the README's operator queries work as written: an empty since, until, user or task sets no filter") {
  TempDir dir;
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "4"});
  ProxyProcess proxy(config_with_records(sim.base_url(), (dir / "records.db").string()));
  HttpClient client("127.0.0.1", proxy.port());
  REQUIRE(client.post_json("/v1/chat/completions", stream_body("local-model")).status == 200);

  HttpResponse records;
  const bool recorded = poll_until(
      [&] {
        records = client.get("/admin/records?since=24h&user=&task=&limit=100");
        return records.status == 200 && records.body.find("\"model_served\":\"local-model\"") != std::string::npos;
      },
      milliseconds(5000));
  CHECK_MESSAGE(recorded, records.status << " " << records.body.substr(0, 400));
  const HttpResponse report = client.get("/report?since=7d&until=");
  CHECK(report.status == 200);
  CHECK(report.body.find("1 requests (100% local)") != std::string::npos);
  CHECK(client.get("/report?since=&until=").status == 200);
  CHECK(client.get("/admin/records?user=nobody").body == "[]");
}
