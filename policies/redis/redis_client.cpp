// The Redis client: RESP formatting, the reply queue, the connection loop with backoff.
#include "policies/redis/redis_client.hpp"

#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <limits>

namespace llmroute::policies {

namespace {

using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

/// Appends one command in RESP: an array of bulk strings.
void append_command(std::string& out, std::span<const std::string_view> args) {
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (std::string_view arg : args) {
    out += '$';
    out += std::to_string(arg.size());
    out += "\r\n";
    out += arg;
    out += "\r\n";
  }
}

RedisReply convert(const redisReply& raw) {
  RedisReply reply;
  switch (raw.type) {
    case REDIS_REPLY_STRING: reply.type = RedisReply::Type::string; break;
    case REDIS_REPLY_ARRAY: reply.type = RedisReply::Type::array; break;
    case REDIS_REPLY_INTEGER: reply.type = RedisReply::Type::integer; break;
    case REDIS_REPLY_STATUS: reply.type = RedisReply::Type::status; break;
    case REDIS_REPLY_ERROR: reply.type = RedisReply::Type::error; break;
    default: reply.type = RedisReply::Type::nil; break;
  }
  if (raw.type == REDIS_REPLY_STRING || raw.type == REDIS_REPLY_STATUS || raw.type == REDIS_REPLY_ERROR)
    reply.text.assign(raw.str, raw.len);
  if (raw.type == REDIS_REPLY_INTEGER) reply.integer = raw.integer;
  if (raw.type == REDIS_REPLY_ARRAY) {
    reply.elements.reserve(raw.elements);
    for (std::size_t i = 0; i < raw.elements; ++i) reply.elements.push_back(convert(*raw.element[i]));
  }
  return reply;
}

std::string sha1_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha1(), nullptr);
  std::string hex;
  char byte[3];
  for (unsigned i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

RedisScript::RedisScript(std::string script) : text(std::move(script)), sha1(sha1_hex(text)) {}

void RedisClient::ReaderDeleter::operator()(redisReader* reader) const { redisReaderFree(reader); }

RedisClient::RedisClient(asio::any_io_executor executor, RedisClientOptions options)
    : executor_(executor),
      options_(std::move(options)),
      name_("redis " + options_.host + ":" + std::to_string(options_.port) + "/" + std::to_string(options_.db)),
      socket_(executor),
      wake_writer_(executor),
      pause_(executor),
      jitter_(std::random_device{}()) {}

RedisClient::~RedisClient() = default;

void RedisClient::start() { asio::co_spawn(executor_, run(), asio::detached); }

void RedisClient::stop() {
  if (link_ == RedisLink::stopped) return;
  link_ = RedisLink::stopped;
  drop_reason_ = "the client was stopped";
  error_code ignored;
  socket_.close(ignored);
  wake_writer_.cancel();
  pause_.cancel();
  fail_all("llmroute is stopping");
}

bool RedisClient::enqueue(std::span<const std::string_view> args, PendingPtr pending) {
  if (link_ != RedisLink::up && link_ != RedisLink::connecting) return false;
  append_command(out_, args);
  awaiting_.push_back(std::move(pending));
  ++unwritten_;
  if (link_ == RedisLink::up) wake_writer_.cancel();
  return true;
}

awaitable<RedisResult> RedisClient::command_list(std::span<const std::string_view> args) {
  auto pending = std::make_shared<Pending>();
  if (!enqueue(args, pending)) return fail_now();
  return wait_reply(std::move(pending));
}

awaitable<RedisResult> RedisClient::fail_now() {
  // The reason goes to clients (the 503 of fail-closed): it is a socket error or Redis's own error reply,
  // never a secret (the Redis URL carries no password).
  co_return RedisUnavailable{down_reason_.empty() ? "not connected yet" : down_reason_};
}

awaitable<RedisResult> RedisClient::eval(const RedisScript* script, std::span<const std::string> keys,
                                         std::span<const std::string> args) {
  std::vector<std::string> call{"EVALSHA", script->sha1, std::to_string(keys.size())};
  call.insert(call.end(), keys.begin(), keys.end());
  call.insert(call.end(), args.begin(), args.end());
  const std::vector<std::string_view> views(call.begin(), call.end());
  awaitable<RedisResult> first = command_list(views);
  return finish_eval(script, std::move(call), std::move(first));
}

awaitable<RedisResult> RedisClient::finish_eval(const RedisScript* script, std::vector<std::string> call,
                                                awaitable<RedisResult> first) {
  RedisResult result = co_await std::move(first);
  if (!result.answered() || !result.reply().is_error() || !result.reply().text.starts_with("NOSCRIPT")) co_return result;
  // Redis lost its script cache (restart, SCRIPT FLUSH): load and retry, back to back in one write.
  send("SCRIPT", "LOAD", script->text);
  const std::vector<std::string_view> views(call.begin(), call.end());
  co_return co_await command_list(views);
}

void RedisClient::eval_detached(const RedisScript* script, std::span<const std::string> keys,
                                std::span<const std::string> args) {
  asio::co_spawn(executor_, discard_reply(eval(script, keys, args)), asio::detached);
}

awaitable<void> RedisClient::discard_reply(awaitable<RedisResult> call) { co_await std::move(call); }

awaitable<RedisResult> RedisClient::wait_reply(PendingPtr pending) {
  if (!pending->result) {
    asio::steady_timer timer(executor_, options_.command_timeout);
    pending->waiter = &timer;
    for (;;) {
      co_await timer.async_wait(use_nothrow);
      if (pending->result || !worth_waiting(*pending) ||
          (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
        break;
      // The full timeout from the write; from now while unwritten or while unread bytes wait (the read
      // delivers the reply and cancels this timer).
      const auto now = Clock::now();
      const bool recent = pending->written && now < *pending->written + options_.command_timeout;
      timer.expires_at((recent ? *pending->written : now) + options_.command_timeout);
    }
    pending->waiter = nullptr;
    if (!pending->result) {
      // Either the caller was cancelled (its request ended) or the reply is late. A late reply means a
      // Redis that stopped answering: drop the connection so everyone fails fast until it is back.
      if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
        co_return RedisUnavailable{"the command was cancelled"};
      const std::string why = "no reply within " + std::to_string(options_.command_timeout.count()) +
                              " ms (quota_store.command_timeout)";
      drop_connection(why);
      co_return RedisUnavailable{why};
    }
  }
  co_return std::move(*pending->result);
}

bool RedisClient::worth_waiting(const Pending& pending) {
  if (!pending.written || Clock::now() - *pending.written < options_.command_timeout) return true;
  error_code ec;
  return socket_.available(ec) > 0 && !ec;
}

void RedisClient::deliver(std::optional<RedisResult> result) {
  PendingPtr pending = std::move(awaiting_.front());
  awaiting_.pop_front();
  if (!pending) return;
  pending->result = std::move(result);
  if (pending->waiter) pending->waiter->cancel();
}

void RedisClient::fail_all(const std::string& why) {
  out_.clear();
  unwritten_ = 0;
  while (!awaiting_.empty()) deliver(RedisResult(RedisUnavailable{why}));
}

void RedisClient::drop_connection(std::string why) {
  if (link_ != RedisLink::up) return;
  link_ = RedisLink::down;  // at once: commands issued before the connection loop notices fail too
  note_outage(why);
  drop_reason_ = std::move(why);
  error_code ignored;
  socket_.close(ignored);
}

void RedisClient::note_outage(const std::string& why) {
  if (in_outage_) return;
  in_outage_ = true;
  ++outages_;
  outage_started_ = Clock::now();
  std::fprintf(stderr, "llmroute: warning: %s is unavailable: %s; reconnecting in the background, every %lld ms at most\n",
               name_.c_str(), why.c_str(), static_cast<long long>(options_.reconnect_max.count()));
}

std::chrono::milliseconds RedisClient::jittered(std::chrono::milliseconds pause) {
  std::uniform_real_distribution<double> factor(0.8, 1.2);
  return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(pause.count()) * factor(jitter_)));
}

awaitable<void> RedisClient::run() {
  auto pause = options_.reconnect_initial;
  while (link_ != RedisLink::stopped) {
    std::string failure = co_await open_connection();
    if (link_ == RedisLink::stopped) break;
    if (failure.empty()) {
      link_ = RedisLink::up;
      pause = options_.reconnect_initial;
      if (in_outage_) {
        std::fprintf(stderr, "llmroute: %s is available again after %.1f s\n", name_.c_str(), seconds_since(outage_started_));
        in_outage_ = false;
      }
      drop_reason_.clear();
      auto ended = co_await (read_loop() || write_loop());
      failure = ended.index() == 0 ? std::get<0>(ended) : std::get<1>(ended);
      if (!drop_reason_.empty()) failure = drop_reason_;
      error_code ignored;
      socket_.close(ignored);
      if (link_ == RedisLink::stopped) break;
    }
    link_ = RedisLink::down;
    down_reason_ = failure;
    fail_all(failure);
    note_outage(failure);
    pause_.expires_after(jittered(pause));
    co_await pause_.async_wait(use_nothrow);
    pause = std::min(pause * 2, options_.reconnect_max);
  }
  fail_all(name_ + " client stopped");
}

awaitable<std::string> RedisClient::open_connection() {
  std::vector<tcp::endpoint> endpoints;
  error_code ec;
  const auto address = asio::ip::make_address(options_.host, ec);
  asio::steady_timer deadline(executor_, options_.connect_timeout);
  if (!ec) {
    endpoints.emplace_back(address, options_.port);
  } else {
    tcp::resolver resolver(executor_);
    const std::string port = std::to_string(options_.port);
    auto resolved = co_await (resolver.async_resolve(options_.host, port, use_nothrow) || deadline.async_wait(use_nothrow));
    if (resolved.index() == 1) co_return "cannot resolve '" + options_.host + "' in time";
    auto [resolve_error, results] = std::get<0>(resolved);
    if (resolve_error) co_return "cannot resolve '" + options_.host + "': " + resolve_error.message();
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  }
  auto outcome = co_await (establish(std::move(endpoints)) || deadline.async_wait(use_nothrow));
  if (outcome.index() == 1) {
    error_code ignored;
    socket_.close(ignored);
    co_return "no connection within " + std::to_string(options_.connect_timeout.count()) + " ms (connect_timeout)";
  }
  co_return std::get<0>(outcome);
}

awaitable<std::string> RedisClient::establish(std::vector<tcp::endpoint> endpoints) {
  std::string failure = "no address";
  for (const tcp::endpoint& endpoint : endpoints) {
    error_code ignored;
    socket_.close(ignored);
    auto [ec] = co_await socket_.async_connect(endpoint, use_nothrow);
    if (!ec) {
      failure.clear();
      break;
    }
    failure = ec.message();
  }
  if (!failure.empty()) co_return failure;
  error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  reader_.reset(redisReaderCreate());

  // The handshake goes first and alone: SELECT, so commands queued meanwhile land in the right database,
  // and PING, because a frozen Redis still completes TCP connects (the kernel accepts them) — only an
  // answer says it is really there.
  std::string handshake;
  const std::string db = std::to_string(options_.db);
  const std::array<std::string_view, 2> select{"SELECT", db};
  const std::array<std::string_view, 1> ping{"PING"};
  if (options_.db != 0) append_command(handshake, select);
  append_command(handshake, ping);
  if (auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(handshake), use_nothrow); ec) co_return ec.message();
  std::size_t replies = options_.db != 0 ? 2 : 1;
  std::array<char, 256> buffer;
  while (replies > 0) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buffer), use_nothrow);
    if (ec) co_return ec.message();
    redisReaderFeed(reader_.get(), buffer.data(), n);
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) co_return "protocol error in the handshake";
      if (!raw) break;
      const RedisReply reply = convert(*static_cast<redisReply*>(raw));
      freeReplyObject(raw);
      // llmroute sends no AUTH (the URL carries no password), so NOAUTH is a Redis set up with requirepass: the
      // operator's fix is on Redis's side, and saying so beats a bare "PING failed".
      if (reply.is_error() && reply.text.starts_with("NOAUTH"))
        co_return "Redis wants a password (" + reply.text + ") and llmroute sends none: it supports no Redis password, "
                  "so run this Redis without requirepass, on loopback or a trusted network";
      if (reply.is_error()) co_return (replies == 2 ? "SELECT " + db : std::string("PING")) + " failed: " + reply.text;
      if (--replies == 0) break;
    }
  }
  co_return "";
}

