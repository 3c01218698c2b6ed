// Harness: the query string of GET /admin/records (the whole request target) read into a record query.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "proxy/records_query.hpp"

namespace llmroute::fuzz {

void fuzz_records_query(std::string_view bytes) {
  constexpr std::int64_t kNow = 1'790'000'000'000;
  const proxy::RecordsQueryParse parse = proxy::parse_records_query(bytes, kNow);
  if (!parse.error.empty()) return;
  const records::RecordQuery& query = parse.query;
  for (const auto& bound : {query.since_unix_ms, query.until_unix_ms})
    require(!bound || *bound >= 0, "a time bound is not before 1970");
  require(query.limit && *query.limit >= 1 && *query.limit <= 10'000, "the limit is from 1 to 10000");
}

}  // namespace llmroute::fuzz
