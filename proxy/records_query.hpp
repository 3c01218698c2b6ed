// The query string of GET /admin/records read into a record query: pure, so it is tested and fuzzed alone.
#pragma once

#include "records/sqlite_record_reader.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace llmroute::proxy {

/// A query for /admin/records, or why the query string is not one (`error` not empty).
struct RecordsQueryParse {
  records::RecordQuery query;
  std::string error;
};

/// Reads `since`, `until` (unix milliseconds, or a duration back from `now_unix_ms` such as 90m, 24h, 7d),
/// `user`, `task` and `limit` (1 to 10000, default 100) from the request target's query string. Newest first.
RecordsQueryParse parse_records_query(std::string_view target, std::int64_t now_unix_ms);

}  // namespace llmroute::proxy
