// Shadow sampling by task kind.
#include "policies/shadow_sampler.hpp"

namespace llmroute::policies {

namespace {

std::uint64_t seed_of(const config::ShadowConfig& config) {
  if (config.seed) return *config.seed;
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace

ShadowSampler::ShadowSampler(const config::ShadowConfig& config) : config_(config), random_(seed_of(config)) {}

bool ShadowSampler::sample(std::string_view task) {
  const config::ShadowTaskConfig* kind = config_.task(task);
  if (kind == nullptr || kind->rate <= 0) return false;
  if (kind->rate >= 1) return true;
  // 53 random bits as a double in [0, 1): the same on every platform, unlike uniform_real_distribution.
  const double draw = static_cast<double>(random_() >> 11) * 0x1.0p-53;
  return draw < kind->rate;
}

}  // namespace llmroute::policies
