// OpenAI Responses: response.created … response.completed events and the response object.
#pragma once

#include <string>

#include "simulator/wire_encoder.hpp"

namespace llmroute::simulator {

/// Pieces map to output items: reasoning to a `reasoning` item (a reasoning_text part), content to a
/// `message` item (output_text), tool arguments to a `function_call` item. Every event carries
/// its sequence_number; a max_output_tokens cut ends with response.incomplete.
class ResponsesEncoder final : public WireEncoder {
 public:
  ResponsesEncoder(const ResponseMeta& meta, const Answer& answer);

  void begin_stream(std::string& out) override;
  void piece(const Piece& piece, std::string& out) override;
  void end_stream(const Timings& timings, std::string& out) override;
  void malformed_event(std::string& out) override;
  std::string whole_body(const Timings& timings) override;

 private:
  /// Opens an event: `event: TYPE`, then the data up to and including the sequence number.
  void event(std::string& out, std::string_view type);
  void open_item(PieceKind kind, std::string* out);
  void close_item(std::string* out);
  void append_item(std::string& out, bool done) const;
  void append_response(std::string& out, bool done) const;
  std::string item_id(PieceKind kind) const;

  const ResponseMeta& meta_;
  const Answer& answer_;
  int sequence_ = 0;
  bool item_open_ = false;
  PieceKind item_kind_ = PieceKind::content;
  int output_index_ = -1;
  std::string item_text_;   ///< escaped text of the open item so far
  std::string done_items_;  ///< finished items, comma-separated, for the final response
  std::string delta_tail_;  ///< the open item's delta event fields after the sequence number
};

}  // namespace llmroute::simulator
