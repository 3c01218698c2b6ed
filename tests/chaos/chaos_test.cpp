// Chaos: several threads send random requests (every endpoint, every backend kind, every simulator fault) and leave
// at random points, through the sanitizer build; the proxy must stay up, answer in each client's format, record
// every request and shut down cleanly. LLMROUTE_CHAOS_SEED picks another storm; failures print the seed and requests.
#include <doctest/doctest.h>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "chaos/answer_shape.hpp"
#include "chaos/chaos_scenario.hpp"
#include "records/sqlite_record_reader.hpp"
#include "support/closed_port.hpp"
#include "support/http_client.hpp"
#include "support/proxy_process.hpp"
#include "support/simulator_process.hpp"

using namespace llmroute::test;
using std::chrono::milliseconds;

namespace {

constexpr unsigned kThreads = 6;
constexpr unsigned kRequestsPerThread = 150;
constexpr std::uint64_t kDefaultSeed = 20261125;
constexpr milliseconds kShutdownGrace{2000};
/// Longest a client waits for any answer: the proxy's `total` (4 s) plus room for a loaded sanitizer build.
constexpr milliseconds kClientDeadline{12'000};

std::uint64_t chaos_seed() {
  const char* text = std::getenv("LLMROUTE_CHAOS_SEED");
  return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : kDefaultSeed;
}

/// Three backend kinds on one simulator (so answers are translated), a dead backend first in the debugging list (so
/// requests fall back), a slot limit on the local box, short timeouts (so stalls end quickly), quotas (reserved and
/// settled or refunded by every request; 8 at once is more than the clients send, but requests whose client left
/// may still hold theirs), records, and shadows judged by two simulator models.
std::string chaos_config(const std::string& sim_url, std::uint16_t dead_port, const std::string& db) {
  return "server:\n  listen: 127.0.0.1:0\n"
         "  timeouts: { upstream_connect: 500ms, upstream_first_byte: 400ms, upstream_idle: 400ms, total: 4s, "
         "shutdown_grace: 2s }\n"
         "backends:\n"
         "  - { name: sim, kind: openai, location: local, url: '" + sim_url + "/v1', max_concurrency: 4,\n"
         "      models: [{ name: m1, context_tokens: 32768 }, { name: m2, context_tokens: 32768 }] }\n"
         "  - { name: anth, kind: anthropic, location: cloud, url: '" + sim_url + "/v1',\n"
         "      models: [{ name: claude-x, context_tokens: 200000, price: { input: 3, output: 15 } }] }\n"
         "  - { name: resp, kind: openai-responses, location: cloud, url: '" + sim_url + "/v1',\n"
         "      models: [{ name: gpt-x, context_tokens: 200000, price: { input: 1, output: 4 } }] }\n"
         "  - { name: dead, kind: openai, location: local, url: 'http://127.0.0.1:" + std::to_string(dead_port) +
         "/v1', models: [{ name: gone }] }\n"
         "routing:\n  default: sim/m1\n"
         "  tasks:\n"
         "    debugging: [dead/gone, sim/m2, anth/claude-x, resp/gpt-x]\n"
         "    commit-message: [sim/m1, resp/gpt-x]\n"
         "    architecture: [anth/claude-x, sim/m2]\n"
         "  health: { failures: 3, cooldown: 1s, probe_interval: 1s }\n"
         "scheduling: { max_queue_wait: 300ms }\n"
         "quotas: { max_concurrent: 8, tokens_per_day: 100000000, cloud_spend_per_month: 1000 }\n"
         "records: { path: '" + db + "' }\n"
         "shadow: { rate: 0.2, monthly_budget: 5, max_in_flight: 2, seed: 7 }\n"
         "judging: { judges: [sim/m1, sim/m2], retry: { backoff: 1s } }\n";
}

/// What a client that does not read the whole answer saw.
struct RawOutcome {
  std::string received;
  bool connected = false;
  bool closed = false;  ///< the proxy closed (or reset) before the client had read what it wanted
};

/// Sends `bytes` on a fresh connection, reads until `wanted` bytes arrived (0: reads nothing, waits `delay`), the
/// proxy closes, or `deadline`; then closes.
RawOutcome send_and_leave(std::uint16_t port, const std::string& bytes, std::size_t wanted,
                          std::chrono::microseconds delay, Clock::time_point deadline) {
  RawOutcome outcome;
  const int fd = connect_loopback(port);
  if (fd < 0) return outcome;
  outcome.connected = true;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  if (wanted == 0) std::this_thread::sleep_for(delay);
  char buffer[4096];
  while (outcome.received.size() < wanted) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, std::min(sizeof buffer, wanted - outcome.received.size()), 0);
    if (n > 0) {
      outcome.received.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      outcome.closed = true;
      break;
    }
  }
  ::close(fd);
  return outcome;
}

