// Pairwise judging: position swap per judge, one re-ask of invalid verdicts, judges combined with review flags.
#include "policies/pairwise_judging.hpp"

#include <algorithm>
#include <cmath>

namespace llmroute::policies {

namespace {

constexpr std::array<Order, 2> kOrders = {Order::primary_first, Order::shadow_first};

std::size_t index_of(Order order) { return order == Order::primary_first ? 0 : 1; }

}  // namespace

bool same_family(std::string_view judge_family, std::string_view candidate_family) {
  return !judge_family.empty() && judge_family == candidate_family;
}

std::string_view to_string(Order order) { return order == Order::primary_first ? "primary-first" : "shadow-first"; }

std::string_view to_string(PairWinner winner) {
  switch (winner) {
    case PairWinner::primary: return "primary";
    case PairWinner::shadow: return "shadow";
    case PairWinner::tie: return "tie";
  }
  return "tie";
}

std::optional<PairWinner> parse_pair_winner(std::string_view text) {
  if (text == "primary") return PairWinner::primary;
  if (text == "shadow") return PairWinner::shadow;
  if (text == "tie") return PairWinner::tie;
  return std::nullopt;
}

CallReading read_pairwise_reply(std::string_view reply, Order order) {
  CallReading reading;
  auto parsed = parse_pairwise_verdict(reply);
  if (!parsed.verdict) {
    reading.reason = std::move(parsed.error);
    return reading;
  }
  const PairwiseVerdict& v = *parsed.verdict;
  const bool primary_is_a = order == Order::primary_first;
  reading.primary = primary_is_a ? v.a : v.b;
  reading.shadow = primary_is_a ? v.b : v.a;
  if (v.winner == Winner::tie) reading.winner = PairWinner::tie;
  else if ((v.winner == Winner::a) == primary_is_a) reading.winner = PairWinner::primary;
  else reading.winner = PairWinner::shadow;
  reading.reason = v.reason;
  return reading;
}

PairwiseJudging::PairwiseJudging(PairCase pair, std::vector<JudgeIdentity> judges, std::uint32_t invalid_retries,
                                 double disagreement_threshold)
    : pair_(std::move(pair)),
      judges_(std::move(judges)),
      invalid_retries_(invalid_retries),
      disagreement_threshold_(disagreement_threshold),
      states_(judges_.size()) {}

bool PairwiseJudging::order_done(const OrderState& state) const {
  return state.verdict.has_value() || state.attempts > invalid_retries_;
}

std::optional<JudgeCall> PairwiseJudging::next_call() const {
  for (std::size_t j = 0; j < judges_.size(); ++j)
    for (Order order : kOrders) {
      const OrderState& state = states_[j][index_of(order)];
      if (order_done(state)) continue;
      const bool primary_first = order == Order::primary_first;
      JudgeCall call{j, order, state.attempts,
                     pairwise_prompt(pair_.task, pair_.tools, primary_first ? pair_.primary : pair_.shadow,
                                     primary_first ? pair_.shadow : pair_.primary)};
      return call;
    }
  return std::nullopt;
}

CallReading PairwiseJudging::take_reply(const JudgeCall& call, const JudgeReply& reply) {
  if (!reply.answered) return CallReading{std::nullopt, {}, {}, reply.error};
  CallReading reading = read_pairwise_reply(reply.text, call.order);
  if (call.judge >= states_.size()) return reading;
  OrderState& state = states_[call.judge][index_of(call.order)];
  if (order_done(state) || call.attempt != state.attempts) return reading;
  ++state.attempts;
  if (reading.winner) state.verdict = reading;
  else state.last_error = reading.reason;
  return reading;
}

JudgeResult PairwiseJudging::judge_result(std::size_t judge) const {
  JudgeResult result;
  result.judge = judges_[judge];
  result.same_family = same_family(result.judge.family, pair_.primary_family) ||
                       same_family(result.judge.family, pair_.shadow_family);
  const auto& first = states_[judge][0];
  const auto& second = states_[judge][1];
  if (!first.verdict || !second.verdict) {
    const Order bad = first.verdict ? Order::shadow_first : Order::primary_first;
    const OrderState& failed = states_[judge][index_of(bad)];
    result.reason = failed.attempts == 0 ? std::string("not judged yet")
                                         : "invalid verdict (" + std::string(to_string(bad)) + "): " + failed.last_error;
    return result;
  }
  result.valid = true;
  result.reason = "primary first: " + first.verdict->reason + " | shadow first: " + second.verdict->reason;
  if (*first.verdict->winner != *second.verdict->winner) {
    // Position bias: the verdict follows the order, not the answers.
    result.order_dependent = true;
    result.winner = PairWinner::tie;
    return result;
  }
  result.winner = *first.verdict->winner;
  const auto difference = [](const CallReading& r) { return weighted_score(r.primary) - weighted_score(r.shadow); };
  result.score_difference = (difference(*first.verdict) + difference(*second.verdict)) / 2;
  return result;
}

PairJudgment PairwiseJudging::judgment() const {
  PairJudgment out;
  std::vector<double> differences;
  bool any_primary = false, any_shadow = false, any_tie = false;
  for (std::size_t j = 0; j < judges_.size(); ++j) {
    out.judges.push_back(judge_result(j));
    const JudgeResult& r = out.judges.back();
    if (!r.valid) continue;
    differences.push_back(r.score_difference);
    any_primary = any_primary || r.winner == PairWinner::primary;
    any_shadow = any_shadow || r.winner == PairWinner::shadow;
    any_tie = any_tie || r.winner == PairWinner::tie;
    out.same_family_judge = out.same_family_judge || r.same_family;
  }
  if (differences.empty()) return out;
  out.valid = true;
  double sum = 0;
  for (double d : differences) sum += d;
  out.score_difference = sum / static_cast<double>(differences.size());
  if (any_primary && !any_shadow && !any_tie) out.winner = PairWinner::primary;
  else if (any_shadow && !any_primary && !any_tie) out.winner = PairWinner::shadow;
  const auto [low, high] = std::minmax_element(differences.begin(), differences.end());
  // A small tolerance keeps a gap of exactly the threshold (e.g. 0.5 from sums of 0.35s) from flagging.
  out.needs_review = (any_primary && any_shadow) || (*high - *low > disagreement_threshold_ + 1e-9);
  return out;
}

}  // namespace llmroute::policies
