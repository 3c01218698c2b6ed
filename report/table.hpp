// A table of preformatted cells, laid out as aligned terminal text or as a markdown table.
#pragma once

#include <string>
#include <vector>

namespace llmroute::report {

enum class Align { left, right };

/// Characters, not bytes: cells hold "–" and "−", which are several UTF-8 bytes but one column wide.
std::size_t display_width(const std::string& text);

struct Column {
  std::string title;
  Align align = Align::right;
};

class Table {
 public:
  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

  /// Adds one row; it must have one cell per column.
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  bool empty() const { return rows_.empty(); }

  /// Columns padded to their widest cell (counted in characters, not bytes), a dashed rule under the titles.
  std::string text() const;
  /// A GitHub-flavoured markdown table, numbers right-aligned.
  std::string markdown() const;

  const std::vector<Column>& columns() const { return columns_; }
  const std::vector<std::vector<std::string>>& rows() const { return rows_; }

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace llmroute::report
