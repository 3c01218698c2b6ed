// Code-block extraction: a line-based scan of Markdown fences, as models write them.
#include "benchmark/code_block.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace llmroute::benchmark {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct Block {
  std::string language;
  std::string code;
};

// The fence a line opens or closes: "```" or "~~~" (three or more), after at most three spaces.
std::string_view fence_of(std::string_view line) {
  std::size_t indent = 0;
  while (indent < line.size() && indent < 4 && line[indent] == ' ') ++indent;
  if (indent > 3) return {};
  line.remove_prefix(indent);
  if (line.empty() || (line.front() != '`' && line.front() != '~')) return {};
  std::size_t n = 0;
  while (n < line.size() && line[n] == line.front()) ++n;
  return n >= 3 ? line.substr(0, n) : std::string_view{};
}

std::vector<Block> fenced_blocks(std::string_view text) {
  std::vector<Block> blocks;
  std::string_view open_fence;
  Block current;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view fence = fence_of(line);
    if (open_fence.empty()) {
      if (fence.empty()) continue;
      open_fence = fence;
      const std::string_view info = trim(trim(line).substr(fence.size()));
      current = Block{lower(info.substr(0, info.find_first_of(" \t{"))), {}};
    } else if (!fence.empty() && fence.front() == open_fence.front() && fence.size() >= open_fence.size() &&
               trim(line).size() == fence.size()) {
      blocks.push_back(std::move(current));
      open_fence = {};
    } else {
      current.code.append(line).push_back('\n');
    }
  }
  if (!open_fence.empty()) blocks.push_back(std::move(current));  // cut off by max_tokens
  return blocks;
}

bool language_fits(const std::string& language, std::string_view file_name) {
  if (language.empty()) return true;
  const auto dot = file_name.rfind('.');
  const std::string_view extension = dot == std::string_view::npos ? std::string_view{} : file_name.substr(dot);
  if (extension == ".py") return language == "python" || language == "py" || language == "python3";
  if (extension == ".json") return language == "json";
  return true;
}

}  // namespace

std::string strip_think_blocks(std::string_view answer) {
  std::string out;
  std::size_t pos = 0;
  while (pos < answer.size()) {
    const std::size_t open = answer.find("<think>", pos);
    if (open == std::string_view::npos) {
      out.append(answer.substr(pos));
      break;
    }
    out.append(answer.substr(pos, open - pos));
    const std::size_t close = answer.find("</think>", open);
    if (close == std::string_view::npos) break;
    pos = close + std::string_view("</think>").size();
  }
  return out;
}

std::optional<std::string> extract_code_block(std::string_view answer, std::string_view file_name) {
  const std::string text = strip_think_blocks(answer);
  const std::vector<Block> blocks = fenced_blocks(text);
  const Block* best = nullptr;
  for (const Block& b : blocks)
    if (language_fits(b.language, file_name) && trim(b.code).size() > 0 && (!best || b.code.size() > best->code.size()))
      best = &b;
  if (best) return best->code;
  if (!blocks.empty()) return std::nullopt;
  const std::string_view whole = trim(text);
  if (whole.empty()) return std::nullopt;
  if (file_name.ends_with(".json") && whole.front() != '{' && whole.front() != '[') return std::nullopt;
  return std::string(whole) + "\n";
}

}  // namespace llmroute::benchmark