awaitable<std::string> RedisClient::read_loop() {
  std::array<char, 16 * 1024> buffer;
  for (;;) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buffer), use_nothrow);
    if (ec == asio::error::eof) co_return "Redis closed the connection";
    if (ec) co_return ec.message();
    if (redisReaderFeed(reader_.get(), buffer.data(), n) != REDIS_OK) co_return "protocol error";
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) co_return "protocol error";
      if (!raw) break;
      RedisReply reply = convert(*static_cast<redisReply*>(raw));
      freeReplyObject(raw);
      if (awaiting_.empty()) co_return "a reply nobody asked for";
      deliver(RedisResult(std::move(reply)));
    }
  }
}

awaitable<std::string> RedisClient::write_loop() {
  std::string writing;
  for (;;) {
    if (out_.empty()) {
      wake_writer_.expires_at(Clock::time_point::max());
      co_await wake_writer_.async_wait(use_nothrow);
      // Woken by a new command, or cancelled because the reader ended (or stop()).
      if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) co_return "";
      if (link_ != RedisLink::up) co_return "";
      continue;
    }
    writing.swap(out_);
    const std::size_t commands = unwritten_;
    unwritten_ = 0;
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(writing), use_nothrow);
    writing.clear();
    if (ec) co_return "write failed: " + ec.message();
    // The commands just written are the last ones in awaiting_ before those queued during the write.
    const auto now = Clock::now();
    const std::size_t end = awaiting_.size() - std::min(unwritten_, awaiting_.size());
    for (std::size_t i = end - std::min(commands, end); i < end; ++i)
      if (awaiting_[i]) awaiting_[i]->written = now;
  }
}

}  // namespace llmroute::policies