/// What is wrong with what a leaving client saw; empty when nothing is.
std::string leaving_problem(const Scenario& s, const RawOutcome& outcome) {
  if (!outcome.connected) return "could not connect";
  if (s.exit == ClientExit::leaves_after_sending) return {};
  if (outcome.received.empty()) return outcome.closed ? "closed without answering" : "no byte before the deadline";
  const std::string_view start = std::string_view("HTTP/1.1 ").substr(0, outcome.received.size());
  if (!outcome.received.starts_with(start))
    return "the answer does not start with a status line: " + outcome.received.substr(0, 100);
  if (!outcome.closed && outcome.received.size() < s.bytes_before_leaving)
    return "only " + std::to_string(outcome.received.size()) + " bytes before the deadline: " +
           outcome.received.substr(0, 200);
  return {};
}

/// What the client threads saw, gathered under one lock.
struct Findings {
  std::mutex mutex;
  std::vector<std::string> problems;
  std::map<std::string, int> outcomes;  ///< "status 200 (stream)", "leaves after sending", … → count
  double slowest_ms = 0;
  std::string slowest;

  void add(const Scenario& s, const std::string& outcome, const std::string& problem, double ms) {
    const std::lock_guard lock(mutex);
    ++outcomes[outcome];
    if (!problem.empty()) problems.push_back(s.describe() + "\n    -> " + problem);
    if (ms > slowest_ms) {
      slowest_ms = ms;
      slowest = s.describe();
    }
  }
};

void run_client(std::uint16_t port, std::uint64_t seed, unsigned thread, Findings& findings) {
  HttpClient client("127.0.0.1", port);
  for (unsigned i = 0; i < kRequestsPerThread; ++i) {
    const Scenario s = make_scenario(seed, thread, i);
    const auto start = Clock::now();
    std::string problem;
    std::string outcome;
    if (s.exit == ClientExit::reads_all) {
      HttpRequest request;
      request.method = "POST";
      request.target = path_of(s.endpoint);
      request.body = s.body;
      request.headers = s.headers();
      request.timeout = kClientDeadline;
      const HttpResponse response = client.send(request);
      problem = answer_problem(s, response);
      outcome = "status " + std::to_string(response.status) + (s.stream ? " (stream)" : "");
    } else {
      const auto wanted = s.exit == ClientExit::reads_some ? s.bytes_before_leaving : 0;
      const RawOutcome raw = send_and_leave(port, s.wire_bytes(), wanted, s.leave_delay, start + kClientDeadline);
      problem = leaving_problem(s, raw);
      outcome = exit_name(s.exit);
    }
    findings.add(s, outcome, problem, std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
}

/// The samples of the shadow and judge counters in a /metrics page, to show that those paths ran too.
std::string shadow_lines(const std::string& metrics) {
  std::istringstream in(metrics);
  std::string line;
  std::string found;
  while (std::getline(in, line))
    if (line.starts_with("llmroute_shadows_total") || line.starts_with("llmroute_judge_")) found += "  " + line + "\n";
  return found;
}

/// The requests the quota store counts in flight for the (anonymous) user, polled until none is or `timeout` passes:
/// once every client is done, a request still counted is a concurrency slot leaked for good.
std::int64_t requests_in_flight(std::uint16_t port, milliseconds timeout) {
  HttpClient client("127.0.0.1", port);
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const HttpResponse usage = client.get("/v1/usage");
    const std::int64_t in_flight = usage.status == 200 ? usage.json().at("in_flight").to_number<std::int64_t>() : -1;
    if (in_flight == 0 || Clock::now() >= deadline) return in_flight;
    std::this_thread::sleep_for(milliseconds(20));
  }
}

std::string sanitizer_lines(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::string found;
  while (std::getline(in, line))
    if (line.find("runtime error") != std::string::npos || line.find("AddressSanitizer") != std::string::npos ||
        line.find("LeakSanitizer") != std::string::npos)
      found += line + "\n";
  return found;
}

}  // namespace

