// Runs a bench plan on the I/O thread: streamed model calls, stored answers, functional checks off-thread.
#pragma once

#include "benchmark/bench_plan.hpp"
#include "benchmark/bench_store.hpp"
#include "benchmark/progress.hpp"
#include "benchmark/sandbox.hpp"
#include "policies/judge_call.hpp"
#include "proxy/asio.hpp"
#include "proxy/server_state.hpp"

#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace llmroute::proxy {

/// What the workers of one bench run share. Only the I/O thread touches it (checks and saves run on
/// `blocking` but hand their results back to the I/O thread).
struct BenchContext {
  ServerState* state = nullptr;
  benchmark::BenchStore* store = nullptr;
  const benchmark::Sandbox* sandbox = nullptr;  ///< null when no planned task has a functional check
  benchmark::Progress* progress = nullptr;
  asio::thread_pool* blocking = nullptr;        ///< functional checks and database writes
  std::string run_id;
  std::vector<config::ModelRef> judges;                ///< empty: answers are not judged
  std::vector<policies::JudgeIdentity> judge_identities;  ///< the judges' names and families, same order
  std::vector<benchmark::PlannedPair>* pairs = nullptr;
  std::size_t next = 0;        ///< the next pair a worker takes
  std::size_t failed = 0;      ///< pairs whose model call or judge call failed
  std::size_t save_errors = 0; ///< pairs that could not be stored (they will run again on --resume)
  std::string store_error;     ///< why the first save failed; once set, no worker takes another pair
};

/// One worker: takes pairs until none is left, or a save failed. For each: a streamed call to the model unless an earlier
/// attempt stored its answer (saved at once as `answered`), the judges' absolute scores (a failed judge
/// call leaves the pair `answered` for --resume), the functional check, then `done`.
/// Start `--concurrency` of them with co_spawn.
awaitable<void> bench_worker(BenchContext* context);

}  // namespace llmroute::proxy
