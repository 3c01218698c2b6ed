// Word stems for keyword matching: a small tokenizer, contraction and negation handling, Porter step 1.
#include "router/word_stems.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "router/word_set.hpp"

namespace llmroute::router {

namespace {

bool is_letter(char c) { return c >= 'a' && c <= 'z'; }
bool is_vowel_letter(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// Porter's consonant test: y is a consonant at the start or after a vowel.
bool consonant_at(std::string_view w, std::size_t i) {
  if (is_vowel_letter(w[i])) return false;
  if (w[i] == 'y') return i == 0 || !consonant_at(w, i - 1);
  return true;
}

// Porter's m: the number of vowel-consonant sequences in w.
int measure(std::string_view w) {
  int m = 0;
  std::size_t i = 0;
  while (i < w.size() && consonant_at(w, i)) ++i;
  while (i < w.size()) {
    while (i < w.size() && !consonant_at(w, i)) ++i;
    if (i >= w.size()) break;
    while (i < w.size() && consonant_at(w, i)) ++i;
    ++m;
  }
  return m;
}

bool has_vowel(std::string_view w) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (!consonant_at(w, i)) return true;
  }
  return false;
}

bool ends_double_consonant(std::string_view w) {
  return w.size() >= 2 && w[w.size() - 1] == w[w.size() - 2] && consonant_at(w, w.size() - 1);
}

// consonant-vowel-consonant at the end, the last not w, x or y ("hop", not "snow").
bool ends_cvc(std::string_view w) {
  std::size_t n = w.size();
  if (n < 3) return false;
  char last = w[n - 1];
  return consonant_at(w, n - 3) && !consonant_at(w, n - 2) && consonant_at(w, n - 1) && last != 'w' && last != 'x' &&
         last != 'y';
}

// The last byte is tested inline: most words differ there, and a full compare is a library call.
bool ends_with(std::string_view w, std::string_view suffix) {
  if (suffix.empty()) return true;
  return w.size() >= suffix.size() && w.back() == suffix.back() && w.substr(w.size() - suffix.size()) == suffix;
}

// Words dropped before matching: articles, determiners, pronouns, the forms of "be" and "have", and
// politeness, which never decide a task ("what's wrong", "what is wrong" and "what has gone wrong" meet).
constexpr WordSet kFillerWords{std::array{
    std::string_view("a"),      std::string_view("an"),     std::string_view("the"),   std::string_view("this"),
    std::string_view("that"),   std::string_view("these"),  std::string_view("those"), std::string_view("my"),
    std::string_view("our"),    std::string_view("your"),   std::string_view("its"),   std::string_view("their"),
    std::string_view("his"),    std::string_view("her"),    std::string_view("some"),  std::string_view("please"),
    std::string_view("pls"),    std::string_view("plz"),    std::string_view("kindly"), std::string_view("just"),
    std::string_view("i"),      std::string_view("me"),     std::string_view("we"),    std::string_view("us"),
    std::string_view("it"),     std::string_view("them"),
    std::string_view("can"),    std::string_view("could"),  std::string_view("is"),    std::string_view("are"),
    std::string_view("am"),     std::string_view("was"),    std::string_view("were"),  std::string_view("be"),
    std::string_view("been"),   std::string_view("being"),  std::string_view("has"),   std::string_view("have"),
    std::string_view("had"),    std::string_view("en"),     std::string_view("ett"),   std::string_view("du"),
    std::string_view("jag"),    std::string_view("vi"),     std::string_view("kan"),   std::string_view("snälla"),
    std::string_view("mig"),    std::string_view("den"),    std::string_view("det"),   std::string_view("är"),
    std::string_view("har"),
}};

constexpr WordSet kNegations{std::array{
    std::string_view("not"),   std::string_view("no"),    std::string_view("never"), std::string_view("without"),
    std::string_view("inte"),  std::string_view("ingen"), std::string_view("inga"),  std::string_view("utan"),
    std::string_view("aldrig"),
}};

// Words a negation does not reach: "not sure why it fails" still asks why, "hittar inte varför" too.
constexpr WordSet kNotNegated{std::array{
    std::string_view("why"),   std::string_view("what"),  std::string_view("how"),  std::string_view("where"),
    std::string_view("when"),  std::string_view("who"),   std::string_view("which"), std::string_view("sure"),
    std::string_view("varför"), std::string_view("vad"),  std::string_view("hur"),  std::string_view("var"),
    std::string_view("när"),   std::string_view("vilken"),
}};

// Bytes that may sit inside a word ("readme.md", "node.js", "99.9%", "#123", "c++", "don't"). Slashes and
// hyphens break words, so "e-mail" meets "e mail", "stand-up" meets "stand up" and "docs/x.md" has "docs".
// One table lookup per byte instead of chains of compares.
enum CharClass : std::uint8_t { kWordChar = 1, kJoiner = 2, kClauseEnd = 4 };
constexpr std::array<std::uint8_t, 256> kCharClasses = [] {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) table[c] |= kWordChar;
    if (c == '.' || c == '\'' || c == '#' || c == '+' || c == '@' || c == '_' || c == '%' || c == '$') table[c] |= kJoiner;
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\n') table[c] |= kClauseEnd;
  }
  return table;
}();
bool is_joiner(char c) { return (kCharClasses[static_cast<unsigned char>(c)] & kJoiner) != 0; }
bool is_word_char(unsigned char c) { return (kCharClasses[c] & kWordChar) != 0; }
bool ends_clause(char c) { return (kCharClasses[static_cast<unsigned char>(c)] & kClauseEnd) != 0; }

