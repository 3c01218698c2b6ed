// The interface that turns an Answer into one wire format's events or body, and its error bodies.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/answer.hpp"
#include "simulator/sim_request.hpp"

namespace llmroute::simulator {

/// Facts about one response that every event repeats.
struct ResponseMeta {
  std::string id_suffix;     ///< random part; encoders add chatcmpl- / cmpl- / msg_ / resp_
  std::int64_t created = 0;  ///< unix seconds
  std::string model;         ///< echoed model name, not escaped
  int prompt_tokens = 0;
  bool usage = true;              ///< report usage at all
  bool stream_usage = false;      ///< the client asked for the usage chunk (stream_options.include_usage)
  bool timings = false;           ///< add llama.cpp's "timings" object
  std::optional<int> max_tokens;  ///< echoed by the Responses API as max_output_tokens
  int cache_read_tokens = 0;      ///< part of prompt_tokens served from the prompt cache
  int cache_creation_tokens = 0;  ///< part of prompt_tokens written to the prompt cache
};

/// llama.cpp-style measurements, filled in when the answer is complete.
struct Timings {
  int prompt_n = 0;
  double prompt_ms = 0;
  int predicted_n = 0;
  double predicted_ms = 0;
};

/// Writes one answer in one wire format. Streaming calls begin_stream, piece for every piece
/// in order, then end_stream; each call appends complete SSE events to `out`.
class WireEncoder {
 public:
  virtual ~WireEncoder() = default;
  virtual void begin_stream(std::string& out) = 0;
  virtual void piece(const Piece& piece, std::string& out) = 0;
  virtual void end_stream(const Timings& timings, std::string& out) = 0;
  /// An event whose data is cut off mid-JSON, for the `malformed` fault.
  virtual void malformed_event(std::string& out) = 0;
  /// The non-streaming response body.
  virtual std::string whole_body(const Timings& timings) = 0;
};

/// The encoder for `endpoint` (chat_completions, completions, messages or responses).
/// `answer` must outlive the encoder.
std::unique_ptr<WireEncoder> make_encoder(Endpoint endpoint, const ResponseMeta& meta, const Answer& answer);

/// Which family of error bodies a path gets.
enum class ErrorShape { openai, anthropic };

/// A JSON error body in the shape clients of that family parse, with the type real servers use
/// for `status` (e.g. 429 rate_limit_exceeded / rate_limit_error, 529 overloaded_error).
std::string error_body(ErrorShape shape, int status, std::string_view message);

/// The reason phrase of a status line.
std::string_view reason_phrase(int status);

}  // namespace llmroute::simulator
