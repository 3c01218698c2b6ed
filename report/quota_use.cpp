// One aggregate query over the month's client requests, split at the start of the day.
#include "report/quota_use.hpp"

#include "policies/quota_windows.hpp"
#include "records/sqlite_connection.hpp"

#include <chrono>

namespace llmroute::report {

namespace {

std::int64_t unix_ms(policies::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

QuotaUseRead read_quota_use(const std::string& db_path, std::int64_t now_unix_ms) {
  QuotaUseRead out;
  const policies::TimePoint now{std::chrono::milliseconds(now_unix_ms)};
  try {
    records::SqliteConnection db(db_path, records::SqliteConnection::Access::read_only);
    records::SqliteStatement sums = db.prepare(
        "SELECT user, SUM(CASE WHEN start_ms >= ?1 THEN input_tokens + output_tokens ELSE 0 END), "
        "SUM(CASE WHEN route = 'cloud' THEN cost ELSE 0 END) FROM requests "
        "WHERE start_ms >= ?2 AND start_ms <= ?3 AND shadow = 0 AND route IS NOT NULL AND status BETWEEN 200 AND 299 "
        "GROUP BY user ORDER BY user");
    if (!sums) {
      out.error = db.error();
      return out;
    }
    sqlite3_bind_int64(sums.get(), 1, unix_ms(policies::utc_day_start(now)));
    sqlite3_bind_int64(sums.get(), 2, unix_ms(policies::utc_month_start(now)));
    sqlite3_bind_int64(sums.get(), 3, now_unix_ms);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(sums.get())) == SQLITE_ROW) {
      const auto* user = reinterpret_cast<const char*>(sqlite3_column_text(sums.get(), 0));
      out.users.push_back({user ? user : "", static_cast<std::uint64_t>(sqlite3_column_int64(sums.get(), 1)),
                           sqlite3_column_double(sums.get(), 2)});
    }
    if (rc != SQLITE_DONE) {
      out.users.clear();
      out.error = db.error();
    }
  } catch (const records::RecordStoreError& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace llmroute::report
