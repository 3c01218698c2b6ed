// The report as one self-contained HTML page: inline CSS, inline SVG charts, the text report's tables.
#include "report/renderers.hpp"

#include "report/format.hpp"
#include "report/report_tables.hpp"
#include "report/svg_charts.hpp"

#include <algorithm>
#include <ctime>

namespace llmroute::report {

namespace {

constexpr const char* kLocalColour = "#2e8b57";
constexpr const char* kCloudColour = "#4062bb";

constexpr const char* kStyle = R"css(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; margin: 0; background: #f5f6f8; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; border-bottom: 1px solid #d8dce3; padding-bottom: 4px; }
.window { color: #5b6475; margin: 0 0 8px; }
.summary { font-size: 15px; margin: 0 0 16px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(570px, 1fr)); gap: 16px; }
figure.chart { background: #fff; border: 1px solid #e0e3e9; border-radius: 8px; margin: 0; padding: 12px 8px 8px; }
figcaption { font-weight: 600; margin: 0 0 6px 8px; }
svg { max-width: 100%; height: auto; font-size: 12px; fill: #1d2330; }
svg .axis { stroke: #9aa3b2; stroke-width: 1; }
svg .tick, svg .value, svg .point-label { fill: #5b6475; font-size: 11px; }
svg .cell-value { fill: #fff; font-weight: 600; }
svg .axis-title { fill: #5b6475; }
p.empty { color: #8a93a3; font-style: italic; margin: 12px 8px; }
table { border-collapse: collapse; background: #fff; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e7e9ee; white-space: nowrap; }
th { background: #eef0f4; text-align: right; font-weight: 600; }
td { text-align: right; }
th.left, td.left { text-align: left; }
ul.recommendations li { margin: 4px 0; }
.note { color: #5b6475; }
)css";

std::string html_table(const Table& table, const std::string& when_empty) {
  if (table.empty()) return "<p class=\"empty\">" + html_escape(when_empty) + "</p>\n";
  const auto cell = [](const char* tag, const std::string& content, Align align) {
    return std::string("<") + tag + (align == Align::left ? " class=\"left\"" : "") + ">" + html_escape(content) +
           "</" + tag + ">";
  };
  std::string out = "<table><thead><tr>";
  for (const Column& column : table.columns()) out += cell("th", column.title, column.align);
  out += "</tr></thead><tbody>";
  for (const auto& row : table.rows()) {
    out += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) out += cell("td", row[i], table.columns()[i].align);
    out += "</tr>";
  }
  return out + "</tbody></table>\n";
}

std::string colour_of(const ModelRow& m) {
  return m.location == config::Location::cloud ? kCloudColour : kLocalColour;
}

std::string model_label(const ModelRow& m) { return m.model; }

std::string speed_charts(const Report& report) {
  std::vector<Bar> speed;
  std::vector<Bar> ttft;
  for (const ModelRow& m : report.models) {
    if (m.tokens_per_second)
      speed.push_back({model_label(m), *m.tokens_per_second, format_decimal(*m.tokens_per_second, 1) + " tok/s",
                       colour_of(m)});
    if (m.ttft_ms) ttft.push_back({model_label(m), *m.ttft_ms, format_duration_ms(*m.ttft_ms), colour_of(m)});
  }
  std::string out = speed.empty() ? empty_chart("tokens-per-second", "Tokens per second", "no model measured a rate yet")
                                  : bar_chart("tokens-per-second", "Tokens per second (mean, higher is better)", speed);
  out += ttft.empty() ? empty_chart("ttft", "Time to first token", "no model sent a token yet")
                      : bar_chart("ttft", "Time to first token (mean, lower is better)", ttft);
  return out;
}

std::string quality_charts(const Report& report) {
  std::vector<ScatterPoint> points;
  for (const ModelRow& m : report.models)
    if (m.quality && m.tokens_per_second) points.push_back({model_label(m), *m.tokens_per_second, *m.quality, colour_of(m)});
  std::string out = points.empty()
                        ? empty_chart("quality-vs-speed", "Quality vs speed", "no judgments yet")
                        : scatter_chart("quality-vs-speed", "Quality vs speed (top right is fast and good)",
                                        "tokens per second", "judged quality (0–2)", points);
  const auto add_once = [](std::vector<std::string>& list, const std::string& name) {
    if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
  };
  // Rows in the task kinds' order; columns in the per-model table's order (local first), then any judged
  // model that no longer served in this window.
  std::vector<std::string> tasks;
  std::vector<std::string> models;
  for (const QualityCell& c : report.quality) add_once(tasks, c.task);
  for (const ModelRow& m : report.models)
    if (std::any_of(report.quality.begin(), report.quality.end(), [&m](const QualityCell& c) { return c.model == m.model; }))
      add_once(models, m.model);
  for (const QualityCell& c : report.quality) add_once(models, c.model);
  std::vector<HeatCell> cells;
  for (const QualityCell& c : report.quality) {
    const auto row = static_cast<std::size_t>(std::find(tasks.begin(), tasks.end(), c.task) - tasks.begin());
    const auto column = static_cast<std::size_t>(std::find(models.begin(), models.end(), c.model) - models.begin());
    cells.push_back({row, column, c.quality, format_decimal(c.quality, 2)});
  }
  out += cells.empty() ? empty_chart("quality-heatmap", "Quality by task kind and model", "no judgments yet")
                       : heatmap_chart("quality-heatmap", "Quality by task kind and model (green high, red low)",
                                       tasks, models, cells);
  return out;
}

std::string split_and_cost_charts(const Report& report) {
  std::vector<SplitRow> split;
  for (const TrafficRow& t : report.tasks) split.push_back({t.name, t.local, t.cloud});
  std::string out = split.empty() ? empty_chart("local-cloud-split", "Local / cloud split per task kind", "no requests yet")
                                  : split_chart("local-cloud-split", "Local / cloud split per task kind", split);
  if (report.cost_over_time.empty())
    return out + empty_chart("cost-over-time", "Cost over time", "no requests yet");
  std::vector<std::string> labels;
  Series actual{"actual cost", kLocalColour, {}};
  Series all_cloud{"all-cloud cost", kCloudColour, {}};
  bool any_all_cloud = false;
  const char* pattern = report.cost_bucket_ms < 60'000 ? "%H:%M:%S" : report.cost_bucket_ms < 86'400'000 ? "%m-%d %H:%M" : "%Y-%m-%d";
  for (const CostPoint& p : report.cost_over_time) {
    const std::time_t seconds = static_cast<std::time_t>(p.start_unix_ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, pattern, &utc);
    labels.emplace_back(buffer);
    actual.values.push_back(p.cost);
    all_cloud.values.push_back(p.all_cloud_cost);
    any_all_cloud = any_all_cloud || p.all_cloud_cost.has_value();
  }
  std::vector<Series> series{actual};
  if (any_all_cloud) series.push_back(all_cloud);
  return out + line_chart("cost-over-time", "Cost over time (" + report.currency + " per bucket, UTC)", labels, series);
}

/// The latest bench run per model: quality against speed when judged, else speed alone, so a model
/// benchmarked before it serves traffic can be compared at a glance with the ones that do.
std::string bench_charts(const Report& report) {
  if (!report.bench) return {};
  std::vector<ScatterPoint> judged;
  std::vector<Bar> speed;
  for (const benchmark::ModelSummary& m : report.bench->models) {
    const std::string colour = m.route == "cloud" ? kCloudColour : kLocalColour;
    if (!m.mean_tokens_per_second) continue;
    speed.push_back({m.model, *m.mean_tokens_per_second, format_decimal(*m.mean_tokens_per_second, 1) + " tok/s", colour});
    if (m.mean_quality) judged.push_back({m.model, *m.mean_tokens_per_second, *m.mean_quality, colour});
  }
  if (!judged.empty())
    return scatter_chart("bench-quality-vs-speed", "Bench: quality vs speed (top right is fast and good)",
                         "tokens per second", "judged quality (0–2)", judged);
  if (!speed.empty()) return bar_chart("bench-tokens-per-second", "Bench: tokens per second (mean)", speed);
  return empty_chart("bench-quality-vs-speed", "Bench: quality vs speed", "no model of the run answered");
}

}  // namespace

std::string render_html(const Report& report) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<title>llmroute report</title><style>";
  out += kStyle;
  out += "</style></head>\n<body><main>\n<h1>llmroute report</h1>\n";
  out += "<p class=\"window\">" + html_escape(window_text(report)) + "</p>\n";
  out += "<p class=\"summary\">" + html_escape(summary_text(report)) + "</p>\n";
  out += "<section class=\"charts\">\n" + speed_charts(report) + quality_charts(report) + split_and_cost_charts(report) +
         "</section>\n";
  out += "<h2>Per task kind: traffic and speed</h2>\n" + html_table(task_traffic_table(report), "No requests in this window.");
  out += "<h2>Per task kind: cost and failures</h2>\n" + html_table(task_cost_table(report), "No requests in this window.");
  out += "<h2>Per user</h2>\n" + html_table(user_table(report), "No requests in this window.");
  if (const std::string note = quota_note(report); !note.empty()) out += "<p class=\"note\">" + html_escape(note) + "</p>\n";
  out += "<h2>Per model</h2>\n" + html_table(model_table(report), "No model answered in this window.") +
         "<p class=\"note\">" + html_escape(quality_note(report)) + "</p>\n";
  out += "<h2>" + html_escape(bench_title(report)) + "</h2>\n" + html_table(bench_table(report), kNoBenchRun);
  out += bench_charts(report);
  out += "<h2>Shadow verdicts</h2>\n";
  out += "<p class=\"note\">" + html_escape(shadow_status_text(report)) + "</p>\n";
  if (report.shadow_verdicts.empty()) {
    out += "<p class=\"empty\">" + html_escape(no_verdict_text(report)) + "</p>\n";
  } else {
    out += html_table(shadow_table(report), "") + "<ul class=\"recommendations\">";
    for (const ShadowVerdictRow& v : report.shadow_verdicts) out += "<li>" + html_escape(v.recommendation) + "</li>";
    out += "</ul>\n";
  }
  out += "<h2>Co-op economics</h2>\n<p class=\"note\">Monthly figures extrapolate this window to 30.4 days.</p>\n"
         "<table><tbody>";
  for (const auto& [what, amount] : economics_lines(report))
    out += "<tr><td class=\"left\">" + html_escape(what) + "</td><td>" + html_escape(amount) + "</td></tr>";
  out += "</tbody></table>\n</main></body></html>\n";
  return out;
}

}  // namespace llmroute::report
