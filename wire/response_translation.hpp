// Whole-body translation of non-streamed answers between the three wire formats.
#pragma once

#include <string>
#include <string_view>

#include "wire/completion.hpp"
#include "wire/wire_format.hpp"

namespace llmroute::wire {

/// The answer in the backend's format parsed into neutral form (usage for the request record).
Translated<Completion> parse_completion(WireFormat backend, std::string_view body,
                                        ThinkTags think_tags = ThinkTags::split);

/// Renders a neutral answer in the client's format.
std::string render_completion(WireFormat client, const Completion& completion, const TranslationContext& context);

struct ResponseTranslation {
  std::string body;
  Completion completion;  ///< what the backend answered: usage, finish reason, items
};

/// Translates a successful (2xx) non-streamed answer from the backend's format to the client's.
Translated<ResponseTranslation> translate_response(WireFormat backend, WireFormat client, std::string_view body,
                                                   const TranslationContext& context);

}  // namespace llmroute::wire
