// One request's measurements: who asked, where it went, how fast and how big the answer was, what it cost.
#pragma once

#include "config/config.hpp"
#include "records/usage.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace llmroute::records {

/// One proxied request, success or failure, primary or shadow: filled by the proxy once the request is over
/// and handed to a RecordSink. Durations are measured from the arrival of the request's first byte; optional
/// numbers are unset when the moment never happened (e.g. no token arrived), which is not the same as 0.
struct RequestRecord {
  std::string id;                  ///< x-request-id
  std::int64_t start_unix_ms = 0;  ///< arrival of the request's first byte, milliseconds since the Unix epoch
  std::string user = "anonymous";
  std::string client_tool;         ///< e.g. "claude-code", "aider", "openai-node"
  std::string client_version;
  std::string endpoint;            ///< the path the client called, e.g. "/v1/messages"
  std::string wire_format;         ///< the client's wire format: "openai", "anthropic" or "openai-responses"

  std::string task = "unclassified";
  double task_confidence = 0;
  std::string task_rule;                  ///< the classifier rule that fired
  std::optional<config::Location> route;  ///< unset when the request failed before a route was chosen
  std::string backend;
  std::string model_requested;            ///< the model named by the client
  std::string model_served;               ///< the configured model that answered (or was tried last)
  std::string reason;                     ///< why this route: the x-llmroute-reason header
  std::uint32_t fallback_attempts = 0;    ///< candidates that failed before the one that answered

  int http_status = 0;         ///< the status sent to the client; 0 when none was sent
  std::string failure_kind;    ///< empty on success
  std::string finish_reason;   ///< as the backend reported it: "stop", "length", "tool_calls", ...
  bool truncated = false;      ///< the answer stopped at max_tokens
  bool client_disconnected = false;

  double queue_wait_ms = 0;                      ///< waiting for admission (quota or a local slot)
  std::optional<double> upstream_first_byte_ms;  ///< first byte from the backend
  std::optional<double> ttft_ms;                 ///< first content or tool-call token sent to the client
  double total_ms = 0;
  std::optional<double> tokens_per_second;       ///< output tokens over the generation phase (first to last token)
  std::int64_t proxy_time_us = 0;                ///< time spent inside the proxy itself, not waiting on anyone

  Usage usage;
  bool usage_reported = false;  ///< true: counts from the backend; false: estimated by the proxy
  std::uint64_t bytes_in = 0;   ///< request body bytes from the client
  std::uint64_t bytes_out = 0;  ///< response bytes sent to the client

  double cost = 0;                             ///< in the config's currency
  std::optional<double> cloud_equivalent_cost; ///< the same usage at the baseline model's price; unset without one

  bool shadow = false;     ///< a sampled copy sent to an alternate model, not seen by the client
  std::string primary_id;  ///< for a shadow record: the id of the request it copies

  bool operator==(const RequestRecord&) const = default;
};

}  // namespace llmroute::records
