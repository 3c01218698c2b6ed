// Tests of the chunked transfer decoding the relay uses on backend answers.
#include "proxy/chunked_decoder.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using llmroute::proxy::ChunkedDecoder;

struct Decoded {
  std::string payload;
  std::size_t consumed = 0;
  bool done = false;
  bool failed = false;
};

/// Feeds `wire` in pieces cut at `cuts` (offsets), as socket reads would deliver it.
Decoded decode(std::string wire, const std::vector<std::size_t>& cuts = {}) {
  ChunkedDecoder decoder;
  Decoded result;
  std::size_t start = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(wire.size());
  for (const std::size_t end : ends) {
    if (end < start) continue;
    std::string piece = wire.substr(start, end - start);
    const auto step = decoder.decode(piece.data(), piece.size());
    result.payload.append(piece.data(), step.payload);
    result.consumed += step.consumed;
    start = end;
    if (decoder.done() || decoder.failed()) break;
  }
  result.done = decoder.done();
  result.failed = decoder.failed();
  return result;
}

const std::string kTwoEvents =
    "18\r\ndata: {\"content\":\"Hi\"}\n\n\r\n"
    "E\r\ndata: [DONE]\n\n\r\n"
    "0\r\n\r\n";

}  // namespace

TEST_CASE("a chunked body decodes to its payload, whatever reads it arrives in") {
  const std::string expected = "data: {\"content\":\"Hi\"}\n\ndata: [DONE]\n\n";
  const Decoded whole = decode(kTwoEvents);
  CHECK(whole.payload == expected);
  CHECK(whole.done);
  CHECK(whole.consumed == kTwoEvents.size());
  for (std::size_t cut = 0; cut <= kTwoEvents.size(); ++cut) {
    for (std::size_t second = cut; second <= kTwoEvents.size(); second += 7) {
      INFO("cuts at ", cut, " and ", second);
      const Decoded split = decode(kTwoEvents, {cut, second});
      CHECK(split.payload == expected);
      CHECK(split.done);
    }
  }
}

TEST_CASE("payload is handed out as soon as it arrives, from the middle of a chunk") {
  ChunkedDecoder decoder;
  std::string first = "10\r\n0123456";
  auto step = decoder.decode(first.data(), first.size());
  CHECK(std::string(first.data(), step.payload) == "0123456");
  std::string second = "789abcdef\r\n0\r\n\r\n";
  step = decoder.decode(second.data(), second.size());
  CHECK(std::string(second.data(), step.payload) == "789abcdef");
  CHECK(decoder.done());
}

TEST_CASE("chunk extensions, trailer fields, uppercase hex and bare LF line ends are accepted") {
  const Decoded decoded = decode("A;name=value\r\n0123456789\r\n5\n abcd\n0;last\r\nX-Trailer: 1\r\nOther: 2\n\r\n");
  CHECK(decoded.payload == "0123456789 abcd");
  CHECK(decoded.done);
  CHECK_FALSE(decoded.failed);
}

TEST_CASE("bytes after the last chunk are left for whatever follows on the connection") {
  std::string wire = "3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n";
  ChunkedDecoder decoder;
  const auto step = decoder.decode(wire.data(), wire.size());
  CHECK(std::string(wire.data(), step.payload) == "abc");
  CHECK(decoder.done());
  CHECK(wire.substr(step.consumed) == "HTTP/1.1 200 OK\r\n");
}

TEST_CASE("broken framing is a failure, not a guess") {
  CHECK(decode("zz\r\nabc\r\n0\r\n\r\n").failed);              // not a size
  CHECK(decode("3\r\nabcd\r\n0\r\n\r\n").failed);              // payload longer than announced
  CHECK(decode("\r\n3\r\nabc\r\n").failed);                    // empty size line
  CHECK(decode("1000000000000000\r\n").failed);                // a size no answer has
  CHECK(decode("3\rabc\r\n").failed);                          // CR without LF
  CHECK(decode("3;" + std::string(5000, 'x') + "\r\n").failed);  // endless extension
  const Decoded cut = decode("5\r\nabc");
  CHECK_FALSE(cut.failed);
  CHECK_FALSE(cut.done);  // the upstream closing now is what makes it an error
  CHECK(cut.payload == "abc");
}
