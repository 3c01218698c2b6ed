// GET /admin/backends on a running proxy: each backend's health, the reason its checks fail, its failure cooldown,
// its requests in flight and slots; an operator endpoint like /admin/usage.
#include <doctest/doctest.h>

#include <memory>

#include "policies/api_key.hpp"
#include "scheduling/scheduling_fixture.hpp"
#include "support/closed_port.hpp"

using namespace llmroute::test;
namespace json = boost::json;

namespace {

/// The entry of backend `name` in a GET /admin/backends answer.
json::object backend_named(const json::value& answer, const std::string& name) {
  for (const json::value& backend : answer.at("backends").as_array())
    if (backend.at("name") == name.c_str()) return backend.as_object();
  FAIL("no backend " << name << " in " << json::serialize(answer));
  return {};
}

std::string text(const json::value& value) { return std::string(value.as_string()); }

/// A UTC time as the endpoint writes it, e.g. 2026-11-25T04:00:00Z.
bool is_utc_time(const json::value& value) {
  return value.is_string() && value.as_string().size() == 20 && value.as_string().ends_with("Z");
}

}  // namespace

TEST_CASE("GET /admin/backends shows a backend whose health checks fail as unhealthy, with the reason and its "
          "cooldown, next to a healthy one with its requests in flight and its slots") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  const std::string dead_url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
  ProxyProcess proxy("server:\n  listen: 127.0.0.1:0\n  timeouts: { upstream_connect: 1s, upstream_first_byte: 60s }\n"
                     "backends:\n"
                     "  - { name: box, kind: openai, location: local, url: '" + sim.base_url() + "/v1', max_concurrency: 1,\n"
                     "      models: [{ name: local-model, upstream_name: sim-upstream }, { name: other-model }] }\n"
                     "  - { name: dead, kind: anthropic, location: cloud, url: '" + dead_url + "', models: [{ name: dead-model }] }\n"
                     "routing: { default: box/local-model, health: { probe_interval: 50ms, failures: 2, cooldown: 10m } }\n"
                     "records: { enabled: false }\n");
  HttpClient client("127.0.0.1", proxy.port());

  json::value answer;
  REQUIRE(poll_until([&] {
    const HttpResponse response = client.get("/admin/backends");
    if (response.status != 200) return false;
    answer = response.json();
    return backend_named(answer, "dead").at("healthy") == false &&
           !backend_named(answer, "box").at("health_check").at("last_passed_at").is_null();
  }, milliseconds(10'000)));
  INFO(json::serialize(answer));
  REQUIRE(answer.at("backends").as_array().size() == 2);

  const json::object box = backend_named(answer, "box");
  CHECK(box.at("kind") == "openai");
  CHECK(box.at("url") == (sim.base_url() + "/v1").c_str());
  CHECK(box.at("location") == "local");
  CHECK(box.at("models") == json::array{"local-model", "other-model"});
  CHECK(box.at("healthy") == true);
  CHECK(box.at("circuit") == "closed");
  CHECK(box.at("consecutive_failures") == 0);
  CHECK(box.at("cooldown_until").is_null());
  CHECK(is_utc_time(box.at("health_check").at("last_at")));
  CHECK(is_utc_time(box.at("health_check").at("last_passed_at")));
  CHECK(box.at("health_check").at("failure").is_null());
  CHECK(box.at("in_flight") == 0);
  CHECK(box.at("slots") == json::object{{"limit", 1}, {"queued", 0}});

  const json::object dead = backend_named(answer, "dead");
  CHECK(dead.at("kind") == "anthropic");
  CHECK(dead.at("location") == "cloud");
  CHECK(dead.at("models") == json::array{"dead-model"});
  CHECK(dead.at("circuit") == "open");
  CHECK(dead.at("consecutive_failures").to_number<int>() >= 2);
  REQUIRE(is_utc_time(dead.at("cooldown_until")));
  REQUIRE(is_utc_time(dead.at("health_check").at("last_at")));
  // The ten-minute cooldown ends well after the last check.
  CHECK(text(dead.at("cooldown_until")) > text(dead.at("health_check").at("last_at")));
  CHECK(dead.at("health_check").at("last_passed_at").is_null());
  CHECK(text(dead.at("health_check").at("failure")).starts_with("backend 'dead' at " + dead_url + " is unreachable ("));
  CHECK(dead.at("in_flight") == 0);
  CHECK(dead.at("slots").is_null());  // no max_concurrency

  // One request holds box's only slot (the simulator waits a minute before it answers), a second one waits for it.
  auto holder = std::make_unique<OpenRequest>(proxy.port(), "/v1/chat/completions", chat_body("local-model"),
                                              Headers{{"x-sim-ttft-ms", "60000"}});
  auto waiter = std::make_unique<OpenRequest>(proxy.port(), "/v1/chat/completions", chat_body("local-model"),
                                              Headers{{"x-sim-ttft-ms", "60000"}});
  json::object busy;
  CHECK(poll_until([&] {
    busy = backend_named(client.get("/admin/backends").json(), "box");
    return busy.at("in_flight") == 1 && busy.at("slots").at("queued") == 1;
  }));
  INFO(json::serialize(busy));
  CHECK(busy.at("slots").at("limit") == 1);
  waiter->close();
  holder->close();
  CHECK(poll_until([&] { return backend_named(client.get("/admin/backends").json(), "box").at("in_flight") == 0; }));
}

TEST_CASE("GET /admin/backends needs an admin's key under auth: keys; a member's key gets 403") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  const auto hash = [](const std::string& key) { return llmroute::policies::to_hex(llmroute::policies::hash_key(key)); };
  ProxyProcess proxy("server:\n  listen: 127.0.0.1:0\nbackends:\n"
                     "  - { name: sim, url: '" + sim.base_url() + "/v1', models: [{ name: local-model, upstream_name: sim-upstream }] }\n"
                     "routing: { default: sim/local-model, health: { probe_interval: 0 } }\nrecords: { enabled: false }\n"
                     "auth: keys\nusers:\n"
                     "  - { name: ann, key_sha256: " + hash("lr-test-ann") + ", role: admin }\n"
                     "  - { name: bob, key_sha256: " + hash("lr-test-bob") + " }\n");
  HttpClient client("127.0.0.1", proxy.port());
  CHECK(client.get("/admin/backends").status == 401);
  const HttpResponse member = client.get("/admin/backends", {{"Authorization", "Bearer lr-test-bob"}});
  CHECK(member.status == 403);
  CHECK(text(member.json().at("error").at("message")) == "/admin/backends needs an admin's key; user 'bob' is a member");

  const HttpResponse admin = client.get("/admin/backends", {{"x-api-key", "lr-test-ann"}});
  REQUIRE(admin.status == 200);
  INFO(admin.body);
  const json::object sim_backend = backend_named(admin.json(), "sim");
  CHECK(sim_backend.at("healthy") == true);
  CHECK(sim_backend.at("health_check").is_null());  // no active checks: probe_interval 0
  CHECK(sim_backend.at("slots").is_null());
  CHECK(sim_backend.at("in_flight") == 0);

  const HttpResponse post = client.post_json("/admin/backends", "{}", {{"x-api-key", "lr-test-ann"}});
  CHECK(post.status == 405);
  CHECK(post.header("allow") == "GET");
}
