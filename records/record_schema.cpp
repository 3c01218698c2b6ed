// Schema migrations of the records database; migration N takes the schema from version N-1 to N.
#include "records/record_schema.hpp"

#include "records/record_fields.hpp"

#include <array>
#include <chrono>

namespace llmroute::records {

namespace {

// Never edit a migration that has shipped: append a new one (ALTER TABLE ... ADD COLUMN) and bump
// kSchemaVersion, so existing databases move forward.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE requests (
  id TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  user TEXT NOT NULL,
  client_tool TEXT NOT NULL,
  client_version TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  wire_format TEXT NOT NULL,
  task TEXT NOT NULL,
  task_confidence REAL NOT NULL,
  task_rule TEXT NOT NULL,
  route TEXT,
  backend TEXT NOT NULL,
  model_requested TEXT NOT NULL,
  model_served TEXT NOT NULL,
  reason TEXT NOT NULL,
  fallback_attempts INTEGER NOT NULL,
  status INTEGER NOT NULL,
  failure TEXT NOT NULL,
  finish_reason TEXT NOT NULL,
  truncated INTEGER NOT NULL,
  client_disconnected INTEGER NOT NULL,
  queue_wait_ms REAL NOT NULL,
  upstream_first_byte_ms REAL,
  ttft_ms REAL,
  total_ms REAL NOT NULL,
  tokens_per_second REAL,
  proxy_time_us INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  usage_reported INTEGER NOT NULL,
  bytes_in INTEGER NOT NULL,
  bytes_out INTEGER NOT NULL,
  cost REAL NOT NULL,
  cloud_equivalent_cost REAL,
  shadow INTEGER NOT NULL,
  primary_id TEXT NOT NULL
);
CREATE INDEX requests_by_time ON requests (start_ms);
CREATE INDEX requests_by_user ON requests (user, start_ms);
CREATE INDEX requests_by_task ON requests (task, start_ms);
CREATE INDEX requests_by_primary ON requests (primary_id) WHERE primary_id <> '';
)sql",
    // 2: `llmroute bench` runs and their results, one row per (run, task, model). Bench calls are not client
    // traffic, so they stay out of `requests` (the live local/cloud split); the measurement columns carry the
    // same names as there. Quality columns are means over the judges on the 0-2 scale (NULL: not judged);
    // checks_* are NULL for a task without a functional check.
    R"sql(
CREATE TABLE bench_runs (
  run_id TEXT PRIMARY KEY,
  start_ms INTEGER NOT NULL,
  tasks_dir TEXT NOT NULL,
  models TEXT NOT NULL,
  judges TEXT NOT NULL,
  task_count INTEGER NOT NULL
);
CREATE TABLE bench_results (
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  model TEXT NOT NULL,
  state TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  category TEXT NOT NULL,
  difficulty INTEGER NOT NULL,
  route TEXT NOT NULL,
  backend TEXT NOT NULL,
  max_tokens INTEGER NOT NULL,
  status INTEGER NOT NULL,
  failure TEXT NOT NULL,
  finish_reason TEXT NOT NULL,
  truncated INTEGER NOT NULL,
  ttft_ms REAL,
  total_ms REAL NOT NULL,
  tokens_per_second REAL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  usage_reported INTEGER NOT NULL,
  cost REAL NOT NULL,
  cloud_equivalent_cost REAL,
  answer TEXT NOT NULL,
  reasoning TEXT NOT NULL,
  judges INTEGER NOT NULL,
  correctness REAL,
  completeness REAL,
  clarity REAL,
  quality REAL,
  judge_detail TEXT NOT NULL,
  checks_passed INTEGER,
  checks_total INTEGER,
  check_detail TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id, model)
);
)sql",
    // 3: the judge queue. judge_pairs holds each shadow pair (a primary answer and its shadow's answer to one
    // request) from the moment it is queued: state pending → judged | invalid (no judge gave a valid verdict)
    // | failed (judge calls kept failing); the judges' combined verdict in the pair's own terms (winner
    // primary | shadow | tie, score_difference = weighted primary − shadow on the 0-2 scale), the per-judge
    // detail as JSON, and a human verdict that overrides it. judge_calls holds every judge call, failed ones
    // too, with its reply, cost and a note (the judge's reason, why the reply is invalid, or why the call failed):
    // a restart replays them and asks only the calls still missing.
    R"sql(
