// The format-neutral form of a model's answer: output items, finish reason and token usage.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wire/tool_name_map.hpp"

namespace llmroute::wire {

/// Why the model stopped; `none` when the backend never said.
enum class FinishReason { none, stop, stop_sequence, length, tool_calls, content_filter };

std::string_view to_string(FinishReason reason);

/// Token counts in one convention: `input` counts every prompt token, cached ones included
/// (OpenAI's convention; Anthropic's input_tokens excludes cache reads and writes).
struct Usage {
  std::int64_t input = 0;
  std::int64_t output = 0;  ///< includes reasoning tokens
  std::int64_t cache_read = 0;
  std::int64_t cache_write = 0;
  std::int64_t reasoning = 0;
};

enum class ItemKind { text, reasoning, tool_call };

struct OutputItem {
  ItemKind kind = ItemKind::text;
  std::string text;       ///< text or reasoning
  std::string signature;  ///< Anthropic thinking signature
  std::string redacted;   ///< Anthropic redacted_thinking: the encrypted reasoning, of a reasoning item without text
  std::string call_id;
  std::string name;       ///< as the backend named the tool
  std::string arguments;  ///< JSON text
};

inline OutputItem make_item(ItemKind kind, std::string_view text = {}) {
  OutputItem item;
  item.kind = kind;
  item.text = text;
  return item;
}

struct Completion {
  std::string id;
  std::string model;
  std::int64_t created = 0;
  std::vector<OutputItem> items;
  FinishReason finish = FinishReason::none;
  std::string stop_sequence;
  Usage usage;
  bool usage_reported = false;
};

/// Whether `<think>…</think>` at the start of a Chat backend's content is reasoning
/// (servers without a reasoning parser leave it in the text).
enum class ThinkTags { split, keep };

/// What the answer's translation needs to know about the request and the proxy.
struct TranslationContext {
  std::string request_id;              ///< base of the ids the client sees; empty: derived from the backend's id
  std::string model;                   ///< model name reported to the client; empty: the backend's
  std::int64_t created = 0;            ///< unix seconds for Chat/Responses objects; 0: the backend's
  bool include_usage = false;          ///< Chat clients: send the usage chunk (they asked for it)
  ToolNameMap tool_names;              ///< from RequestTranslation, to restore namespaced/custom tools
  std::int64_t input_tokens_hint = 0;  ///< reported to clients until the backend reports usage
  ThinkTags think_tags = ThinkTags::split;
};

/// The id a client sees: `prefix` + request id, else the backend's id (prefixed if needed).
std::string client_id(std::string_view prefix, const TranslationContext& context, std::string_view upstream_id);

/// A rough token count for text whose usage the backend did not report (4 bytes a token).
std::int64_t estimate_tokens(std::size_t bytes);

}  // namespace llmroute::wire
