// One pass over a text, line by line, counting the structures the classifier weighs.
#include "router/text_stats.hpp"

#include <array>
#include <limits>

#include "router/word_set.hpp"

namespace llmroute::router {

namespace {

void bump(std::uint32_t& counter) {
  if (counter < std::numeric_limits<std::uint32_t>::max()) ++counter;
}

bool contains(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

std::string_view trim_left(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return line.substr(i);
}

std::string_view trim_right(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

// Markers of stack traces and compiler or runtime errors, checked per line (case-sensitive on purpose:
// "Error:" in a log differs from "error" in prose).
constexpr std::array kTraceMarkers = {
    std::string_view("Traceback (most recent call last)"), std::string_view("Exception in thread"),
    std::string_view("panicked at"),       std::string_view("error[E"),
    std::string_view(": error:"),          std::string_view("Segmentation fault"),
    std::string_view("undefined reference to"), std::string_view("npm ERR!"),
    std::string_view("Caused by:"),        std::string_view("core dumped"),
    std::string_view("FAILED"),            std::string_view("Uncaught "),
    std::string_view("fatal error"),       std::string_view("ERROR "),
};

// Markers that are also ordinary code ({ error: 'empty' }, console.log("Error:", e)): they count only at
// the start of a line or straight after a name ("TypeError:", "io::Error:", "main.c:3: error: ").
constexpr std::array kNamedErrorMarkers = {
    std::string_view("Error:"), std::string_view("Exception:"), std::string_view("error: "),
};

// Which bytes a text holds, folded on their low six bits ('a' and '!' share a bit; uppercase ASCII
// letters share theirs only with control bytes and bytes >= 0x80): a superset, which only makes the
// filter pass more often. A marker whose bits are not all there cannot occur.
struct BytesPresent {
  std::uint64_t bits = 0;

  constexpr void add(unsigned char c) { bits |= std::uint64_t{1} << (c & 63); }
  constexpr bool covers(const BytesPresent& needed) const { return (bits & needed.bits) == needed.bits; }
};

constexpr BytesPresent bytes_of(std::string_view text) {
  BytesPresent present;
  for (char c : text) present.add(static_cast<unsigned char>(c));
  return present;
}

template <std::size_t N>
constexpr std::array<BytesPresent, N> bytes_of_each(const std::array<std::string_view, N>& markers) {
  std::array<BytesPresent, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = bytes_of(markers[i]);
  return out;
}

constexpr auto kTraceMarkerBytes = bytes_of_each(kTraceMarkers);
constexpr auto kNamedErrorMarkerBytes = bytes_of_each(kNamedErrorMarkers);

// Up to this length one pass collecting the bytes of a line costs less than searching it for every
// marker; longer lines are searched directly (memchr skips through them faster).
constexpr std::size_t kFilteredLineBytes = 256;

bool after_name(std::string_view line, std::size_t at) {
  if (at == 0) return true;
  char before = line[at - 1];
  return (before >= 'a' && before <= 'z') || (before >= 'A' && before <= 'Z') || (before >= '0' && before <= '9') ||
         before == '_' || before == ':' || before == '.' || before == ']' || before == ')';
}

}  // namespace

bool is_trace_line(std::string_view line) {
  std::string_view t = trim_left(line);
  // A JavaScript, Java or C# stack frame: "at fn (file.js:10:5)" / "at com.x.Y.z(Y.java:42)".
  if (starts_with(t, "at ") && contains(t, "(") && contains(t, ":")) return true;
  if (starts_with(t, "File \"") && contains(t, "\", line ")) return true;
  const bool filtered = line.size() <= kFilteredLineBytes;
  const BytesPresent present = filtered ? bytes_of(line) : BytesPresent{};
  for (std::size_t m = 0; m < kTraceMarkers.size(); ++m) {
    if (filtered && !present.covers(kTraceMarkerBytes[m])) continue;
    if (contains(line, kTraceMarkers[m])) return true;
  }
  for (std::size_t m = 0; m < kNamedErrorMarkers.size(); ++m) {
    if (filtered && !present.covers(kNamedErrorMarkerBytes[m])) continue;
    std::string_view marker = kNamedErrorMarkers[m];
    for (std::size_t at = t.find(marker); at != std::string_view::npos; at = t.find(marker, at + 1)) {
      if (after_name(t, at)) return true;
    }
  }
  return false;
}

namespace {

constexpr WordSet kSourceExtensions{std::array{
    std::string_view("py"),   std::string_view("js"),   std::string_view("ts"),    std::string_view("tsx"),
    std::string_view("jsx"),  std::string_view("cpp"),  std::string_view("cc"),    std::string_view("c"),
    std::string_view("h"),    std::string_view("hpp"),  std::string_view("go"),    std::string_view("rs"),
    std::string_view("java"), std::string_view("kt"),   std::string_view("rb"),    std::string_view("php"),
    std::string_view("cs"),   std::string_view("swift"), std::string_view("md"),   std::string_view("yaml"),
    std::string_view("yml"),  std::string_view("json"), std::string_view("toml"),  std::string_view("sql"),
    std::string_view("sh"),   std::string_view("html"), std::string_view("css"),   std::string_view("scss"),
    std::string_view("vue"),  std::string_view("svelte"), std::string_view("lua"), std::string_view("ex"),
    std::string_view("scala"), std::string_view("dart"), std::string_view("xml"),  std::string_view("ini"),
    std::string_view("cfg"),  std::string_view("mjs"),  std::string_view("cjs"),   std::string_view("proto"),
    std::string_view("tf"),   std::string_view("gradle"), std::string_view("cmake"), std::string_view("txt"),
}};

constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
               c == '.' || c == '/' || c == '\\' || c == '@' || c == '~';
  }
  return table;
}();

bool is_token_char(char c) { return kTokenChars[static_cast<unsigned char>(c)]; }

bool looks_like_path(std::string_view token) {
  while (!token.empty() && (token.back() == '.' || token.back() == '/')) token.remove_suffix(1);
  std::size_t dot = token.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= token.size()) return false;
  if (starts_with(token, "www.") || contains(token, "..")) return false;
  return kSourceExtensions.contains(token.substr(dot + 1));
}

}  // namespace

