// The records database failing under a serving proxy: requests are still answered, the log, /healthz and
// /metrics say what happens to their records, and nothing is lost once the database can be written again.
#include <doctest/doctest.h>

#include "support/http_client.hpp"
#include "support/proxy_process.hpp"
#include "support/simulator_process.hpp"

#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

using namespace llmroute::test;

namespace {

std::string proxy_config(const std::string& backend_url, const std::string& records_path) {
  return "server: { listen: 127.0.0.1:0 }\nbackends:\n  - { name: sim, url: '" + backend_url + "', models: [m] }\n"
         "routing: { default: sim/m, health: { probe_interval: 0 } }\nrecords: { path: '" + records_path + "' }\n";
}

const char* kChat = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";

/// The value of an unlabelled sample in a /metrics text; -1 when absent.
double metric(const std::string& text, const std::string& name) {
  const std::size_t at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

/// How many records /admin/records lists, polled until it is `expected` or a deadline passes.
std::size_t records_listed(std::uint16_t port, std::size_t expected) {
  HttpClient admin("127.0.0.1", port);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::size_t count = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const HttpResponse answer = admin.get("/admin/records?limit=1000");
    if (answer.status == 200) count = answer.json().as_array().size();
    if (count == expected) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the writer's commit, with a deadline
  }
  return count;
}

}  // namespace

TEST_CASE("a records database deleted while serving is created again: requests are answered and their records kept") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens", "3"});
  TempDir dir;
  const std::string db = (dir / "records.db").string();
  ProxyProcess proxy(proxy_config(sim.base_url(), db));
  HttpClient client("127.0.0.1", proxy.port());
  CHECK(client.post_json("/v1/chat/completions", kChat).status == 200);
  REQUIRE(records_listed(proxy.port(), 1) == 1);

  std::filesystem::remove(db);  // the -wal and -shm stay, as after `rm records.db`
  for (int i = 0; i < 3; ++i) CHECK(client.post_json("/v1/chat/completions", kChat).status == 200);
  CHECK(records_listed(proxy.port(), 3) == 3);
  CHECK(std::filesystem::exists(db));
  CHECK(proxy.stderr_text().find(db + " was deleted or replaced while llmroute was running; creating it again") !=
        std::string::npos);
}

TEST_CASE("while the records database cannot be written, requests are answered, /healthz and /metrics say so, and the records are written later") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens", "3"});
  TempDir dir;
  ProxyProcess proxy(proxy_config(sim.base_url(), (dir / "records.db").string()));
  HttpClient client("127.0.0.1", proxy.port());
  CHECK(client.post_json("/v1/chat/completions", kChat).status == 200);
  REQUIRE(records_listed(proxy.port(), 1) == 1);

  // A file size limit on the running proxy fails its writes as a full disk would.
  rlimit saved{};
  REQUIRE(::prlimit(proxy.process().pid(), RLIMIT_FSIZE, nullptr, &saved) == 0);
  rlimit full = saved;
  full.rlim_cur = 1;
  REQUIRE(::prlimit(proxy.process().pid(), RLIMIT_FSIZE, &full, nullptr) == 0);
  for (int i = 0; i < 5; ++i) CHECK(client.post_json("/v1/chat/completions", kChat).status == 200);

  HttpClient observer("127.0.0.1", proxy.port());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string metrics;
  while (std::chrono::steady_clock::now() < deadline) {
    metrics = observer.get("/metrics").body;
    if (metric(metrics, "llmroute_records_held") == 5) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the writer's attempt, with a deadline
  }
  CHECK(metric(metrics, "llmroute_records_held") == 5);
  CHECK(metric(metrics, "llmroute_records_store_up") == 0);
  const HttpResponse health = observer.get("/healthz");
  CHECK(health.status == 200);  // the proxy still serves
  CHECK(health.json().at("status") == "degraded");
  CHECK(std::string(health.json().at("records").as_string()).find("5 records held in memory") != std::string::npos);
  // (The warning logged meanwhile is refused too: the test captures stderr in a file, under the same limit.)

  REQUIRE(::prlimit(proxy.process().pid(), RLIMIT_FSIZE, &saved, nullptr) == 0);
  CHECK(records_listed(proxy.port(), 6) == 6);
  metrics = observer.get("/metrics").body;
  CHECK(metric(metrics, "llmroute_records_held") == 0);
  CHECK(metric(metrics, "llmroute_records_store_up") == 1);
  CHECK(observer.get("/healthz").body == R"({"status":"ok"})");
  CHECK(proxy.stderr_text().find("works again after") != std::string::npos);
}
