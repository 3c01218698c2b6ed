// The judge worker of `llmroute serve`: drains the durable judge queue with a small concurrency, calling the
// judge models and storing every call and verdict, and picks up where it stopped after a restart.
#pragma once

#include "config/config.hpp"
#include "policies/judge_call.hpp"
#include "policies/judge_store.hpp"
#include "policies/shadow_pair.hpp"
#include "proxy/asio.hpp"
#include "proxy/judge_postponements.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace llmroute::proxy {

class ServerState;

/// Makes one judge call: the judge model and a Chat Completions body in, the reply (or why it failed) out.
/// Production calls go through call_model (call_judge below); tests pass a double.
using JudgeCaller = std::function<awaitable<policies::JudgeReply>(config::ModelRef judge, std::string body)>;

/// One judge call through call_model: whole answer, the config's judging timeout, priced like any request
/// of that model (tokens at its price, or the local box's busy time).
awaitable<policies::JudgeReply> call_judge(ServerState* state, config::ModelRef judge, std::string body);

/// Judges the queued shadow pairs: at most judging.concurrency pairs at once, each pair's calls one after
/// another (PairwiseJudging), every call stored before the next is made. A failed call postpones its pair by
/// retry.backoff (said on stderr once per cause, then at most every minute), and retry.failed_call_attempts
/// failed rounds give it up. Runs on the proxy's I/O thread; the database is touched on state.blocking_work only.
class JudgeWorker {
 public:
  /// Opens the judge queue in the records database (throws records::RecordStoreError at startup).
  JudgeWorker(ServerState& state, JudgeCaller caller);

  /// Starts draining: pairs left pending by an earlier run first.
  void start();
  /// Queues a pair (from the shadow runner): stored off the I/O thread, then judged. Never blocks.
  void submit(policies::ShadowPair pair);
  /// Shutdown: takes no more pairs and abandons the calls in flight; their pairs stay pending for the next run.
  void stop();

  std::size_t judging() const { return active_.size(); }
  /// Pairs handed over and not settled yet in this process: being written to the queue or being judged.
  std::size_t busy() const { return storing_ + active_.size(); }
  /// Since start: pairs handed over, judge calls made, and pairs settled by outcome ("judged", "invalid",
  /// "postponed", "failed").
  std::uint64_t submitted() const { return submitted_; }
  std::uint64_t calls() const { return calls_; }
  const std::map<std::string, std::uint64_t, std::less<>>& settled() const { return settled_; }
  /// The judge queue's store (thread-safe; disk access: not on the I/O thread).
  policies::JudgeStore& store() { return *store_; }

 private:
  static awaitable<void> run(JudgeWorker* self);
  static awaitable<void> judge_pair(JudgeWorker* self, policies::DuePair due);
  static awaitable<void> enqueue(JudgeWorker* self, policies::ShadowPair pair);
  void wake();

  ServerState& state_;
  JudgeCaller caller_;
  std::vector<policies::JudgeIdentity> judges_;
  /// Shared with each disk job on state.blocking_work: a job still running when the worker is destroyed
  /// (shutdown, a test ending) keeps the store open until it returns.
  std::shared_ptr<policies::JudgeStore> store_;
  asio::steady_timer wake_;      ///< the dispatcher's wait for a due pair, a new pair or a free slot
  asio::steady_timer shutdown_;  ///< never expires; stop() cancels every call's wait on it at once
  std::vector<std::int64_t> active_;  ///< pairs being judged
  std::size_t storing_ = 0;           ///< pairs submitted whose queue write has not finished
  std::uint64_t submitted_ = 0;
  std::uint64_t calls_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> settled_;
  JudgePostponements postponements_;  ///< when a postponed pair is said on stderr
  bool woken_ = false;  ///< something changed while the dispatcher was busy: look again before waiting
  bool stopping_ = false;
};

}  // namespace llmroute::proxy
