// The config `llmroute demo` runs the proxy with: the co-op split of config/coop.yaml over two simulators.
#pragma once

#include <cstdint>
#include <string>

namespace llmroute::demo {

/// The simulated "local box" and "cloud": one simulator each. Per-model speeds ride on the upstream model name
/// (the simulator's MODEL+KEY=VALUE suffixes), so one simulator serves models of different profiles.
struct DemoPorts {
  std::uint16_t local = 0;
  std::uint16_t cloud = 0;
};

/// The YAML of the demo's config: local qwen3-coder (+ a small autocomplete model) on the local simulator,
/// Anthropic sonnet, OpenRouter qwen3-coder-480b and OpenAI gpt-5-mini (with their list prices) on the cloud
/// simulator, coop.yaml's route table, the seed's Mac Studio as the local box, records in `db_path`; shadowing of
/// a few task kinds judged by sonnet and gpt-5-mini (the simulators' judge mode).
std::string demo_config_yaml(const DemoPorts& ports, const std::string& db_path);

}  // namespace llmroute::demo
