// OpenAI Chat Completions: chat.completion.chunk events and the chat.completion body.
#pragma once

#include <string>

#include "simulator/wire_encoder.hpp"

namespace llmroute::simulator {

/// Every chunk is a prebuilt prefix, the escaped token, and a prebuilt suffix, so streaming a
/// token appends three strings to a reused buffer and allocates nothing.
class ChatEncoder final : public WireEncoder {
 public:
  ChatEncoder(const ResponseMeta& meta, const Answer& answer);

  void begin_stream(std::string& out) override;
  void piece(const Piece& piece, std::string& out) override;
  void end_stream(const Timings& timings, std::string& out) override;
  void malformed_event(std::string& out) override;
  std::string whole_body(const Timings& timings) override;

 private:
  void append_tool_header(std::string& out);
  std::string tool_call_id() const;

  const ResponseMeta& meta_;
  const Answer& answer_;
  std::string head_;  ///< `data: {"id":…,"choices":[`
  std::string tail_;  ///< `]` (plus `,"usage":null` when usage is streamed) `}\n\n`
  std::string content_prefix_;
  std::string reasoning_prefix_;
  std::string tool_prefix_;
  bool tool_header_sent_ = false;
};

}  // namespace llmroute::simulator
