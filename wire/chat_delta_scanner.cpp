// A strict single-pass reader for plain Chat text chunks; everything it cannot vouch for goes to the full parser.
#include "wire/chat_delta_scanner.hpp"

#include <simdjson.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace llmroute::wire {

namespace {

/// Nesting the scanner follows inside skipped values; deeper chunks are left to the full parser.
constexpr int kMaxDepth = 32;
/// Longer number tokens are left to the full parser (its integer and double ranges decide those).
constexpr std::size_t kMaxNumberLength = 24;

/// Bytes that end the plain run of a JSON string: the closing quote, an escape, or a control
/// character (invalid inside a string).
constexpr std::array<bool, 256> kStringStop = [] {
  std::array<bool, 256> stop{};
  for (int c = 0; c < 0x20; ++c) stop[static_cast<std::size_t>(c)] = true;
  stop['"'] = stop['\\'] = true;
  return stop;
}();

/// JSON whitespace.
constexpr std::array<bool, 256> kSpace = [] {
  std::array<bool, 256> space{};
  space[' '] = space['\n'] = space['\r'] = space['\t'] = true;
  return space;
}();

/// The first byte in [p, end) that ends a plain string run (see kStringStop), or `end`. Eight bytes a
/// step: a byte-by-byte loop costs about six instructions a byte, and chunks are mostly strings.
const char* find_string_stop(const char* p, const char* end) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
    while (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      // Per byte, the high bit of (x - 1) & ~x is set where x is 0 (exact for the lowest such byte),
      // and of (w - 0x20) & ~w where w < 0x20.
      const std::uint64_t quote = word ^ (kOnes * '"'), backslash = word ^ (kOnes * '\\');
      const std::uint64_t hits =
          ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) | ((word - kOnes * 0x20) & ~word);
      if (const std::uint64_t stops = hits & kHighs) return p + (std::countr_zero(stops) >> 3);
      p += 8;
    }
  }
  while (p < end && !kStringStop[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

/// A JSON string token: the bytes between its quotes.
struct RawString {
  std::string_view bytes;
  bool escaped = false;  ///< contains a backslash escape
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The four hex digits at `p` (validated by the scanner).
std::uint32_t hex4(const char* p) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = value << 4 | static_cast<std::uint32_t>(hex_value(p[i]));
  return value;
}

void append_utf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

/// Appends the unescaped text of a string whose escapes the scanner already checked. False for a
/// surrogate that is not part of a proper pair (left to the full parser's judgement).
bool unescape(std::string_view raw, std::string& out) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    const char kind = raw[++i];
    switch (kind) {
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        std::uint32_t code_point = hex4(raw.data() + i + 1);
        i += 4;
        if (code_point >= 0xDC00 && code_point <= 0xDFFF) return false;
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
          if (i + 6 >= raw.size() || raw[i + 1] != '\\' || raw[i + 2] != 'u') return false;
          const std::uint32_t low = hex4(raw.data() + i + 3);
          if (low < 0xDC00 || low > 0xDFFF) return false;
          code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        append_utf8(code_point, out);
        break;
      }
      default: out.push_back(kind); break;  // '"', '\\', '/'
    }
  }
  return true;
}

class Scanner {
 public:
  /// Reads `text` from byte `from` on.
  explicit Scanner(std::string_view text, std::size_t from = 0) : p_(text.data() + from), end_(text.data() + text.size()) {}

  /// The next non-space byte, or '\0' at the end.
  char peek() {
    while (p_ < end_ && kSpace[static_cast<unsigned char>(*p_)]) ++p_;
    return p_ < end_ ? *p_ : '\0';
  }

  bool consume(char c) {
    if (peek() != c) return false;
    ++p_;
    return true;
  }

  bool at_end() { return peek() == '\0' && p_ == end_; }

