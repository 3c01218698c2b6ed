// Anthropic Messages: message_start … message_stop events and the message body.
#pragma once

#include <string>

#include "simulator/wire_encoder.hpp"

namespace llmroute::simulator {

/// Pieces map to content blocks: reasoning to `thinking` (closed with a signature_delta), content
/// to `text`, tool arguments to `tool_use`; a change of kind closes one block and opens the next.
class MessagesEncoder final : public WireEncoder {
 public:
  MessagesEncoder(const ResponseMeta& meta, const Answer& answer);

  void begin_stream(std::string& out) override;
  void piece(const Piece& piece, std::string& out) override;
  void end_stream(const Timings& timings, std::string& out) override;
  void malformed_event(std::string& out) override;
  std::string whole_body(const Timings& timings) override;

 private:
  void open_block(PieceKind kind, std::string& out);
  void close_block(std::string& out);
  void append_usage(std::string& out, int output_tokens) const;
  std::string signature() const;

  const ResponseMeta& meta_;
  const Answer& answer_;
  std::string text_prefix_;      ///< content_block_delta for text, up to the text
  std::string thinking_prefix_;  ///< content_block_delta for thinking, up to the text
  std::string json_prefix_;      ///< content_block_delta for input_json, up to the fragment
  bool block_open_ = false;
  PieceKind block_kind_ = PieceKind::content;
  int block_index_ = -1;
  bool ping_sent_ = false;
};

}  // namespace llmroute::simulator