std::uint32_t count_file_paths(std::string_view line) {
  std::uint32_t n = 0;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && !is_token_char(line[i])) ++i;
    std::size_t start = i;
    bool dot = false;  // a token without one is no path
    for (; i < line.size() && is_token_char(line[i]); ++i) dot |= line[i] == '.';
    if (dot && looks_like_path(line.substr(start, i - start))) ++n;
  }
  return n;
}

namespace {

constexpr std::array kCodeStarts = {
    std::string_view("def "),     std::string_view("class "),  std::string_view("import "),
    std::string_view("from "),    std::string_view("#include"), std::string_view("function "),
    std::string_view("const "),   std::string_view("let "),    std::string_view("return "),
    std::string_view("public "),  std::string_view("private "), std::string_view("func "),
    std::string_view("fn "),      std::string_view("if ("),    std::string_view("for ("),
    std::string_view("while ("),  std::string_view("var "),    std::string_view("async "),
    std::string_view("export "),  std::string_view("struct "), std::string_view("SELECT "),
};

}  // namespace

std::string_view without_line_number(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  std::size_t digits = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  if (i == digits || i >= line.size()) return line;
  if (line[i] == '\t' || line[i] == '|' || line[i] == ':') return line.substr(i + 1);
  if (line.substr(i, 3) == "\u2192") return line.substr(i + 3);  // Claude Code's Read tool: "    12→code"
  return line;
}

bool is_code_line(std::string_view line) {
  std::string_view t = trim_right(trim_left(without_line_number(line)));
  if (t.empty()) return false;
  char last = t.back();
  if (last == ';' || last == '{' || last == '}' || (last == ':' && (starts_with(t, "def ") || starts_with(t, "class ")))) {
    return true;
  }
  for (std::string_view start : kCodeStarts) {
    if (starts_with(t, start)) return true;
  }
  return false;
}

TextStats scan_text(std::string_view text) {
  TextStats stats;
  std::uint32_t fence_lines = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    bump(stats.lines);
    std::string_view t = trim_left(line);
    if (starts_with(t, "```")) {
      bump(fence_lines);
      continue;
    }
    if (starts_with(line, "diff --git") || starts_with(line, "@@ -") || starts_with(line, "--- a/") ||
        starts_with(line, "+++ b/")) {
      bump(stats.diff_markers);
    }
    if (is_trace_line(line)) bump(stats.tracebacks);
    if (is_code_line(line)) bump(stats.code_lines);
    std::uint32_t paths = count_file_paths(line);
    stats.file_paths = (stats.file_paths > std::numeric_limits<std::uint32_t>::max() - paths)
                           ? std::numeric_limits<std::uint32_t>::max()
                           : stats.file_paths + paths;
  }
  stats.code_fences = (fence_lines + 1) / 2;
  return stats;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    if (c == 0xC3 && i + 1 < out.size()) {
      out[i + 1] = static_cast<char>(lowercase_after_c3(static_cast<unsigned char>(out[i + 1])));
      ++i;
    } else {
      out[i] = static_cast<char>(lowercase_byte(c));
    }
  }
  return out;
}

}  // namespace llmroute::router
