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

/// A line of a stack trace or a compiler/runtime error ("Traceback", "  at f (a.js:1:2)", "KeyError: 'x'").
bool is_trace_line(std::string_view line);

/// A line that looks like source code (ends in ; { }, starts with def/class/import/const/...), once a
/// listing's line number ("  12\t", "  12→", "12: ") is taken off.
bool is_code_line(std::string_view line);

/// Tokens of one line that look like source file paths (TextStats::file_paths counts them per line).
std::uint32_t count_file_paths(std::string_view line);

/// `line` without a leading line number of a file listing, or `line` itself.
std::string_view without_line_number(std::string_view line);

/// Lower-cases ASCII and the Latin-1 letters of UTF-8 (Å Ä Ö É Ü ...), so Swedish and German
/// prompts match lowercase keywords; other characters are kept as they are.
std::string lowercase(std::string_view text);

/// Whether `text` begins with `prefix`. The first byte is tested inline: the line scanners call this
/// for many prefixes per line, most lines differ there, and a full compare is a library call.
inline bool starts_with(std::string_view text, std::string_view prefix) {
  if (prefix.empty()) return true;
  return !text.empty() && text[0] == prefix[0] && text.substr(0, prefix.size()) == prefix;
}

/// How lowercase() maps a byte that is not the continuation of a 0xC3 lead: ASCII A-Z to a-z.
constexpr unsigned char lowercase_byte(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c - 'A' + 'a') : c;
}

/// How lowercase() maps the byte after a 0xC3 lead: U+00C0..U+00DE (except U+00D7, the
/// multiplication sign) lower-case to U+00E0..U+00FE.
constexpr unsigned char lowercase_after_c3(unsigned char c) {
  return (c >= 0x80 && c <= 0x9E && c != 0x97) ? static_cast<unsigned char>(c + 0x20) : c;
}

}  // namespace llmroute::router
