// Structural counts over a prompt (code fences, diffs, tracebacks, file paths) found without regexes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace llmroute::router {

/// What a text contains, counted in one pass; each counter saturates at its type's maximum.
struct TextStats {
  std::uint32_t lines = 0;
  std::uint32_t code_fences = 0;   ///< fenced blocks (pairs of ``` lines count once)
  std::uint32_t diff_markers = 0;  ///< "diff --git", "@@ -a,b +c,d @@", "--- a/" / "+++ b/" lines
  std::uint32_t tracebacks = 0;    ///< stack traces and compiler/runtime error lines
  std::uint32_t file_paths = 0;    ///< tokens that look like source file paths (src/x.cpp, main.py)
  std::uint32_t code_lines = 0;    ///< lines that look like code (braces, semicolons, def/class/import)
};

/// Counts the structure of `text`.
TextStats scan_text(std::string_view text);

/// Lower-cases ASCII and the Latin-1 letters of UTF-8 (Å Ä Ö É Ü ...), so Swedish and German
/// prompts match lowercase keywords; other characters are kept as they are.
std::string lowercase(std::string_view text);

}  // namespace llmroute::router
