// Polling the proxy's shadow and judge metrics and the judge queue until both are idle.
#include "demo/judging_wait.hpp"

#include "demo/traffic_driver.hpp"
#include "policies/judge_store.hpp"

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace llmroute::demo {

namespace {

/// The value of one series (exact name and labels) in a Prometheus text body.
std::optional<std::uint64_t> sample(const std::string& metrics, const std::string& series) {
  const std::string prefix = "\n" + series + " ";
  const auto at = metrics.find(prefix);
  if (at == std::string::npos) return std::nullopt;
  return static_cast<std::uint64_t>(std::strtod(metrics.c_str() + at + prefix.size(), nullptr));
}

}  // namespace

JudgingProgress judging_progress(std::uint16_t port, const std::filesystem::path& db) {
  JudgingProgress p;
  const std::optional<std::string> metrics = http_get(port, "/metrics", std::chrono::seconds(5));
  if (!metrics) return p;
  const auto running = sample(*metrics, "llmroute_shadows_in_flight");
  const auto busy = sample(*metrics, "llmroute_judge_pairs_busy");
  if (!running || !busy) return p;
  p.shadows_running = *running;
  p.pairs_busy = *busy;
  p.shadows_started = sample(*metrics, R"(llmroute_shadows_total{outcome="started"})").value_or(0);
  // Every other outcome is the gate that stopped a sampled request's shadow.
  constexpr std::string_view kOutcome = "\nllmroute_shadows_total{outcome=\"";
  for (auto at = metrics->find(kOutcome); at != std::string::npos; at = metrics->find(kOutcome, at + 1)) {
    const auto name_start = at + kOutcome.size();
    const auto name_end = metrics->find('"', name_start);
    if (name_end == std::string::npos) break;
    const std::string outcome = metrics->substr(name_start, name_end - name_start);
    if (outcome == "started") continue;
    const auto n = sample(*metrics, "llmroute_shadows_total{outcome=\"" + outcome + "\"}");
    p.shadows_skipped += (p.shadows_skipped.empty() ? "" : ", ") + outcome + " " + std::to_string(n.value_or(0));
  }
  try {
    policies::JudgeStore store(db.string(), policies::JudgeStore::Access::read_only);
    std::string error;
    const policies::QueueCounts counts = store.counts(std::nullopt, std::nullopt, error);
    if (!error.empty()) return p;
    p.pairs_pending = counts.pending;
    p.pairs_done = counts.judged + counts.invalid + counts.failed;
  } catch (const std::exception&) {
    return p;  // the proxy has not created the queue's tables yet
  }
  p.readable = true;
  return p;
}

JudgingProgress wait_for_judging(std::uint16_t port, const std::filesystem::path& db, std::chrono::milliseconds timeout,
                                 const std::function<void(const JudgingProgress&)>& progress) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const JudgingProgress p = judging_progress(port, db);
    if (progress) progress(p);
    if (p.settled() || std::chrono::steady_clock::now() >= deadline) return p;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the polling interval
  }
}

}  // namespace llmroute::demo