// UTF-8 general punctuation (U+2000..U+206F: dashes, quotes, ellipsis) separates words; U+2019 is an apostrophe.
enum class Utf8Punct { none, separator, apostrophe, clause_end };
Utf8Punct utf8_punctuation(std::string_view text, std::size_t i) {
  if (i + 2 >= text.size() || static_cast<unsigned char>(text[i]) != 0xE2) return Utf8Punct::none;
  auto b1 = static_cast<unsigned char>(text[i + 1]);
  auto b2 = static_cast<unsigned char>(text[i + 2]);
  if (b1 != 0x80 && b1 != 0x81) return Utf8Punct::none;
  if (b1 == 0x80 && b2 == 0x99) return Utf8Punct::apostrophe;
  if (b1 == 0x80 && (b2 == 0x93 || b2 == 0x94 || b2 == 0xA6)) return Utf8Punct::clause_end;  // – — …
  return Utf8Punct::separator;
}

}  // namespace

namespace {

// A short word being stemmed in a buffer on the stack (stemming never makes a word longer).
class ShortWord {
 public:
  static constexpr std::size_t kCapacity = 32;
  explicit ShortWord(std::string_view word) : size_(word.size()) { word.copy(bytes_, word.size()); }
  std::size_t size() const { return size_; }
  operator std::string_view() const { return std::string_view(bytes_, size_); }
  void resize(std::size_t n) { size_ = n; }
  void pop_back() { --size_; }
  void push_back(char c) { bytes_[size_++] = c; }
  char& back() { return bytes_[size_ - 1]; }

 private:
  char bytes_[kCapacity];
  std::size_t size_;
};

// A long word, appended to the output string and stemmed where it lies.
class Tail {
 public:
  Tail(std::string& text, std::size_t start) : text_(text), start_(start) {}
  std::size_t size() const { return text_.size() - start_; }
  operator std::string_view() const { return std::string_view(text_).substr(start_); }
  void resize(std::size_t n) { text_.resize(start_ + n); }
  void pop_back() { text_.pop_back(); }
  void push_back(char c) { text_.push_back(c); }
  char& back() { return text_.back(); }

 private:
  std::string& text_;
  std::size_t start_;
};

// Porter's steps on a word of four or more letters, in place (see stem()).
template <typename Word>
void stem_in_place(Word& w) {
  // 1a: plurals. "-us", "-is" and "-ss" keep their s (status, analysis, class).
  if (ends_with(w, "sses")) {
    w.resize(w.size() - 2);
  } else if (ends_with(w, "ies")) {
    w.resize(w.size() - 2);
  } else if (ends_with(w, "s") && !ends_with(w, "ss") && !ends_with(w, "us") && !ends_with(w, "is")) {
    w.pop_back();
  }
  // 1b: -eed, -ed, -ing.
  bool trimmed = false;
  if (ends_with(w, "eed")) {
    if (measure(std::string_view(w).substr(0, w.size() - 3)) > 0) w.pop_back();
  } else if (ends_with(w, "ed") && has_vowel(std::string_view(w).substr(0, w.size() - 2))) {
    w.resize(w.size() - 2);
    trimmed = true;
  } else if (ends_with(w, "ing") && has_vowel(std::string_view(w).substr(0, w.size() - 3))) {
    w.resize(w.size() - 3);
    trimmed = true;
  }
  if (trimmed) {
    if (ends_with(w, "at") || ends_with(w, "bl") || ends_with(w, "iz")) {
      w.push_back('e');
    } else if (ends_double_consonant(w) && !ends_with(w, "l") && !ends_with(w, "s") && !ends_with(w, "z")) {
      w.pop_back();
    } else if (measure(w) == 1 && ends_cvc(w)) {
      w.push_back('e');
    }
  }
  // 1c: final y after a vowel-bearing stem.
  if (w.size() > 2 && w.back() == 'y' && has_vowel(std::string_view(w).substr(0, w.size() - 1))) w.back() = 'i';
  // 5a: final e, so "create", "created" and "creating" meet at "creat".
  if (w.size() > 3 && w.back() == 'e') {
    std::string_view base = std::string_view(w).substr(0, w.size() - 1);
    int m = measure(base);
    if (m > 1 || (m == 1 && !ends_cvc(base))) w.pop_back();
  }
}

// Appends the stem of `word` to `out`.
void append_stem(std::string& out, std::string_view word) {
  if (word.size() <= 3 || !std::all_of(word.begin(), word.end(), is_letter)) {
    out.append(word);
  } else if (word.size() <= ShortWord::kCapacity) {
    ShortWord w(word);
    stem_in_place(w);
    out.append(std::string_view(w));
  } else {
    const std::size_t start = out.size();
    out.append(word);
    Tail w(out, start);
    stem_in_place(w);
  }
}

}  // namespace

