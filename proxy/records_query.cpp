// GET /admin/records?since=&until=&user=&task=&limit= read into a records::RecordQuery.
#include "proxy/records_query.hpp"

#include <boost/url/parse.hpp>

#include <charconv>

namespace llmroute::proxy {

namespace {

/// A time bound: unix milliseconds, or a duration back from now such as 90m, 24h, 7d.
std::optional<std::int64_t> parse_time(std::string_view text, std::int64_t now, std::string& error) {
  std::int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  const std::string_view unit(end, text.data() + text.size() - end);
  if (ec != std::errc{} || number < 0) {
    error = "expected unix milliseconds or a duration such as 24h, found '" + std::string(text) + "'";
    return std::nullopt;
  }
  if (unit.empty()) return number;
  std::int64_t scale = 0;
  if (unit == "s") scale = 1000;
  else if (unit == "m") scale = 60'000;
  else if (unit == "h") scale = 3'600'000;
  else if (unit == "d") scale = 86'400'000;
  if (scale == 0) {
    error = "unknown time unit in '" + std::string(text) + "' (use s, m, h or d)";
    return std::nullopt;
  }
  if (number > now / scale) return 0;  // further back than 1970 (and `number * scale` could overflow): all time
  return now - number * scale;
}

}  // namespace

RecordsQueryParse parse_records_query(std::string_view target, std::int64_t now_unix_ms) {
  RecordsQueryParse parse;
  records::RecordQuery& query = parse.query;
  query.order = records::RecordQuery::Order::newest_first;
  query.limit = 100;
  std::string& error = parse.error;
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return parse;
  for (const auto& param : url->params()) {
    // An empty field (`user=`, as the README's example and HTML forms send it) sets no filter.
    if (param.value.empty() && (param.key == "since" || param.key == "until" || param.key == "user" || param.key == "task"))
      continue;
    if (param.key == "since") query.since_unix_ms = parse_time(param.value, now_unix_ms, error);
    else if (param.key == "until") query.until_unix_ms = parse_time(param.value, now_unix_ms, error);
    else if (param.key == "user") query.user = param.value;
    else if (param.key == "task") query.task = param.value;
    else if (param.key == "limit") {
      std::size_t limit = 0;
      auto [end, parse_ec] = std::from_chars(param.value.data(), param.value.data() + param.value.size(), limit);
      if (parse_ec != std::errc{} || end != param.value.data() + param.value.size() || limit == 0 || limit > 10'000)
        error = "limit must be a whole number from 1 to 10000";
      else query.limit = limit;
    } else {
      error = "unknown parameter '" + std::string(param.key) + "' (since, until, user, task, limit)";
    }
    if (!error.empty()) break;
  }
  return parse;
}

}  // namespace llmroute::proxy
