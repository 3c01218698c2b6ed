// The CI suite's deterministic mutations: byte flips, splices, truncations and JSON/SSE/HTTP tokens that
// parsers trip on, from a fixed seed so a failure is the same on every run.
#pragma once

#include <algorithm>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace llmroute::fuzz {

class Mutator {
 public:
  explicit Mutator(std::uint32_t seed) : rng_(seed) {}

  /// `base` with one to four mutations; `other` is another input to splice from.
  std::string mutate(std::string base, std::string_view other) {
    for (std::size_t n = 1 + pick(4); n > 0; --n) mutate_once(base, other);
    return base;
  }

 private:
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }

  static std::string deep(std::string_view open, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += open;
    return out;
  }

  void mutate_once(std::string& s, std::string_view other) {
    static const std::vector<std::string> kTokens = {
        "\"", "{", "}", "[", "]", ":", ",", "\\", "\\u0000", "\\ud800", "\\udc00\\ud800", "\\u", "\\x", "\xff",
        "\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", std::string(1, '\0'), "null", "true", "-", "-0", "1e999999",
        "99999999999999999999999999", "-9223372036854775809", "18446744073709551616", "1.7976931348623157e309",
        "0.0000000000000000000000000000001e-400", "NaN", "\"\":", "\r", "\n", "\r\n", "\n\n", "\r\r", "data: ",
        "data: [DONE]\n\n", "event: ", "id: ", ":", "\xef\xbb\xbf", "<think>", "</think>", "<thi", "0\r\n\r\n",
        "ffffffffffffffff\r\n", ";ext=1", "\"type\":", "\"index\":4294967295", "\"index\":-1",
        "\"index\":99999999999", "\"content\":", "\"tool_calls\":[", "\"choices\":[{", "\"delta\":{",
        "\"model\":\"m\"", "\"stream\":true", "\"role\":\"assistant\"", "\"arguments\":\"", "```json\n", "```",
        "?since=", "&until=", "%", "%zz", "=", "Bearer ", "d", "w", "T", "Z", ":99999", "[::1]",
        deep("[", 1200), deep("{\"a\":", 600), deep("[{\"content\":", 300), std::string(70000, 'a')};
    switch (pick(9)) {
      case 0:  // flip one bit
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << pick(8));
        break;
      case 1:  // one byte becomes any byte
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(pick(256));
        break;
      case 2:
      case 3:  // insert a token
        s.insert(pick(s.size() + 1), kTokens[pick(kTokens.size())]);
        break;
      case 4:  // delete a range
        if (!s.empty()) {
          const std::size_t at = pick(s.size());
          s.erase(at, 1 + pick(std::min<std::size_t>(s.size() - at, 64)));
        }
        break;
      case 5:  // truncate
        s.resize(pick(s.size() + 1));
        break;
      case 6:  // repeat a range of itself
        if (!s.empty()) {
          const std::size_t at = pick(s.size());
          const std::string range = s.substr(at, 1 + pick(128));
          s.insert(pick(s.size() + 1), range);
        }
        break;
      case 7:  // splice a range of another input
        if (!other.empty()) {
          const std::size_t at = pick(other.size());
          s.insert(pick(s.size() + 1), other.substr(at, 1 + pick(256)));
        }
        break;
      default:  // replace a range with a token
        if (!s.empty()) {
          const std::size_t at = pick(s.size());
          s.replace(at, 1 + pick(std::min<std::size_t>(s.size() - at, 16)), kTokens[pick(kTokens.size())]);
        }
        break;
    }
  }

  std::mt19937 rng_;
};

}  // namespace llmroute::fuzz
