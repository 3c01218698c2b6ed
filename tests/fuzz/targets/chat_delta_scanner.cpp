// Harness: the fast reader of plain Chat text chunks against a full JSON parse of the same chunk.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "wire/chat_delta_scanner.hpp"

#include <optional>
#include <string>

namespace llmroute::fuzz {

namespace {

struct Deltas {
  std::string reasoning;
  std::string content;
  bool operator==(const Deltas&) const = default;
};

std::optional<Deltas> copy(const std::optional<wire::PlainDelta>& delta) {
  if (!delta) return std::nullopt;
  return Deltas{std::string(delta->reasoning), std::string(delta->content)};
}

std::string string_or_empty(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

/// What the full parser reads from a chunk the scanner accepted.
Deltas parsed_deltas(std::string_view data) {
  bool ok = false;
  const auto value = parse_json(data, ok);
  require(ok && value.is_object(), "a chunk the scanner reads is one JSON object");
  Deltas deltas;
  const auto* choices = value.get_object().if_contains("choices");
  if (choices == nullptr || !choices->is_array() || choices->get_array().empty()) return deltas;
  const auto& choice = choices->get_array().front();
  require(choice.is_object(), "a scanned choice is an object");
  const auto* delta = choice.get_object().if_contains("delta");
  if (delta == nullptr || !delta->is_object()) return deltas;
  const auto& d = delta->get_object();
  deltas.content = string_or_empty(d, "content");
  deltas.reasoning = string_or_empty(d, "reasoning_content");
  if (deltas.reasoning.empty()) deltas.reasoning = string_or_empty(d, "reasoning");
  return deltas;
}

}  // namespace

void fuzz_chat_delta_scanner(std::string_view bytes) {
  while (!bytes.empty() && (bytes.back() == ' ' || bytes.back() == '\r')) bytes.remove_suffix(1);
  wire::ChatDeltaScanner fresh;
  const auto first = copy(fresh.scan(bytes));
  if (first) require(*first == parsed_deltas(bytes), "the scanner reads the chunk's text as a JSON parser does");
  // A scanner that read a usual chunk first compares against it: the same answer either way.
  wire::ChatDeltaScanner primed;
  const auto primer = copy(primed.scan(
      R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]})"));
  require(primer && primer->content == "hi", "the scanner reads a usual chunk");
  require(copy(primed.scan(bytes)) == first, "a primed scanner reads the chunk as a fresh one");
  require(copy(primed.scan(bytes)) == first, "the same chunk twice reads the same");
}

}  // namespace llmroute::fuzz
