// Splits a prompt's own words from the code, diffs and traces pasted into it, and measures their shape.
#include "router/prose.hpp"

#include <algorithm>
#include <array>

#include "router/text_stats.hpp"
#include "router/word_set.hpp"

namespace llmroute::router {

namespace {


std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

bool is_diff_header(std::string_view line) {
  return starts_with(line, "diff --git") || starts_with(line, "@@ -") || starts_with(line, "--- a/") ||
         starts_with(line, "+++ b/") || starts_with(line, "--- ") || starts_with(line, "+++ ");
}

bool is_diff_body(std::string_view line) {
  return !line.empty() && (line.front() == '+' || line.front() == '-' || line.front() == ' ' || line.front() == '@' ||
                           starts_with(line, "index ") || starts_with(line, "diff "));
}

// Opening words of a question; "can"/"could"/"would" open polite requests, not questions.
constexpr WordSet kInterrogatives{std::array{
    std::string_view("what"),  std::string_view("what's"), std::string_view("whats"), std::string_view("why"),
    std::string_view("how"),   std::string_view("which"),  std::string_view("when"),  std::string_view("where"),
    std::string_view("who"),   std::string_view("is"),     std::string_view("are"),   std::string_view("does"),
    std::string_view("did"),   std::string_view("should"), std::string_view("vad"),   std::string_view("varför"),
    std::string_view("hur"),   std::string_view("vilken"), std::string_view("vilket"), std::string_view("vilka"),
    std::string_view("när"),   std::string_view("vem"),    std::string_view("finns"), std::string_view("ska"),
    std::string_view("bör"),   std::string_view("isn't"),  std::string_view("doesn't"), std::string_view("wie"),
    std::string_view("warum"), std::string_view("was"),    std::string_view("är"),    std::string_view("går"),
    std::string_view("ist"),   std::string_view("kann"),
}};

constexpr std::array<bool, 256> kWordBytes = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80 || c == '\'';
  return table;
}();
bool is_word_byte(unsigned char c) { return kWordBytes[c]; }

// The bytes enumeration_items acts on; it skips all others with one lookup.
constexpr std::array<bool, 256> kEnumerationBytes = [] {
  std::array<bool, 256> table{};
  for (char c : std::string_view(".;:!?\n(),&+ ")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

// Items of the longest enumeration in one clause: commas and "and"/"och"/"&"/"+"/"plus" separate items.
std::uint32_t enumeration_items(std::string_view text) {
  std::uint32_t best = 0;
  std::uint32_t separators = 0;
  auto close_clause = [&] {
    if (separators > 0) best = std::max(best, separators + 1);
    separators = 0;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!kEnumerationBytes[static_cast<unsigned char>(c)]) continue;
    bool sentence_dot = c == '.' && (i + 1 >= text.size() || text[i + 1] == ' ' || text[i + 1] == '\n');
    if (sentence_dot || c == ';' || c == ':' || c == '!' || c == '?' || c == '\n' || c == '(' || c == ')') {
      close_clause();
    } else if (c == ',' || ((c == '&' || c == '+') && i > 0 && text[i - 1] == ' ')) {
      ++separators;
    } else if (c == ' ' && i + 1 < text.size() && (text[i + 1] == 'a' || text[i + 1] == 'o' || text[i + 1] == 'p')) {
      for (std::string_view word : {std::string_view(" and "), std::string_view(" och "), std::string_view(" plus ")}) {
        if (text.substr(i, word.size()) == word) ++separators;
      }
    }
  }
  close_clause();
  return best;
}

// A line of prose that ends like code ("... before I run it on prod? ALTER TABLE x ADD y;") keeps its words.
bool has_sentence_break(std::string_view line) {
  for (std::size_t i = 0; i + 2 < line.size(); ++i) {
    char c = line[i];
    if ((c == '.' || c == '?' || c == '!') && line[i + 1] == ' ' && line[i + 2] >= 'a' && line[i + 2] <= 'z') return true;
  }
  return false;
}

bool is_letter_or_digit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
}

// The end of a quotation of several words opening at `open`, or npos. A quote opens at the start of a
// word and closes before a non-letter, so "don't" opens nothing. Only quoted material is taken: a
// quotation that starts the line or follows a colon or a comma ("by topic: 'can't log in', 'app slow'",
// "friendlier: 'Your request has been rejected'"); a quotation inside a sentence ("I get 'permission
// denied' when I push") is part of what the user says.
std::size_t quotation_end(std::string_view line, std::size_t open) {
  char quote = line[open];
  std::size_t before = open;
  while (before > 0 && line[before - 1] == ' ') --before;
  if (before > 0 && line[before - 1] != ':' && line[before - 1] != ',') return std::string_view::npos;
  if (open + 1 >= line.size() || !is_letter_or_digit(line[open + 1])) return std::string_view::npos;
  bool several_words = false;
  for (std::size_t i = open + 1; i < line.size(); ++i) {
    if (line[i] == ' ') several_words = true;
    if (line[i] == quote && (i + 1 >= line.size() || !is_letter_or_digit(line[i + 1]))) {
      return several_words ? i : std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// Appends a prose line without inline code spans (`user_manager`: identifiers) and quoted material
// ('invoice wrong amount', "Our office will be closed": the user's data, not what they ask for).
void append_own_words(std::string& out, std::string_view line) {
  bool in_code = false;
  std::size_t run = 0;  // line[run, i) is own text not appended yet (while not in code)
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '`') {
      if (!in_code) out.append(line.substr(run, i - run));
      in_code = !in_code;
      out.push_back(' ');
      run = i + 1;
      continue;
    }
    if (in_code) continue;
    if (c == '\'' || c == '"') {
      std::size_t end = quotation_end(line, i);
      if (end != std::string_view::npos) {
        out.append(line.substr(run, i - run));
        out.push_back(' ');
        i = end;
        run = end + 1;
      }
    }
  }
  if (!in_code) out.append(line.substr(run));
}

constexpr WordSet kNumberWords{std::array{
    std::string_view("two"),    std::string_view("three"),   std::string_view("four"),  std::string_view("five"),
    std::string_view("six"),    std::string_view("seven"),   std::string_view("eight"), std::string_view("nine"),
    std::string_view("ten"),    std::string_view("twelve"),  std::string_view("twenty"), std::string_view("hundred"),
    std::string_view("thousand"), std::string_view("million"), std::string_view("twice"), std::string_view("half"),
    std::string_view("dozen"),  std::string_view("once"),    std::string_view("två"),   std::string_view("tre"),
    std::string_view("fyra"),   std::string_view("fem"),     std::string_view("sju"),   std::string_view("åtta"),
    std::string_view("nio"),    std::string_view("tio"),     std::string_view("hundra"), std::string_view("tusen"),
}};

bool is_bullet(std::string_view line) {
  if (starts_with(line, "- ") || starts_with(line, "* ") || starts_with(line, "\u2022 ")) return true;
  std::size_t i = 0;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  return i > 0 && i + 1 < line.size() && (line[i] == '.' || line[i] == ')') && line[i + 1] == ' ';
}

}  // namespace

Prose prose_of(std::string_view text) {
  Prose prose;
  prose.text.reserve(text.size());
  bool in_fence = false;
  bool in_diff = false;
  std::uint32_t bullets = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    std::string_view t = trim(line);
    if (starts_with(t, "```")) {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence) continue;
    if (is_diff_header(line)) {
      in_diff = true;
      continue;
    }
    if (in_diff && is_diff_body(line)) continue;
    in_diff = false;
    bool code = is_code_line(line) && !has_sentence_break(t);
    if (t.empty() || is_trace_line(line) || code || without_line_number(line).size() != line.size()) {
      if (!t.empty()) bullets = 0;
      continue;
    }
    bullets = is_bullet(t) ? bullets + 1 : 0;
    prose.list_items = std::max(prose.list_items, bullets);
    std::size_t start = prose.text.size();
    append_own_words(prose.text, t);
    prose.paths += count_file_paths(std::string_view(prose.text).substr(start));
    prose.text.push_back('\n');
  }
  prose.list_items = std::max(prose.list_items, enumeration_items(prose.text));

