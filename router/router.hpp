// Decides which models may serve a request, in which order, and why: the pure core of routing.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "router/classifier.hpp"
#include "router/request_features.hpp"

namespace llmroute::router {

/// Where a user's requests may go, from the user's settings and budget state.
enum class UserPolicy {
  standard,                ///< local or cloud, as the route table says
  private_user,            ///< the user's `private` flag: never a cloud backend
  cloud_budget_exhausted,  ///< degrade-to-local after the cloud budget is spent: never a cloud backend
};

/// The header a client sets to override the body's model: `local`, `cloud`, `auto`, `backend/model`
/// or a configured model name.
inline constexpr std::string_view kRouteHeader = "x-llmroute-route";

/// Everything decide_route reads about one request. Borrows: the pointees must outlive the call.
struct RouteRequest {
  const RequestFeatures* features = nullptr;  ///< required
  Classification classification;              ///< the classifier's verdict on `features`
  std::string_view requested_model;           ///< the body's `model`, as sent
  std::optional<std::string_view> route_header;  ///< the x-llmroute-route header, if sent
  UserPolicy policy = UserPolicy::standard;
  std::string_view conversation_key;       ///< from conversation_key(); empty: not a pinnable conversation
  std::optional<config::ModelRef> pinned;  ///< the conversation's pinned model, if it has one
  /// Whether a backend (index into Config::backends) is healthy now; empty: every backend is.
  std::function<bool(std::size_t backend)> healthy;
  /// Fill RouteDecision::trace (`llmroute route --explain`); the proxy leaves it off.
  bool explain = false;
};

/// Why no model may serve a request; decides the status the proxy answers with.
enum class RefusalCause {
  none,
  local_only,  ///< a private (or out-of-budget) user and no local model passes: 503, never the cloud
  no_fit,      ///< every model fails context fit or capabilities: the request itself is too big (400)
};

/// One model to try, with why it is in the list (for traces and x-llmroute-reason).
struct Candidate {
  config::ModelRef target;
  std::string why;
};

/// The outcome: try `candidates` in order (fall back to the next only before the first byte reached
/// the client), unless `refusal` says nothing may serve the request.
struct RouteDecision {
  std::vector<Candidate> candidates;
  std::string reason;              ///< short, one line, for x-llmroute-reason and the request record
  std::vector<std::string> trace;  ///< every step, when RouteRequest::explain asked for it
  std::optional<std::string> refusal;  ///< set when no candidate remains; `candidates` is then empty
  RefusalCause refusal_cause = RefusalCause::none;
  /// For a local-only user (private, or out of cloud budget): why no cloud backend may take over when every
  /// local candidate fails, e.g. "a private user's requests never go to a cloud backend". Empty otherwise.
  std::string local_only;
  /// Pin the conversation to the model that ends up serving this request (no pin yet, or the old pin
  /// no longer passes the constraints). Only meaningful with a conversation key.
  bool pin_new = false;
};

/// Decides the candidates of one request. Pure: reads only its arguments, no I/O, thread-safe.
///
/// The model (x-llmroute-route header first, else the body's `model`) selects the mode: `auto` and
/// unconfigured names route by the classified task; `local`/`cloud` take the task's candidates of
/// that location (or every model there if the task has none); a configured model (or `backend/model`)
/// is honoured as is. Task candidates then pass the constraints (user policy, context fit, tools,
/// vision); a still-valid pin goes first; when nothing passes, every configured model is tried
/// against the same constraints; unhealthy backends move to the end.
RouteDecision decide_route(const config::Config& config, const RouteRequest& request);

/// Whether decide_route needs the request's task and its conversation's pin. It does not when the request names
/// a configured model (the x-llmroute-route header first, else the body's `model`) that its user may use: that
/// model is honoured as is, whatever the task. A cloud model named by a user who is, or may become, local-only
/// (`may_become_local_only`: admission can degrade an out-of-budget user to local) is routed by task instead.
bool route_needs_task(const config::Config& config, const RouteRequest& request, bool may_become_local_only);

/// Answer tokens a request asks room for, before any model is chosen: its max_tokens capped by
/// routing.output_reserve_tokens, or that when it sets none.
std::uint32_t reserved_output_tokens(const config::Config& config, const RequestFeatures& features);

/// Answer tokens the context-fit check reserves for a request on a model whose window is
/// `model_context_tokens`: the request's max_tokens (routing.output_reserve_tokens when it sets none),
/// capped by output_reserve_tokens and by a quarter of the model's window, so small-context models
/// still take short requests.
std::uint32_t reserved_output_tokens(const config::Config& config, const RequestFeatures& features,
                                     std::uint32_t model_context_tokens);

}  // namespace llmroute::router
