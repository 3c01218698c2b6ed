// The `shadow:` section's grammar.
#include "config/shadow_config.hpp"

#include "config/config.hpp"
#include "config/config_loader.hpp"
#include "config/yaml_section.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace llmroute::config {

namespace {

bool is_background(std::string_view kind) {
  return std::find(kBackgroundTaskKinds.begin(), kBackgroundTaskKinds.end(), kind) != kBackgroundTaskKinds.end();
}

double load_rate(const NodeAt& at) {
  const double rate = at.as_double(0);
  if (rate > 1) at.fail("a rate is a share of requests, from 0 to 1");
  return rate;
}

std::size_t task_index(const NodeAt& key) {
  const std::string name = key.as_string();
  for (std::size_t i = 0; i < kTaskKindNames.size(); ++i)
    if (kTaskKindNames[i] == name) return i;
  std::string known;
  for (std::string_view kind : kTaskKindNames) known += (known.empty() ? "" : ", ") + std::string(kind);
  key.fail("unknown task kind '" + name + "' (task kinds: " + known + ")");
}

/// `kind: RATE` or `kind: { rate: RATE, target: backend/model }`.
ShadowTaskConfig load_task(const Config& config, const NodeAt& at) {
  ShadowTaskConfig task;
  if (at.node.IsScalar()) {
    task.rate = load_rate(at);
    return task;
  }
  Section s(at);
  task.rate = load_rate(s.required("rate"));
  if (auto v = s.optional("target")) task.target = resolve_model_ref(config, *v);
  s.finish();
  return task;
}

}  // namespace

const ShadowTaskConfig* ShadowConfig::task(std::string_view name) const {
  for (std::size_t i = 0; i < tasks.size(); ++i)
    if (kTaskKindNames[i] == name) return &tasks[i];
  return nullptr;
}

bool ShadowConfig::enabled() const {
  return std::any_of(tasks.begin(), tasks.end(), [](const ShadowTaskConfig& t) { return t.rate > 0; });
}

ShadowConfig load_shadow(const Config& config, Section s) {
  ShadowConfig shadow;
  shadow.tasks.resize(kTaskKindNames.size());
  double rate = 0;
  if (auto v = s.optional("rate")) rate = load_rate(*v);
  for (std::size_t i = 0; i < kTaskKindNames.size(); ++i)
    if (!is_background(kTaskKindNames[i])) shadow.tasks[i].rate = rate;
  if (auto table = s.optional("tasks")) {
    if (!table->node.IsMap()) table->fail("expected a mapping of task kind to a rate or { rate, target }");
    std::set<std::size_t> seen;
    for (auto entry = table->node.begin(); entry != table->node.end(); ++entry) {
      const NodeAt key = table->child(entry->first.IsScalar() ? entry->first.Scalar() : "?", entry->first);
      const std::size_t index = task_index(key);
      if (!seen.insert(index).second) key.fail("task kind '" + key.as_string() + "' is listed twice");
      shadow.tasks[index] = load_task(config, table->child(key.as_string(), entry->second));
    }
  }
  const auto budget = s.optional("monthly_budget");
  if (budget) shadow.monthly_budget = budget->as_double(0);
  else if (shadow.enabled()) s.at().fail("monthly_budget is required when a task kind has a rate (in " + config.currency + ")");
  // A pair nobody judges is spend without evidence: shadows need the judges that compare their answers.
  if (shadow.enabled() && !config.judging.enabled())
    s.at().fail("shadow copies are judged: a judging section with two judge models is needed when a task kind has a rate");
  if (auto v = s.optional("max_in_flight")) shadow.max_in_flight = static_cast<std::uint32_t>(v->as_int(1, 10'000));
  if (auto v = s.optional("local_only_when_idle")) shadow.local_only_when_idle = v->as_bool();
  if (auto v = s.optional("seed")) shadow.seed = static_cast<std::uint64_t>(v->as_int(0, INT64_MAX));
  if (auto v = s.optional("max_answer_bytes")) {
    shadow.max_answer_bytes = v->as_size();
    if (shadow.max_answer_bytes < 1024 || shadow.max_answer_bytes > (64u << 20)) v->fail("must be between 1KiB and 64MiB");
  }
  if (auto v = s.optional("timeout")) {
    shadow.timeout = v->as_duration();
    if (shadow.timeout.count() <= 0) v->fail("must be more than 0");
  }
  s.finish();
  return shadow;
}

}  // namespace llmroute::config
