// A reference to one configured model: the type every section naming a model (routes, judges, ...) holds.
#pragma once

#include <cstddef>

namespace llmroute::config {

/// A reference to one model of one backend, written `backend/model` in the config.
struct ModelRef {
  std::size_t backend = 0;  ///< index into Config::backends
  std::size_t model = 0;    ///< index into BackendConfig::models
  bool operator==(const ModelRef&) const = default;
};

}  // namespace llmroute::config
