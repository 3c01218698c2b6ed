// Counting a request's tokens with a backend's own tokenizer (llama.cpp's POST /tokenize), for count_tokens.
#pragma once

#include "proxy/asio.hpp"
#include "proxy/server_state.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace llmroute::proxy {

/// The text a model reads from an Anthropic Messages request: system, every message's text, tool calls'
/// names and inputs, tool results, and the tools' names, descriptions and schemas, one part per line.
/// Chat-template tokens are not in it, so a count of it is a floor; empty when `body` is not JSON.
std::string messages_request_text(std::string_view body);

/// The token count, or why the backend could not give one (a value, never thrown).
struct TokenCount {
  std::uint64_t tokens = 0;
  std::string error;  ///< empty when `tokens` is the backend's count
};

/// POSTs {"content": text} to the backend's `tokenize_path` on a fresh connection and counts the
/// `tokens` of its answer, within the backend's connect and first-byte timeouts.
awaitable<TokenCount> count_with_backend_tokenizer(ServerState* state, BackendRuntime* backend, std::string text);

}  // namespace llmroute::proxy
