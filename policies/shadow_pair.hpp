// A primary answer and its shadow's answer to the same request: what the judges compare.
#pragma once

#include "config/config.hpp"

#include <cstdint>
#include <string>

namespace llmroute::policies {

/// One side of a pair: the model that answered and what it answered.
struct ShadowAnswer {
  std::string record_id;  ///< the RequestRecord id of this answer (the primary's x-request-id, or the shadow's own)
  std::string backend;
  std::string model;      ///< the configured model name
  config::Location location = config::Location::local;
  std::string text;        ///< the answer text (reasoning excluded), capped
  std::string tool_calls;  ///< JSON array `[{"id","name","arguments"}]` when the answer is a tool call; else empty
  bool clipped = false;    ///< the answer was longer than the cap and is cut
  double total_ms = 0;
  std::uint64_t output_tokens = 0;
  double cost = 0;         ///< in the config's currency
};

/// A sampled request answered twice: by its primary route (what the client got) and by the shadow's
/// alternate target. The shadow runner hands it to the judge queue; both answers answer `prompt`.
struct ShadowPair {
  std::string task;          ///< task kind wire name, e.g. "commit-message"
  std::string prompt;        ///< the conversation as readable text ("system: …\nuser: …"), capped
  std::string request_body;  ///< the request as an OpenAI Chat Completions body (as the shadow got it), capped
  std::int64_t created_unix_ms = 0;
  ShadowAnswer primary;
  ShadowAnswer shadow;
};

}  // namespace llmroute::policies
