// SQLite access for bench runs and results: prepared statements, one transaction per save.
#include "benchmark/bench_store.hpp"

#include "records/record_schema.hpp"

#include <sstream>

namespace llmroute::benchmark {

namespace {

using records::SqliteStatement;

constexpr const char* kResultColumns =
    "run_id, task_id, model, state, start_ms, category, difficulty, route, backend, max_tokens, status, failure, "
    "finish_reason, truncated, ttft_ms, total_ms, tokens_per_second, input_tokens, output_tokens, reasoning_tokens, "
    "usage_reported, cost, cloud_equivalent_cost, answer, reasoning, judges, correctness, completeness, clarity, "
    "quality, judge_detail, checks_passed, checks_total, check_detail";
constexpr int kResultColumnCount = 34;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// Binds values to consecutive parameters, 1-based.
class Binder {
 public:
  explicit Binder(sqlite3_stmt* s) : s_(s) {}
  Binder& text(const std::string& v) {
    sqlite3_bind_text(s_, ++i_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Binder& integer(std::int64_t v) {
    sqlite3_bind_int64(s_, ++i_, v);
    return *this;
  }
  Binder& real(double v) {
    sqlite3_bind_double(s_, ++i_, v);
    return *this;
  }
  template <class T>
  Binder& maybe(const std::optional<T>& v) {
    if (!v) {
      sqlite3_bind_null(s_, ++i_);
      return *this;
    }
    if constexpr (std::is_floating_point_v<T>) return real(*v);
    else return integer(*v);
  }

 private:
  sqlite3_stmt* s_;
  int i_ = 0;
};

// Reads consecutive columns, 0-based.
class Reader {
 public:
  explicit Reader(sqlite3_stmt* s) : s_(s) {}
  std::string text() {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i_));
    const int n = sqlite3_column_bytes(s_, i_++);
    return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
  }
  std::int64_t integer() { return sqlite3_column_int64(s_, i_++); }
  double real() { return sqlite3_column_double(s_, i_++); }
  std::optional<double> maybe_real() {
    if (sqlite3_column_type(s_, i_) == SQLITE_NULL) return ++i_, std::nullopt;
    return real();
  }
  std::optional<int> maybe_int() {
    if (sqlite3_column_type(s_, i_) == SQLITE_NULL) return ++i_, std::nullopt;
    return static_cast<int>(integer());
  }

