// Private users and shadowing through real processes: with every request of a kind sampled for a cloud shadow,
// a private user's requests never reach the cloud simulator and leave no shadow record; a member's do.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "quotas/quota_fixture.hpp"
#include "records/sqlite_record_reader.hpp"

using namespace llmroute;
using namespace llmroute::test;

namespace {

const char* kSimpleCodingPrompt = "Explain this regex: ^[a-z]+@[a-z]+\\.com$";

/// Local backend "box" and cloud backend "cloud" on simulators of their own; simple-coding is sampled at rate 1
/// with the cloud model as its alternate. The judges run on the box's simulator, so the cloud simulator counts
/// shadows only. Users: "cem" (private), "dan" (a member) and "ann" (an admin, to read /metrics).
std::string shadow_config(const SimulatorProcess& box, const SimulatorProcess& cloud, const std::string& records_path) {
  return "server:\n  listen: 127.0.0.1:0\n  timeouts: { upstream_first_byte: 10s, upstream_idle: 10s }\n"
         "backends:\n"
         "  - { name: box, location: local, url: '" + box.base_url() + "/v1', models: [{ name: local-model, upstream_name: sim-local }] }\n"
         "  - name: cloud\n    location: cloud\n    url: '" + cloud.base_url() + "/v1'\n"
         "    models: [{ name: cloud-model, upstream_name: sim-cloud, price: { input: 0, output: 1000 } }]\n"
         "  - name: judges\n    location: local\n    url: '" + box.base_url() + "/v1'\n"
         "    models: [{ name: judge-a, upstream_name: sim-judge, family: claude }, { name: judge-b, upstream_name: sim-judge, family: gpt }]\n"
         "routing:\n"
         "  default: box/local-model\n"
         "  tasks: { simple-coding: [box/local-model, cloud/cloud-model] }\n"
         "  health: { probe_interval: 0 }\n"
         "records: { path: '" + records_path + "' }\n"
         "judging: { judges: [judges/judge-a, judges/judge-b] }\n"
         "shadow:\n"
         "  tasks: { simple-coding: { rate: 1, target: cloud/cloud-model } }\n"
         "  monthly_budget: 100\n"
         "  max_in_flight: 4\n"
         "  seed: 1\n"
         "auth: keys\n"
         "users:\n"
         "  - { name: cem, key_sha256: " + key_sha256("lr-test-cem") + ", private: true }\n"
         "  - { name: dan, key_sha256: " + key_sha256("lr-test-dan") + " }\n"
         "  - { name: ann, key_sha256: " + key_sha256("lr-test-ann") + ", role: admin }\n";
}

std::string chat(bool stream) {
  return boost::json::serialize(boost::json::object{
      {"model", "auto"},
      {"stream", stream},
      {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", kSimpleCodingPrompt}}}}});
}

std::string messages(bool stream) {
  return boost::json::serialize(boost::json::object{
      {"model", "auto"},
      {"max_tokens", 64},
      {"stream", stream},
      {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", kSimpleCodingPrompt}}}}});
}

/// The value of the sample `series` (e.g. `llmroute_shadows_total{outcome="started"}`) in the proxy's /metrics; 0
/// when it is absent.
double metric(std::uint16_t port, const std::string& series) {
  HttpClient client("127.0.0.1", port);
  const HttpResponse response = client.get("/metrics", bearer("lr-test-ann"));
  REQUIRE(response.status == 200);
  const std::string prefix = "\n" + series + " ";
  const auto at = response.body.find(prefix);
  return at == std::string::npos ? 0 : std::stod(response.body.substr(at + prefix.size()));
}

std::vector<records::RequestRecord> records_in(const std::string& path) {
  records::RecordQueryResult found = records::SqliteRecordReader(path).query({});
  REQUIRE(found.error.empty());
  return found.records;
}

}  // namespace

TEST_CASE("a private user's requests are never shadowed to the cloud, while a member's request of the same kind is") {
  const std::vector<std::string> fast = {"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"};
  SimulatorProcess box(fast);
  SimulatorProcess cloud(fast);
  TempDir dir;
  const std::string records_path = (dir / "records.db").string();
  ProxyProcess proxy(shadow_config(box, cloud, records_path));
  HttpClient client("127.0.0.1", proxy.port());

  // Every wire format and streaming mode of the private user: answered locally, sampled, never copied.
  Headers anthropic{{"x-api-key", "lr-test-cem"}, {"anthropic-version", "2023-06-01"}};
  std::vector<std::string> private_ids;
  for (bool stream : {false, true}) {
    const HttpResponse by_chat = client.post_json("/v1/chat/completions", chat(stream), bearer("lr-test-cem"));
    const HttpResponse by_messages = client.post_json("/v1/messages", messages(stream), anthropic);
    for (const HttpResponse* response : {&by_chat, &by_messages}) {
      CHECK(response->status == 200);
      CHECK(response->header("x-llmroute-task") == "simple-coding");
      CHECK(response->header("x-llmroute-route") == "local");
      private_ids.push_back(response->header("x-request-id"));
    }
  }
  const std::string skipped = "llmroute_shadows_total{outcome=\"private-user\"}";
  REQUIRE(poll_until([&] { return metric(proxy.port(), skipped) == 4; }));
  CHECK(metric(proxy.port(), "llmroute_shadows_total{outcome=\"started\"}") == 0);
  CHECK(cloud.stats().at("requests").to_number<std::int64_t>() == 0);

  // The member's request of the same kind, same route, is copied to the cloud.
  const HttpResponse member = client.post_json("/v1/chat/completions", chat(false), bearer("lr-test-dan"));
  REQUIRE(member.status == 200);
  CHECK(member.header("x-llmroute-route") == "local");
  const std::string member_id = member.header("x-request-id");
  CHECK(poll_until([&] {
    return metric(proxy.port(), "llmroute_shadows_total{outcome=\"started\"}") == 1 &&
           metric(proxy.port(), "llmroute_shadows_in_flight") == 0;
  }, std::chrono::milliseconds(15000)));
  CHECK(requests_to(cloud, "/v1/chat/completions") == 1);
  CHECK(cloud.stats().at("requests").to_number<std::int64_t>() == 1);
  CHECK(metric(proxy.port(), skipped) == 4);

  // The records: five primaries answered locally, one shadow — the member's, in the cloud.
  std::vector<records::RequestRecord> shadows, primaries;
  CHECK(poll_until([&] {
    shadows.clear();
    primaries.clear();
    for (records::RequestRecord& r : records_in(records_path)) {
      if (r.shadow) shadows.push_back(std::move(r));
      else if (r.user == "cem" || r.user == "dan") primaries.push_back(std::move(r));
    }
    return primaries.size() == 5 && shadows.size() == 1;
  }, std::chrono::milliseconds(10000)));
  REQUIRE(shadows.size() == 1);
  CHECK(shadows[0].user == "dan");
  CHECK(shadows[0].primary_id == member_id);
  CHECK(shadows[0].route == config::Location::cloud);
  CHECK(shadows[0].backend == "cloud");
  for (const records::RequestRecord& r : primaries) {
    CHECK(r.route == config::Location::local);
    CHECK(r.http_status == 200);
  }
  for (const std::string& id : private_ids) CHECK(shadows[0].primary_id != id);
}
