// OpenAI legacy Completions (IDE autocomplete): text_completion events and body.
#pragma once

#include <string>

#include "simulator/wire_encoder.hpp"

namespace llmroute::simulator {

/// Legacy completions carry only text; reasoning pieces are sent as text too.
class CompletionEncoder final : public WireEncoder {
 public:
  CompletionEncoder(const ResponseMeta& meta, const Answer& answer);

  void begin_stream(std::string& out) override;
  void piece(const Piece& piece, std::string& out) override;
  void end_stream(const Timings& timings, std::string& out) override;
  void malformed_event(std::string& out) override;
  std::string whole_body(const Timings& timings) override;

 private:
  const ResponseMeta& meta_;
  const Answer& answer_;
  std::string head_;  ///< `data: {"id":…,"choices":[`
  std::string text_prefix_;
  std::string suffix_;
};

}  // namespace llmroute::simulator
