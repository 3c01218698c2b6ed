// The report as GitHub-flavoured markdown.
#include "report/renderers.hpp"
#include "report/report_tables.hpp"

namespace llmroute::report {

namespace {

std::string section(const std::string& title, const Table& table, const std::string& when_empty) {
  return "\n## " + title + "\n\n" + (table.empty() ? when_empty + "\n" : table.markdown());
}

}  // namespace

std::string render_markdown(const Report& report) {
  std::string out = "# llmroute report\n\n" + window_text(report) + "\n\n" + summary_text(report) + "\n";
  out += section("Per task kind: traffic and speed", task_traffic_table(report), "No requests in this window.");
  out += section("Per task kind: cost and failures", task_cost_table(report), "No requests in this window.");
  out += section("Per user", user_table(report), "No requests in this window.");
  if (const std::string note = quota_note(report); !note.empty()) out += "\n" + note + "\n";
  out += section("Per model", model_table(report), "No model answered in this window.") + "\n" + quality_note(report) + "\n";
  out += section(bench_title(report), bench_table(report), kNoBenchRun);
  out += "\n## Shadow verdicts\n\n";
  out += shadow_status_text(report) + "\n\n";
  if (report.shadow_verdicts.empty()) {
    out += no_verdict_text(report) + "\n";
  } else {
    out += shadow_table(report).markdown() + "\n";
    for (const ShadowVerdictRow& v : report.shadow_verdicts) out += "- " + v.recommendation + "\n";
  }
  out += "\n## Co-op economics\n\nMonthly figures extrapolate this window to 30.4 days.\n\n| | |\n|---|--:|\n";
  for (const auto& [what, amount] : economics_lines(report)) out += "| " + what + " | " + amount + " |\n";
  return out;
}

}  // namespace llmroute::report
