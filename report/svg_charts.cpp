// SVG markup for the HTML report's charts: bars, scatter, heatmap, local/cloud split, lines over time.
#include "report/svg_charts.hpp"

#include <algorithm>
#include <cstdio>

namespace llmroute::report {

namespace {

constexpr double kWidth = 560;
constexpr double kLabelWidth = 170;
constexpr double kRowHeight = 26;

/// A coordinate or size with one decimal: enough for a screen, short in the file.
std::string num(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string open_chart(const std::string& id, const std::string& title, double height) {
  return "<figure class=\"chart\"><figcaption>" + html_escape(title) + "</figcaption><svg data-chart=\"" +
         html_escape(id) + "\" viewBox=\"0 0 " + num(kWidth) + " " + num(height) + "\" width=\"" + num(kWidth) +
         "\" height=\"" + num(height) + "\" role=\"img\" aria-label=\"" + html_escape(title) + "\">";
}

const char* kCloseChart = "</svg></figure>\n";

std::string text(double x, double y, const std::string& content, const std::string& attributes = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"" + (attributes.empty() ? "" : " " + attributes) + ">" +
         html_escape(content) + "</text>";
}

std::string rect(double x, double y, double w, double h, const std::string& colour, const std::string& title) {
  return "<rect class=\"mark\" x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(std::max(w, 1.0)) +
         "\" height=\"" + num(h) + "\" fill=\"" + colour + "\"><title>" + html_escape(title) + "</title></rect>";
}

std::string circle(double x, double y, double r, const std::string& colour, const std::string& title) {
  return "<circle class=\"mark\" cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" + num(r) + "\" fill=\"" + colour +
         "\"><title>" + html_escape(title) + "</title></circle>";
}

std::string line(double x1, double y1, double x2, double y2) {
  return "<line class=\"axis\" x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
         "\"/>";
}

/// A short label for an axis tick: no more decimals than the range needs.
std::string tick_text(double value, double range) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, range >= 10 ? "%.0f" : range >= 1 ? "%.1f" : "%.3f", value);
  return buffer;
}

/// Red (0) through amber to green (1).
std::string heat_colour(double t) {
  t = std::clamp(t, 0.0, 1.0);
  const int red = static_cast<int>(t < 0.5 ? 215 : 215 - (t - 0.5) * 2 * 170);
  const int green = static_cast<int>(t < 0.5 ? 60 + t * 2 * 120 : 180);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x50", red, green);
  return buffer;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string empty_chart(const std::string& id, const std::string& title, const std::string& why) {
  return "<figure class=\"chart\"><figcaption>" + html_escape(title) + "</figcaption><p class=\"empty\" data-chart=\"" +
         html_escape(id) + "\">" + html_escape(why) + "</p></figure>\n";
}

std::string bar_chart(const std::string& id, const std::string& title, const std::vector<Bar>& bars) {
  const double height = static_cast<double>(bars.size()) * kRowHeight + 8;
  const double area = kWidth - kLabelWidth - 90;
  double largest = 0;
  for (const Bar& bar : bars) largest = std::max(largest, bar.value);
  std::string out = open_chart(id, title, height);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    const double y = 4 + static_cast<double>(i) * kRowHeight;
    const double w = largest > 0 ? bar.value / largest * area : 0;
    out += text(kLabelWidth - 8, y + 17, bar.label, "text-anchor=\"end\"");
    out += rect(kLabelWidth, y + 3, w, kRowHeight - 8, bar.colour, bar.label + ": " + bar.value_text);
    out += text(kLabelWidth + w + 6, y + 17, bar.value_text, "class=\"value\"");
  }
  return out + kCloseChart;
}

std::string scatter_chart(const std::string& id, const std::string& title, const std::string& x_axis,
                          const std::string& y_axis, const std::vector<ScatterPoint>& points) {
  constexpr double kHeight = 320, kLeft = 56, kRight = 24, kTop = 14, kBottom = 44;
  double max_x = 0, max_y = 0;
  for (const ScatterPoint& p : points) {
    max_x = std::max(max_x, p.x);
    max_y = std::max(max_y, p.y);
  }
  max_x = max_x > 0 ? max_x * 1.15 : 1;
  max_y = max_y > 0 ? max_y * 1.15 : 1;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const auto sx = [&](double x) { return kLeft + x / max_x * plot_w; };
  const auto sy = [&](double y) { return kTop + plot_h - y / max_y * plot_h; };

  std::string out = open_chart(id, title, kHeight);
  out += line(kLeft, kTop, kLeft, kTop + plot_h) + line(kLeft, kTop + plot_h, kLeft + plot_w, kTop + plot_h);
  for (int i = 0; i <= 4; ++i) {
    const double fx = max_x * i / 4, fy = max_y * i / 4;
    out += text(sx(fx), kTop + plot_h + 16, tick_text(fx, max_x), "class=\"tick\" text-anchor=\"middle\"");
    out += text(kLeft - 6, sy(fy) + 4, tick_text(fy, max_y), "class=\"tick\" text-anchor=\"end\"");
  }
  out += text(kLeft + plot_w / 2, kHeight - 6, x_axis, "class=\"axis-title\" text-anchor=\"middle\"");
  out += text(14, kTop + plot_h / 2, y_axis,
              "class=\"axis-title\" text-anchor=\"middle\" transform=\"rotate(-90 14 " + num(kTop + plot_h / 2) + ")\"");
  for (const ScatterPoint& p : points) {
    out += circle(sx(p.x), sy(p.y), 7, p.colour, p.label);
    out += text(sx(p.x) + 10, sy(p.y) - 8, p.label, "class=\"point-label\"");
  }
  return out + kCloseChart;
}

std::string heatmap_chart(const std::string& id, const std::string& title, const std::vector<std::string>& rows,
                          const std::vector<std::string>& columns, const std::vector<HeatCell>& cells) {
  constexpr double kTop = 70;
  const double cell_w = columns.empty() ? 0 : (kWidth - kLabelWidth) / static_cast<double>(columns.size());
  const double height = kTop + static_cast<double>(rows.size()) * kRowHeight + 4;
  double low = 0, high = 0;
  if (!cells.empty()) {
    const auto [min_it, max_it] = std::minmax_element(
        cells.begin(), cells.end(), [](const HeatCell& a, const HeatCell& b) { return a.value < b.value; });
    low = min_it->value;
    high = max_it->value;
  }
  std::string out = open_chart(id, title, height);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const double x = kLabelWidth + (static_cast<double>(c) + 0.5) * cell_w;
    out += text(x, kTop - 8, columns[c], "class=\"tick\" transform=\"rotate(-25 " + num(x) + " " + num(kTop - 8) + ")\"");
  }
  for (std::size_t r = 0; r < rows.size(); ++r)
    out += text(kLabelWidth - 8, kTop + static_cast<double>(r) * kRowHeight + 17, rows[r], "text-anchor=\"end\"");
  for (const HeatCell& cell : cells) {
    const double x = kLabelWidth + static_cast<double>(cell.column) * cell_w;
    const double y = kTop + static_cast<double>(cell.row) * kRowHeight;
    const double t = high > low ? (cell.value - low) / (high - low) : 1;
    out += rect(x + 1, y + 1, cell_w - 2, kRowHeight - 2, heat_colour(t),
                rows[cell.row] + " × " + columns[cell.column] + ": " + cell.value_text);
    out += text(x + cell_w / 2, y + 17, cell.value_text, "class=\"cell-value\" text-anchor=\"middle\"");
  }
  return out + kCloseChart;
}

