// Where a sampled request's shadow goes: the alternate model for its task kind and primary, or why none.
#pragma once

#include "config/config.hpp"

#include <optional>
#include <string_view>

namespace llmroute::policies {

/// The alternate model of a shadow, or why the request is not copied (`skip` then names the reason).
struct ShadowTarget {
  std::optional<config::ModelRef> target;
  std::string_view skip;  ///< "no-alternate", "same-model", "private-user"; empty when `target` is set
};

/// The alternate for a request of `task` whose primary answer came from `primary`: the kind's configured
/// target, else the default (primary local → the kind's first cloud candidate, else cost.baseline; primary
/// cloud → the kind's first local candidate, else routing.default when local, else the first local model).
/// A private user's request never goes to a cloud alternate. Pure.
ShadowTarget shadow_target(const config::Config& config, std::string_view task, config::ModelRef primary,
                           bool private_user);

}  // namespace llmroute::policies
