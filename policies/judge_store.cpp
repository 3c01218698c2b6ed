// The judge queue's writes: enqueue, due pairs with their stored calls, calls, verdicts, postponement.
#include "policies/judge_store.hpp"

#include "policies/judge_store_rows.hpp"
#include "records/record_schema.hpp"
#include "records/sqlite_row.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>

namespace llmroute::policies {

using records::SqliteBinder;
using records::SqliteReader;
using records::SqliteStatement;

void bind_answer(SqliteBinder& bind, const ShadowAnswer& answer) {
  bind.text(answer.record_id).text(answer.backend).text(answer.model).text(config::to_string(answer.location))
      .text(answer.text).text(answer.tool_calls).integer(answer.clipped ? 1 : 0).real(answer.total_ms).real(answer.cost);
}

ShadowAnswer read_answer(SqliteReader& read) {
  ShadowAnswer answer;
  answer.record_id = read.text();
  answer.backend = read.text();
  answer.model = read.text();
  answer.location = read.text() == "cloud" ? config::Location::cloud : config::Location::local;
  answer.text = read.text();
  answer.tool_calls = read.text();
  answer.clipped = read.integer() != 0;
  answer.total_ms = read.real();
  answer.cost = read.real();
  return answer;
}

std::string_view call_outcome(const StoredCall& call) {
  if (!call.reply.answered) return "failed";
  return call.reading.winner ? "valid" : "invalid";
}

StoredCall read_call(sqlite3_stmt* row) {
  SqliteReader r(row);
  StoredCall call;
  call.start_unix_ms = r.integer();
  call.judge.name = r.text();
  call.judge.family = r.text();
  call.same_family = r.integer() != 0;
  call.order = r.text() == "shadow-first" ? Order::shadow_first : Order::primary_first;
  call.attempt = static_cast<std::uint32_t>(r.integer());
  call.reply.answered = r.text() != "failed";
  call.reply.text = r.text();
  const std::string note = r.text();
  call.reply.latency_ms = r.real();
  call.reply.input_tokens = static_cast<std::uint64_t>(r.integer());
  call.reply.output_tokens = static_cast<std::uint64_t>(r.integer());
  call.reply.cost = r.real();
  if (call.reply.answered) {
    call.reading = read_pairwise_reply(call.reply.text, call.order);
  } else {
    call.reply.error = note;
    call.reading.reason = note;
  }
  return call;
}

std::string_view to_string(PairState state) {
  switch (state) {
    case PairState::pending: return "pending";
    case PairState::judged: return "judged";
    case PairState::invalid: return "invalid";
    case PairState::failed: return "failed";
  }
  return "failed";
}

std::optional<PairState> parse_pair_state(std::string_view text) {
  for (PairState s : {PairState::pending, PairState::judged, PairState::invalid, PairState::failed})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

std::string judges_detail_json(const PairJudgment& judgment) {
  boost::json::array out;
  for (const JudgeResult& r : judgment.judges) {
    boost::json::object o;
    o["judge"] = r.judge.name;
    o["family"] = r.judge.family;
    o["valid"] = r.valid;
    o["winner"] = std::string(to_string(r.winner));
    o["order_dependent"] = r.order_dependent;
    o["score_difference"] = r.score_difference;
    o["same_family"] = r.same_family;
    o["reason"] = r.reason;
    out.push_back(std::move(o));
  }
  return boost::json::serialize(out);
}

namespace {

/// Sets up a fresh connection: busy timeout, and (read_write) WAL and the current schema. Throws RecordStoreError.
void prepare_connection(records::SqliteConnection& db, JudgeStore::Access access) {
  // The proxy's record writer (and a bench) write the same file; wait for their short transactions.
  sqlite3_busy_timeout(db.get(), 5000);
  if (access == JudgeStore::Access::read_only) {
    records::require_current_schema(db);
    return;
  }
  db.exec_or_throw("PRAGMA journal_mode = WAL", "cannot switch the records database to WAL");
  db.exec_or_throw("PRAGMA synchronous = NORMAL", "cannot set synchronous = NORMAL");
  records::migrate(db);
}

records::SqliteConnection::Access connection_access(JudgeStore::Access access) {
  return access == JudgeStore::Access::read_only ? records::SqliteConnection::Access::read_only
                                                 : records::SqliteConnection::Access::read_write_create;
}

}  // namespace

JudgeStore::JudgeStore(const std::string& path, Access access)
    : path_(path),
      access_(access),
      database_(access == Access::read_write ? std::make_shared<records::DatabaseFile>(path) : nullptr),
      db_(path, connection_access(access)) {
  prepare_connection(db_, access);
  if (access == Access::read_write) {
    file_ = records::identify_file(path);
    database_->note_opened();
  }
}

JudgeStore::JudgeStore(std::shared_ptr<records::DatabaseFile> file)
    : path_(file->path()), access_(Access::read_write), database_(std::move(file)), db_(path_, connection_access(access_)) {
  prepare_connection(db_, access_);
  file_ = records::identify_file(path_);
  database_->note_opened();
}

std::string JudgeStore::reopen_if_replaced() {
  if (access_ != Access::read_write) return {};
  const std::optional<records::FileIdentity> now = records::identify_file(path_);
  if (db_.get() && now && now == file_) return rewrite_due_ ? rewrite_in_flight() : std::string();
  if (db_.get()) {
    std::fprintf(stderr,
                 "llmroute: judging: %s was deleted or replaced while llmroute was running; creating it again (the pairs "
                 "queued before are in the file that was deleted)\n",
                 path_.c_str());
    rewrite_due_ = !in_flight_.empty();
  }
  const auto close_old = [this] { records::SqliteConnection closing = std::move(db_); };
  const auto open_new = [this]() -> std::string {
    try {
      records::SqliteConnection reopened(path_, connection_access(access_));
      prepare_connection(reopened, access_);
      db_ = std::move(reopened);
      file_ = records::identify_file(path_);
    } catch (const std::exception& e) {
      return e.what();
    }
    return {};
  };
  // The records store may be replacing the same file right now: one store at a time (see DatabaseFile).
  if (std::string error = database_->replace(close_old, open_new); !error.empty()) return error;
  return rewrite_due_ ? rewrite_in_flight() : std::string();
}

bool JudgeStore::insert_pair(const ShadowPair& pair, std::string_view tools, std::optional<std::int64_t> pair_id,
                             std::uint32_t failed_rounds, std::string& error) {
  SqliteStatement insert = db_.prepare(
      "INSERT INTO judge_pairs (pair_id, created_ms, task, prompt, tools, " + std::string(kAnswerColumns) +
      ", state, failed_rounds, next_attempt_ms, last_error, needs_review, same_family_judge, judges_detail, human_note) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, '', 0, 0, '[]', '') "
      "ON CONFLICT DO NOTHING");
  if (!insert) {
    error = db_.error();
    return false;
  }
  SqliteBinder bind(insert.get());
  // No id: SQLite gives the row the next one (pair_id is the rowid).
  if (pair_id) bind.integer(*pair_id);
  else bind.null();
  bind.integer(pair.created_unix_ms).text(pair.task).text(pair.prompt).text(tools);
  bind_answer(bind, pair.primary);
  bind_answer(bind, pair.shadow);
  bind.integer(failed_rounds).integer(pair.created_unix_ms);
  if (sqlite3_step(insert.get()) != SQLITE_DONE) {
    error = db_.error();
    return false;
  }
  return sqlite3_changes(db_.get()) > 0;
}

std::string JudgeStore::insert_call(std::int64_t pair_id, const StoredCall& call) {
  SqliteStatement s = db_.prepare(
      "INSERT INTO judge_calls (pair_id, seq, start_ms, judge, judge_family, same_family, call_order, attempt, outcome, "
      "reply, note, winner, latency_ms, input_tokens, output_tokens, cost) "
      "VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM judge_calls WHERE pair_id = ?1), "
      "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  if (!s) return db_.error();
  SqliteBinder bind(s.get());
  bind.integer(pair_id).integer(call.start_unix_ms).text(call.judge.name).text(call.judge.family)
      .integer(call.same_family ? 1 : 0).text(to_string(call.order)).integer(call.attempt)
      .text(call_outcome(call)).text(call.reply.text).text(call.reading.reason);
  if (call.reading.winner) bind.text(to_string(*call.reading.winner));
  else bind.null();
  bind.real(call.reply.latency_ms).integer(static_cast<std::int64_t>(call.reply.input_tokens))
      .integer(static_cast<std::int64_t>(call.reply.output_tokens)).real(call.reply.cost);
  return sqlite3_step(s.get()) == SQLITE_DONE ? std::string() : db_.error();
}

std::optional<std::int64_t> JudgeStore::enqueue(const ShadowPair& pair, std::string_view tools, std::string& error) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) {
    error = std::move(reopen);
    return {};
  }
  insert_pair(pair, tools, std::nullopt, 0, error);  // not added: the primary is queued already
  if (!error.empty()) return std::nullopt;
  SqliteStatement find = db_.prepare("SELECT pair_id FROM judge_pairs WHERE primary_id = ?");
  if (!find) {
    error = db_.error();
    return std::nullopt;
  }
  SqliteBinder(find.get()).text(pair.primary.record_id);
  if (sqlite3_step(find.get()) != SQLITE_ROW) {
    error = db_.error();
    return std::nullopt;
  }
  return sqlite3_column_int64(find.get(), 0);
}

std::vector<StoredCall> JudgeStore::calls_of(std::int64_t pair_id, std::string& error) {
  std::vector<StoredCall> calls;
  SqliteStatement s =
      db_.prepare("SELECT " + std::string(kCallColumns) + " FROM judge_calls WHERE pair_id = ? ORDER BY seq");
  if (!s) {
    error = db_.error();
    return calls;
  }
  SqliteBinder(s.get()).integer(pair_id);
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) calls.push_back(read_call(s.get()));
  if (rc != SQLITE_DONE) error = db_.error();
  return calls;
}