std::string split_chart(const std::string& id, const std::string& title, const std::vector<SplitRow>& rows) {
  constexpr const char* kLocal = "#2e8b57";
  constexpr const char* kCloud = "#4062bb";
  const double area = kWidth - kLabelWidth - 20;
  const double height = static_cast<double>(rows.size()) * kRowHeight + 30;
  std::string out = open_chart(id, title, height);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const SplitRow& row = rows[i];
    const double y = 4 + static_cast<double>(i) * kRowHeight;
    const double total = static_cast<double>(row.local + row.cloud);
    out += text(kLabelWidth - 8, y + 17, row.label, "text-anchor=\"end\"");
    if (total == 0) continue;
    const double local_w = static_cast<double>(row.local) / total * area;
    if (row.local > 0)
      out += rect(kLabelWidth, y + 3, local_w, kRowHeight - 8, kLocal,
                  row.label + ": " + std::to_string(row.local) + " local");
    if (row.cloud > 0)
      out += rect(kLabelWidth + local_w, y + 3, area - local_w, kRowHeight - 8, kCloud,
                  row.label + ": " + std::to_string(row.cloud) + " cloud");
  }
  const double legend_y = height - 10;
  out += "<rect x=\"" + num(kLabelWidth) + "\" y=\"" + num(legend_y - 9) + "\" width=\"10\" height=\"10\" fill=\"" +
         kLocal + "\"/>" + text(kLabelWidth + 14, legend_y, "local");
  out += "<rect x=\"" + num(kLabelWidth + 70) + "\" y=\"" + num(legend_y - 9) +
         "\" width=\"10\" height=\"10\" fill=\"" + kCloud + "\"/>" + text(kLabelWidth + 84, legend_y, "cloud");
  return out + kCloseChart;
}

