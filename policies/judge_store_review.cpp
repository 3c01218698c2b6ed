// The judge queue's reads: flagged pairs and their detail, human verdicts, judged rows and counts.
#include "policies/judge_store.hpp"

#include "policies/judge_store_rows.hpp"

namespace llmroute::policies {

using records::SqliteBinder;
using records::SqliteReader;
using records::SqliteStatement;

namespace {

constexpr std::string_view kDetailColumns =
    "pair_id, state, created_ms, task, prompt, last_error, winner, score_difference, needs_review, "
    "same_family_judge, judges_detail, human_winner, human_note";

PairDetail read_detail(sqlite3_stmt* row) {
  SqliteReader r(row);
  PairDetail d;
  d.pair_id = r.integer();
  d.state = parse_pair_state(r.text()).value_or(PairState::failed);
  d.pair.created_unix_ms = r.integer();
  d.pair.task = r.text();
  d.pair.prompt = r.text();
  d.last_error = r.text();
  if (auto winner = r.maybe_text()) d.winner = parse_pair_winner(*winner);
  d.score_difference = r.maybe_real();
  d.needs_review = r.integer() != 0;
  d.same_family_judge = r.integer() != 0;
  d.judges_detail = r.text();
  if (auto human = r.maybe_text()) d.human = parse_pair_winner(*human);
  d.human_note = r.text();
  d.pair.primary = read_answer(r);
  d.pair.shadow = read_answer(r);
  return d;
}

/// Binds the optional [since, until) bounds as two parameters each (NULL: unbounded).
void bind_window(SqliteBinder& bind, std::optional<std::int64_t> since, std::optional<std::int64_t> until) {
  bind.maybe(since).maybe(since).maybe(until).maybe(until);
}

constexpr std::string_view kWindow = "(? IS NULL OR created_ms >= ?) AND (? IS NULL OR created_ms < ?)";

}  // namespace

std::vector<PairDetail> JudgeStore::flagged(bool include_decided, std::string& error) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) {
    error = std::move(reopen);
    return {};
  }
  std::vector<PairDetail> out;
  SqliteStatement s = db_.prepare("SELECT " + std::string(kDetailColumns) + ", " + std::string(kAnswerColumns) +
                                  " FROM judge_pairs WHERE state = 'judged' AND needs_review = 1" +
                                  (include_decided ? "" : " AND human_winner IS NULL") +
                                  " ORDER BY human_winner IS NOT NULL, created_ms, pair_id");
  if (!s) {
    error = db_.error();
    return out;
  }
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(read_detail(s.get()));
  if (rc != SQLITE_DONE) error = db_.error();
  return out;
}

std::optional<PairDetail> JudgeStore::detail(std::int64_t pair_id, std::string& error) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) {
    error = std::move(reopen);
    return {};
  }
  SqliteStatement s = db_.prepare("SELECT " + std::string(kDetailColumns) + ", " + std::string(kAnswerColumns) +
                                  " FROM judge_pairs WHERE pair_id = ?");
  if (!s) {
    error = db_.error();
    return std::nullopt;
  }
  SqliteBinder(s.get()).integer(pair_id);
  const int rc = sqlite3_step(s.get());
  if (rc != SQLITE_ROW) {
    if (rc != SQLITE_DONE) error = db_.error();
    return std::nullopt;
  }
  PairDetail d = read_detail(s.get());
  s.reset();
  d.calls = calls_of(pair_id, error);
  return d;
}

std::string JudgeStore::decide(std::int64_t pair_id, PairWinner winner, std::string_view note, std::int64_t now_unix_ms) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) return reopen;
  SqliteStatement s = db_.prepare(
      "UPDATE judge_pairs SET human_winner = ?, human_note = ?, human_ms = ? WHERE pair_id = ? AND state = 'judged'");
  if (!s) return db_.error();
  SqliteBinder(s.get()).text(to_string(winner)).text(note).integer(now_unix_ms).integer(pair_id);
  if (sqlite3_step(s.get()) != SQLITE_DONE) return db_.error();
  if (sqlite3_changes(db_.get()) == 0) return "no judged pair " + std::to_string(pair_id);
  return {};
}

