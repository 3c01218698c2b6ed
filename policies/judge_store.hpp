// The durable judge queue in the records database: shadow pairs, every judge call with its cost, verdicts,
// and human reviews (tables judge_pairs and judge_calls, schema migration 3).
#pragma once

#include "policies/judge_aggregation.hpp"
#include "policies/pairwise_judging.hpp"
#include "policies/shadow_pair.hpp"
#include "records/database_file.hpp"
#include "records/sqlite_connection.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::policies {

/// Where a pair is in its life.
enum class PairState { pending, judged, invalid, failed };
std::string_view to_string(PairState state);
std::optional<PairState> parse_pair_state(std::string_view text);

/// One stored judge call: what was asked, what came back, how it was read.
struct StoredCall {
  std::int64_t start_unix_ms = 0;
  JudgeIdentity judge;
  bool same_family = false;
  Order order = Order::primary_first;
  std::uint32_t attempt = 0;
  JudgeReply reply;
  CallReading reading;  ///< reading.winner unset: invalid (reply.answered) or failed (not answered)
};

/// A pair the worker should judge now, with the calls made for it before (e.g. before a restart).
struct DuePair {
  std::int64_t pair_id = 0;
  ShadowPair pair;
  std::string tools;
  std::uint32_t failed_rounds = 0;
  std::vector<StoredCall> calls;  ///< in the order they were made
};

/// A pair as `llmroute review` shows it.
struct PairDetail {
  std::int64_t pair_id = 0;
  PairState state = PairState::pending;
  ShadowPair pair;
  std::string last_error;
  std::optional<PairWinner> winner;       ///< the judges' combined verdict (unset until judged)
  std::optional<double> score_difference;
  bool needs_review = false;
  bool same_family_judge = false;
  std::string judges_detail;              ///< JSON array, one object per judge (see judges_detail_json)
  std::optional<PairWinner> human;
  std::string human_note;
  std::vector<StoredCall> calls;
};

/// How many pairs are in each state, and what judging cost so far.
struct QueueCounts {
  std::uint64_t pending = 0;
  std::uint64_t judged = 0;
  std::uint64_t invalid = 0;
  std::uint64_t failed = 0;
  std::uint64_t awaiting_review = 0;  ///< judged, flagged, no human verdict yet
  std::uint64_t calls = 0;
  double cost = 0;                    ///< every judge call's cost, config currency
};

/// One answer's weighted score (0–2) from one valid judge verdict, as model quality reads it.
struct AnswerScore {
  std::string task;   ///< the pair's task kind
  std::string model;  ///< the configured model that gave the answer
  double score = 0;
};

/// The judges' per-judge results as the JSON stored in judge_pairs.judges_detail:
/// [{"judge","family","valid","winner","order_dependent","score_difference","same_family","reason"}].
std::string judges_detail_json(const PairJudgment& judgment);

/// One connection to the records database for the judge queue. Every write is its own transaction, so a
/// process killed at any moment keeps every call and verdict it stored. Thread-safe (calls are serialised);
/// every call reads or writes the disk: never call it on the proxy's I/O thread. Failures on the data
/// path come back as messages (empty: success). Opened read_write, the queue's calls (enqueue to give_up)
/// first check that the file is still the one opened: a database deleted or replaced while serving is
/// created again (as the records store does), instead of the queue going on in the deleted file. The pairs
/// being judged then (handed out by due_pairs, not settled yet) are written into the new file again, under
/// the same ids and with the calls stored for them, so their later calls and verdict land on rows that exist.
class JudgeStore {
 public:
  enum class Access { read_write, read_only };

  /// Opens (and with read_write creates and migrates) the database. Throws records::RecordStoreError.
  explicit JudgeStore(const std::string& path, Access access = Access::read_write);
  /// Opens `file` read_write, sharing its replacements with the process's records store (see DatabaseFile).
  explicit JudgeStore(std::shared_ptr<records::DatabaseFile> file);

  // The queue (`llmroute serve`'s judge worker).

