// Harness: an upstream event stream parsed whole, in pieces (copied) and in pieces read in place.
//
// Input: four bytes seeding the piece lengths, one byte choosing the event size limit, then the stream.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "wire/sse_parser.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace llmroute::fuzz {

namespace {

enum class Feeding { whole, pieces, views };

struct Parsed {
  std::vector<std::string> events;  ///< event, data and id of each, joined
  bool failed = false;
};

void drain(wire::SseParser& parser, Parsed& parsed) {
  while (const auto event = parser.next()) {
    parsed.events.push_back(std::string(event->event) + '\0' + std::string(event->data) + '\0' + std::string(event->id));
  }
}

Parsed parse(std::string_view stream, std::size_t limit, Feeding feeding, std::uint32_t seed) {
  wire::SseParser parser(limit);
  Parsed parsed;
  if (feeding == Feeding::whole) {
    parser.append(stream);
    drain(parser, parsed);
  } else {
    Splits splits(seed, 1 + seed % 32);
    for (std::size_t at = 0; at < stream.size();) {
      const std::size_t length = splits.next();
      // A copy that goes away after the call, as a relay's read buffer is reused.
      std::string piece(stream.substr(at, length));
      if (feeding == Feeding::pieces) {
        parser.append(piece);
        drain(parser, parsed);
      } else {
        parser.append_view(piece);
        drain(parser, parsed);
        parser.keep_rest();
      }
      at += length;
    }
  }
  if (const auto last = parser.finish()) {
    parsed.events.push_back(std::string(last->event) + '\0' + std::string(last->data) + '\0' + std::string(last->id));
  }
  require(!parser.finish(), "finish() returns the last event once");
  parsed.failed = parser.failed();
  return parsed;
}

}  // namespace

void fuzz_sse_parser(std::string_view bytes) {
  ControlBytes control(bytes);
  const std::uint32_t seed = control.take32();
  const unsigned limit_byte = control.take();
  const std::size_t limit = limit_byte < 128 ? std::size_t{16u << 20} : limit_byte - 120;
  const Parsed whole = parse(bytes, limit, Feeding::whole, seed);
  const Parsed pieces = parse(bytes, limit, Feeding::pieces, seed);
  const Parsed views = parse(bytes, limit, Feeding::views, seed);
  require(pieces.failed == views.failed, "reading in place fails where reading copies does");
  require(pieces.events == views.events, "events read in place are the events read from copies");
  // Only an unterminated line is bounded: one that arrives whole in a single append is read however long it is
  // (such a line is longer than any read, so a relay never sees that case). An event's data is bounded always.
  require(!whole.failed || pieces.failed, "data too long in one append is too long in pieces");
  if (!whole.failed) {
    require(pieces.events.size() <= whole.events.size() &&
                std::equal(pieces.events.begin(), pieces.events.end(), whole.events.begin()),
            "events do not depend on how the bytes were split (up to a failure)");
    if (!pieces.failed) require(pieces.events.size() == whole.events.size(), "a split loses no event");
  }
}

}  // namespace llmroute::fuzz
