// Tests of the incremental SSE parser: line endings, splits, fields, comments, limits.
#include "wire/sse_parser.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using llmroute::wire::SseParser;

struct Seen {
  std::string event;
  std::string data;
  std::string id;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> parse_pieces(const std::vector<std::string>& pieces, bool finish = true) {
  SseParser parser;
  std::vector<Seen> seen;
  for (const auto& piece : pieces) {
    parser.append(piece);
    while (auto event = parser.next())
      seen.push_back({std::string(event->event), std::string(event->data), std::string(event->id)});
  }
  if (finish) {
    while (auto event = parser.finish())
      seen.push_back({std::string(event->event), std::string(event->data), std::string(event->id)});
  }
  return seen;
}

std::vector<Seen> parse_all(const std::string& text) { return parse_pieces({text}); }

const std::string kStream =
    ": keep-alive comment\r\n"
    "event: message_start\r\n"
    "data: {\"a\":1}\r\n"
    "\r\n"
    "data:first line\n"
    "data: second line\n"
    "id: 7\n"
    "\n"
    "event: ping\r"
    "data: {}\r"
    "\r"
    "data\n"
    "data: \n"
    "\n"
    "data: [DONE]\n\n";

}  // namespace

TEST_CASE("events are parsed with CRLF, LF and CR line ends, multi-line data, comments and ids") {
  const auto seen = parse_all(kStream);
  REQUIRE(seen.size() == 5);
  CHECK(seen[0] == Seen{"message_start", "{\"a\":1}", ""});
  CHECK(seen[1] == Seen{"", "first line\nsecond line", "7"});
  CHECK(seen[2] == Seen{"ping", "{}", "7"});
  CHECK(seen[3] == Seen{"", "\n", "7"});
  CHECK(seen[4] == Seen{"", "[DONE]", "7"});
}

TEST_CASE("a stream split at every byte gives the same events") {
  const auto whole = parse_all(kStream);
  for (std::size_t split = 0; split <= kStream.size(); ++split) {
    CAPTURE(split);
    CHECK(parse_pieces({kStream.substr(0, split), kStream.substr(split)}) == whole);
  }
  std::vector<std::string> bytes;
  for (const char c : kStream) bytes.emplace_back(1, c);
  CHECK(parse_pieces(bytes) == whole);
}

TEST_CASE("events read in place from the caller's bytes are the same, and kept parts survive the caller reusing them") {
  const auto whole = parse_all(kStream);
  const auto parse_views = [](const std::vector<std::string>& pieces) {
    SseParser parser;
    std::vector<Seen> seen;
    std::string reused;  // the caller's read buffer, overwritten after each piece
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      reused = pieces[i];
      // Mixed on purpose: a copied piece after a viewed one joins what the view left behind.
      if (i % 3 == 2) parser.append(reused);
      else parser.append_view(reused);
      while (auto event = parser.next())
        seen.push_back({std::string(event->event), std::string(event->data), std::string(event->id)});
      parser.keep_rest();
      reused.assign(reused.size(), '#');
    }
    while (auto event = parser.finish())
      seen.push_back({std::string(event->event), std::string(event->data), std::string(event->id)});
    return seen;
  };
  for (std::size_t split = 0; split <= kStream.size(); ++split) {
    CAPTURE(split);
    CHECK(parse_views({kStream.substr(0, split), kStream.substr(split)}) == whole);
    CHECK(parse_views({kStream.substr(0, split / 2), kStream.substr(split / 2, split - split / 2), kStream.substr(split)}) == whole);
  }
  std::vector<std::string> bytes;
  for (const char c : kStream) bytes.emplace_back(1, c);
  CHECK(parse_views(bytes) == whole);
}

TEST_CASE("a CR at the end of one piece and the LF at the start of the next are one line end") {
  const auto seen = parse_pieces({"data: a\r", "\ndata: b\r", "\n\r", "\n"});
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].data == "a\nb");
}

TEST_CASE("an event without data is not dispatched and its event name does not leak into the next") {
  const auto seen = parse_all("event: lonely\n\ndata: x\n\n");
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].event.empty());
  CHECK(seen[0].data == "x");
}

TEST_CASE("a byte order mark at the start of the stream is ignored, even split") {
  const auto seen = parse_pieces({"\xEF", "\xBB",
                                  "\xBF"
                                  "data: x\n\n"});
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].data == "x");
}

TEST_CASE("a stream that ends without the final blank line still yields its last event at finish") {
  CHECK(parse_pieces({"data: [DONE]\n"}, false).empty());
  const auto seen = parse_pieces({"data: a\n\ndata: [DONE]"});
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].data == "[DONE]");
}

TEST_CASE("unknown fields and a single leading space are handled as the SSE spec says") {
  const auto seen = parse_all("retry: 100\nfoo: bar\ndata:  two spaces\n\n");
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].data == " two spaces");
}

TEST_CASE("an event larger than the limit makes the parser fail instead of growing") {
  SseParser parser(64);
  parser.append("data: " + std::string(100, 'x') + "\n\n");
  CHECK_FALSE(parser.next().has_value());
  CHECK(parser.failed());
  SseParser line_limit(64);
  line_limit.append(std::string(100, 'y'));
  CHECK_FALSE(line_limit.next().has_value());
  CHECK(line_limit.failed());
}

TEST_CASE("consumed input is released so a long stream keeps a small buffer") {
  SseParser parser;
  for (int i = 0; i < 10000; ++i) {
    parser.append("data: {\"n\":" + std::to_string(i) + "}\n\n");
    while (parser.next()) {
    }
    CHECK(parser.buffered() == 0);
  }
}

TEST_CASE("writing an event splits multi-line data into several data lines") {
  std::string out;
  llmroute::wire::append_sse_event(out, "ping", "a\nb");
  CHECK(out == "event: ping\ndata: a\ndata: b\n\n");
  const auto seen = parse_all(out);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].data == "a\nb");
}
