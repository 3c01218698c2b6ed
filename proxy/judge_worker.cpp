// The judge worker: a dispatcher filling `concurrency` slots with due pairs, one coroutine per pair.
#include "proxy/judge_worker.hpp"

#include "policies/pairwise_judging.hpp"
#include "proxy/model_call.hpp"
#include "proxy/server_state.hpp"

#include <algorithm>
#include <cstdio>
#include <type_traits>

namespace llmroute::proxy {

namespace {

using namespace asio::experimental::awaitable_operators;
using policies::DuePair;
using policies::JudgeReply;
using policies::StoredCall;

/// The dispatcher also looks at the queue this often when nothing wakes it (another process may share it).
constexpr std::chrono::seconds kIdleRecheck{60};
/// Wait after the database failed before asking it again.
constexpr std::chrono::seconds kStoreErrorPause{5};

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Runs `work` (a plain function: it blocks on the disk) as a coroutine, for co_spawn on the blocking pool.
template <class Work>
awaitable<std::invoke_result_t<Work&>> run_blocking(Work work) {
  co_return work();
}

awaitable<void> wait_for_shutdown(asio::steady_timer* shutdown) { co_await shutdown->async_wait(use_nothrow); }

void log_store_error(std::string_view what, const std::string& error) {
  if (!error.empty()) std::fprintf(stderr, "llmroute: judge queue: %.*s: %s\n", static_cast<int>(what.size()), what.data(), error.c_str());
}

policies::PairCase case_of(const config::Config& config, const DuePair& due) {
  const auto family = [&config](const std::string& model) {
    const auto ref = config.find_model(model);
    return ref ? config.model(*ref).family : std::string();
  };
  return {due.pair.prompt,
          due.tools,
          {due.pair.primary.text, due.pair.primary.tool_calls},
          {due.pair.shadow.text, due.pair.shadow.tool_calls},
          family(due.pair.primary.model),
          family(due.pair.shadow.model)};
}

/// What the dispatcher reads from the queue in one visit.
struct QueueLook {
  std::vector<DuePair> due;
  std::optional<std::int64_t> next_due;  ///< the earliest pending pair not being judged
  std::string error;
};

}  // namespace

awaitable<JudgeReply> call_judge(ServerState* state, config::ModelRef judge, std::string body) {
  const config::Config& config = *state->config;
  ModelCallOptions options;
  options.mode = CallMode::whole;
  options.deadline = std::chrono::steady_clock::now() + config.judging.timeout;
  awaitable<ModelCallResult> call = call_model(state, judge, std::move(body), std::move(options));
  const ModelCallResult result = co_await std::move(call);
  JudgeReply reply;
  reply.answered = result.ok();
  reply.text = result.text;
  if (result.failure) {
    reply.error = result.failure->detail;
    if (result.http_status != 0) reply.error += " (status " + std::to_string(result.http_status) + ")";
  }
  reply.latency_ms = result.total_ms;
  reply.input_tokens = result.usage.input;
  reply.output_tokens = result.usage.output;
  reply.cost = state->cost.cost_of(config.model(judge), result.location, result.usage, result.total_ms / 1000.0);
  co_return reply;
}

JudgeWorker::JudgeWorker(ServerState& state, JudgeCaller caller)
    : state_(state),
      caller_(std::move(caller)),
      store_(std::make_shared<policies::JudgeStore>(state.database_file)),
      wake_(state.io),
      shutdown_(state.io, asio::steady_timer::time_point::max()) {
  const config::Config& config = *state.config;
  for (const config::ModelRef& judge : config.judging.judges) judges_.push_back({config.ref_name(judge), config.model(judge).family});
}

void JudgeWorker::start() { asio::co_spawn(state_.io, run(this), asio::detached); }

void JudgeWorker::submit(policies::ShadowPair pair) {
  ++submitted_;
  ++storing_;
  asio::co_spawn(state_.io, enqueue(this, std::move(pair)), asio::detached);
}

void JudgeWorker::stop() {
  stopping_ = true;
  wake_.cancel();
  shutdown_.cancel();
}

void JudgeWorker::wake() {
  woken_ = true;
  wake_.cancel();
}

awaitable<void> JudgeWorker::enqueue(JudgeWorker* self, policies::ShadowPair pair) {
  std::shared_ptr<policies::JudgeStore> store = self->store_;  // a disk job may outlive the worker
  auto work = [store, pair = std::move(pair)] {
    std::string error;
    const std::string tools = policies::offered_tools(pair.request_body);
    store->enqueue(pair, tools, error);
    return error;
  };
  const std::string error =
      co_await asio::co_spawn(self->state_.blocking_work, run_blocking(std::move(work)), asio::use_awaitable);
  log_store_error("cannot queue a pair", error);
  --self->storing_;
  self->wake();
}

awaitable<void> JudgeWorker::run(JudgeWorker* self) {
  const std::uint32_t concurrency = self->state_.config->judging.concurrency;
  while (!self->stopping_) {
    self->woken_ = false;
    std::shared_ptr<policies::JudgeStore> store = self->store_;  // a disk job may outlive the worker
    const std::size_t room = concurrency > self->active_.size() ? concurrency - self->active_.size() : 0;
    auto look = [store, room, except = self->active_] {
      QueueLook out;
      const std::int64_t now = now_unix_ms();
      if (room > 0) out.due = store->due_pairs(now, room, except, out.error);
      std::vector<std::int64_t> busy = except;
      for (const DuePair& pair : out.due) busy.push_back(pair.pair_id);
      out.next_due = store->next_due(busy, out.error);
      return out;
    };
    QueueLook seen = co_await asio::co_spawn(self->state_.blocking_work, run_blocking(std::move(look)), asio::use_awaitable);
    if (self->stopping_) break;
    log_store_error("cannot read the queue", seen.error);
    for (DuePair& due : seen.due) {
      self->active_.push_back(due.pair_id);
      asio::co_spawn(self->state_.io, judge_pair(self, std::move(due)), asio::detached);
    }
    if (self->woken_) continue;
    auto wait = std::chrono::steady_clock::duration(kIdleRecheck);
    if (!seen.error.empty()) wait = kStoreErrorPause;
    else if (seen.next_due && self->active_.size() < concurrency)
      wait = std::min<std::chrono::steady_clock::duration>(wait, std::chrono::milliseconds(std::max<std::int64_t>(0, *seen.next_due - now_unix_ms())));
    self->wake_.expires_after(wait);
    co_await self->wake_.async_wait(use_nothrow);
  }
}

awaitable<void> JudgeWorker::judge_pair(JudgeWorker* self, DuePair due) {
  // Shutdown abandons the call in flight; the bookkeeping below still runs.
  co_await asio::this_coro::throw_if_cancelled(false);
  const config::ConfigPtr config = self->state_.config;
  const config::JudgingConfig& judging = config->judging;
  std::shared_ptr<policies::JudgeStore> store = self->store_;  // a disk job may outlive the worker
  policies::PairwiseJudging protocol(case_of(*config, due), self->judges_, judging.retry.invalid_verdict,
                                     judging.disagreement_threshold);
  // Calls made before a restart count as made; calls of judges no longer configured are left out.
  for (const StoredCall& stored : due.calls)
    for (std::size_t j = 0; j < self->judges_.size(); ++j)
      if (self->judges_[j].name == stored.judge.name)
        protocol.take_reply(policies::JudgeCall{j, stored.order, stored.attempt, {}}, stored.reply);

  std::string failure;
  while (auto call = protocol.next_call()) {
    if (self->stopping_) break;
    const policies::JudgeIdentity judge = self->judges_[call->judge];
    std::string body = policies::judge_request_body(call->prompt, judging.max_tokens);
    const std::int64_t started = now_unix_ms();
    awaitable<JudgeReply> ask = self->caller_(judging.judges[call->judge], std::move(body));
    auto outcome = co_await (std::move(ask) || wait_for_shutdown(&self->shutdown_));
    if (outcome.index() == 1 || self->stopping_) break;  // shutdown: the pair stays pending for the next run
    StoredCall stored;
    stored.start_unix_ms = started;
    stored.judge = judge;
    stored.same_family = policies::same_family(judge.family, protocol.pair().primary_family) ||
                         policies::same_family(judge.family, protocol.pair().shadow_family);
    stored.order = call->order;
    stored.attempt = call->attempt;
    stored.reply = std::get<0>(std::move(outcome));
    stored.reading = protocol.take_reply(*call, stored.reply);
    ++self->calls_;
    const std::int64_t pair_id = due.pair_id;
    auto save = [store, pair_id, stored] { return store->record_call(pair_id, stored); };
    const std::string error = co_await asio::co_spawn(self->state_.blocking_work, run_blocking(std::move(save)), asio::use_awaitable);
    log_store_error("cannot store a judge call", error);
    if (!stored.reply.answered) {
      failure = "judge " + judge.name + ": " + stored.reply.error;
      break;
    }
  }

  if (!self->stopping_) {
    const std::int64_t pair_id = due.pair_id;
    const std::int64_t now = now_unix_ms();
    std::function<std::string()> settle;
    std::string_view settled_as;
    if (protocol.finished()) {
      settled_as = protocol.judgment().valid ? "judged" : "invalid";
      settle = [store, pair_id, now, verdict = protocol.judgment()] { return store->finish(pair_id, verdict, now); };
    } else {
      const std::uint32_t rounds = due.failed_rounds + 1;
      if (rounds >= judging.retry.failed_call_attempts) {
        std::fprintf(stderr, "llmroute: judge pair %lld given up after %u failed rounds: %s\n",
                     static_cast<long long>(pair_id), rounds, failure.c_str());
        settled_as = "failed";
        settle = [store, pair_id, now, failure] { return store->give_up(pair_id, failure, now); };
      } else {
        settled_as = "postponed";
        if (const auto warning = self->postponements_.postponed(pair_id, failure, rounds, judging.retry.failed_call_attempts,
                                                                judging.retry.backoff, std::chrono::steady_clock::now()))
          std::fprintf(stderr, "%s\n", warning->c_str());
        const std::int64_t next = now + judging.retry.backoff.count();
        settle = [store, pair_id, rounds, next, failure] { return store->postpone(pair_id, rounds, next, failure); };
      }
    }
    const std::string error =
        co_await asio::co_spawn(self->state_.blocking_work, run_blocking(std::move(settle)), asio::use_awaitable);
    log_store_error("cannot store a verdict", error);
    auto counter = self->settled_.find(settled_as);
    if (counter == self->settled_.end()) counter = self->settled_.emplace(std::string(settled_as), 0).first;
    ++counter->second;
  }
  self->active_.erase(std::find(self->active_.begin(), self->active_.end(), due.pair_id));
  self->wake();
}

}  // namespace llmroute::proxy