std::string line_chart(const std::string& id, const std::string& title, const std::vector<std::string>& x_labels,
                       const std::vector<Series>& series) {
  constexpr double kHeight = 280, kLeft = 70, kRight = 20, kTop = 14, kBottom = 56;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  double max_y = 0;
  for (const Series& s : series)
    for (const auto& v : s.values)
      if (v) max_y = std::max(max_y, *v);
  max_y = max_y > 0 ? max_y * 1.1 : 1;
  const std::size_t n = x_labels.size();
  const auto sx = [&](std::size_t i) { return n > 1 ? kLeft + static_cast<double>(i) / static_cast<double>(n - 1) * plot_w : kLeft + plot_w / 2; };
  const auto sy = [&](double y) { return kTop + plot_h - y / max_y * plot_h; };

  std::string out = open_chart(id, title, kHeight);
  out += line(kLeft, kTop, kLeft, kTop + plot_h) + line(kLeft, kTop + plot_h, kLeft + plot_w, kTop + plot_h);
  for (int i = 0; i <= 4; ++i) {
    const double fy = max_y * i / 4;
    out += text(kLeft - 6, sy(fy) + 4, tick_text(fy, max_y), "class=\"tick\" text-anchor=\"end\"");
  }
  if (n > 0) {
    // The first label starts at the axis and the last ends at the plot's edge, so neither is clipped.
    out += text(sx(0), kTop + plot_h + 16, x_labels[0], "class=\"tick\" text-anchor=\"start\"");
    if (n > 2) out += text(sx(n / 2), kTop + plot_h + 16, x_labels[n / 2], "class=\"tick\" text-anchor=\"middle\"");
    if (n > 1) out += text(sx(n - 1), kTop + plot_h + 16, x_labels[n - 1], "class=\"tick\" text-anchor=\"end\"");
  }
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    std::string points;
    for (std::size_t i = 0; i < s.values.size() && i < n; ++i) {
      if (!s.values[i]) continue;
      points += num(sx(i)) + "," + num(sy(*s.values[i])) + " ";
    }
    out += "<polyline fill=\"none\" stroke=\"" + s.colour + "\" stroke-width=\"2\" points=\"" + points + "\"/>";
    for (std::size_t i = 0; i < s.values.size() && i < n; ++i)
      if (s.values[i]) out += circle(sx(i), sy(*s.values[i]), 3, s.colour, s.name + " " + x_labels[i]);
    const double legend_x = kLeft + static_cast<double>(k) * 200;
    out += "<rect x=\"" + num(legend_x) + "\" y=\"" + num(kHeight - 19) + "\" width=\"10\" height=\"10\" fill=\"" +
           s.colour + "\"/>" + text(legend_x + 14, kHeight - 10, s.name);
  }
  return out + kCloseChart;
}

}  // namespace llmroute::report