  std::string_view all = trim(prose.text);
  while (!all.empty() && (all.back() == '\n' || all.back() == ' ')) all.remove_suffix(1);
  bool in_word = false;
  std::string_view first_word;
  std::size_t word_start = 0;
  for (std::size_t i = 0; i <= all.size(); ++i) {
    // "99.9" and "1,350" are one number, not two.
    bool word_byte = i < all.size() && is_word_byte(static_cast<unsigned char>(all[i]));
    if (!word_byte) {
      word_byte = in_word && i + 1 < all.size() && (all[i] == '.' || all[i] == ',') && all[i - 1] >= '0' &&
                  all[i - 1] <= '9' && all[i + 1] >= '0' && all[i + 1] <= '9';
    }
    if (word_byte && !in_word) word_start = i;
    if (!word_byte && in_word) {
      ++prose.words;
      std::string_view word = all.substr(word_start, i - word_start);
      bool number_word = kNumberWords.contains(word);
      if ((word[0] >= '0' && word[0] <= '9') || number_word) ++prose.numbers;
      if (first_word.empty()) first_word = all.substr(word_start, i - word_start);
    }
    in_word = word_byte;
  }
  prose.question = (!all.empty() && all.back() == '?') ||
                   kInterrogatives.contains(first_word);
  return prose;
}

}  // namespace llmroute::router