  /// Queues `pair` as pending, due now. A pair whose primary id is already queued is not added again
  /// (returns its id). `tools` is offered_tools() of its request.
  std::optional<std::int64_t> enqueue(const ShadowPair& pair, std::string_view tools, std::string& error);
  /// Pending pairs due by `now_unix_ms` (oldest first, at most `limit`), each with its stored calls; pairs
  /// in `except` (being judged already) are left out.
  std::vector<DuePair> due_pairs(std::int64_t now_unix_ms, std::size_t limit, const std::vector<std::int64_t>& except,
                                 std::string& error);
  /// The earliest next_attempt_ms of the pending pairs not in `except`; unset when there is none.
  std::optional<std::int64_t> next_due(const std::vector<std::int64_t>& except, std::string& error);
  std::string record_call(std::int64_t pair_id, const StoredCall& call);
  /// Stores the verdict: judged when it is valid, else invalid.
  std::string finish(std::int64_t pair_id, const PairJudgment& judgment, std::int64_t now_unix_ms);
  /// A call failed: due again at `next_unix_ms`, with `failed_rounds` rounds failed so far.
  std::string postpone(std::int64_t pair_id, std::uint32_t failed_rounds, std::int64_t next_unix_ms,
                       std::string_view error);
  /// Calls kept failing: the pair is given up (state failed).
  std::string give_up(std::int64_t pair_id, std::string_view error, std::int64_t now_unix_ms);

  // Reading and review (`llmroute review`, reports).

  /// Flagged pairs (judged, needs_review), undecided ones first, then by age; `include_decided` adds those a
  /// human already decided.
  std::vector<PairDetail> flagged(bool include_decided, std::string& error);
  std::optional<PairDetail> detail(std::int64_t pair_id, std::string& error);
  /// Records a human verdict on a judged pair (it overrides the judges in aggregation). Error when the pair
  /// does not exist or is not judged.
  std::string decide(std::int64_t pair_id, PairWinner winner, std::string_view note, std::int64_t now_unix_ms);
  /// Judged pairs created in [since, until), as aggregation reads them.
  std::vector<JudgedPairRow> judged_rows(std::optional<std::int64_t> since_unix_ms,
                                         std::optional<std::int64_t> until_unix_ms, std::string& error);
  /// Both answers' weighted scores from every valid verdict on the judged pairs created in [since, until), in
  /// call order (a verdict scores the primary and the shadow answer alike, whatever the order it saw them in).
  std::vector<AnswerScore> answer_scores(std::optional<std::int64_t> since_unix_ms,
                                         std::optional<std::int64_t> until_unix_ms, std::string& error);
  /// Pairs created in [since, until) by state, and their judge calls' count and cost.
  QueueCounts counts(std::optional<std::int64_t> since_unix_ms, std::optional<std::int64_t> until_unix_ms,
                     std::string& error);

 private:
  std::vector<StoredCall> calls_of(std::int64_t pair_id, std::string& error);
  /// With mutex_ held: opens the file at path_ again when it is not the one db_ has open, and writes the pairs
  /// in flight into it; the error if that fails (the next call tries again).
  std::string reopen_if_replaced();
  /// With mutex_ held, in a file created again: each pair in flight under its id with its calls; a pair whose id
  /// the file gives another pair (a replacement that is not empty) is dropped from judging instead.
  std::string rewrite_in_flight();
  /// With mutex_ held: inserts a pair row, under `pair_id` when given (else the next id); whether it was added
  /// (false: its primary or its id is there already).
  bool insert_pair(const ShadowPair& pair, std::string_view tools, std::optional<std::int64_t> pair_id,
                   std::uint32_t failed_rounds, std::string& error);
  std::string insert_call(std::int64_t pair_id, const StoredCall& call);
  /// With mutex_ held: why writes for `pair_id` go nowhere (it was dropped when the file was replaced), or empty.
  std::string dropped_error(std::int64_t pair_id) const;

  std::mutex mutex_;
  std::string path_;
  Access access_;
  std::shared_ptr<records::DatabaseFile> database_;  ///< shared with the records store (read_write only)
  records::SqliteConnection db_;
  std::optional<records::FileIdentity> file_;  ///< the file db_ has open (read_write only)
  std::map<std::int64_t, DuePair> in_flight_;  ///< handed out by due_pairs, not settled yet, with their stored calls
  bool rewrite_due_ = false;                   ///< the file was created again and in_flight_ is not in it yet
  std::set<std::int64_t> dropped_;             ///< in flight when a non-empty replacement gave their ids to others
};

}  // namespace llmroute::policies
