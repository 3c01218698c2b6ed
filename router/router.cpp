// The route decision: mode from the requested model, task candidates, constraints, pin, health order.
#include "router/router.hpp"

#include <algorithm>
#include <cstdio>

namespace llmroute::router {

namespace {

using config::Config;
using config::Location;
using config::ModelRef;

/// How the request chose where it goes.
enum class Mode { task, location, named };

struct Selection {
  Mode mode = Mode::task;
  Location location = Location::local;  ///< Mode::location
  ModelRef named;                       ///< Mode::named
};

/// Why a candidate cannot serve the request: a short tag for the reason header, a sentence for the trace.
struct Skip {
  std::string tag;
  std::string detail;
};

bool local_only(UserPolicy policy) { return policy != UserPolicy::standard; }

std::string policy_name(UserPolicy policy) {
  switch (policy) {
    case UserPolicy::private_user: return "private user";
    case UserPolicy::cloud_budget_exhausted: return "cloud budget exhausted";
    case UserPolicy::standard: break;
  }
  return "standard user";
}

/// Why a local-only user's request has no cloud backend to fall back on.
std::string no_cloud_because(UserPolicy policy) {
  if (policy == UserPolicy::cloud_budget_exhausted)
    return "the user's cloud budget is exhausted and on_budget_exhausted is degrade-to-local: its requests do not go to a cloud backend";
  return "a private user's requests never go to a cloud backend";
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

/// A model selector: the x-llmroute-route header or the body's model. nullopt: it names nothing.
std::optional<Selection> parse_selector(const Config& config, std::string_view text) {
  if (text == "auto") return Selection{Mode::task, Location::local, {}};
  if (text == "local") return Selection{Mode::location, Location::local, {}};
  if (text == "cloud") return Selection{Mode::location, Location::cloud, {}};
  if (auto ref = config.find_ref(text)) return Selection{Mode::named, Location::local, *ref};
  return std::nullopt;
}

std::string describe(const Config& config, const Selection& selection) {
  switch (selection.mode) {
    case Mode::task: return "route by task";
    case Mode::location: return "the task's " + std::string(config::to_string(selection.location)) + " candidates";
    case Mode::named: return "configured model " + config.ref_name(selection.named) + ", honoured as is";
  }
  return "route by task";
}

bool uses_tools(const RequestFeatures& f) { return f.tool_count > 0 || f.tool_calls > 0 || f.tool_results > 0; }

/// The first constraint `ref` fails, if any. `only` restricts the location (a forced location or the
/// user's local-only policy).
std::optional<Skip> violation(const Config& config, ModelRef ref, const RequestFeatures& f, std::optional<Location> only,
                              UserPolicy policy) {
  const config::BackendConfig& backend = config.backend(ref);
  const config::ModelConfig& model = config.model(ref);
  if (only && backend.location != *only) {
    if (local_only(policy) && backend.location == Location::cloud)
      return Skip{policy == UserPolicy::private_user ? "private" : "budget",
                  "a cloud backend, and a " + policy_name(policy) + " may use local backends only"};
    return Skip{"location", "a " + std::string(config::to_string(backend.location)) + " backend, and the request asked for " +
                                std::string(config::to_string(*only))};
  }
  if (uses_tools(f) && !model.tools) return Skip{"tools", "the request uses tools and the model has tools: false"};
  if (f.has_images && !model.vision) return Skip{"vision", "the request has images and the model has vision: false"};
  const std::uint64_t reserve = reserved_output_tokens(config, f, model.context_tokens);
  const std::uint64_t need = std::uint64_t{f.estimated_input_tokens} + reserve;
  if (need > model.context_tokens)
    return Skip{"context", "needs ~" + std::to_string(need) + " tokens of context (" + std::to_string(f.estimated_input_tokens) +
                               " input + " + std::to_string(reserve) + " for the answer), the model has " +
                               std::to_string(model.context_tokens)};
  return std::nullopt;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::string names_of(const Config& config, const std::vector<ModelRef>& refs) {
  std::vector<std::string> names;
  for (ModelRef ref : refs) names.push_back(config.ref_name(ref));
  return join(names, ", ");
}

bool contains(const std::vector<Candidate>& candidates, ModelRef ref) {
  return std::any_of(candidates.begin(), candidates.end(), [&](const Candidate& c) { return c.target == ref; });
}

/// The candidate list as the trace and the command line show it.
std::string result_line(const Config& config, const std::vector<Candidate>& candidates) {
  std::vector<std::string> parts;
  for (const Candidate& c : candidates) parts.push_back(config.ref_name(c.target) + " [" + c.why + "]");
  return "result: " + join(parts, ", then ");
}

/// Pins keep an agent on one model across its turns; requests the client makes on its own (titles,
/// compaction, probes) and completions are not turns of the conversation, so they neither use nor set one.
bool pins_apply(TaskKind kind) { return kind != TaskKind::background && kind != TaskKind::autocomplete; }

/// What the request selects: the x-llmroute-route header when it names something, else the body's model;
/// nullopt when neither does (route by task). `from_header` says which one it was.
std::optional<Selection> requested_selection(const Config& config, const RouteRequest& request, bool& from_header) {
  std::optional<Selection> selection;
  if (request.route_header) selection = parse_selector(config, *request.route_header);
  from_header = selection.has_value();
  if (!selection) selection = parse_selector(config, request.requested_model);
  return selection;
}

}  // namespace

std::uint32_t reserved_output_tokens(const config::Config& config, const RequestFeatures& features) {
  const std::uint32_t cap = config.routing.output_reserve_tokens;
  return features.max_tokens ? std::min(*features.max_tokens, cap) : cap;
}

std::uint32_t reserved_output_tokens(const config::Config& config, const RequestFeatures& features,
                                     std::uint32_t model_context_tokens) {
  // A quarter of the window: an 8K model keeps 2K for the answer and 6K for the input, instead of never
  // fitting once the full reserve (8192 by default, or Claude Code's max_tokens of 32000) is asked for.
  return std::min(reserved_output_tokens(config, features), model_context_tokens / 4);
}

bool route_needs_task(const config::Config& config, const RouteRequest& request, bool may_become_local_only) {
  bool from_header = false;
  const std::optional<Selection> selection = requested_selection(config, request, from_header);
  if (!selection || selection->mode != Mode::named) return true;
  const bool cloud = config.backend(selection->named).location == Location::cloud;
  return cloud && (local_only(request.policy) || may_become_local_only);
}

RouteDecision decide_route(const config::Config& config, const RouteRequest& request) {
  static const RequestFeatures kNoFeatures;
  const RequestFeatures& f = request.features != nullptr ? *request.features : kNoFeatures;
  const TaskKind task = request.classification.kind;
  const std::string task_name(to_string(task));
  RouteDecision d;
  // The trace is a dozen strings built per request; only `llmroute route --explain` reads it, so the proxy's
  // path builds none: each line is made only when asked for.
  auto note = [&d, explain = request.explain](auto&& line) {
    if (explain) d.trace.emplace_back(line());
  };

  // 1. What did the client ask for? The header wins over the body.
  bool from_header = false;
  std::optional<Selection> selection = requested_selection(config, request, from_header);
  if (from_header) {
    note([&] {
      return "header " + std::string(kRouteHeader) + ": " + in_quotes(*request.route_header) + " → " + describe(config, *selection);
    });
  } else {
    if (request.route_header) {
      note([&] {
        return "header " + std::string(kRouteHeader) + ": " + in_quotes(*request.route_header) +
               " is not auto, local, cloud or a configured model: ignored";
      });
    }
    if (selection) {
      note([&] { return "model " + in_quotes(request.requested_model) + " → " + describe(config, *selection); });
    } else {
      // Clients send their own model names (Claude Code asks for claude-opus-… even from a local box).
      note([&] {
        return request.requested_model.empty()
                   ? "no model in the request → route by task"
                   : "model " + in_quotes(request.requested_model) + " is not configured → route by task";
      });
      selection = Selection{};
    }
  }

  // 2. A local-only user cannot be sent to the cloud, not even by naming a cloud model.
  const UserPolicy policy = request.policy;
  if (local_only(policy)) {
    note([&] { return policy_name(policy) + ": local backends only"; });
    d.local_only = no_cloud_because(policy);
    const bool named_cloud =
        selection->mode == Mode::named && config.backend(selection->named).location == Location::cloud;
    const bool forced_cloud = selection->mode == Mode::location && selection->location == Location::cloud;
    if (named_cloud || forced_cloud) {
      note([&] {
        return "the request asked for the cloud, which a " + policy_name(policy) + " may not use → route by task";
      });
      selection = Selection{};
      from_header = false;
    }
  }

  // 3. A configured model is honoured as is: the client chose, the router only says what it sees.
  if (selection->mode == Mode::named) {
    const ModelRef named = selection->named;
    d.candidates.push_back({named, from_header ? "named in " + std::string(kRouteHeader) : "named in request"});
    if (auto skip = violation(config, named, f, std::nullopt, policy))
      note([&] {
        return "note: " + config.ref_name(named) + " would be skipped (" + skip->detail + "); honoured because it was named";
      });
    if (request.healthy && !request.healthy(named.backend))
      note([&] {
        return "note: backend " + in_quotes(config.backend(named).name) + " is unhealthy; it is the only candidate";
      });
    note([&] { return "pin: not used, the model was named"; });
    d.reason = from_header ? "model named in " + std::string(kRouteHeader) : "model named in request";
    note([&] { return result_line(config, d.candidates); });
    return d;
  }

  // 4. The task's candidates from the route table (or the default), narrowed to a forced location.
  note([&] {
    char confidence[16];
    std::snprintf(confidence, sizeof confidence, "%.2f", request.classification.confidence);
    return "task " + task_name + " (confidence " + confidence + ", rule " + request.classification.rule + ")";
  });
  std::vector<ModelRef> listed;
  const std::vector<ModelRef>* table = config.routing.candidates(task_name);
  if (table != nullptr && !table->empty()) {
    listed = *table;
    note([&] { return "route table for " + task_name + ": " + names_of(config, listed); });
  } else {
    listed = {config.default_model};
    note([&] {
      return "route table has no entry for " + task_name + ": default " + config.ref_name(config.default_model);
    });
  }
  std::optional<Location> only;
  if (local_only(policy)) only = Location::local;
  bool listed_is_everything = false;
  if (selection->mode == Mode::location) {
    only = selection->location;
    const std::string where(config::to_string(selection->location));
    std::erase_if(listed, [&](ModelRef ref) { return config.backend(ref).location != selection->location; });
    if (listed.empty()) {
      for (std::size_t b = 0; b < config.backends.size(); ++b)
        if (config.backends[b].location == selection->location)
          for (std::size_t m = 0; m < config.backends[b].models.size(); ++m) listed.push_back(ModelRef{b, m});
      listed_is_everything = true;
      note([&] {
        return "the task has no " + where + " candidate: every " + where + " model: " + names_of(config, listed);
      });
    } else {
      note([&] { return where + " candidates of the task: " + names_of(config, listed); });
    }
  }

  // 5. The conversation's pin goes first while it still passes the constraints.
  const bool pinnable = !request.conversation_key.empty() && pins_apply(task);
  bool pin_kept = false;
  if (request.conversation_key.empty()) {
    note([&] { return "pin: no conversation key"; });
  } else if (!pinnable) {
    note([&] { return "pin: " + task_name + " requests neither use nor set pins"; });
  } else if (request.pinned) {
    const std::string pinned_name = config.ref_name(*request.pinned);
    if (auto skip = violation(config, *request.pinned, f, only, policy)) {
      note([&] {
        return "pin: conversation was pinned to " + pinned_name + ", which is " + skip->detail + " → pin again";
      });
    } else {
      pin_kept = true;
      d.candidates.push_back({*request.pinned, "pinned conversation"});
      note([&] { return "pin: conversation pinned to " + pinned_name + " → first"; });
    }
  } else {
    note([&] { return "pin: none yet; the model that serves this request will be pinned"; });
  }
  d.pin_new = pinnable && !pin_kept;

  // 6. Constraints: location and policy, tools, vision, context fit.
  std::vector<std::string> skipped;
  auto consider = [&](ModelRef ref, std::string why) {
    if (contains(d.candidates, ref)) return;
    const std::string name = config.ref_name(ref);
    if (auto skip = violation(config, ref, f, only, policy)) {
      note([&] { return "skip " + name + ": " + skip->detail; });
      skipped.push_back(name + " (" + skip->tag + ")");
      return;
    }
    note([&] { return "keep " + name; });
    d.candidates.push_back({ref, std::move(why)});
  };
  for (std::size_t i = 0; i < listed.size(); ++i)
    consider(listed[i], listed_is_everything ? "every " + std::string(config::to_string(selection->location)) + " model"
                                             : "task " + task_name + " #" + std::to_string(i + 1));

  // 7. Nothing of the task fits (e.g. a long context beyond every listed model): try every model.
  bool widened = false;
  if (d.candidates.empty() && !listed_is_everything) {
    widened = true;
    note([&] { return "no candidate of the task passes → every configured model"; });
    for (std::size_t b = 0; b < config.backends.size(); ++b)
      for (std::size_t m = 0; m < config.backends[b].models.size(); ++m) {
        const ModelRef ref{b, m};
        if (std::find(listed.begin(), listed.end(), ref) == listed.end()) consider(ref, "widened beyond the task");
      }
  }

  if (d.candidates.empty()) {
    d.refusal_cause = local_only(policy) ? RefusalCause::local_only : RefusalCause::no_fit;
    if (local_only(policy)) d.refusal = policy_name(policy) + ": no local backend can serve this request";
    else if (selection->mode == Mode::location)
      d.refusal = "no " + std::string(config::to_string(selection->location)) + " model can serve this request: skipped " +
                  join(skipped, ", ");
    else d.refusal = "no configured model can serve this request: skipped " + join(skipped, ", ");
    d.pin_new = false;
    d.reason = *d.refusal;
    note([&] { return "result: refused: " + *d.refusal; });
    return d;
  }

  // 8. Unhealthy backends go last, not away: they are still better than no answer.
  std::vector<std::string> demoted;
  if (request.healthy) {
    auto healthy_end = std::stable_partition(d.candidates.begin(), d.candidates.end(),
                                             [&](const Candidate& c) { return request.healthy(c.target.backend); });
    for (auto it = healthy_end; it != d.candidates.end(); ++it) {
      const std::string name = config.ref_name(it->target);
      note([&] {
        return "backend " + in_quotes(config.backend(it->target).name) + " is unhealthy: " + name + " moved last";
      });
      demoted.push_back(name);
      it->why += ", unhealthy";
    }
  }

  std::string reason = selection->mode == Mode::location
                           ? std::string(config::to_string(selection->location)) + " requested, task " + task_name
                           : "task " + task_name;
  if (!request.classification.rule.empty()) reason += " (" + request.classification.rule + ")";
  if (local_only(policy)) reason += "; " + policy_name(policy) + ": local only";
  if (pin_kept) reason += "; pinned conversation";
  if (!skipped.empty()) reason += "; skipped " + join(skipped, ", ");
  if (widened) reason += "; widened beyond the task";
  if (!demoted.empty()) reason += "; unhealthy last: " + join(demoted, ", ");
  d.reason = std::move(reason);
  note([&] { return result_line(config, d.candidates); });
  return d;
}

}  // namespace llmroute::router
