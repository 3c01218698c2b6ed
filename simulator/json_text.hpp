// Appending JSON fragments (escaped strings, numbers) to a reusable std::string without temporaries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace llmroute::simulator {

/// Appends `text` JSON-escaped (without the surrounding quotes). Valid UTF-8 passes through as is.
void append_json_escaped(std::string& out, std::string_view text);

/// Returns `text` JSON-escaped, without the surrounding quotes.
std::string json_escaped(std::string_view text);

/// Appends `"text"` with `text` JSON-escaped.
void append_json_string(std::string& out, std::string_view text);

void append_number(std::string& out, std::int64_t value);

/// Appends a finite double with at most three decimals (timings are milliseconds).
void append_number(std::string& out, double value);

}  // namespace llmroute::simulator
