// Endpoint table: which path and method is served by what.
#include "proxy/endpoints.hpp"

#include "proxy/admin_endpoints.hpp"
#include "proxy/backends_endpoint.hpp"
#include "proxy/error_body.hpp"
#include "proxy/health_body.hpp"
#include "proxy/request_auth.hpp"
#include "proxy/usage_endpoints.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>

namespace llmroute::proxy {

std::string models_json(const config::Config& config) {
  boost::json::array data;
  for (const auto& backend : config.backends) {
    for (const auto& model : backend.models) {
      data.push_back(boost::json::object{
          {"id", model.name},
          {"object", "model"},
          {"created", 0},
          {"owned_by", backend.name},
          {"llmroute", boost::json::object{{"backend", backend.name},
                                           {"location", config::to_string(backend.location)},
                                           {"upstream_name", model.upstream_name},
                                           {"context_tokens", model.context_tokens},
                                           {"tools", model.tools},
                                           {"vision", model.vision}}}});
    }
  }
  return boost::json::serialize(boost::json::object{{"object", "list"}, {"data", std::move(data)}});
}

/// Operator endpoints: an admin's key under `auth: keys`, loopback clients under `auth: none`.
bool is_operator_path(std::string_view path) {
  return path == "/metrics" || path == "/report" || path.starts_with("/admin/");
}

/// Paths served to GET only: another method gets 405, not 404.
bool is_get_only_path(std::string_view path) {
  return path == "/v1/usage" || path == "/admin/usage" || path == "/metrics" || path == "/admin/records" || path == "/report" ||
         path == "/admin/backends";
}

/// The methods a path answers: the Allow header of its 405 (RFC 9110 15.5.6).
std::string_view allowed_methods(ClientApi api, std::string_view path) {
  if (api == ClientApi::models || path == "/healthz" || path == "/health" || path == "/") return "GET, HEAD";
  if (api == ClientApi::other) return "GET";  // the GET-only paths: any other path is a 404
  return "POST";
}

awaitable<KeepAlive> serve_endpoint(ServerState* state, ClientSession* session, ClientRequest* request) {
  const KeepAlive keep_alive = request->keep_alive() && !state->draining ? KeepAlive::yes : KeepAlive::no;
  const http::verb method = request->method();
  const std::string_view path = path_without_query(request->target());
  const ClientApi api = client_api_of(path);

  switch (api) {
    case ClientApi::chat_completions:
    case ClientApi::completions:
    case ClientApi::messages:
    case ClientApi::count_tokens:
    case ClientApi::responses:
      if (api == ClientApi::responses && beast::iequals((*request)[http::field::upgrade], "websocket")) {
        // Codex tries a WebSocket first; 426 makes it fall back to plain HTTP streaming.
        const std::string body = error_body(api, 426, "llmroute serves /v1/responses over HTTP only (no WebSocket)");
        co_await write_response(*session, 426, "application/json", body, KeepAlive::no);
        co_return KeepAlive::no;
      }
      if (method == http::verb::post) {
        const KeepAlive result = co_await serve_model_request(state, session, request, api);
        co_return state->draining ? KeepAlive::no : result;
      }
      break;
    case ClientApi::models:
      if (method == http::verb::get || method == http::verb::head) {
        if (const auto caller = caller_of(*state, *request); std::holds_alternative<policies::AuthFailure>(caller)) {
          co_await write_unauthorized(*session, api, std::get<policies::AuthFailure>(caller), keep_alive);
          co_return keep_alive;
        }
        const std::string body = models_json(*state->config);
        co_await write_response(*session, 200, "application/json", body, keep_alive);
        co_return keep_alive;
      }
      break;
    case ClientApi::other:
      if (path == "/v1/usage" && method == http::verb::get) co_return co_await serve_usage(state, session, request, keep_alive);
      if (is_operator_path(path) && !co_await authorize_admin(state, session, request, keep_alive)) co_return keep_alive;
      if (path == "/admin/usage" && method == http::verb::get) co_return co_await serve_admin_usage(state, session, keep_alive);
      if (path == "/admin/backends" && method == http::verb::get)
        co_return co_await serve_admin_backends(state, session, keep_alive);
      if (path == "/metrics" && method == http::verb::get) co_return co_await serve_metrics(state, session, keep_alive);
      if (path == "/admin/records" && method == http::verb::get)
        co_return co_await serve_admin_records(state, session, request, keep_alive);
      if (path == "/report" && method == http::verb::get) co_return co_await serve_report(state, session, request, keep_alive);
      if (path == "/healthz" || path == "/health") {
        if (method == http::verb::get || method == http::verb::head) {
          const std::string health = health_body(*state);
          co_await write_response(*session, 200, "application/json", health, keep_alive);
          co_return keep_alive;
        }
      } else if (path == "/") {
        // Claude Code probes `HEAD /` at start to see that the base URL answers.
        if (method == http::verb::head || method == http::verb::get) {
          co_await write_response(*session, 200, "application/json", R"({"name":"llmroute","status":"ok"})", keep_alive);
          co_return keep_alive;
        }
      } else if (!is_get_only_path(path)) {
        // Anthropic's SDK asks for paths of its own under /v1/messages/ (batches): answer them in its shape.
        const ClientApi shape = path.starts_with("/v1/messages/") ? ClientApi::messages : api;
        const std::string body = error_body(shape, 404, "no such endpoint: " + std::string(request->method_string()) + " " + std::string(path));
        co_await write_response(*session, 404, "application/json", body, keep_alive);
        co_return keep_alive;
      }
      break;
  }
  const std::string body = error_body(api, 405, "method " + std::string(request->method_string()) + " is not allowed on " + std::string(path));
  const std::string allow = "Allow: " + std::string(allowed_methods(api, path)) + "\r\n";
  co_await write_response(*session, 405, "application/json", body, keep_alive, allow);
  co_return keep_alive;
}

}  // namespace llmroute::proxy
