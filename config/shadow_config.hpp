// The `shadow:` section: which requests are replayed on an alternate model for judging, and the caps.
#pragma once

#include "config/model_ref.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace llmroute::config {

struct Config;
class Section;

/// Task kinds whose requests nobody waits on (Claude Code's title and topic calls, IDE autocomplete):
/// never shadowed unless the `shadow.tasks` table lists them.
inline constexpr std::array<std::string_view, 2> kBackgroundTaskKinds = {"background", "autocomplete"};

/// The shadow policy of one task kind.
struct ShadowTaskConfig {
  double rate = 0;                 ///< share of the kind's requests copied, 0 to 1
  std::optional<ModelRef> target;  ///< unset: the default alternate (see ShadowConfig)
};

/// Shadow benchmarking: a sampled request, once answered, is copied to an alternate model (never delaying or
/// changing the primary answer) and both answers go to the judges. Default alternate: for a primary answered
/// locally, the kind's first cloud candidate (else cost.baseline); for a primary answered in the cloud, the
/// kind's first local candidate (else routing.default when local, else the first local model).
struct ShadowConfig {
  /// Per task kind, indexed like kTaskKindNames (empty when the section is absent): `shadow.rate` for every
  /// kind the table leaves out (background kinds: 0), the table's entry otherwise.
  std::vector<ShadowTaskConfig> tasks;
  double monthly_budget = 0;         ///< shadow spend per UTC calendar month, in Config::currency
  std::uint32_t max_in_flight = 2;   ///< shadows running at once; a sampled request beyond this is not copied
  bool local_only_when_idle = true;  ///< a local backend takes a shadow only with a free slot (no limit: when idle)
  std::optional<std::uint64_t> seed; ///< fixed sampler seed (tests, demos); unset: a random one per start
  std::size_t max_answer_bytes = 64u << 10;  ///< answers kept for judging (primary and shadow) are cut here
  std::chrono::milliseconds timeout{300'000};  ///< a shadow call is abandoned after this

  /// Whether any task kind is sampled at all.
  bool enabled() const;
  /// The policy of task kind `task` (a wire name); nullptr for a name that is not a task kind.
  const ShadowTaskConfig* task(std::string_view task) const;
};

/// Parses the `shadow:` section (backends must be loaded: targets name them). Throws ConfigError.
ShadowConfig load_shadow(const Config& config, Section section);

}  // namespace llmroute::config
