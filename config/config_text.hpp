// Checks a config file's bytes before YAML reads them: yaml-cpp passes invalid UTF-8 and control characters
// into names that end up in JSON answers, metrics and records.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace llmroute::config {

/// Where and what the first character is that a config may not contain.
struct TextFault {
  std::size_t line = 1;    ///< 1-based
  std::size_t column = 1;  ///< 1-based, in characters
  std::string what;
};

/// The first byte sequence of `text` that is not UTF-8, or a control character other than tab, CR and LF;
/// nullopt when there is none. Text that starts with a UTF-16 or UTF-32 byte order mark is left to yaml-cpp,
/// which decodes it.
std::optional<TextFault> find_text_fault(std::string_view text);

}  // namespace llmroute::config
