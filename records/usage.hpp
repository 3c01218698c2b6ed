// Token counts of one answer, normalised across wire formats so cost and reports read one shape.
#pragma once

#include <cstdint>

namespace llmroute::records {

/// Token counts in OpenAI's convention: cached prompt tokens are part of `input`, reasoning tokens part of
/// `output`. An Anthropic answer is normalised as input = input_tokens + cache_read_input_tokens +
/// cache_creation_input_tokens.
struct Usage {
  std::uint64_t input = 0;        ///< every prompt token, cache reads and writes included
  std::uint64_t output = 0;       ///< every generated token, reasoning included
  std::uint64_t reasoning = 0;    ///< the part of `output` spent thinking (<think> or reasoning tokens)
  std::uint64_t cache_read = 0;   ///< the part of `input` read from the provider's prompt cache
  std::uint64_t cache_write = 0;  ///< the part of `input` written to the provider's prompt cache

  bool operator==(const Usage&) const = default;
};

}  // namespace llmroute::records