std::vector<DuePair> JudgeStore::due_pairs(std::int64_t now_unix_ms, std::size_t limit,
                                           const std::vector<std::int64_t>& except, std::string& error) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) {
    error = std::move(reopen);
    return {};
  }
  std::vector<DuePair> due;
  SqliteStatement s = db_.prepare("SELECT pair_id, failed_rounds, created_ms, task, prompt, tools, " +
                                  std::string(kAnswerColumns) +
                                  " FROM judge_pairs WHERE state = 'pending' AND next_attempt_ms <= ? "
                                  "ORDER BY next_attempt_ms, pair_id");
  if (!s) {
    error = db_.error();
    return due;
  }
  SqliteBinder(s.get()).integer(now_unix_ms);
  int rc = SQLITE_ROW;
  while (due.size() < limit && (rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    SqliteReader r(s.get());
    DuePair pair;
    pair.pair_id = r.integer();
    if (std::find(except.begin(), except.end(), pair.pair_id) != except.end()) continue;
    pair.failed_rounds = static_cast<std::uint32_t>(r.integer());
    pair.pair.created_unix_ms = r.integer();
    pair.pair.task = r.text();
    pair.pair.prompt = r.text();
    pair.tools = r.text();
    pair.pair.primary = read_answer(r);
    pair.pair.shadow = read_answer(r);
    due.push_back(std::move(pair));
  }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) error = db_.error();
  s.reset();
  for (DuePair& pair : due) {
    pair.calls = calls_of(pair.pair_id, error);
    in_flight_[pair.pair_id] = pair;
  }
  return due;
}