  bool string(RawString& out) {
    if (!consume('"')) return false;
    const char* start = p_;
    bool escaped = false;
    while (p_ < end_) {
      p_ = find_string_stop(p_, end_);
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = RawString{std::string_view(start, static_cast<std::size_t>(p_ - start)), escaped};
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        escaped = true;
        if (++p_ == end_) return false;
        if (*p_ == 'u') {
          if (end_ - p_ < 5) return false;
          for (int i = 1; i <= 4; ++i)
            if (hex_value(p_[i]) < 0) return false;
          p_ += 4;
        } else if (std::strchr("\"\\/bfnrt", *p_) == nullptr || *p_ == '\0') {
          return false;
        }
      }
      ++p_;
    }
    return false;
  }

  bool null() {
    if (peek() != 'n' || end_ - p_ < 4 || std::memcmp(p_, "null", 4) != 0) return false;
    p_ += 4;
    return true;
  }

  /// Any JSON value, checked but not kept.
  bool skip_value(int depth) {
    switch (peek()) {
      case '"': {
        RawString raw;
        if (!string(raw)) return false;
        if (!raw.escaped) return true;
        std::string ignored;  // surrogates are only checked by unescaping; rare (escaped non-ASCII)
        return unescape(raw.bytes, ignored);
      }
      case '{': return skip_object(depth + 1);
      case '[': return skip_array(depth + 1);
      case 't': return word("true");
      case 'f': return word("false");
      case 'n': return word("null");
      default: return number();
    }
  }

  /// Walks an object's members, calling `on_member(key, scanner)` for each; the callback consumes
  /// the value. Keys with escapes are refused (the decoder's lookups compare raw keys).
  template <typename OnMember>
  bool object(OnMember&& on_member) {
    if (!consume('{')) return false;
    if (consume('}')) return true;
    do {
      RawString key;
      if (!string(key) || key.escaped || !consume(':')) return false;
      if (!on_member(key.bytes)) return false;
    } while (consume(','));
    return consume('}');
  }

 private:
  bool word(std::string_view literal) {
    if (static_cast<std::size_t>(end_ - p_) < literal.size() || std::memcmp(p_, literal.data(), literal.size()) != 0) return false;
    p_ += literal.size();
    return true;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  bool number() {
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ == end_ || !digit(*p_)) return false;
    const char* digits = p_;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && digit(*p_)) ++p_;
    }
    const bool integer = p_ == end_ || (*p_ != '.' && *p_ != 'e' && *p_ != 'E');
    if (integer && p_ - digits > 18) return false;  // beyond int64: how it reads is the full parser's call
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ < end_ && digit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      const char* exponent = p_;
      while (p_ < end_ && digit(*p_)) ++p_;
      if (p_ == exponent || p_ - exponent > 2) return false;  // no digits, or a range worth the full parser
    }
    return static_cast<std::size_t>(p_ - start) <= kMaxNumberLength;
  }

  bool skip_object(int depth) {
    if (depth > kMaxDepth) return false;
    return object([&](std::string_view) { return skip_value(depth); });
  }

  bool skip_array(int depth) {
    if (depth > kMaxDepth || !consume('[')) return false;
    if (consume(']')) return true;
    do {
      if (!skip_value(depth)) return false;
    } while (consume(','));
    return consume(']');
  }

  const char* p_;
  const char* end_;
};

/// A delta string member: absent, null, or a string token.
struct TextMember {
  bool seen = false;
  std::optional<RawString> raw;  ///< unset: absent or null

  bool read(Scanner& scanner) {
    if (seen) return false;  // a repeated key: which one the decoder reads is the full parser's business
    seen = true;
    if (scanner.null()) return true;
    raw.emplace();
    return scanner.string(*raw);
  }
};

/// The text of a string token: a view of the data, or its unescaped copy appended to `scratch`.
/// False for a surrogate escape that is not a proper pair.
bool text_of(const RawString& raw, std::string& scratch, std::string_view& text) {
  if (!raw.escaped) {
    text = raw.bytes;
    return true;
  }
  const std::size_t offset = scratch.size();
  if (!unescape(raw.bytes, scratch)) return false;
  text = std::string_view(scratch).substr(offset);
  return true;
}

}  // namespace

