// llama.cpp's tokenizer over the text of a Messages request: one POST on a fresh connection, bounded in time.
#include "proxy/backend_tokenizer.hpp"

#include "config/json_text.hpp"
#include "proxy/asio_ssl.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/json.hpp>

namespace llmroute::proxy {

namespace json = boost::json;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

void append_line(std::string& out, std::string_view text) {
  if (text.empty()) return;
  if (!out.empty()) out += '\n';
  out += text;
}

/// The text of a content value: a string, or blocks of text, tool calls, tool results (nested content).
void append_content(std::string& out, const json::value& content) {
  if (content.is_string()) return append_line(out, content.get_string());
  if (!content.is_array()) return;
  for (const json::value& block : content.get_array()) {
    if (!block.is_object()) continue;
    const json::object& b = block.get_object();
    if (const auto* text = b.if_contains("text"); text && text->is_string()) append_line(out, text->get_string());
    if (const auto* thinking = b.if_contains("thinking"); thinking && thinking->is_string())
      append_line(out, thinking->get_string());
    if (const auto* name = b.if_contains("name"); name && name->is_string()) append_line(out, name->get_string());
    if (const auto* input = b.if_contains("input")) append_line(out, json::serialize(*input));
    if (const auto* nested = b.if_contains("content")) append_content(out, *nested);
  }
}

template <typename Stream>
awaitable<TokenCount> ask(Stream& stream, const std::string& request) {
  if (auto [ec, n] = co_await asio::async_write(stream, asio::buffer(request), use_nothrow); ec)
    co_return TokenCount{0, "sending the request failed: " + ec.message()};
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (auto [ec, n] = co_await http::async_read(stream, buffer, response, use_nothrow); ec)
    co_return TokenCount{0, "reading the answer failed: " + ec.message()};
  if (response.result_int() != 200) co_return TokenCount{0, "it answered " + std::to_string(response.result_int())};
  json::error_code ec;
  const json::value answer = json::parse(response.body(), ec);
  const json::value* tokens = !ec && answer.is_object() ? answer.get_object().if_contains("tokens") : nullptr;
  if (tokens == nullptr || !tokens->is_array()) co_return TokenCount{0, std::string("its answer has no \"tokens\" array")};
  co_return TokenCount{static_cast<std::uint64_t>(tokens->get_array().size()), {}};
}

awaitable<TokenCount> tokenize(BackendRuntime* backend, config::Millis connect_timeout, std::string request) {
  AcquireResult acquired = co_await backend->pool->connect(connect_timeout);
  if (auto* failure = std::get_if<Failure>(&acquired)) co_return TokenCount{0, failure->detail};
  UpstreamConnectionPtr connection = std::move(std::get<UpstreamConnectionPtr>(acquired));
  if (connection->is_tls()) co_return co_await ask(connection->tls(), request);
  co_return co_await ask(connection->socket(), request);
}

awaitable<void> expire(config::Millis after) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, after);
  co_await timer.async_wait(use_nothrow);
}

}  // namespace

std::string messages_request_text(std::string_view body) {
  json::error_code ec;
  const json::value request = json::parse(body, ec);
  if (ec || !request.is_object()) return {};
  const json::object& r = request.get_object();
  std::string out;
  if (const auto* system = r.if_contains("system")) append_content(out, *system);
  if (const auto* messages = r.if_contains("messages"); messages && messages->is_array())
    for (const json::value& message : messages->get_array())
      if (message.is_object())
        if (const auto* content = message.get_object().if_contains("content")) append_content(out, *content);
  if (const auto* tools = r.if_contains("tools"); tools && tools->is_array())
    for (const json::value& tool : tools->get_array()) append_line(out, json::serialize(tool));
  return out;
}

awaitable<TokenCount> count_with_backend_tokenizer(ServerState* state, BackendRuntime* backend, std::string text) {
  const config::BackendConfig& b = *backend->config;
  const bool https = b.scheme == config::Scheme::https;
  const bool default_port = (https && b.port == 443) || (!https && b.port == 80);
  const std::string body = "{\"content\":" + config::json_quote(text) + "}";
  std::string request = "POST " + b.tokenize_path + " HTTP/1.1\r\nHost: " + b.host_header +
                        (default_port ? std::string() : ":" + std::to_string(b.port)) +
                        "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n";
  if (backend->api_key) request += "Authorization: Bearer " + *backend->api_key + "\r\n";
  request += "\r\n" + body;
  const auto& timeouts = state->config->server.timeouts;
  // Both awaitables are named first: GCC 12 miscompiles non-trivial temporaries inside a co_await expression.
  awaitable<TokenCount> asking = tokenize(backend, timeouts.upstream_connect, std::move(request));
  awaitable<void> giving_up = expire(timeouts.upstream_connect + timeouts.upstream_first_byte);
  auto outcome = co_await (std::move(asking) || std::move(giving_up));
  if (outcome.index() == 1) co_return TokenCount{0, std::string("it did not answer in time")};
  co_return std::get<0>(std::move(outcome));
}

}  // namespace llmroute::proxy
