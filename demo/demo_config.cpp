// The demo's config text.
#include "demo/demo_config.hpp"

namespace llmroute::demo {

std::string demo_config_yaml(const DemoPorts& ports, const std::string& db_path) {
  const std::string local = "http://127.0.0.1:" + std::to_string(ports.local) + "/v1";
  const std::string cloud = "http://127.0.0.1:" + std::to_string(ports.cloud) + "/v1";
  return R"(# Written by `llmroute demo`: config/coop.yaml's split over two simulators.
server:
  listen: 127.0.0.1:0
  timeouts: { upstream_first_byte: 30s, upstream_idle: 30s, total: 2m, shutdown_grace: 10s }
currency: USD
backends:
  - name: ollama
    kind: openai
    location: local
    url: )" + local + R"(
    max_concurrency: 6
    models:
      - { name: qwen3-coder, upstream_name: "qwen3-coder:30b", context_tokens: 65536, family: qwen }
      - { name: qwen2.5-coder-7b, upstream_name: "qwen2.5-coder:7b+tokens=16+ttft-ms=60+tokens-per-second=160", context_tokens: 32768, family: qwen }
  - name: anthropic
    kind: anthropic
    location: cloud
    url: )" + cloud + R"(
    models:
      - name: sonnet
        upstream_name: "claude-sonnet-4-5+tokens-per-second=78+ttft-ms=350"
        context_tokens: 200000
        vision: true
        family: claude
        price: { input: 3.00, output: 15.00, cache_read: 0.30, cache_write: 3.75 }
  - name: openrouter
    kind: openai
    location: cloud
    url: )" + cloud + R"(
    models:
      - name: qwen3-coder-480b
        upstream_name: "qwen/qwen3-coder+tokens-per-second=120+ttft-ms=250+tokens=64"
        context_tokens: 262144
        family: qwen
        price: { input: 0.22, output: 0.95 }
  - name: openai
    kind: openai-responses
    location: cloud
    url: )" + cloud + R"(
    models:
      - name: gpt-5-mini
        upstream_name: "gpt-5-mini+tokens-per-second=170+ttft-ms=150"
        context_tokens: 400000
        family: gpt
        price: { input: 0.25, output: 2.00, cache_read: 0.025 }
routing:
  default: ollama/qwen3-coder
  tasks:
    refactoring: [ollama/qwen3-coder, openrouter/qwen3-coder-480b]
    documentation: [ollama/qwen3-coder, openrouter/qwen3-coder-480b]
    commit-message: [ollama/qwen3-coder, openrouter/qwen3-coder-480b]
    status-report: [ollama/qwen3-coder, openrouter/qwen3-coder-480b]
    simple-coding: [ollama/qwen3-coder, openrouter/qwen3-coder-480b]
    debugging: [ollama/qwen3-coder, anthropic/sonnet]
    non-coding: [ollama/qwen3-coder, openrouter/qwen3-coder-480b]
    architecture: [anthropic/sonnet, ollama/qwen3-coder]
    code-review: [anthropic/sonnet, ollama/qwen3-coder]
    long-context: [anthropic/sonnet, openrouter/qwen3-coder-480b, ollama/qwen3-coder]
    multi-file: [anthropic/sonnet, ollama/qwen3-coder]
    reasoning: [openai/gpt-5-mini, anthropic/sonnet]
    background: [ollama/qwen3-coder]
    autocomplete: [ollama/qwen2.5-coder-7b, ollama/qwen3-coder]
  health: { probe_interval: 0 }
cost:
  hardware_price: 3700
  amortisation_months: 36
  power_watts: 120
  electricity_price_per_kwh: 0.19
  baseline: anthropic/sonnet
records:
  path: )" + db_path + R"(
  retention: 0
# The simulated judges prefer the longer answer and mark down one carrying [sim-mistake], so the profiles above
# decide the verdicts: routine kinds, answered locally by qwen3-coder (80 tokens), are shadowed on the terser
# qwen3-coder-480b (64 tokens) and come out at parity; architecture and code review, answered by sonnet, are
# shadowed on the 7B autocomplete model (16 tokens), which loses them.
judging:
  judges: [anthropic/sonnet, openai/gpt-5-mini]
  min_n: 5                      # a demo's handful; keep the default 20 for real traffic
  concurrency: 8
shadow:
  tasks:
    commit-message: 0.5
    documentation: 0.5
    refactoring: 0.5
    simple-coding: 0.5
    architecture: { rate: 1, target: ollama/qwen2.5-coder-7b }
    code-review: { rate: 1, target: ollama/qwen2.5-coder-7b }
  monthly_budget: 5
  max_in_flight: 6
  local_only_when_idle: true
  seed: 7
)";
}

}  // namespace llmroute::demo