CREATE TABLE judge_pairs (
  pair_id INTEGER PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  task TEXT NOT NULL,
  prompt TEXT NOT NULL,
  tools TEXT NOT NULL,
  primary_id TEXT NOT NULL,
  primary_backend TEXT NOT NULL,
  primary_model TEXT NOT NULL,
  primary_location TEXT NOT NULL,
  primary_text TEXT NOT NULL,
  primary_tool_calls TEXT NOT NULL,
  primary_clipped INTEGER NOT NULL,
  primary_ms REAL NOT NULL,
  primary_cost REAL NOT NULL,
  shadow_id TEXT NOT NULL,
  shadow_backend TEXT NOT NULL,
  shadow_model TEXT NOT NULL,
  shadow_location TEXT NOT NULL,
  shadow_text TEXT NOT NULL,
  shadow_tool_calls TEXT NOT NULL,
  shadow_clipped INTEGER NOT NULL,
  shadow_ms REAL NOT NULL,
  shadow_cost REAL NOT NULL,
  state TEXT NOT NULL,
  failed_rounds INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  finished_ms INTEGER,
  winner TEXT,
  score_difference REAL,
  mean_abs_difference REAL,
  valid_judges INTEGER,
  needs_review INTEGER NOT NULL,
  same_family_judge INTEGER NOT NULL,
  judges_detail TEXT NOT NULL,
  human_winner TEXT,
  human_note TEXT NOT NULL,
  human_ms INTEGER
);
CREATE UNIQUE INDEX judge_pairs_by_primary ON judge_pairs (primary_id);
CREATE INDEX judge_pairs_by_state ON judge_pairs (state, next_attempt_ms);
CREATE INDEX judge_pairs_by_time ON judge_pairs (created_ms);
CREATE TABLE judge_calls (
  pair_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  judge TEXT NOT NULL,
  judge_family TEXT NOT NULL,
  same_family INTEGER NOT NULL,
  call_order TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  reply TEXT NOT NULL,
  note TEXT NOT NULL,
  winner TEXT,
  latency_ms REAL NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost REAL NOT NULL,
  PRIMARY KEY (pair_id, seq)
);
)sql",
};

bool has_version_table(SqliteConnection& db) {
  SqliteStatement s = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  return s && sqlite3_step(s.get()) == SQLITE_ROW;
}

void record_version(SqliteConnection& db, int version) {
  SqliteStatement s = db.prepare("INSERT INTO schema_version (version, applied_ms) VALUES (?, ?)");
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  if (s) {
    sqlite3_bind_int(s.get(), 1, version);
    sqlite3_bind_int64(s.get(), 2, now.count());
  }
  if (!s || sqlite3_step(s.get()) != SQLITE_DONE)
    throw RecordStoreError(db.path() + ": cannot record schema version " + std::to_string(version) + ": " +
                           db.error());
}

}  // namespace

int schema_version(SqliteConnection& db) {
  if (!has_version_table(db)) return 0;
  SqliteStatement s = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!s || sqlite3_step(s.get()) != SQLITE_ROW) return -1;
  return sqlite3_column_int(s.get(), 0);
}

void migrate(SqliteConnection& db) {
  db.exec_or_throw("BEGIN IMMEDIATE", "cannot start the schema migration");
  try {
    db.exec_or_throw("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_ms INTEGER NOT NULL)",
                     "cannot create the schema_version table");
    const int version = schema_version(db);
    if (version < 0) throw RecordStoreError(db.path() + ": cannot read the schema version: " + db.error());
    if (version > kSchemaVersion)
      throw RecordStoreError(db.path() + ": the records database has schema version " + std::to_string(version) +
                             ", newer than this llmroute (" + std::to_string(kSchemaVersion) + "); upgrade llmroute");
    for (int v = version + 1; v <= kSchemaVersion; ++v) {
      db.exec_or_throw(kMigrations[v - 1], "schema migration " + std::to_string(v) + " failed");
      record_version(db, v);
    }
    db.exec_or_throw("COMMIT", "cannot commit the schema migration");
  } catch (const RecordStoreError&) {
    db.exec("ROLLBACK");
    throw;
  }
}

void require_current_schema(SqliteConnection& db) {
  const int version = schema_version(db);
  if (version == kSchemaVersion) return;
  if (version < 0) throw RecordStoreError(db.path() + ": cannot read the schema version: " + db.error());
  if (version == 0) throw RecordStoreError(db.path() + ": not an llmroute records database (no schema_version table)");
  throw RecordStoreError(db.path() + ": the records database has schema version " + std::to_string(version) +
                         " but this llmroute reads version " + std::to_string(kSchemaVersion) +
                         (version < kSchemaVersion ? "; start `llmroute serve` once to migrate it" : "; upgrade llmroute"));
}

const std::string& record_columns() {
  static const std::string columns = [] {
    std::string list;
    const RequestRecord empty;
    for_each_field(empty, [&list](const char* name, const auto&) {
      if (!list.empty()) list += ", ";
      list += name;
    });
    return list;
  }();
  return columns;
}

}  // namespace llmroute::records
