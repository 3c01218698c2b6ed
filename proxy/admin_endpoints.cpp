// /metrics, /admin/records and /report.
#include "proxy/admin_endpoints.hpp"

#include "proxy/error_body.hpp"
#include "proxy/records_query.hpp"
#include "proxy/shadow_metrics.hpp"
#include "records/record_json.hpp"
#include "records/sqlite_record_reader.hpp"
#include "report/renderers.hpp"
#include "report/report_loader.hpp"
#include "report/report_window.hpp"

#include <boost/url/parse.hpp>

namespace llmroute::proxy {

namespace {

struct QueryAnswer {
  unsigned status = 200;
  std::string body;
};

/// Why an operator endpoint over the records cannot answer, or nothing when it can. Who may call it was
/// checked before (authorize_admin).
std::optional<QueryAnswer> records_endpoint_refusal(const ServerState& state) {
  if (!state.config->records.enabled)
    return QueryAnswer{404, openai_error_body(404, "records are disabled (records.enabled: false)")};
  return std::nullopt;
}

/// Reads and renders the HTML report; runs on ServerState::blocking_work.
awaitable<QueryAnswer> run_report(config::ConfigPtr config, std::optional<std::int64_t> since,
                                  std::optional<std::int64_t> until) {
  const report::LoadedReport loaded = report::load_report(*config, since, until);
  if (!loaded.report) co_return QueryAnswer{503, openai_error_body(503, "no report: " + loaded.error)};
  co_return QueryAnswer{200, report::render_html(*loaded.report)};
}

awaitable<QueryAnswer> run_query(std::string path, records::RecordQuery query) {
  try {
    records::SqliteRecordReader reader(path);
    records::RecordQueryResult result = reader.query(query);
    if (!result.error.empty()) co_return QueryAnswer{500, openai_error_body(500, "reading records failed: " + result.error)};
    co_return QueryAnswer{200, records::to_json(result.records)};
  } catch (const std::exception& e) {
    co_return QueryAnswer{503, openai_error_body(503, std::string("records are not readable: ") + e.what())};
  }
}

}  // namespace

awaitable<KeepAlive> serve_metrics(ServerState* state, ClientSession* session, KeepAlive keep_alive) {
  std::string body = state->metrics.render();
  if (state->redis) body += state->redis->metrics_text();
  body += shadow_metrics_text(state->shadows, state->judges.get(), state->config->currency);
  co_await write_response(*session, 200, "text/plain; version=0.0.4; charset=utf-8", body, keep_alive);
  co_return keep_alive;
}

awaitable<KeepAlive> serve_admin_records(ServerState* state, ClientSession* session, const ClientRequest* request,
                                         KeepAlive keep_alive) {
  if (const auto refusal = records_endpoint_refusal(*state)) {
    co_await write_response(*session, refusal->status, "application/json", refusal->body, keep_alive);
    co_return keep_alive;
  }

  const RecordsQueryParse parse = parse_records_query(request->target(), report::now_unix_ms());
  const std::string& error = parse.error;
  if (!error.empty()) {
    const std::string body = openai_error_body(400, error);
    co_await write_response(*session, 400, "application/json", body, keep_alive);
    co_return keep_alive;
  }
  QueryAnswer answer = co_await asio::co_spawn(state->blocking_work, run_query(state->config->records.path, parse.query),
                                               asio::use_awaitable);
  co_await write_response(*session, answer.status, "application/json", answer.body, keep_alive);
  co_return keep_alive;
}

awaitable<KeepAlive> serve_report(ServerState* state, ClientSession* session, const ClientRequest* request,
                                  KeepAlive keep_alive) {
  if (const auto refusal = records_endpoint_refusal(*state)) {
    co_await write_response(*session, refusal->status, "application/json", refusal->body, keep_alive);
    co_return keep_alive;
  }
  std::optional<std::int64_t> since;
  std::optional<std::int64_t> until;
  std::string error;
  const std::int64_t now = report::now_unix_ms();
  const auto url = boost::urls::parse_origin_form(request->target());
  if (url) {
    for (const auto& param : url->params()) {
      if (param.key != "since" && param.key != "until") {
        error = "unknown parameter '" + std::string(param.key) + "' (since, until)";
        break;
      }
      if (param.value.empty()) continue;  // `until=`: no bound, as for `llmroute report` without --until
      const report::WhenResult when = report::parse_when(param.value, now);
      if (!when.unix_ms) {
        error = std::string(param.key) + ": " + when.error;
        break;
      }
      (param.key == "since" ? since : until) = when.unix_ms;
    }
  }
  if (!error.empty()) {
    const std::string body = openai_error_body(400, error);
    co_await write_response(*session, 400, "application/json", body, keep_alive);
    co_return keep_alive;
  }
  awaitable<QueryAnswer> work = run_report(state->config, since, until);
  QueryAnswer answer = co_await asio::co_spawn(state->blocking_work, std::move(work), asio::use_awaitable);
  const char* content_type = answer.status == 200 ? "text/html; charset=utf-8" : "application/json";
  co_await write_response(*session, answer.status, content_type, answer.body, keep_alive);
  co_return keep_alive;
}

}  // namespace llmroute::proxy
