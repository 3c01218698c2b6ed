// Inline SVG charts for the HTML report. Every plotted datum is one element with class "mark", so a test
// (or a reader) can count what a chart shows; a chart without data is a short note instead of an SVG.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::report {

/// `text` with &, <, >, " and ' replaced by entities, for HTML text and attribute values.
std::string html_escape(const std::string& text);

struct Bar {
  std::string label;
  double value = 0;
  std::string value_text;  ///< printed at the end of the bar
  std::string colour;
};
/// Horizontal bars, one mark per bar, scaled to the largest value.
std::string bar_chart(const std::string& id, const std::string& title, const std::vector<Bar>& bars);

struct ScatterPoint {
  std::string label;
  double x = 0;
  double y = 0;
  std::string colour;
};
/// One circle mark per point, with labelled axes.
std::string scatter_chart(const std::string& id, const std::string& title, const std::string& x_axis,
                          const std::string& y_axis, const std::vector<ScatterPoint>& points);

struct HeatCell {
  std::size_t row = 0;
  std::size_t column = 0;
  double value = 0;
  std::string value_text;
};
/// A grid of rows × columns, one coloured rect mark per cell with a value (red low, green high).
std::string heatmap_chart(const std::string& id, const std::string& title, const std::vector<std::string>& rows,
                          const std::vector<std::string>& columns, const std::vector<HeatCell>& cells);

struct SplitRow {
  std::string label;
  std::uint64_t local = 0;
  std::uint64_t cloud = 0;
};
/// One 100 % bar per row, split local | cloud; one mark per non-empty segment.
std::string split_chart(const std::string& id, const std::string& title, const std::vector<SplitRow>& rows);

struct Series {
  std::string name;
  std::string colour;
  std::vector<std::optional<double>> values;  ///< one per x label; unset values are skipped
};
/// Lines over time buckets, one circle mark per plotted value.
std::string line_chart(const std::string& id, const std::string& title, const std::vector<std::string>& x_labels,
                       const std::vector<Series>& series);

/// What a chart shows when it has no data: a note carrying the chart's id.
std::string empty_chart(const std::string& id, const std::string& title, const std::string& why);

}  // namespace llmroute::report
