// Typed, validated, immutable configuration of llmroute (loaded once, shared as shared_ptr<const Config>).
#pragma once

#include "config/access_config.hpp"
#include "config/quota_store_config.hpp"
#include "config/scheduling_config.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/judging_config.hpp"
#include "config/model_ref.hpp"
#include "config/shadow_config.hpp"

namespace llmroute::config {

using Millis = std::chrono::milliseconds;

/// The wire format a backend speaks.
enum class BackendKind { openai, anthropic, openai_responses };
/// Where a backend runs: on the co-op's own box or at a paid provider.
enum class Location { local, cloud };
enum class Scheme { http, https };

std::string_view to_string(BackendKind kind);
std::string_view to_string(Location location);

/// Prices per million tokens in the config's currency.
struct Price {
  double input = 0;
  double output = 0;
  double cache_read = 0;
  double cache_write = 0;
};

/// A model served by a backend, under the name clients and the route table use.
struct ModelConfig {
  std::string name;           ///< client-visible name, unique across the config
  std::string upstream_name;  ///< the id sent to the backend (defaults to name)
  std::uint32_t context_tokens = 32768;
  bool tools = true;
  bool vision = false;
  std::optional<Price> price;  ///< unset: local models cost their busy time, cloud models cost 0
  /// The model family (e.g. "claude", "gpt", "qwen"): a judge of a candidate's own family is flagged
  /// for self-preference bias. Empty: unknown, never flagged.
  std::string family;
  /// Tool-call ids in requests to this model are rewritten to Mistral's rule (exactly 9 characters of
  /// [a-zA-Z0-9]), which Mistral-family models enforce with a 400. The key `mistral_tool_ids` (auto | on |
  /// off) resolved at load: auto is on when the name, upstream name or family names a Mistral model.
  bool mistral_tool_ids = false;
};

/// `mistral_tool_ids: auto`: whether a model's names say it is one of Mistral's (mistral, devstral,
/// codestral, magistral, ministral, mixtral, pixtral; any case).
bool looks_like_mistral(const ModelConfig& model);

struct BackendConfig {
  std::string name;
  BackendKind kind = BackendKind::openai;
  Location location = Location::local;
  std::string url;  ///< as written, e.g. http://127.0.0.1:11434/v1
  Scheme scheme = Scheme::http;
  std::string host;
  std::uint16_t port = 0;
  std::string host_header;  ///< the Host header's value: host[:port], an IPv6 host in brackets, no default port
  std::string base_path;    ///< path prefix without trailing slash, e.g. "/v1"
  std::string api_key_env;  ///< environment variable holding the key; empty = none
  bool verify_tls = true;
  std::uint32_t max_idle_connections = 64;
  std::string health_path = "/models";  ///< relative to base_path; probed by active health checks
  std::string tokenize_path;  ///< a llama.cpp-style POST {"content"} -> {"tokens"} endpoint, from the server root; empty: none
  std::uint32_t max_concurrency = 0;    ///< requests sent at once; more wait for a slot (scheduling:); 0 = unlimited
  std::vector<ModelConfig> models;
};

struct Timeouts {
  Millis client_read{30'000};           ///< whole request (headers + body) from the client
  Millis upstream_connect{5'000};
  Millis upstream_first_byte{600'000};  ///< llama-server queues without sending headers until a slot frees
  Millis upstream_idle{120'000};        ///< between two reads of a streamed answer
  Millis total{1'800'000};
  Millis shutdown_grace{30'000};
};

struct ServerConfig {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::uint64_t max_body_bytes = 32ull << 20;
  std::uint32_t max_header_bytes = 64u << 10;
  /// How long the event loop polls instead of sleeping when bytes are due (a backend's first byte, a client's
  /// next request): saves two thread wake-ups on a request's first token for at most twice this in CPU (0: off).
  std::chrono::microseconds busy_poll{250};
  Timeouts timeouts;
};

/// The local cost model: the co-op's box costs its amortised purchase price plus its power, per busy second.
struct CostConfig {
  double hardware_price = 0;             ///< purchase price of the local box, in `currency`
  double amortisation_months = 36;       ///< months over which the purchase price is spread
  double power_watts = 0;                ///< the box's draw while it generates
  double electricity_price_per_kwh = 0;  ///< in `currency`
  double busy_hours_per_day = 8;         ///< expected busy hours a day: the hardware price is spread over these only
  /// The cloud model whose price gives every request's cloud-equivalent cost; unset: none is computed.
  std::optional<ModelRef> baseline;
};

/// Where and how long per-request records are kept.
struct RecordsConfig {
  bool enabled = true;
  std::string path = "llmroute.db";                ///< SQLite database, created on first use
  Millis retention{90ll * 24 * 3600 * 1000};       ///< older records are deleted; 0 keeps them forever
  std::size_t queue_capacity = 10'000;             ///< records waiting for the writer; beyond this they are dropped
};

/// The task kinds a route table may name. router::TaskKind declares exactly these wire names (a router
/// test checks); they are repeated here because config may not depend on router.
inline constexpr std::array<std::string_view, 14> kTaskKindNames = {
    "commit-message", "documentation", "status-report", "refactoring",  "debugging",
    "simple-coding",  "multi-file",    "architecture",  "code-review",  "reasoning",
    "non-coding",     "background",    "long-context",  "autocomplete",
};

/// Passive health of each backend: a circuit breaker fed by the outcomes of real requests.
struct HealthConfig {
  std::uint32_t failures = 3;   ///< consecutive failures that open a backend's circuit
  Millis cooldown{30'000};      ///< an open circuit puts the backend last in every candidate list this long
  Millis max_cooldown{300'000}; ///< each failed trial after a cooldown doubles it, up to this
  Millis probe_interval{15'000}; ///< active check of every backend's health_path this often; 0: no active checks
};

/// How a request's candidates are chosen (the `routing:` section; `default` is Config::default_model).
struct RoutingConfig {
  /// Ordered candidates per task kind, indexed like kTaskKindNames; an empty list means `default` alone.
  std::array<std::vector<ModelRef>, kTaskKindNames.size()> tasks;
  /// Content tokens from which a request is long-context; unset: the classifier rules' own threshold.
  std::optional<std::uint32_t> long_context_tokens;
  /// Answer tokens the context-fit check reserves: the request's max_tokens, but at most this, and this
  /// when the request sets none (Claude Code asks for 32000 on every turn; answers are rarely that long).
  std::uint32_t output_reserve_tokens = 8192;
  Millis pin_ttl{2ll * 3600 * 1000};  ///< a conversation unused this long loses its pinned model
  std::size_t max_pins = 100'000;     ///< pinned conversations kept in process; the least recently used go first
  HealthConfig health;

  /// The candidates of a task kind by its wire name; nullptr for a name that is not a task kind.
  const std::vector<ModelRef>* candidates(std::string_view task) const;
};

struct Config {
  std::string source_path;
  ServerConfig server;
  std::vector<BackendConfig> backends;
  std::string currency = "USD";
  /// `routing.default`: the candidate of every task kind the route table leaves out.
  ModelRef default_model;
  RoutingConfig routing;
  CostConfig cost;
  RecordsConfig records;
  SchedulingConfig scheduling;
  JudgingConfig judging;  ///< `judging:`; no judges when the section is absent
  AccessConfig access;  ///< `auth`, `quotas`, `users`
  QuotaStoreConfig quota_store;
  ShadowConfig shadow;  ///< `shadow:`; nothing is shadowed when the section is absent

  /// Finds a model by its client-visible name.
  std::optional<ModelRef> find_model(std::string_view name) const;
  /// Finds `backend/model`, or a model by its client-visible name.
  std::optional<ModelRef> find_ref(std::string_view text) const;
  /// The `backend/model` spelling of a reference (for traces, headers and pin stores).
  std::string ref_name(ModelRef ref) const;
  const BackendConfig& backend(ModelRef ref) const { return backends[ref.backend]; }
  const ModelConfig& model(ModelRef ref) const { return backends[ref.backend].models[ref.model]; }
};

using ConfigPtr = std::shared_ptr<const Config>;

}  // namespace llmroute::config
