// Shadow execution end to end: an in-process proxy in front of a simulator, with shadowing configured.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdlib>
#include <future>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "config/config_loader.hpp"
#include "proxy/server.hpp"
#include "records/sqlite_record_reader.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/simulator_process.hpp"

namespace llmroute::proxy {
namespace {

using namespace std::chrono_literals;
using test::HttpClient;
using test::HttpResponse;
using test::SimulatorProcess;

constexpr const char* kKeyEnv = "LLMROUTE_TEST_SHADOW_KEY";

/// The knobs of the test config; every other key keeps its default.
struct ShadowOptions {
  std::string rate = "1";
  std::string baseline = "cloud/cloud-model";  ///< the default alternate of a local primary
  std::string monthly_budget = "100";
  unsigned max_in_flight = 2;
  bool local_only_when_idle = true;
  std::string tasks;  ///< extra `tasks:` table entries, e.g. "{ debugging: 0.5 }"
  unsigned box_max_concurrency = 0;  ///< the local backend's slots (0: unlimited)
};

/// Backend "box" (local, OpenAI) and "cloud" (Anthropic, priced) on one simulator. The cloud answers are
/// the simulator's "poor" ones, so the two sides of a pair differ. The judges have a backend of their own, so
/// their calls never hold a slot of the box.
std::string config_yaml(const SimulatorProcess& sim, const std::string& records_path, const ShadowOptions& o) {
  const std::string url = sim.base_url() + "/v1";
  std::string yaml =
      "server: { listen: 127.0.0.1:0, timeouts: { upstream_first_byte: 10s, upstream_idle: 10s, shutdown_grace: 2s } }\n"
      "backends:\n"
      "  - name: box\n    location: local\n    max_concurrency: " + std::to_string(o.box_max_concurrency) +
      "\n    url: " + url + "\n"
      "    models: [{ name: local-model, upstream_name: sim-up }, { name: slow-local, upstream_name: 'sim-up+ttft-ms=1500' }]\n"
      "  - name: cloud\n    kind: anthropic\n    location: cloud\n    url: " + url + "\n    api_key_env: " + kKeyEnv + "\n"
      "    models:\n"
      "      - { name: cloud-model, upstream_name: 'sim-up+quality=poor', price: { input: 0, output: 1000 } }\n"
      "      - { name: slow-cloud, upstream_name: 'sim-up+ttft-ms=2500', price: { input: 0, output: 1000 } }\n"
      "      - { name: refusing, upstream_name: 'sim-up+fault=401', price: { input: 0, output: 1000 } }\n"
      "  - name: mistral\n    location: cloud\n    url: " + url + "\n"
      "    models: [{ name: devstral-cloud, upstream_name: 'sim-up+tool-ids=mistral', price: { input: 0, output: 1000 } }]\n"
      "  - name: judges\n    location: cloud\n    url: " + url + "\n"
      "    models: [{ name: judge-a, upstream_name: sim-judge, family: claude }, { name: judge-b, upstream_name: sim-judge, family: gpt }]\n"
      "routing: { default: box/local-model, health: { probe_interval: 0 } }\n"
      "cost: { baseline: " + o.baseline + " }\n"
      "records: { enabled: true, path: '" + records_path + "' }\n"
      "judging: { judges: [judges/judge-a, judges/judge-b] }\n"
      "shadow:\n  rate: " + o.rate + "\n  monthly_budget: " + o.monthly_budget + "\n  max_in_flight: " +
      std::to_string(o.max_in_flight) + "\n  local_only_when_idle: " + (o.local_only_when_idle ? "true" : "false") +
      "\n  seed: 1\n";
  if (!o.tasks.empty()) yaml += "  tasks: " + o.tasks + "\n";
  return yaml;
}

/// A proxy running in this process on its own I/O thread, so tests can read its shadow runner.
class InProcessProxy {
 public:
  InProcessProxy(const std::string& yaml) : config_(config::load_config_text(yaml, "shadow_test.yaml")) {
    server_ = std::make_unique<Server>(io_, config_, std::string(LLMROUTE_SOURCE_DIR) + "/router/rules.yaml");
    port_ = server_->listen("127.0.0.1", 0).port();
    asio::co_spawn(io_, server_->run(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~InProcessProxy() {
    asio::post(io_, [this] { server_->begin_shutdown(); });
    thread_.join();
  }

  std::uint16_t port() const { return port_; }

  /// Runs `f` on the proxy's I/O thread and returns its result (the runner is not thread-safe).
  template <typename F>
  auto on_io(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    return result.get();
  }

  ServerState& state() { return server_->state(); }
  ShadowRunner& shadows() { return state().shadows; }

  /// Waits (with a deadline) until `started` shadows have started and none is running.
  void wait_for_shadows(std::uint64_t started) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      const bool done = on_io([this, started] { return shadows().started() >= started && shadows().in_flight() == 0; });
      if (done) return;
      std::this_thread::sleep_for(20ms);
    }
    FAIL("shadows did not finish in time");
  }

  std::uint64_t skipped(const std::string& reason) {
    return on_io([this, reason] {
      const auto& skipped = shadows().skipped();
      const auto found = skipped.find(reason);
      return found == skipped.end() ? std::uint64_t{0} : found->second;
    });
  }

 private:
  asio::io_context io_{1};
  config::ConfigPtr config_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

/// A simulator, a scratch directory for the records, and the API key the cloud backend needs.
struct Fixture {
  Fixture() { ::setenv(kKeyEnv, "sk-test", 1); }
  std::string records_path() const { return (dir / "records.db").string(); }

  SimulatorProcess sim{{"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "12"}};
  test::TempDir dir;
};

std::string chat_body(const std::string& model, bool stream, const std::string& prompt = "Write a haiku about routers",
                      boost::json::object extra = {}) {
  boost::json::object body{{"model", model},
                           {"stream", stream},
                           {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", prompt}}}}};
  for (const auto& [key, value] : extra) body[key] = value;
  return boost::json::serialize(body);
}

HttpResponse post(std::uint16_t port, const std::string& path, const std::string& body) {
  HttpClient client("127.0.0.1", port);
  return client.post_json(path, body, {{"x-api-key", "client-key"}, {"anthropic-version", "2023-06-01"}});
}

/// Records of the database, once `count` of them are written (the writer is asynchronous).
std::vector<records::RequestRecord> wait_for_records(const std::string& path, std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    records::RecordQueryResult found = records::SqliteRecordReader(path).query({});
    REQUIRE(found.error.empty());
    if (found.records.size() >= count || std::chrono::steady_clock::now() >= deadline) return found.records;
    std::this_thread::sleep_for(20ms);
  }
}

/// A response body with what differs between two runs of the same request masked: ids and timestamps.
std::string masked(const std::string& body) {
  static const std::regex ids(R"re("id":"[^"]*")re");
  static const std::regex created(R"re("created(_at)?":[0-9]+)re");
  return std::regex_replace(std::regex_replace(body, ids, R"("id":"")"), created, R"("created":0)");
}

TEST_CASE("a sampled request gets a shadow record linked to its primary, and a pair with both answers") {
  Fixture f;
  InProcessProxy proxy(config_yaml(f.sim, f.records_path(), {}));
  std::vector<policies::ShadowPair> pairs;
  std::mutex mutex;
  proxy.on_io([&] {
    proxy.shadows().set_pair_sink([&](policies::ShadowPair pair) {
      const std::lock_guard lock(mutex);
      pairs.push_back(std::move(pair));
    });
    return 0;
  });

  const HttpResponse response = post(proxy.port(), "/v1/chat/completions", chat_body("local-model", true));
  REQUIRE(response.status == 200);
  const std::string primary_id = response.header("x-request-id");
  proxy.wait_for_shadows(1);

  const auto records = wait_for_records(f.records_path(), 2);
  REQUIRE(records.size() == 2);
  const records::RequestRecord& primary = records[0].shadow ? records[1] : records[0];
  const records::RequestRecord& shadow = records[0].shadow ? records[0] : records[1];
  CHECK_FALSE(primary.shadow);
  CHECK(primary.id == primary_id);
  CHECK(shadow.shadow);
  CHECK(shadow.primary_id == primary_id);
  CHECK(shadow.id == primary_id + "-shadow");
  CHECK(shadow.route == config::Location::cloud);
  CHECK(shadow.backend == "cloud");
  CHECK(shadow.model_served == "cloud-model");
  CHECK(shadow.task == primary.task);
  CHECK(shadow.http_status == 200);
  CHECK(shadow.failure_kind.empty());
  CHECK(shadow.usage.output > 0);
  CHECK(shadow.total_ms > 0);
  CHECK(shadow.cost == doctest::Approx(shadow.usage.output * 1000 / 1e6));
  CHECK(proxy.on_io([&] { return proxy.shadows().budget().spent(std::chrono::system_clock::now()); }) ==
        doctest::Approx(shadow.cost));

  const std::lock_guard lock(mutex);
  REQUIRE(pairs.size() == 1);
  const policies::ShadowPair& pair = pairs[0];
  CHECK(pair.task == primary.task);
  CHECK(pair.prompt == "user: Write a haiku about routers");
  CHECK(pair.primary.record_id == primary_id);
  CHECK(pair.primary.location == config::Location::local);
  CHECK(pair.primary.model == "local-model");
  CHECK(pair.primary.text == [&] {
    std::string text;
    for (const auto& event : response.events) {
      if (event.data == "[DONE]") continue;
      const boost::json::value chunk = event.json();
      const auto& choices = chunk.at("choices").as_array();
      if (choices.empty()) continue;
      if (const auto* content = choices[0].at("delta").as_object().if_contains("content"); content && content->is_string())
        text += content->as_string();
    }
    return text;
  }());
  CHECK(pair.shadow.record_id == shadow.id);
  CHECK(pair.shadow.location == config::Location::cloud);
  CHECK(pair.shadow.text.find("[sim-mistake]") != std::string::npos);
  CHECK(pair.shadow.cost == doctest::Approx(shadow.cost));
  CHECK(pair.primary.text != pair.shadow.text);
}

TEST_CASE("a shadow whose backend refuses llmroute's key is recorded with the key's environment variable and the backend's message") {
  Fixture f;
  ShadowOptions options;
  options.baseline = "cloud/refusing";
  InProcessProxy proxy(config_yaml(f.sim, f.records_path(), options));
  REQUIRE(post(proxy.port(), "/v1/chat/completions", chat_body("local-model", false)).status == 200);
  proxy.wait_for_shadows(1);
  const auto records = wait_for_records(f.records_path(), 2);
  REQUIRE(records.size() == 2);
  const records::RequestRecord& shadow = records[0].shadow ? records[0] : records[1];
  REQUIRE(shadow.shadow);
  CHECK(shadow.http_status == 401);
  CHECK(shadow.failure_kind == "upstream_status");
  CHECK(shadow.reason ==
        std::string("shadow of box/local-model on cloud/refusing: backend 'cloud' answered 401: it rejected llmroute's API "
                    "key for it (the key in the environment variable ") +
            kKeyEnv + "): Incorrect API key provided (simulated)");
}

TEST_CASE("a shadow of a Claude Code tool turn to a Mistral-family model carries short tool-call ids and is answered") {
  Fixture f;
  ShadowOptions options;
  options.baseline = "mistral/devstral-cloud";  // auto: on by its name
  InProcessProxy proxy(config_yaml(f.sim, f.records_path(), options));
  const std::string turn = R"({"model":"local-model","max_tokens":100,"messages":[
    {"role":"user","content":"What does main.cpp print?"},
    {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"Read","input":{"file_path":"main.cpp"}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A09q90qw90lq917835lq9","content":"puts(\"hi\");"}]}],
    "tools":[{"name":"Read","input_schema":{"type":"object"}}]})";
  REQUIRE(post(proxy.port(), "/v1/messages", turn).status == 200);
  proxy.wait_for_shadows(1);
  const auto records = wait_for_records(f.records_path(), 2);
  REQUIRE(records.size() == 2);
  const records::RequestRecord& shadow = records[0].shadow ? records[0] : records[1];
  REQUIRE(shadow.shadow);
  CHECK(shadow.backend == "mistral");
  CHECK(shadow.http_status == 200);
  CHECK(shadow.failure_kind.empty());
}

TEST_CASE("the primary's response bytes are the same with shadowing on and off") {
  Fixture f;
  ShadowOptions off;
  off.rate = "0";
  InProcessProxy with(config_yaml(f.sim, f.records_path(), {}));
  test::TempDir other;
  InProcessProxy without(config_yaml(f.sim, (other / "records.db").string(), off));
  struct Case {
    const char* path;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"/v1/chat/completions", chat_body("local-model", true)},
      {"/v1/chat/completions", chat_body("local-model", false)},
      {"/v1/messages", R"({"model":"local-model","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Fix the bug"}]})"},
  };
  std::uint64_t sampled = 0;
  for (const Case& c : cases) {
    CAPTURE(c.body);
    const HttpResponse a = post(with.port(), c.path, c.body);
    const HttpResponse b = post(without.port(), c.path, c.body);
    REQUIRE(a.status == 200);
    CHECK(a.status == b.status);
    CHECK(a.header("content-type") == b.header("content-type"));
    CHECK(masked(a.body) == masked(b.body));
    with.wait_for_shadows(++sampled);
  }
  CHECK(without.on_io([&] { return without.shadows().started(); }) == 0);
}

TEST_CASE("the in-flight cap stops shadows beyond it") {
  Fixture f;
  ShadowOptions o;
  o.baseline = "cloud/slow-cloud";  // each shadow takes 2.5 s; primaries answer at once
  o.max_in_flight = 1;
  InProcessProxy proxy(config_yaml(f.sim, f.records_path(), o));
  for (int i = 0; i < 3; ++i)
    REQUIRE(post(proxy.port(), "/v1/chat/completions", chat_body("local-model", false, "request " + std::to_string(i))).status == 200);
  CHECK(proxy.on_io([&] { return proxy.shadows().in_flight(); }) == 1);
  proxy.wait_for_shadows(1);
  CHECK(proxy.on_io([&] { return proxy.shadows().started(); }) == 1);
  CHECK(proxy.skipped("in-flight") == 2);
}

TEST_CASE("the monthly budget stops shadows once their estimated cost no longer fits") {
  Fixture f;
  ShadowOptions o;
  // Each shadow is estimated and charged at 5 output tokens × 1000 per million = 0.005.
  o.monthly_budget = "0.012";
  InProcessProxy proxy(config_yaml(f.sim, f.records_path(), o));
  for (int i = 0; i < 3; ++i) {
    const std::string body = chat_body("local-model", false, "budget " + std::to_string(i), {{"max_tokens", 5}});
    REQUIRE(post(proxy.port(), "/v1/chat/completions", body).status == 200);
    proxy.wait_for_shadows(std::min(i + 1, 2));
  }
  CHECK(proxy.on_io([&] { return proxy.shadows().started(); }) == 2);
  CHECK(proxy.skipped("budget") == 1);
  CHECK(proxy.on_io([&] { return proxy.shadows().budget().spent(std::chrono::system_clock::now()); }) ==
        doctest::Approx(0.010));
}

TEST_CASE("a restart rebuilds this month's shadow spend from the records") {
  Fixture f;
  double shadow_cost = 0;
  {
    InProcessProxy proxy(config_yaml(f.sim, f.records_path(), {}));
    REQUIRE(post(proxy.port(), "/v1/chat/completions", chat_body("local-model", false)).status == 200);
    proxy.wait_for_shadows(1);
    for (const records::RequestRecord& r : wait_for_records(f.records_path(), 2))
      if (r.shadow) shadow_cost = r.cost;
  }
  REQUIRE(shadow_cost > 0);
  InProcessProxy restarted(config_yaml(f.sim, f.records_path(), {}));
  CHECK(restarted.on_io([&] { return restarted.shadows().budget().spent(std::chrono::system_clock::now()); }) ==
        doctest::Approx(shadow_cost));
}

/// A member's slow request keeps the local box busy while a cloud request's shadow would go to it: skipped.
/// Once the box is idle again, a cloud primary's shadow runs there.
void check_busy_box_is_skipped(const ShadowOptions& options) {
  Fixture f;
  InProcessProxy proxy(config_yaml(f.sim, f.records_path(), options));
  std::thread member([&] { post(proxy.port(), "/v1/chat/completions", chat_body("slow-local", false, "slow one")); });
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (f.sim.stats().at("requests").to_number<std::int64_t>() < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  REQUIRE(post(proxy.port(), "/v1/chat/completions", chat_body("cloud-model", false)).status == 200);
  member.join();
  CHECK(proxy.skipped("busy") == 1);
  REQUIRE(post(proxy.port(), "/v1/chat/completions", chat_body("cloud-model", false, "another")).status == 200);
  proxy.wait_for_shadows(2);  // the member's own request was shadowed to the cloud
  CHECK(proxy.skipped("busy") == 1);
}

TEST_CASE("a shadow to a local backend without max_concurrency waits for nobody: while the box answers a member, it is skipped") {
  check_busy_box_is_skipped({});
}

TEST_CASE("a shadow to a local backend never queues for a slot: with none free it is skipped") {
  ShadowOptions o;
  o.box_max_concurrency = 1;
  check_busy_box_is_skipped(o);
}

TEST_CASE("a private user's request is never shadowed to the cloud, though a local alternate is fine") {
  Fixture f;
  ShadowOptions o;
  o.tasks = "{ architecture: { rate: 1, target: box/local-model } }";
  InProcessProxy proxy(config_yaml(f.sim, f.records_path(), o));
  auto start = [&proxy](const char* task, config::ModelRef primary) {
    return proxy.on_io([&proxy, task, primary] {
      ShadowJob job;
      job.task = task;
      job.user = "alice";
      job.private_user = true;
      job.primary = primary;
      job.client_body = chat_body("local-model", false, "a private question");
      job.primary_answer.record_id = std::string("private-") + task;
      return std::string(proxy.shadows().start(&proxy.state(), std::move(job), 0));
    });
  };
  const config::ModelRef box{0, 0}, cloud{1, 0};
  CHECK(start("debugging", box) == "private-user");      // the default alternate of a local primary is the cloud
  CHECK(start("architecture", cloud) == "");             // its configured alternate is local
  proxy.wait_for_shadows(1);
  CHECK(proxy.skipped("private-user") == 1);
  const auto records = wait_for_records(f.records_path(), 1);
  REQUIRE(records.size() == 1);
  CHECK(records[0].shadow);
  CHECK(records[0].user == "alice");
  CHECK(records[0].route == config::Location::local);
}

}  // namespace
}  // namespace llmroute::proxy
