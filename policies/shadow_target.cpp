// Choice of a shadow's alternate model.
#include "policies/shadow_target.hpp"

namespace llmroute::policies {

namespace {

config::Location location_of(const config::Config& config, config::ModelRef ref) { return config.backend(ref).location; }

std::optional<config::ModelRef> first_at(const config::Config& config, const std::vector<config::ModelRef>* candidates,
                                         config::Location where) {
  if (candidates == nullptr) return std::nullopt;
  for (const config::ModelRef& ref : *candidates)
    if (location_of(config, ref) == where) return ref;
  return std::nullopt;
}

std::optional<config::ModelRef> default_alternate(const config::Config& config, std::string_view task,
                                                  config::Location primary) {
  const std::vector<config::ModelRef>* candidates = config.routing.candidates(task);
  if (primary == config::Location::local) {
    if (auto cloud = first_at(config, candidates, config::Location::cloud)) return cloud;
    return config.cost.baseline;
  }
  if (auto local = first_at(config, candidates, config::Location::local)) return local;
  if (location_of(config, config.default_model) == config::Location::local) return config.default_model;
  for (std::size_t b = 0; b < config.backends.size(); ++b)
    if (config.backends[b].location == config::Location::local) return config::ModelRef{b, 0};
  return std::nullopt;
}

}  // namespace

ShadowTarget shadow_target(const config::Config& config, std::string_view task, config::ModelRef primary,
                           bool private_user) {
  const config::ShadowTaskConfig* kind = config.shadow.task(task);
  std::optional<config::ModelRef> target = kind != nullptr && kind->target
                                               ? kind->target
                                               : default_alternate(config, task, location_of(config, primary));
  if (!target) return {std::nullopt, "no-alternate"};
  if (*target == primary) return {std::nullopt, "same-model"};
  if (private_user && location_of(config, *target) == config::Location::cloud) return {std::nullopt, "private-user"};
  return {target, {}};
}

}  // namespace llmroute::policies
