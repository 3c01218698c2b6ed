// Names of the quotas, as the config, the usage endpoints, the metrics and error messages spell them.
#include "policies/quota_store.hpp"

namespace llmroute::policies {

std::string_view to_string(QuotaName quota) {
  switch (quota) {
    case QuotaName::requests_per_minute: return "requests_per_minute";
    case QuotaName::tokens_per_day: return "tokens_per_day";
    case QuotaName::cloud_spend_per_month: return "cloud_spend_per_month";
    case QuotaName::max_concurrent: return "max_concurrent";
  }
  return "requests_per_minute";
}

}  // namespace llmroute::policies
