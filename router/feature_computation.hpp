// What one pass over a request body found (its messages, system text and a few options), and the features
// computed from it. Internal to router/: request_features.cpp reads the body, feature_computation.cpp computes.
#pragma once

#include "router/headers.hpp"
#include "router/request_features.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmroute::router {

/// Who wrote a message, as the features see it.
enum class Role { system, user, assistant, tool, other };

/// One message or Responses input item, as read; text views point into the parser's string buffer.
struct Message {
  Role role = Role::other;
  std::vector<std::string_view> texts;
  std::uint64_t tool_result_chars = 0;
  std::uint64_t other_chars = 0;  ///< tool-call arguments, thinking: content that is not prompt text
  std::uint32_t tool_results = 0;
  std::uint32_t tool_calls = 0;
  bool images = false;
};

/// Everything the body pass collects for compute_features; text views point into the parser's string buffer.
struct BodyContents {
  RequestFeatures features;
  std::vector<Message> messages;
  std::vector<std::string_view> system_parts;
  std::string_view completion_prompt;
  bool completion_suffix = false;
  std::string user_id;
  std::string prompt_cache_key;
};

/// Fills `read.features` from what the body pass found: the user's own words (without what clients wrap around
/// them), the prompt, sizes and token estimates, the client and its session. `path` is the endpoint called.
void compute_features(BodyContents& read, std::string_view path, const Headers& headers, std::size_t body_size);

}  // namespace llmroute::router
