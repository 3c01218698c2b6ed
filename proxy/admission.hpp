// Admission of a model request against its user's quotas: estimate, reserve, degrade to local, settle.
#pragma once

#include "policies/quota_store.hpp"
#include "proxy/server_state.hpp"
#include "proxy/wire_format.hpp"
#include "records/request_record.hpp"
#include "router/router.hpp"

#include <optional>
#include <string>

namespace llmroute::proxy {

/// How a refused request is answered (in the wire format of the endpoint called).
struct AdmissionRefusal {
  int status = 429;     ///< 429 for a quota, 503 when the quota store cannot answer
  std::string message;  ///< names the user, the quota, its use and when it resets
  std::string code;     ///< the OpenAI error `code`: rate_limit_exceeded, insufficient_quota or quota_store_unavailable
  std::string type;     ///< the OpenAI error `type` (requests, tokens, insufficient_quota); empty: the status's
  std::string headers;  ///< Retry-After, x-llmroute-quota and x-llmroute-quota-reset lines
};

/// The outcome of admission.
struct Admitted {
  /// The held reservation; settle it with settlement_of() once the answer is over (it refunds by itself on
  /// any other way out). Empty when nothing was reserved: the request is refused, exempt (count_tokens) or
  /// has no route.
  std::optional<policies::ReservationGuard> guard;
  std::optional<AdmissionRefusal> refusal;
};

/// Reserves `user`'s quotas for a request before anything is forwarded: the request itself, its token
/// estimate (estimated input + the answer reserve of the context-fit check) and, when a candidate is in the
/// cloud, the dearest cloud candidate's cost for that estimate. When the cloud spend is used up and the user's
/// policy is degrade-to-local, the route is decided again local-only (`decision` replaced, its reason saying
/// why), and a local route is admitted without spend; a decision that then has no candidate is left to the
/// caller's refusal answer. Counts refusals in the metrics.
awaitable<Admitted> admit(ServerState* state, const config::UserConfig* user, ClientApi api,
                          const router::RequestFeatures* features, router::RouteRequest* route_request,
                          router::RouteDecision* decision);

/// What a finished request really used: its measured tokens and, when a cloud backend served it, their cost.
/// A request that got no successful answer (no status, or an error status) used nothing: a refund.
policies::Settlement settlement_of(const records::RequestRecord& record, const config::ModelConfig* model,
                                   const records::CostModel& cost);

/// `t` as an ISO 8601 UTC timestamp, e.g. 2025-04-01T00:00:00Z.
std::string utc_text(policies::TimePoint t);

}  // namespace llmroute::proxy
