// A read buffer for relayed sockets: a read that returns fewer bytes than asked means the socket is drained.
#pragma once

#include "proxy/asio.hpp"

#include <boost/asio/detail/reactive_socket_recv_op.hpp>

namespace llmroute::proxy {

/// Pass this instead of a plain mutable_buffer to `async_read_some` on a tcp::socket whose reads usually
/// come back short (a streamed answer: one small event at a time). Asio 1.81 marks a socket as drained
/// only at end of file, so after every short read its next async read first tries a recv that fails with
/// EAGAIN, and only then waits: one wasted system call per relayed event, 20 per streamed request of the
/// benchmark. With this buffer a short read marks the socket drained, as nginx does; the next read waits
/// on the edge-triggered registration at once, and a wake-up that arrived meanwhile still reads at once.
struct ShortReadBuffer : asio::mutable_buffer {
  explicit ShortReadBuffer(asio::mutable_buffer buffer) : asio::mutable_buffer(buffer) {}
};

}  // namespace llmroute::proxy

namespace boost::asio::detail {

/// Asio's receive operation for a ShortReadBuffer: the same as the generic one, except that a short read
/// of a stream reports `done_and_exhausted`, which clears the reactor's "try a speculative read" flag for
/// the socket until the next readiness event sets it again.
template <>
class reactive_socket_recv_op_base<llmroute::proxy::ShortReadBuffer> : public reactor_op {
 public:
  reactive_socket_recv_op_base(const boost::system::error_code& success_ec, socket_type socket,
                               socket_ops::state_type state, const llmroute::proxy::ShortReadBuffer& buffer,
                               socket_base::message_flags flags, func_type complete_func)
      : reactor_op(success_ec, &reactive_socket_recv_op_base::do_perform, complete_func),
        socket_(socket),
        state_(state),
        buffer_(buffer),
        flags_(flags) {}

  static status do_perform(reactor_op* base) {
    auto* o = static_cast<reactive_socket_recv_op_base*>(base);
    const bool stream = (o->state_ & socket_ops::stream_oriented) != 0;
    if (!socket_ops::non_blocking_recv1(o->socket_, o->buffer_.data(), o->buffer_.size(), o->flags_, stream, o->ec_,
                                        o->bytes_transferred_))
      return not_done;
    if (stream && (o->bytes_transferred_ < o->buffer_.size() || o->bytes_transferred_ == 0)) return done_and_exhausted;
    return done;
  }

 private:
  socket_type socket_;
  socket_ops::state_type state_;
  llmroute::proxy::ShortReadBuffer buffer_;
  socket_base::message_flags flags_;
};

}  // namespace boost::asio::detail
