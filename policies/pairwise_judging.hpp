// The pairwise judging protocol for one shadow pair: every judge, both orders, one re-ask of an invalid verdict.
#pragma once

#include "policies/judge_call.hpp"
#include "policies/judge_verdict.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::policies {

/// Which answer of a pair is preferred, in the pair's own terms (not the positions a judge saw).
enum class PairWinner { primary, shadow, tie };
std::string_view to_string(PairWinner winner);  ///< "primary", "shadow", "tie"
std::optional<PairWinner> parse_pair_winner(std::string_view text);

/// What the judges compare: the task as text, the tools it offered, both answers and their models' families.
struct PairCase {
  std::string task;
  std::string tools;  ///< offered_tools() of the request; empty when it offered none
  JudgedAnswer primary;
  JudgedAnswer shadow;
  std::string primary_family;
  std::string shadow_family;
};

/// How one call's reply was read, in the pair's terms: a verdict, or why the reply was invalid.
struct CallReading {
  std::optional<PairWinner> winner;  ///< unset: invalid (or the call failed)
  RubricScores primary;
  RubricScores shadow;
  std::string reason;                ///< the judge's reason, or why the reply is invalid
};

/// One judge's verdict on the pair, both orders combined.
struct JudgeResult {
  JudgeIdentity judge;
  bool valid = false;            ///< both orders gave a valid verdict (within the re-asks)
  PairWinner winner = PairWinner::tie;
  bool order_dependent = false;  ///< the two orders named different winners: counted as a tie
  /// Weighted score of the primary minus the shadow's (−2…2), the mean of both orders; 0 when order-dependent.
  double score_difference = 0;
  bool same_family = false;      ///< the judge shares a family with the primary or the shadow model
  std::string reason;            ///< both orders' reasons, or why the judge's verdict is invalid
};

/// The pair's verdict: the judges combined.
struct PairJudgment {
  bool valid = false;            ///< at least one judge gave a valid verdict; else the pair is invalid
  PairWinner winner = PairWinner::tie;  ///< what every valid judge agrees on; a tie when they do not agree
  double score_difference = 0;   ///< mean of the valid judges' score differences
  bool needs_review = false;     ///< judges disagree beyond the threshold, or name opposite winners
  bool same_family_judge = false;  ///< a valid judge shares a family with a candidate (self-preference bias)
  std::vector<JudgeResult> judges;
};

/// Drives the calls for one pair: judge 0 primary-first, judge 0 shadow-first, judge 1 …; each order's
/// invalid verdict is asked again `invalid_retries` times, then that order (and so that judge) is invalid.
/// Pure: the caller makes the calls (see proxy/judge_worker) and feeds the replies back, also when
/// replaying the calls stored before a restart.
class PairwiseJudging {
 public:
  PairwiseJudging(PairCase pair, std::vector<JudgeIdentity> judges, std::uint32_t invalid_retries,
                  double disagreement_threshold);

  /// The next call to make; unset when every judge is done.
  std::optional<JudgeCall> next_call() const;
  /// Feeds the reply to the call next_call() returned (identified by judge, order and attempt; a reply to
  /// any other call is ignored). Returns how it was read. A failed call changes nothing.
  CallReading take_reply(const JudgeCall& call, const JudgeReply& reply);
  bool finished() const { return !next_call(); }
  /// The verdict so far; complete once finished().
  PairJudgment judgment() const;

  const PairCase& pair() const { return pair_; }
  const std::vector<JudgeIdentity>& judges() const { return judges_; }

 private:
  struct OrderState {
    std::uint32_t attempts = 0;  // answered calls
    std::optional<CallReading> verdict;
    std::string last_error;
  };
  bool order_done(const OrderState& state) const;
  JudgeResult judge_result(std::size_t judge) const;

  PairCase pair_;
  std::vector<JudgeIdentity> judges_;
  std::uint32_t invalid_retries_;
  double disagreement_threshold_;
  std::vector<std::array<OrderState, 2>> states_;  // per judge, per Order
};

/// Reads one pairwise reply shown in `order` into the pair's terms (a parse of the strict JSON).
CallReading read_pairwise_reply(std::string_view reply, Order order);

}  // namespace llmroute::policies
