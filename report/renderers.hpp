// The report's four formats; each renderer lives in its own file (text, markdown, json, html).
#pragma once

#include "report/report.hpp"

#include <string>

namespace llmroute::report {

/// Terminal tables, section by section.
std::string render_text(const Report& report);
/// The same sections as GitHub-flavoured markdown.
std::string render_markdown(const Report& report);
/// The JSON document described by docs/report-schema.json (stable: fields are only ever added).
std::string render_json(const Report& report);
/// One self-contained HTML page (inline CSS and SVG charts, no script, nothing fetched).
std::string render_html(const Report& report);

}  // namespace llmroute::report