std::string stem(std::string_view word) {
  std::string out;
  append_stem(out, word);
  return out;
}

std::string normalise_words(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool negate_next = false;
  auto emit = [&](std::string_view word) {
    if (word.empty() || kFillerWords.contains(word)) return;
    bool negation = kNegations.contains(word);
    if (!out.empty()) out.push_back(' ');
    if (negate_next && !negation) {
      if (!kNotNegated.contains(word)) out.append("not_");
      negate_next = false;
    }
    if (negation) {
      out.append(word);
      negate_next = true;
    } else {
      append_stem(out, word);
    }
  };
  // Splits a contraction ("don't", "what's") and emits its parts.
  auto emit_token = [&](std::string_view token) {
    while (!token.empty() && is_joiner(token.back())) token.remove_suffix(1);
    while (!token.empty() && is_joiner(token.front()) && token.front() != '#' && token.front() != '.' &&
           token.front() != '@' && token.front() != '$') {
      token.remove_prefix(1);
    }
    std::size_t apostrophe = token.find('\'');
    if (apostrophe == std::string_view::npos) {
      emit(token);
      return;
    }
    std::string_view head = token.substr(0, apostrophe);
    std::string_view tail = token.substr(apostrophe + 1);
    if (tail == "t" && ends_with(head, "n")) {
      std::string_view base = head.substr(0, head.size() - 1);
      emit(base == "ca" ? "can" : base == "wo" ? "will" : base == "sha" ? "shall" : base);
      emit("not");
    } else if (tail == "s" || tail == "re" || tail == "ll" || tail == "ve" || tail == "d" || tail == "m") {
      emit(head);
    } else {
      std::string joined(head);
      joined.append(tail);
      emit(joined);
    }
  };
  // The current token is text[token_begin, token_end), unless it holds a U+2019 apostrophe: then it
  // is spelled out in `spelled` with an ASCII one.
  std::size_t token_begin = 0;
  std::size_t token_end = 0;
  std::string spelled;
  bool is_spelled = false;
  auto token_empty = [&] { return is_spelled ? spelled.empty() : token_begin == token_end; };
  auto end_token = [&] {
    emit_token(is_spelled ? std::string_view(spelled) : text.substr(token_begin, token_end - token_begin));
    token_begin = token_end;
    is_spelled = false;
    spelled.clear();
  };
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    Utf8Punct punct = utf8_punctuation(text, i);
    if (punct == Utf8Punct::apostrophe) {
      if (!is_spelled) spelled.assign(text.substr(token_begin, token_end - token_begin));
      is_spelled = true;
      spelled.push_back('\'');
      i += 3;
      continue;
    }
    if (punct != Utf8Punct::none) {
      end_token();
      if (punct == Utf8Punct::clause_end) negate_next = false;
      i += 3;
      continue;
    }
    if (is_word_char(static_cast<unsigned char>(c)) || (is_joiner(c) && !token_empty()) ||
        (is_joiner(c) && i + 1 < text.size() && is_word_char(static_cast<unsigned char>(text[i + 1])))) {
      // A sentence's full stop is not part of the word before it ("it." -> "it").
      if (c == '.' && (i + 1 >= text.size() || !is_word_char(static_cast<unsigned char>(text[i + 1])))) {
        end_token();
        negate_next = false;
        ++i;
        continue;
      }
      if (is_spelled) {
        spelled.push_back(c);
      } else {
        if (token_begin == token_end) token_begin = i;  // unspelled bytes are contiguous: all others end the token
        token_end = i + 1;
      }
      ++i;
      continue;
    }
    end_token();
    if (ends_clause(c)) negate_next = false;
    ++i;
  }
  end_token();
  return out;
}

}  // namespace llmroute::router
