// The bench's workers: one pair at a time each, the model call streamed and measured, every step stored.
#include "proxy/bench_runner.hpp"

#include "benchmark/bench_judging.hpp"
#include "benchmark/code_block.hpp"
#include "benchmark/task_request.hpp"
#include "policies/absolute_judging.hpp"
#include "proxy/model_call.hpp"

#include <cstdio>

namespace llmroute::proxy {

namespace {

using benchmark::BenchResult;
using benchmark::PairState;

BenchResult fresh_result(const BenchContext& context, const benchmark::PlannedPair& pair) {
  BenchResult r;
  r.run_id = context.run_id;
  r.task_id = pair.task->id;
  r.model = pair.model;
  r.category = pair.task->category;
  r.difficulty = pair.task->difficulty;
  r.max_tokens = pair.task->max_tokens;
  return r;
}

void take_call(BenchResult& r, const ModelCallResult& call, const ServerState& state, config::ModelRef ref) {
  r.state = call.ok() ? PairState::answered : PairState::failed;
  r.start_ms = call.start_unix_ms;
  r.route = std::string(config::to_string(call.location));
  r.backend = call.backend;
  r.http_status = call.http_status;
  r.failure = call.failure ? std::string(to_string(call.failure->kind)) + ": " + call.failure->detail : std::string();
  r.finish_reason = call.finish_reason;
  r.truncated = call.truncated;
  r.ttft_ms = call.ttft_ms;
  r.total_ms = call.total_ms;
  r.tokens_per_second = record_of(call).tokens_per_second;
  const benchmark::AnswerParts parts = benchmark::split_answer(call.text, call.reasoning, call.usage);
  r.usage = call.usage;
  r.usage.reasoning = parts.reasoning_tokens;
  r.usage_reported = call.usage_reported;
  // As the proxy prices a request: a local model's cost is its busy time, from request to last byte.
  r.cost = state.cost.cost_of(state.config->model(ref), call.location, call.usage, call.total_ms / 1000.0);
  r.cloud_equivalent_cost = state.cost.cloud_equivalent(call.usage);
  r.answer = parts.answer;
  r.reasoning = parts.reasoning;
}

std::string outcome_text(const BenchResult& r) {
  if (r.state == PairState::failed) return "failed (" + r.failure + ")";
  char text[96];
  std::snprintf(text, sizeof text, "done in %.1f s, %llu tokens", r.total_ms / 1000.0,
                static_cast<unsigned long long>(r.usage.output));
  std::string out = text;
  if (r.usage.reasoning > 0) out += " (" + std::to_string(r.usage.reasoning) + " thinking)";
  if (r.truncated) out += ", TRUNCATED at max_tokens " + std::to_string(r.max_tokens);
  if (r.quality) {
    char quality[48];
    std::snprintf(quality, sizeof quality, ", quality %.2f (%d judges)", *r.quality, r.judges);
    out += quality;
  }
  if (r.checks_total) out += ", " + std::to_string(*r.checks_passed) + "/" + std::to_string(*r.checks_total) + " checks";
  return out;
}

// Every judge scores the stored answer (policies' absolute protocol, invalid verdicts re-asked). Returns why a
// judge call failed, empty once the judgment is in `result`.
awaitable<std::string> judge_answer(BenchContext* context, const tasks::Task* task, BenchResult* result,
                                    config::ModelRef candidate) {
  ServerState& state = *context->state;
  const config::JudgingConfig& judging_config = state.config->judging;
  policies::AbsoluteJudging judging(benchmark::judged_case(*task, *result, state.config->model(candidate).family),
                                    context->judge_identities, judging_config.retry.invalid_verdict,
                                    judging_config.disagreement_threshold);
  double cost = 0;
  while (const std::optional<policies::JudgeCall> call = judging.next_call()) {
    const config::ModelRef judge = context->judges[call->judge];
    ModelCallOptions options;
    options.mode = CallMode::whole;
    options.deadline = std::chrono::steady_clock::now() + judging_config.timeout;
    std::string body = policies::judge_request_body(call->prompt, judging_config.max_tokens);
    awaitable<ModelCallResult> calling = call_model(&state, judge, std::move(body), std::move(options));
    const ModelCallResult reply = co_await std::move(calling);
    const double call_cost =
        state.cost.cost_of(state.config->model(judge), reply.location, reply.usage, reply.total_ms / 1000.0);
    cost += call_cost;
    if (!reply.ok())
      co_return "judge " + context->judge_identities[call->judge].name + " failed: " + reply.failure->detail;
    // A reasoning judge may think aloud first; the verdict is what follows.
    judging.take_reply(*call, policies::JudgeReply{true, benchmark::strip_think_blocks(reply.text), {}, call_cost,
                                                   reply.total_ms, reply.usage.input, reply.usage.output});
  }
  benchmark::apply_judgment(*result, judging.judgment(), cost);
  co_return std::string();
}

// Blocking work, run on the context's thread pool.
awaitable<benchmark::CheckOutcome> run_check(const benchmark::Sandbox* sandbox, const tasks::FunctionalCheck* check,
                                             std::string answer) {
  co_return sandbox->run(*check, answer);
}

// Returns SQLite's error, empty once stored.
awaitable<std::string> save_result(benchmark::BenchStore* store, BenchResult result) { co_return store->save(result); }

// Stores `result`; false (said on stderr, and the bench stops) when the database refused it.
awaitable<bool> save(BenchContext* context, const BenchResult& result) {
  // GCC 12: no non-trivial temporaries inside co_await, so the coroutines are named first.
  awaitable<std::string> saving = save_result(context->store, result);
  const std::string error = co_await asio::co_spawn(*context->blocking, std::move(saving), asio::use_awaitable);
  if (error.empty()) co_return true;
  ++context->save_errors;
  std::fprintf(stderr, "\nbench: cannot store %s × %s: %s\n", result.task_id.c_str(), result.model.c_str(), error.c_str());
  // Running the pairs left would only spend model calls on results that cannot be kept: a database that refused a
  // write (its file gone, the disk full, an I/O error) is not trusted with the next one.
  if (context->store_error.empty()) context->store_error = error;
  co_return false;
}

awaitable<void> run_pair(BenchContext* context, benchmark::PlannedPair* pair) {
  ServerState& state = *context->state;
  const std::string label = pair->task->id + " × " + pair->model;
  context->progress->started(label);
  BenchResult result = pair->stored.value_or(fresh_result(*context, *pair));
  if (pair->needs_call) {
    const config::ModelRef ref = *state.config->find_ref(pair->model);
    ModelCallOptions options;
    options.mode = CallMode::streamed;
    std::string body = benchmark::task_request_body(*pair->task);
    awaitable<ModelCallResult> calling = call_model(&state, ref, std::move(body), std::move(options));
    const ModelCallResult call = co_await std::move(calling);
    take_call(result, call, state, ref);
    awaitable<bool> saving = save(context, result);
    const bool stored = co_await std::move(saving);
    if (result.state == PairState::failed) {
      ++context->failed;
      context->progress->finished(label, outcome_text(result) + (stored ? "" : ", not stored"));
      co_return;
    }
    // Judges and checks would be spent on an answer that cannot be kept.
    if (!context->store_error.empty()) {
      context->progress->finished(label, stored ? "answered and stored; not judged or checked, as the bench stops"
                                                : "answered, but not stored");
      co_return;
    }
  }
  if (!context->judges.empty()) {
    const config::ModelRef candidate = *state.config->find_ref(pair->model);
    awaitable<std::string> judging = judge_answer(context, pair->task, &result, candidate);
    const std::string judge_error = co_await std::move(judging);
    if (!judge_error.empty()) {
      ++context->failed;
      context->progress->finished(label, "answered, but not judged (" + judge_error + ")");
      co_return;
    }
  }
  if (const auto& check = pair->task->check) {
    awaitable<benchmark::CheckOutcome> checking = run_check(context->sandbox, &*check, result.answer);
    const benchmark::CheckOutcome outcome = co_await asio::co_spawn(*context->blocking, std::move(checking), asio::use_awaitable);
    result.checks_passed = outcome.passed;
    result.checks_total = outcome.total;
    result.check_detail = benchmark::to_json(outcome);
  }
  result.state = PairState::done;
  awaitable<bool> saving = save(context, result);
  const bool stored = co_await std::move(saving);
  context->progress->finished(label, outcome_text(result) + (stored ? "" : ", but not stored"));
}

}  // namespace

awaitable<void> bench_worker(BenchContext* context) {
  while (context->store_error.empty() && context->next < context->pairs->size()) {
    benchmark::PlannedPair* pair = &(*context->pairs)[context->next++];
    co_await run_pair(context, pair);
  }
}

}  // namespace llmroute::proxy
