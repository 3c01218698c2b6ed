// The demo's traffic: requests taken from the labelled set of real client requests, in the clients' mix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace llmroute::demo {

/// One request exactly as a real client sent it (path, headers, body).
struct WorkloadRequest {
  std::string client;  ///< "claude-code", "aider", "codex" or "continue"
  std::string label;   ///< the task kind a person labelled it with
  std::string target;  ///< path and query, e.g. "/v1/messages?beta=true"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// How often each client appears: Claude Code and aider carry most conversations, Continue's autocomplete is
/// frequent and small, Codex in between.
struct ClientShare {
  const char* client;  ///< also the file name: tasks/classification/<client>.jsonl
  unsigned weight;
};
inline constexpr ClientShare kClientMix[] = {{"claude-code", 35}, {"aider", 25}, {"continue", 25}, {"codex", 15}};

/// Reads tasks/classification/<client>.jsonl for each client of kClientMix from `dir` and deals `count`
/// requests: each pick chooses a client by weight, then one of its requests, with a seeded generator so the
/// same seed gives the same workload. Only requests to endpoints llmroute serves are used. Throws
/// std::runtime_error naming the file when one cannot be read (startup only).
std::vector<WorkloadRequest> load_workload(const std::filesystem::path& dir, std::size_t count, std::uint64_t seed);

}  // namespace llmroute::demo
