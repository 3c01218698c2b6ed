// Mistral's tool-call id rule (exactly 9 characters of [a-zA-Z0-9]) and the short ids that satisfy it.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "wire/conversation.hpp"

namespace llmroute::wire {

/// True for an id a Mistral-family model accepts: exactly 9 characters of [a-zA-Z0-9]. mistral-common's
/// request validator enforces it (vLLM's `--tokenizer-mode mistral`, Mistral's own API), and so do the
/// chat templates of Mistral's v3 models; anything else is a 400 before the model sees the request.
bool is_mistral_tool_id(std::string_view id);

/// The ids to send instead of the tool-call ids of one request. Ids that already follow the rule keep
/// themselves; every other id gets 9 characters of [a-zA-Z0-9] hashed from it, so the same id gets the
/// same short id in every request: a history keeps its calls and results paired without any state, and
/// the backend's prefix cache still matches the earlier turns. Two ids of one request never share a
/// short id: a hash that meets an id already taken (one that follows the rule, or an earlier id's short
/// id, in order of first appearance) is hashed again with a counter.
class MistralToolIds {
 public:
  /// `ids`: every tool-call id of the request (calls and results), in the order they appear.
  explicit MistralToolIds(const std::vector<std::string_view>& ids);

  /// The id to send for `id`: its short id, or `id` itself when it follows the rule (or was not given).
  std::string_view operator()(std::string_view id) const;
  /// True when no id changes.
  bool empty() const { return short_ids_.empty(); }

 private:
  std::map<std::string, std::string, std::less<>> short_ids_;  ///< only the ids that change
};

/// Gives every tool call and tool result of `conversation` its Mistral id; true when any id changed.
bool apply_mistral_tool_ids(Conversation& conversation);

/// One change to a body's bytes: `length` bytes at `offset` become `text` (already-encoded JSON).
struct ByteEdit {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string text;
};

/// For a Chat Completions body relayed as it is (same format on both sides) to a model with Mistral's
/// rule: the edits that replace each tool-call id (assistant `tool_calls[].id`, tool messages'
/// `tool_call_id`) with its Mistral id, in body order, so the rest of the bytes stay the client's. None
/// when every id already follows the rule, when the body has no tool calls (checked with a substring
/// scan before any parsing), or when it is not the JSON it should be (the backend then says what is wrong).
std::vector<ByteEdit> mistral_tool_id_edits(std::string_view chat_body);

}  // namespace llmroute::wire