std::optional<std::int64_t> JudgeStore::next_due(const std::vector<std::int64_t>& except, std::string& error) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) {
    error = std::move(reopen);
    return {};
  }
  SqliteStatement s =
      db_.prepare("SELECT pair_id, next_attempt_ms FROM judge_pairs WHERE state = 'pending' ORDER BY next_attempt_ms");
  if (!s) {
    error = db_.error();
    return std::nullopt;
  }
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    SqliteReader r(s.get());
    const std::int64_t id = r.integer();
    if (std::find(except.begin(), except.end(), id) == except.end()) return r.integer();
  }
  if (rc != SQLITE_DONE) error = db_.error();
  return std::nullopt;
}

std::string JudgeStore::record_call(std::int64_t pair_id, const StoredCall& call) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) return reopen;
  if (std::string dropped = dropped_error(pair_id); !dropped.empty()) return dropped;
  std::string error = insert_call(pair_id, call);
  // Kept for the pair's rewrite should the file be replaced before its verdict.
  if (const auto flight = in_flight_.find(pair_id); error.empty() && flight != in_flight_.end()) flight->second.calls.push_back(call);
  return error;
}

std::string JudgeStore::finish(std::int64_t pair_id, const PairJudgment& judgment, std::int64_t now_unix_ms) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) return reopen;
  in_flight_.erase(pair_id);  // settled: the worker is done with this id
  if (std::string dropped = dropped_error(pair_id); !dropped.empty()) {
    dropped_.erase(pair_id);
    return dropped;
  }
  SqliteStatement s = db_.prepare(
      "UPDATE judge_pairs SET state = ?, finished_ms = ?, winner = ?, score_difference = ?, mean_abs_difference = ?, "
      "valid_judges = ?, needs_review = ?, same_family_judge = ?, judges_detail = ?, last_error = '' WHERE pair_id = ?");
  if (!s) return db_.error();
  double abs_sum = 0;
  std::int64_t valid = 0;
  for (const JudgeResult& r : judgment.judges)
    if (r.valid) {
      abs_sum += r.score_difference < 0 ? -r.score_difference : r.score_difference;
      ++valid;
    }
  SqliteBinder bind(s.get());
  bind.text(to_string(judgment.valid ? PairState::judged : PairState::invalid)).integer(now_unix_ms);
  if (judgment.valid) {
    bind.text(to_string(judgment.winner)).real(judgment.score_difference).real(abs_sum / static_cast<double>(valid));
  } else {
    bind.null().null().null();
  }
  bind.integer(valid).integer(judgment.needs_review ? 1 : 0).integer(judgment.same_family_judge ? 1 : 0)
      .text(judges_detail_json(judgment)).integer(pair_id);
  return sqlite3_step(s.get()) == SQLITE_DONE ? std::string() : db_.error();
}

