// Rendering the shadow runner's and judge worker's counters as Prometheus text.
#include "proxy/shadow_metrics.hpp"

#include "proxy/judge_worker.hpp"
#include "proxy/shadow_runner.hpp"

#include <chrono>
#include <cstdio>
#include <string_view>

namespace llmroute::proxy {

namespace {

void append_header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

/// `name{label="value"} number`; no braces when `label` is empty. Label values here are fixed words.
void append_sample(std::string& out, std::string_view name, std::string_view label, std::string_view value,
                   double number) {
  out.append(name);
  if (!label.empty()) out.append("{").append(label).append("=\"").append(value).append("\"}");
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, " %.10g\n", number);
  out += buffer;
}

}  // namespace

std::string shadow_metrics_text(ShadowRunner& shadows, const JudgeWorker* judges, const std::string& currency) {
  std::string out;
  append_header(out, "llmroute_shadows_in_flight", "gauge", "Shadow copies running now.");
  append_sample(out, "llmroute_shadows_in_flight", "", "", shadows.in_flight());
  append_header(out, "llmroute_shadows_total", "counter",
                "Sampled requests by what became of their shadow: started, or the gate that stopped it.");
  append_sample(out, "llmroute_shadows_total", "outcome", "started", static_cast<double>(shadows.started()));
  for (const auto& [reason, n] : shadows.skipped())
    append_sample(out, "llmroute_shadows_total", "outcome", reason, static_cast<double>(n));
  append_header(out, "llmroute_shadow_spend_month", "gauge",
                "Shadow spend this UTC calendar month (settled shadows), against shadow.monthly_budget.");
  append_sample(out, "llmroute_shadow_spend_month", "currency", currency,
                shadows.budget().spent(std::chrono::system_clock::now()));
  if (!judges) return out;
  append_header(out, "llmroute_judge_pairs_busy", "gauge",
                "Shadow pairs this process is writing to the judge queue or judging now.");
  append_sample(out, "llmroute_judge_pairs_busy", "", "", static_cast<double>(judges->busy()));
  append_header(out, "llmroute_judge_pairs_submitted_total", "counter", "Shadow pairs handed to the judge queue.");
  append_sample(out, "llmroute_judge_pairs_submitted_total", "", "", static_cast<double>(judges->submitted()));
  append_header(out, "llmroute_judge_calls_total", "counter", "Judge model calls made (each stored with its cost).");
  append_sample(out, "llmroute_judge_calls_total", "", "", static_cast<double>(judges->calls()));
  append_header(out, "llmroute_judge_pairs_settled_total", "counter",
                "Judging rounds ended, by outcome: judged, invalid, postponed (a call failed), failed (given up).");
  for (const auto& [outcome, n] : judges->settled())
    append_sample(out, "llmroute_judge_pairs_settled_total", "outcome", outcome, static_cast<double>(n));
  return out;
}

}  // namespace llmroute::proxy