TEST_CASE("under a storm of random requests, backend faults and clients leaving early, the proxy stays up, answers "
          "every client in its own format, records every request and exits cleanly") {
  const std::uint64_t seed = chaos_seed();
  MESSAGE("chaos seed " << seed << " (set LLMROUTE_CHAOS_SEED to replay another)");
  TempDir dir;
  const std::string db = (dir / "records.db").string();
  // Answers of ~120 ms; idle kept-alive connections closed after 50 ms, so the proxy often finds a pooled one dead.
  SimulatorProcess sim({"--ttft-ms", "5", "--tokens-per-second", "200", "--tokens", "24", "--threads", "2",
                        "--idle-timeout-ms", "50"});
  ProxyProcess proxy(chaos_config(sim.base_url(), closed_port(), db));

  Findings findings;
  const auto start = Clock::now();
  std::vector<std::thread> clients;
  for (unsigned t = 0; t < kThreads; ++t) clients.emplace_back(run_client, proxy.port(), seed, t, std::ref(findings));
  for (auto& client : clients) client.join();
  const double storm_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();

  std::string tally;
  for (const auto& [outcome, count] : findings.outcomes) tally += "  " + outcome + ": " + std::to_string(count) + "\n";
  MESSAGE((kThreads * kRequestsPerThread) << " requests in " << storm_ms << " ms; slowest " << findings.slowest_ms
                                        << " ms: " << findings.slowest << "\n" << tally);

  HttpClient admin("127.0.0.1", proxy.port());
  const HttpResponse health = admin.get("/healthz");
  const HttpResponse metrics = admin.get("/metrics");
  admin.close();
  MESSAGE("shadows and judges:\n" << shadow_lines(metrics.body));

  {
    INFO("seed " << seed << "; proxy stderr:\n" << proxy.stderr_text().substr(0, 20'000));
    INFO("simulator stderr:\n" << sim.stderr_text().substr(0, 20'000));
    REQUIRE(proxy.process().running());
    REQUIRE(sim.process().running());
    std::string problems;
    for (const auto& problem : findings.problems) problems += problem + "\n";
    INFO(findings.problems.size() << " requests went wrong:\n" << problems);
    CHECK(findings.problems.empty());
    CHECK(health.status == 200);
    CHECK(metrics.status == 200);
    CHECK(requests_in_flight(proxy.port(), milliseconds(5000)) == 0);
  }

  // Every client is done, so only shadows and judge calls may still run: the grace period bounds them, and the
  // slack covers writing the last records and the sanitizers' exit on a loaded machine.
  const auto stopping = Clock::now();
  proxy.process().send_signal(SIGTERM);
  const auto exit_code = proxy.process().wait_for_exit(kShutdownGrace + milliseconds(5000));
  const double stop_ms = std::chrono::duration<double, std::milli>(Clock::now() - stopping).count();
  {
    INFO("seed " << seed << "; proxy stderr:\n" << proxy.stderr_text().substr(0, 20'000));
    REQUIRE(exit_code.has_value());
    CHECK(*exit_code == 0);
    CHECK(sanitizer_lines(proxy.stderr_text()) == "");
  }
  MESSAGE("the proxy exited " << stop_ms << " ms after SIGTERM");

  // The simulator runs from the same sanitizer build: what it reports, up to its exit, counts as much as the proxy's.
  sim.process().send_signal(SIGTERM);
  const auto sim_exit_code = sim.process().wait_for_exit(milliseconds(5000));
  {
    INFO("seed " << seed << "; simulator stderr:\n" << sim.stderr_text().substr(0, 20'000));
    REQUIRE(sim_exit_code.has_value());
    CHECK(*sim_exit_code == 0);
    CHECK(sanitizer_lines(sim.stderr_text()) == "");
  }

  llmroute::records::RecordQuery query;
  query.shadows = llmroute::records::RecordQuery::Shadows::exclude;
  const auto stored = llmroute::records::SqliteRecordReader(db).query(query);
  REQUIRE(stored.error == "");
  std::map<std::string, int> records_per_id;
  for (const auto& record : stored.records) ++records_per_id[record.id];
  std::string record_problems;
  for (unsigned t = 0; t < kThreads; ++t) {
    for (unsigned i = 0; i < kRequestsPerThread; ++i) {
      const Scenario s = make_scenario(seed, t, i);
      const auto found = records_per_id.find(s.id);
      const int count = found == records_per_id.end() ? 0 : found->second;
      if (count != 1) record_problems += std::to_string(count) + " records of " + s.describe() + "\n";
      if (found != records_per_id.end()) records_per_id.erase(found);
    }
  }
  for (const auto& [id, count] : records_per_id)
    record_problems += std::to_string(count) + " records of unsent request " + id + "\n";
  INFO("seed " << seed << "; records that do not match the requests sent:\n" << record_problems);
  CHECK(record_problems == "");
}
