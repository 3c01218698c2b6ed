// The three LLM wire formats llmroute speaks, and the small result types shared by all translations.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace llmroute::wire {

/// OpenAI Chat Completions (`/v1/chat/completions`), Anthropic Messages (`/v1/messages`),
/// OpenAI Responses (`/v1/responses`).
enum class WireFormat { chat, messages, responses };

std::string_view to_string(WireFormat format);
std::optional<WireFormat> wire_format_from_string(std::string_view name);

/// Why a body cannot be translated, with the JSON path of the offending part,
/// e.g. `messages[3].content[1]: unsupported block type "document"`.
struct TranslationError {
  std::string message;
};

/// A translated value or the reason there is none (failures are values on the data path).
template <class T>
class Translated {
 public:
  Translated(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Translated(TranslationError error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const TranslationError& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, TranslationError> state_;
};

}  // namespace llmroute::wire
