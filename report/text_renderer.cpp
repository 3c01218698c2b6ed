// The report as terminal text.
#include "report/renderers.hpp"
#include "report/report_tables.hpp"

#include <algorithm>

namespace llmroute::report {

namespace {

std::string heading(const std::string& title) { return "\n" + title + "\n" + std::string(title.size(), '=') + "\n"; }

std::string section(const std::string& title, const Table& table, const std::string& when_empty) {
  return heading(title) + (table.empty() ? when_empty + "\n" : table.text());
}

}  // namespace

std::string render_text(const Report& report) {
  std::string out = "llmroute report: " + window_text(report) + "\n" + summary_text(report) + "\n";
  out += section("Per task kind: traffic and speed", task_traffic_table(report), "no requests in this window");
  out += section("Per task kind: cost and failures", task_cost_table(report), "no requests in this window");
  out += section("Per user", user_table(report), "no requests in this window");
  if (const std::string note = quota_note(report); !note.empty()) out += note + "\n";
  out += section("Per model", model_table(report), "no model answered in this window") + quality_note(report) + "\n";
  out += section(bench_title(report), bench_table(report), kNoBenchRun);
  out += heading("Shadow verdicts");
  out += shadow_status_text(report) + "\n\n";
  if (report.shadow_verdicts.empty()) {
    out += no_verdict_text(report) + "\n";
  } else {
    out += shadow_table(report).text() + "\n";
    for (const ShadowVerdictRow& v : report.shadow_verdicts) out += "- " + v.recommendation + "\n";
  }
  out += heading("Co-op economics (monthly figures extrapolate this window to 30.4 days)");
  const auto lines = economics_lines(report);
  std::size_t width = 0;
  for (const auto& [what, amount] : lines) width = std::max(width, display_width(what));
  for (const auto& [what, amount] : lines) out += what + std::string(width - display_width(what), ' ') + "  " + amount + "\n";
  return out;
}

}  // namespace llmroute::report
