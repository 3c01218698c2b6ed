// Error bodies in the wire format of the endpoint the client called (OpenAI or Anthropic shape).
#pragma once

#include "proxy/failure.hpp"
#include "proxy/wire_format.hpp"

#include <string>
#include <string_view>

namespace llmroute::proxy {

/// `{"error":{"message","type","param","code"}}`, OpenAI's shape. `type` defaults to openai_error_type(status);
/// a 429 without a `code` gets OpenAI's "rate_limit_exceeded".
std::string openai_error_body(int status, std::string_view message, std::string_view code = {},
                              std::string_view type = {});

/// `{"type":"error","error":{"type","message"}}`, Anthropic's shape.
std::string anthropic_error_body(int status, std::string_view message);

/// The HTTP status an error answer to `api` carries: Anthropic's API says "overloaded" with 529, which
/// Claude Code and the Anthropic SDKs retry with backoff, so a 503 (ours or a backend's) becomes 529 on
/// /v1/messages; every other status and API is unchanged.
int error_status(ClientApi api, int status);

/// The error body for `api`; `code` and `type` are used by OpenAI's shape only.
std::string error_body(ClientApi api, int status, std::string_view message, std::string_view code = {},
                       std::string_view type = {});

/// An SSE event that ends a stream with an error after part of the answer was sent.
std::string sse_error_event(ClientApi api, int status, std::string_view message);

}  // namespace llmroute::proxy
