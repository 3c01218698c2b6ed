// JSON string escaping, the one copy every module uses for hand-built JSON.
#pragma once

#include <string>
#include <string_view>

namespace llmroute::config {

/// `text` escaped for use inside a JSON string literal (no surrounding quotes); bytes that are not
/// well-formed UTF-8 become U+FFFD, so the result is always valid JSON.
std::string json_escape(std::string_view text);

/// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace llmroute::config