std::optional<PlainDelta> ChatDeltaScanner::scan(std::string_view data) {
  if (!last_.empty()) {
    if (auto plain = scan_like_last(data)) return plain;
  }
  if (!simdjson::validate_utf8(data.data(), data.size())) return std::nullopt;
  Scanner scanner(data);
  TextMember content, reasoning_content, reasoning;
  bool seen_choices = false, seen_delta = false, seen_index = false, seen_finish = false, seen_tools = false;
  bool seen_usage = false, seen_timings = false, seen_error = false;

  const auto read_delta = [&](std::string_view key) {
    if (key == "content") return content.read(scanner);
    if (key == "reasoning_content") return reasoning_content.read(scanner);
    if (key == "reasoning") return reasoning.read(scanner);
    if (key == "tool_calls") {
      if (seen_tools) return false;
      seen_tools = true;
      return scanner.null();
    }
    return scanner.skip_value(2);
  };
  const auto read_choice = [&](std::string_view key) {
    if (key == "delta") {
      if (seen_delta) return false;
      seen_delta = true;
      return scanner.object(read_delta);
    }
    if (key == "index") {
      if (seen_index) return false;
      seen_index = true;
      // Only a literal 0: any other index (or spelling of it) is the full parser's case.
      if (!scanner.consume('0')) return false;
      const char next = scanner.peek();
      return next == ',' || next == '}';
    }
    if (key == "finish_reason") {
      if (seen_finish) return false;
      seen_finish = true;
      return scanner.null();
    }
    return scanner.skip_value(1);
  };
  const auto read_top = [&](std::string_view key) {
    bool* seen = nullptr;
    if (key == "usage") seen = &seen_usage;
    else if (key == "timings") seen = &seen_timings;
    else if (key == "error") seen = &seen_error;
    if (seen) {
      if (*seen) return false;
      *seen = true;
      return scanner.null();
    }
    if (key != "choices") return scanner.skip_value(0);
    if (seen_choices || !scanner.consume('[')) return false;
    seen_choices = true;
    if (scanner.consume(']')) return true;
    // One choice at most: several are the full parser's case (it reads every choice with index 0).
    return scanner.object(read_choice) && scanner.consume(']');
  };
  if (!scanner.object(read_top) || !scanner.at_end()) return std::nullopt;

  // Unescaped text is never longer than its escaped form: with this room, no view moves under another.
  scratch_.clear();
  scratch_.reserve(data.size());
  PlainDelta plain;
  if (reasoning_content.raw && !text_of(*reasoning_content.raw, scratch_, plain.reasoning)) return std::nullopt;
  if (plain.reasoning.empty() && reasoning.raw && !text_of(*reasoning.raw, scratch_, plain.reasoning)) return std::nullopt;
  if (content.raw && !text_of(*content.raw, scratch_, plain.content)) return std::nullopt;
  if (content.raw && plain.reasoning.empty()) {
    last_.assign(data);
    content_begin_ = static_cast<std::size_t>(content.raw->bytes.data() - data.data());
    content_end_ = content_begin_ + content.raw->bytes.size();
  }
  return plain;
}

std::optional<PlainDelta> ChatDeltaScanner::scan_like_last(std::string_view data) {
  // The same bytes as the last plain chunk up to its content's opening quote and from its closing quote
  // on, with any valid string between: the full scan would read exactly what it read then, with this
  // text as the content (the prefix and suffix end and start at ASCII quotes, so they stay valid UTF-8).
  const std::size_t suffix = last_.size() - content_end_;
  if (data.size() < content_begin_ + suffix || std::memcmp(data.data(), last_.data(), content_begin_) != 0) return std::nullopt;
  Scanner scanner(data, content_begin_ - 1);
  RawString raw;
  if (!scanner.string(raw)) return std::nullopt;
  const auto end = static_cast<std::size_t>(raw.bytes.data() + raw.bytes.size() - data.data());
  if (data.size() - end != suffix || std::memcmp(data.data() + end, last_.data() + content_end_, suffix) != 0) return std::nullopt;
  if (!simdjson::validate_utf8(raw.bytes.data(), raw.bytes.size())) return std::nullopt;
  scratch_.clear();
  PlainDelta plain;
  if (!text_of(raw, scratch_, plain.content)) return std::nullopt;
  return plain;
}

}  // namespace llmroute::wire