std::string JudgeStore::postpone(std::int64_t pair_id, std::uint32_t failed_rounds, std::int64_t next_unix_ms,
                                 std::string_view error) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) return reopen;
  in_flight_.erase(pair_id);  // settled: the worker is done with this id
  if (std::string dropped = dropped_error(pair_id); !dropped.empty()) {
    dropped_.erase(pair_id);
    return dropped;
  }
  SqliteStatement s =
      db_.prepare("UPDATE judge_pairs SET failed_rounds = ?, next_attempt_ms = ?, last_error = ? WHERE pair_id = ?");
  if (!s) return db_.error();
  SqliteBinder(s.get()).integer(failed_rounds).integer(next_unix_ms).text(error).integer(pair_id);
  return sqlite3_step(s.get()) == SQLITE_DONE ? std::string() : db_.error();
}

std::string JudgeStore::give_up(std::int64_t pair_id, std::string_view error, std::int64_t now_unix_ms) {
  std::lock_guard lock(mutex_);
  if (std::string reopen = reopen_if_replaced(); !reopen.empty()) return reopen;
  in_flight_.erase(pair_id);  // settled: the worker is done with this id
  if (std::string dropped = dropped_error(pair_id); !dropped.empty()) {
    dropped_.erase(pair_id);
    return dropped;
  }
  SqliteStatement s =
      db_.prepare("UPDATE judge_pairs SET state = 'failed', finished_ms = ?, last_error = ? WHERE pair_id = ?");
  if (!s) return db_.error();
  SqliteBinder(s.get()).integer(now_unix_ms).text(error).integer(pair_id);
  return sqlite3_step(s.get()) == SQLITE_DONE ? std::string() : db_.error();
}

}  // namespace llmroute::policies
