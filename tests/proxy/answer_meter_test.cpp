// Tests of the answer meter on same-format Chat streams: the hidden usage chunk, the summary for records.
#include "proxy/answer_meter.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using namespace llmroute;
using proxy::AnswerFraming;
using proxy::AnswerMeter;
using proxy::UsageChunk;

std::string chunk(std::string_view delta, std::string_view finish = "null") {
  return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" +
         std::string(delta) + ",\"logprobs\":null,\"finish_reason\":" + std::string(finish) + "}],\"usage\":null}\n\n";
}

const std::string kUsageChunk =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
    "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,\"total_tokens\":14,"
    "\"completion_tokens_details\":{\"reasoning_tokens\":2}}}\n\n";

const std::string kVisible = chunk(R"({"role":"assistant","content":""})") + chunk(R"({"content":"Hel"})") +
                             chunk(R"({"content":"lo \"you\"\n"})") + chunk("{}", "\"length\"");
const std::string kStream = kVisible + kUsageChunk + "data: [DONE]\n\n";

/// Relays `stream` cut at `cuts` through a meter; returns what the client got.
std::string relay(AnswerMeter& meter, const std::string& stream, const std::vector<std::size_t>& cuts) {
  std::string out;
  std::size_t start = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(stream.size());
  for (const std::size_t end : ends) {
    if (end < start) continue;
    out.append(meter.on_piece(std::string_view(stream).substr(start, end - start)));
    start = end;
  }
  out.append(meter.on_end());
  return out;
}

AnswerMeter chat_meter(UsageChunk usage) {
  return AnswerMeter(wire::WireFormat::chat, wire::WireFormat::chat, AnswerFraming::streamed, usage);
}

}  // namespace

TEST_CASE("the usage chunk the proxy asked for is hidden from the client, wherever the reads split the stream") {
  const std::string expected = kVisible + "data: [DONE]\n\n";
  for (std::size_t cut = 0; cut <= kStream.size(); ++cut) {
    INFO("cut at ", cut);
    AnswerMeter meter = chat_meter(UsageChunk::strip);
    CHECK(relay(meter, kStream, {cut}) == expected);
    CHECK(meter.usage().input == 11);
    CHECK(meter.usage().output == 3);
    CHECK(meter.usage().reasoning == 2);
    CHECK(meter.usage_reported());
    CHECK(meter.finish_reason() == "length");
    CHECK(meter.truncated());
    CHECK(meter.first_content_seen());
  }
}

TEST_CASE("relaying a piece before measuring it gives the client the same bytes and the record the same summary") {
  for (const UsageChunk usage : {UsageChunk::strip, UsageChunk::keep}) {
    for (std::size_t cut = 0; cut <= kStream.size(); cut += 7) {
      INFO("cut at ", cut);
      AnswerMeter together = chat_meter(usage);
      const std::string expected = relay(together, kStream, {cut});
      AnswerMeter split = chat_meter(usage);
      std::string out;
      for (const std::string_view piece : {std::string_view(kStream).substr(0, cut), std::string_view(kStream).substr(cut)}) {
        out.append(split.relay(piece));
        split.measure(piece);
      }
      out.append(split.on_end());
      CHECK(out == expected);
      CHECK(split.usage() == together.usage());
      CHECK(split.finish_reason() == together.finish_reason());
      CHECK(split.truncated() == together.truncated());
      CHECK(split.first_content_seen());
    }
  }
}

TEST_CASE("a client that asked for usage gets the stream byte for byte") {
  for (std::size_t cut = 0; cut <= kStream.size(); cut += 13) {
    AnswerMeter meter = chat_meter(UsageChunk::keep);
    CHECK(relay(meter, kStream, {cut, cut + 100}) == kStream);
    CHECK(meter.usage().output == 3);
  }
}

TEST_CASE("events delimited by CRLF lose their usage chunk just the same") {
  std::string crlf;
  for (const char c : kStream) {
    if (c == '\n') crlf += "\r\n";
    else crlf += c;
  }
  const std::string usage_crlf = [] {
    std::string s;
    for (const char c : kUsageChunk) {
      if (c == '\n') s += "\r\n";
      else s += c;
    }
    return s;
  }();
  std::string expected = crlf;
  expected.erase(expected.find(usage_crlf), usage_crlf.size());
  for (std::size_t cut = 0; cut <= crlf.size(); cut += 5) {
    AnswerMeter meter = chat_meter(UsageChunk::strip);
    CHECK(relay(meter, crlf, {cut}) == expected);
  }
}

TEST_CASE("a piece that ends inside an event holds the event back until it is whole") {
  AnswerMeter meter = chat_meter(UsageChunk::strip);
  const std::string first = chunk(R"({"content":"a"})");
  const std::string second = chunk(R"({"content":"b"})");
  const std::string piece = first + second.substr(0, 20);
  CHECK(meter.on_piece(piece) == first);
  CHECK(meter.ending_adds_bytes());  // the held part would still go out at the end
  CHECK(meter.on_piece(second.substr(20)) == second);
  CHECK_FALSE(meter.ending_adds_bytes());
}

TEST_CASE("a stream whose event ends the usage filter cannot see is relayed as it comes, not held back to its end") {
  AnswerMeter meter = chat_meter(UsageChunk::strip);
  std::string event = chunk(R"({"content":"word"})");
  for (char& c : event)
    if (c == '\n') c = '\r';  // CR line ends, valid SSE
  std::string stream;
  while (stream.size() < 64 * 1024) stream += event;
  std::string out;
  std::size_t held_most = 0;
  for (std::size_t at = 0; at < stream.size(); at += 4096) {
    const std::string_view piece = std::string_view(stream).substr(at, 4096);
    out.append(meter.on_piece(piece));
    held_most = std::max(held_most, at + piece.size() - out.size());
  }
  out.append(meter.on_end());
  CHECK(out == stream);
  CHECK(held_most <= 20 * 1024);
}

TEST_CASE("a relayed stream ends with its terminal event, not with an event too large to read") {
  AnswerMeter done = chat_meter(UsageChunk::keep);
  done.on_piece(kStream);
  CHECK(done.stream_ended());
  AnswerMeter huge = chat_meter(UsageChunk::keep);
  huge.on_piece(chunk(R"({"content":"a"})"));
  CHECK_FALSE(huge.stream_ended());
  huge.on_piece("data: {\"x\":\"" + std::string(17u << 20, 'a'));  // beyond the 16 MiB event limit
  CHECK_FALSE(huge.stream_ended());  // the client saw no error event: the proxy still owes it one
}
