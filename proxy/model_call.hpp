// One call to one configured model outside any client connection: shadows, judges and `llmroute bench`.
#pragma once

#include "config/config.hpp"
#include "proxy/asio.hpp"
#include "proxy/failure.hpp"
#include "proxy/server_state.hpp"
#include "records/request_record.hpp"
#include "records/usage.hpp"

#include <chrono>
#include <cstdint>
#include <cstddef>
#include <optional>
#include <string>

namespace llmroute::proxy {

/// How the backend is asked to answer: streamed measures the first token (benchmarks); whole is one
/// JSON body (shadows, judges).
enum class CallMode { streamed, whole };

/// What one model call needs besides the target and the body.
struct ModelCallOptions {
  CallMode mode = CallMode::whole;
  /// The whole call (connect, answer) must end by then; unset: now + the config's `timeouts.total`.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::string request_id;                  ///< sent as x-request-id; empty: a fresh id
  std::size_t max_answer_bytes = 1u << 20; ///< text, reasoning and tool arguments kept beyond this are dropped
};

/// The outcome of one model call, as a value: a complete answer, or a failure with whatever arrived.
struct ModelCallResult {
  std::string request_id;
  std::string backend;        ///< the configured backend's name
  std::string model;          ///< the configured model's name (not the upstream id)
  std::string upstream_model; ///< the model the backend says answered; empty when it did not say
  config::Location location = config::Location::local;
  std::int64_t start_unix_ms = 0;  ///< when the call started, milliseconds since the Unix epoch
  std::size_t request_bytes = 0;   ///< the body sent to the backend

  int http_status = 0;             ///< the backend's status; 0 when none arrived
  std::optional<Failure> failure;  ///< unset: a complete answer with status 2xx
  std::string error_body;          ///< the backend's body of an error status (first 64 KiB)

  std::string text;        ///< the answer text (reasoning excluded)
  std::string reasoning;   ///< thinking / reasoning text, when the backend sent it apart
  std::string tool_calls;  ///< JSON array `[{"id","name","arguments"}]`; empty when the answer calls no tool
  bool answer_clipped = false;  ///< the answer was longer than max_answer_bytes

  records::Usage usage;         ///< as reported, else estimated (input from the request size, output from the answer)
  bool usage_reported = false;
  std::string finish_reason;    ///< "stop", "length", "tool_calls", …; empty when the backend never said
  bool truncated = false;       ///< stopped at max_tokens

  std::optional<double> first_byte_ms;  ///< response head received, from the start of the call
  std::optional<double> ttft_ms;        ///< first content or tool-call token (streamed mode only)
  double total_ms = 0;
  double generation_ms = 0;             ///< first to last token (streamed), or request to answer (whole)

  bool ok() const { return !failure; }
};

/// Sends `chat_completions_body` (an OpenAI Chat Completions request; its `model` is replaced, its
/// `stream` set by the mode) to `target`, translated to the backend's wire format when it speaks
/// another, over the backend's pool with its TLS settings and API key, and reassembles the answer.
/// Runs on `state->io`; never throws on the data path.
awaitable<ModelCallResult> call_model(ServerState* state, config::ModelRef target, std::string chat_completions_body,
                                      ModelCallOptions options);

/// A request record of the call (route, backend, model, status, failure, timings, usage), for
/// ServerState::submit to price and store; the caller sets who and why (user, task, shadow, …).
records::RequestRecord record_of(const ModelCallResult& result);

}  // namespace llmroute::proxy
