// Reads the latest judged bench run's scores from bench_results.
#include "report/bench_quality.hpp"

#include "records/sqlite_connection.hpp"

namespace llmroute::report {

namespace {

std::string column_text(sqlite3_stmt* statement, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column))) : std::string();
}

}  // namespace

BenchQuality read_bench_quality(const std::string& db_path) {
  BenchQuality out;
  try {
    records::SqliteConnection db(db_path, records::SqliteConnection::Access::read_only);
    records::SqliteStatement latest = db.prepare(
        "SELECT b.run_id, b.start_ms FROM bench_runs b WHERE EXISTS (SELECT 1 FROM bench_results r WHERE "
        "r.run_id = b.run_id AND r.quality IS NOT NULL) ORDER BY b.start_ms DESC, b.run_id DESC LIMIT 1");
    if (!latest) {
      out.error = db.error();
      return out;
    }
    if (sqlite3_step(latest.get()) != SQLITE_ROW) return out;
    out.run_id = column_text(latest.get(), 0);
    out.run_start_unix_ms = sqlite3_column_int64(latest.get(), 1);

    records::SqliteStatement scores = db.prepare(
        "SELECT category, model, quality FROM bench_results WHERE run_id = ? AND quality IS NOT NULL "
        "ORDER BY category, model, task_id");
    if (!scores) {
      out.error = db.error();
      return out;
    }
    sqlite3_bind_text(scores.get(), 1, out.run_id.data(), static_cast<int>(out.run_id.size()), SQLITE_STATIC);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(scores.get())) == SQLITE_ROW) {
      std::string model = column_text(scores.get(), 1);
      // Backend names never contain '/', so the model's name is everything after the first one.
      if (const auto slash = model.find('/'); slash != std::string::npos) model.erase(0, slash + 1);
      out.judgments.push_back({column_text(scores.get(), 0), std::move(model), sqlite3_column_double(scores.get(), 2)});
    }
    if (rc != SQLITE_DONE) {
      out.judgments.clear();
      out.error = db.error();
    }
  } catch (const records::RecordStoreError& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace llmroute::report
