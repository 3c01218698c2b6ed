// Shadow execution: once a sampled request's primary answer is complete, a detached copy to an alternate model.
#pragma once

#include "config/config.hpp"
#include "policies/shadow_budget.hpp"
#include "policies/shadow_pair.hpp"
#include "policies/shadow_sampler.hpp"
#include "proxy/asio.hpp"
#include "proxy/backend_slots.hpp"
#include "records/request_record.hpp"
#include "router/request_features.hpp"
#include "wire/answer_collector.hpp"
#include "wire/wire_format.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace llmroute::proxy {

class ServerState;

/// What the request path hands over about a sampled request whose primary answer completed.
struct ShadowJob {
  std::string task;
  double task_confidence = 0;
  std::string task_rule;
  std::string user;
  bool private_user = false;
  config::ModelRef primary;             ///< the model that answered the client
  wire::WireFormat client_format = wire::WireFormat::chat;
  std::string client_body;              ///< the client's request body, in `client_format`
  std::uint64_t estimated_input_tokens = 0;  ///< for the budget reservation
  std::uint64_t reserved_output_tokens = 0;  ///< the request's max_tokens (or the configured reserve)
  policies::ShadowAnswer primary_answer;     ///< its cost is filled in by start()
};

/// The job of a sampled request, once its primary answer is over: nothing when that answer failed, was cut
/// off or went to a model the config does not know. `answer` is what the relay reassembled.
std::optional<ShadowJob> shadow_job(const config::Config& config, const records::RequestRecord& primary,
                                    const router::RequestFeatures& features, const wire::AnswerCollector& answer,
                                    wire::WireFormat client_format, std::string_view client_body, bool private_user);

/// Samples requests, gates shadows (target, private users, budget, in-flight cap, idle local backend) and
/// runs them detached on the I/O thread. Not thread-safe: everything runs on the proxy's one I/O thread.
class ShadowRunner {
 public:
  using PairSink = std::function<void(policies::ShadowPair)>;

  /// `config` must outlive the runner (it is the server's config).
  ShadowRunner(asio::io_context& io, const config::Config& config);
  /// Rebuilds this month's shadow spend from the records database when records are enabled, so a restart does not
  /// reset the budget (startup: reads the disk; throws RecordStoreError).
  void restore_recorded_spend();

  /// Whether a request of `task` is sampled: decided before forwarding, so that only sampled requests
  /// reassemble their primary answer (see AnswerMeter::keep_answer).
  bool sample(std::string_view task);
  /// Starts the shadow of `job` detached, unless a gate stops it; `primary_cost` completes the pair.
  /// Never waits and never touches the primary's connection. Returns why it did not start (empty: started).
  std::string_view start(ServerState* state, ShadowJob job, double primary_cost);
  /// Where completed pairs go (the judge queue); unset: pairs are only counted.
  void set_pair_sink(PairSink sink) { pair_sink_ = std::move(sink); }
  /// Shutdown: ends every running shadow now (their calls are abandoned, their records not written).
  void cancel_all();

  std::uint32_t in_flight() const { return in_flight_; }
  /// Shadows started, and not started by reason ("budget", "in-flight", "busy" (no free slot, or a busy
  /// local box), "private-user", "no-alternate", "same-model", "untranslatable", "shutdown").
  std::uint64_t started() const { return started_; }
  const std::map<std::string, std::uint64_t, std::less<>>& skipped() const { return skipped_; }
  policies::ShadowBudget& budget() { return budget_; }

 private:
  /// One shadow, from the call to its record and pair; `reserved` is its budget reservation, `slot` the
  /// target backend's slot it holds while it runs.
  static awaitable<void> run(ServerState* state, ShadowRunner* runner, ShadowJob job, config::ModelRef target,
                             std::string chat_body, double reserved, SlotGuard slot);
  std::string_view skip(std::string_view reason);

  const config::Config& config_;
  policies::ShadowSampler sampler_;
  policies::ShadowBudget budget_;
  asio::steady_timer shutdown_;  ///< never expires; cancel_all() cancels every shadow's wait on it at once
  PairSink pair_sink_;
  std::uint32_t in_flight_ = 0;
  std::uint64_t started_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> skipped_;
};

}  // namespace llmroute::proxy
