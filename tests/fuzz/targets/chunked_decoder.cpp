// Harness: a backend's chunked body decoded whole and in pieces, as it arrives over a connection.
//
// Input: four bytes seeding the piece lengths, then the chunked body (and whatever follows it).
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "proxy/chunked_decoder.hpp"

#include <string>

namespace llmroute::fuzz {

namespace {

struct Decoded {
  std::string payload;
  std::size_t consumed = 0;
  bool done = false;
  bool failed = false;
};

Decoded decode(std::string_view body, Splits* splits) {
  proxy::ChunkedDecoder decoder;
  Decoded decoded;
  for (std::size_t at = 0; at < body.size() && !decoder.done() && !decoder.failed();) {
    const std::size_t length = splits == nullptr ? body.size() : std::min(splits->next(), body.size() - at);
    std::string piece(body.substr(at, length));
    const auto step = decoder.decode(piece.data(), piece.size());
    require(step.payload <= step.consumed && step.consumed <= piece.size(), "payload comes out of the bytes consumed");
    require(step.consumed == piece.size() || decoder.done() || decoder.failed(),
            "every byte is consumed until the body ends");
    decoded.payload.append(piece.data(), step.payload);
    decoded.consumed += step.consumed;
    at += length;
  }
  decoded.done = decoder.done();
  decoded.failed = decoder.failed();
  require(!(decoded.done && decoded.failed), "a body cannot both end and be malformed");
  return decoded;
}

}  // namespace

void fuzz_chunked_decoder(std::string_view bytes) {
  ControlBytes control(bytes);
  const std::uint32_t seed = control.take32();
  const Decoded whole = decode(bytes, nullptr);
  Splits splits(seed, 1 + seed % 16);
  const Decoded pieces = decode(bytes, &splits);
  require(whole.done == pieces.done && whole.failed == pieces.failed, "the outcome does not depend on the split");
  if (!whole.failed) require(whole.payload == pieces.payload, "the payload does not depend on the split");
  if (whole.done) require(whole.consumed == pieces.consumed, "the body ends at the same byte whatever the split");
}

}  // namespace llmroute::fuzz