 private:
  sqlite3_stmt* s_;
  int i_ = 0;
};

std::string step_error(records::SqliteConnection& db, SqliteStatement& s) {
  if (!s) return db.error();
  const int rc = sqlite3_step(s.get());
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? std::string() : db.error();
}

}  // namespace

std::string_view to_string(PairState state) {
  switch (state) {
    case PairState::answered: return "answered";
    case PairState::done: return "done";
    case PairState::failed: return "failed";
  }
  return "failed";
}

std::optional<PairState> pair_state_from(std::string_view text) {
  for (PairState s : {PairState::answered, PairState::done, PairState::failed})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

// Not a records::DatabaseFile, which lets the stores of `llmroute serve` create their file again when it is deleted:
// that is safe only for the file's owner. The bench is a guest in the serve's records.path by default, and a serve in
// another process may have created the file again already; the bench cannot tell that file's journal from the
// deleted file's, so removing it (as DatabaseFile does) could destroy the serve's writes and keeping it could replay
// the old file's pages into the new one. And a new file would not hold the run (bench_runs, the pairs stored before,
// by earlier invocations too): --resume could not find it. So the bench only notices that its file is gone, stores
// nothing more, and says so (see file_lost()); the command stops and exits 1.
BenchStore::BenchStore(const std::string& path, records::SqliteConnection::Access access) : db_(path, access) {
  sqlite3_busy_timeout(db_.get(), 5000);
  if (access == records::SqliteConnection::Access::read_only) {
    records::require_current_schema(db_);
    return;
  }
  db_.exec_or_throw("PRAGMA journal_mode = WAL", "cannot switch the records database to WAL");
  db_.exec_or_throw("PRAGMA synchronous = NORMAL", "cannot set synchronous = NORMAL");
  records::migrate(db_);
  opened_ = records::identify_file(path);
}

std::string BenchStore::file_lost() {
  std::lock_guard lock(mutex_);
  return lost_file_error();
}

std::string BenchStore::lost_file_error() const {
  if (!opened_ || records::identify_file(db_.path()) == opened_) return {};
  return db_.path() + " was deleted or replaced while the bench ran";
}

std::string BenchStore::create_run(const BenchRun& run) {
  std::lock_guard lock(mutex_);
  if (std::string lost = lost_file_error(); !lost.empty()) return lost;
  SqliteStatement s = db_.prepare(
      "INSERT INTO bench_runs (run_id, start_ms, tasks_dir, models, judges, task_count) VALUES (?, ?, ?, ?, ?, ?)");
  if (s)
    Binder(s.get()).text(run.id).integer(run.start_ms).text(run.tasks_dir).text(join(run.models)).text(join(run.judges))
        .integer(static_cast<std::int64_t>(run.task_count));
  return step_error(db_, s);
}

std::string BenchStore::update_run(const BenchRun& run) {
  std::lock_guard lock(mutex_);
  if (std::string lost = lost_file_error(); !lost.empty()) return lost;
  SqliteStatement s = db_.prepare("UPDATE bench_runs SET tasks_dir = ?, models = ?, judges = ?, task_count = ? WHERE run_id = ?");
  if (s)
    Binder(s.get()).text(run.tasks_dir).text(join(run.models)).text(join(run.judges))
        .integer(static_cast<std::int64_t>(run.task_count)).text(run.id);
  return step_error(db_, s);
}

std::optional<BenchRun> BenchStore::read_run(const char* sql, const std::string* id) {
  std::lock_guard lock(mutex_);
  SqliteStatement s = db_.prepare(sql);
  if (!s) return std::nullopt;
  if (id) Binder(s.get()).text(*id);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return std::nullopt;
  Reader r(s.get());
  BenchRun run;
  run.id = r.text();
  run.start_ms = r.integer();
  run.tasks_dir = r.text();
  run.models = split(r.text());
  run.judges = split(r.text());
  run.task_count = static_cast<std::size_t>(r.integer());
  return run;
}

std::optional<BenchRun> BenchStore::find_run(const std::string& id) {
  return read_run("SELECT run_id, start_ms, tasks_dir, models, judges, task_count FROM bench_runs WHERE run_id = ?", &id);
}

std::optional<BenchRun> BenchStore::latest_run() {
  return read_run(
      "SELECT run_id, start_ms, tasks_dir, models, judges, task_count FROM bench_runs ORDER BY start_ms DESC, rowid DESC "
      "LIMIT 1",
      nullptr);
}

std::string BenchStore::save(const BenchResult& r) {
  std::lock_guard lock(mutex_);
  // Written to a deleted file, the result would be read back in this run's summary and then lost without a word.
  if (std::string lost = lost_file_error(); !lost.empty()) return lost;
  std::string sql = std::string("INSERT OR REPLACE INTO bench_results (") + kResultColumns + ") VALUES (?";
  for (int i = 1; i < kResultColumnCount; ++i) sql += ", ?";
  sql += ")";
  SqliteStatement s = db_.prepare(sql);
  if (s)
    Binder(s.get())
        .text(r.run_id).text(r.task_id).text(r.model).text(std::string(to_string(r.state))).integer(r.start_ms)
        .text(r.category).integer(r.difficulty).text(r.route).text(r.backend).integer(r.max_tokens)
        .integer(r.http_status).text(r.failure).text(r.finish_reason).integer(r.truncated ? 1 : 0).maybe(r.ttft_ms)
        .real(r.total_ms).maybe(r.tokens_per_second).integer(static_cast<std::int64_t>(r.usage.input))
        .integer(static_cast<std::int64_t>(r.usage.output)).integer(static_cast<std::int64_t>(r.usage.reasoning))
        .integer(r.usage_reported ? 1 : 0).real(r.cost).maybe(r.cloud_equivalent_cost).text(r.answer).text(r.reasoning)
        .integer(r.judges).maybe(r.correctness).maybe(r.completeness).maybe(r.clarity).maybe(r.quality)
        .text(r.judge_detail).maybe(r.checks_passed).maybe(r.checks_total).text(r.check_detail);
  return step_error(db_, s);
}

std::map<std::pair<std::string, std::string>, BenchResult> BenchStore::results(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  std::map<std::pair<std::string, std::string>, BenchResult> out;
  SqliteStatement s = db_.prepare(std::string("SELECT ") + kResultColumns + " FROM bench_results WHERE run_id = ?");
  if (!s) return out;
  Binder(s.get()).text(run_id);
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    Reader c(s.get());
    BenchResult r;
    r.run_id = c.text();
    r.task_id = c.text();
    r.model = c.text();
    r.state = pair_state_from(c.text()).value_or(PairState::failed);
    r.start_ms = c.integer();
    r.category = c.text();
    r.difficulty = static_cast<int>(c.integer());
    r.route = c.text();
    r.backend = c.text();
    r.max_tokens = static_cast<std::uint32_t>(c.integer());
    r.http_status = static_cast<int>(c.integer());
    r.failure = c.text();
    r.finish_reason = c.text();
    r.truncated = c.integer() != 0;
    r.ttft_ms = c.maybe_real();
    r.total_ms = c.real();
    r.tokens_per_second = c.maybe_real();
    r.usage.input = static_cast<std::uint64_t>(c.integer());
    r.usage.output = static_cast<std::uint64_t>(c.integer());
    r.usage.reasoning = static_cast<std::uint64_t>(c.integer());
    r.usage_reported = c.integer() != 0;
    r.cost = c.real();
    r.cloud_equivalent_cost = c.maybe_real();
    r.answer = c.text();
    r.reasoning = c.text();
    r.judges = static_cast<int>(c.integer());
    r.correctness = c.maybe_real();
    r.completeness = c.maybe_real();
    r.clarity = c.maybe_real();
    r.quality = c.maybe_real();
    r.judge_detail = c.text();
    r.checks_passed = c.maybe_int();
    r.checks_total = c.maybe_int();
    r.check_detail = c.text();
    const auto key = std::make_pair(r.task_id, r.model);
    out.emplace(key, std::move(r));
  }
  return out;
}

}  // namespace llmroute::benchmark