std::vector<AnswerScore> JudgeStore::answer_scores(std::optional<std::int64_t> since_unix_ms,
                                                  std::optional<std::int64_t> until_unix_ms, std::string& error) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) {
    error = std::move(reopen);
    return {};
  }
  std::vector<AnswerScore> scores;
  SqliteStatement s = db_.prepare(
      "SELECT p.task, p.primary_model, p.shadow_model, c.call_order, c.reply FROM judge_calls c JOIN judge_pairs p "
      "ON p.pair_id = c.pair_id WHERE p.state = 'judged' AND c.outcome = 'valid' AND " +
      std::string(kWindow) + " ORDER BY c.pair_id, c.seq");
  if (!s) {
    error = db_.error();
    return scores;
  }
  SqliteBinder bind(s.get());
  bind_window(bind, since_unix_ms, until_unix_ms);
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    SqliteReader r(s.get());
    std::string task = r.text();
    std::string primary = r.text();
    std::string shadow = r.text();
    const Order order = r.text() == "shadow-first" ? Order::shadow_first : Order::primary_first;
    const CallReading reading = read_pairwise_reply(r.text(), order);
    if (!reading.winner) continue;  // stored as valid: cannot happen unless the parser changed since
    scores.push_back({task, std::move(primary), weighted_score(reading.primary)});
    scores.push_back({std::move(task), std::move(shadow), weighted_score(reading.shadow)});
  }
  if (rc != SQLITE_DONE) error = db_.error();
  return scores;
}

std::vector<JudgedPairRow> JudgeStore::judged_rows(std::optional<std::int64_t> since_unix_ms,
                                                   std::optional<std::int64_t> until_unix_ms, std::string& error) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) {
    error = std::move(reopen);
    return {};
  }
  std::vector<JudgedPairRow> rows;
  SqliteStatement s = db_.prepare(
      "SELECT pair_id, task, primary_model, primary_location, shadow_model, shadow_location, winner, score_difference, "
      "mean_abs_difference, human_winner, needs_review, same_family_judge, primary_ms, shadow_ms, primary_cost, "
      "shadow_cost FROM judge_pairs WHERE state = 'judged' AND " +
      std::string(kWindow) + " ORDER BY pair_id");
  if (!s) {
    error = db_.error();
    return rows;
  }
  SqliteBinder bind(s.get());
  bind_window(bind, since_unix_ms, until_unix_ms);
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    SqliteReader r(s.get());
    JudgedPairRow row;
    row.pair_id = r.integer();
    row.task = r.text();
    row.primary_model = r.text();
    row.primary_location = r.text() == "cloud" ? config::Location::cloud : config::Location::local;
    row.shadow_model = r.text();
    row.shadow_location = r.text() == "cloud" ? config::Location::cloud : config::Location::local;
    row.winner = parse_pair_winner(r.text()).value_or(PairWinner::tie);
    row.score_difference = r.real();
    row.mean_abs_difference = r.real();
    if (auto human = r.maybe_text()) row.human = parse_pair_winner(*human);
    row.needs_review = r.integer() != 0;
    row.same_family_judge = r.integer() != 0;
    row.primary_ms = r.real();
    row.shadow_ms = r.real();
    row.primary_cost = r.real();
    row.shadow_cost = r.real();
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) error = db_.error();
  return rows;
}

QueueCounts JudgeStore::counts(std::optional<std::int64_t> since_unix_ms, std::optional<std::int64_t> until_unix_ms,
                               std::string& error) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) {
    error = std::move(reopen);
    return {};
  }
  QueueCounts counts;
  SqliteStatement s = db_.prepare(
      "SELECT state, COUNT(*), SUM(needs_review = 1 AND human_winner IS NULL) FROM judge_pairs WHERE " +
      std::string(kWindow) + " GROUP BY state");
  if (!s) {
    error = db_.error();
    return counts;
  }
  SqliteBinder bind(s.get());
  bind_window(bind, since_unix_ms, until_unix_ms);
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    SqliteReader r(s.get());
    const auto state = parse_pair_state(r.text());
    const auto n = static_cast<std::uint64_t>(r.integer());
    const auto flagged = static_cast<std::uint64_t>(r.integer());
    if (!state) continue;
    switch (*state) {
      case PairState::pending: counts.pending = n; break;
      case PairState::judged:
        counts.judged = n;
        counts.awaiting_review = flagged;
        break;
      case PairState::invalid: counts.invalid = n; break;
      case PairState::failed: counts.failed = n; break;
    }
  }
  if (rc != SQLITE_DONE) error = db_.error();
  s = db_.prepare("SELECT COUNT(*), COALESCE(SUM(cost), 0) FROM judge_calls WHERE pair_id IN (SELECT pair_id FROM "
                  "judge_pairs WHERE " + std::string(kWindow) + ")");
  if (!s) {
    error = db_.error();
    return counts;
  }
  SqliteBinder window(s.get());
  bind_window(window, since_unix_ms, until_unix_ms);
  if (sqlite3_step(s.get()) != SQLITE_ROW) {
    error = db_.error();
    return counts;
  }
  SqliteReader r(s.get());
  counts.calls = static_cast<std::uint64_t>(r.integer());
  counts.cost = r.real();
  return counts;
}

}  // namespace llmroute::policies
