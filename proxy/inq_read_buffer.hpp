// Reads of a backend's socket that also tell whether anything is left in it (Linux TCP_INQ).
#pragma once

#include "proxy/asio.hpp"

#include <boost/asio/detail/reactive_socket_recv_op.hpp>

#include <cstddef>

namespace llmroute::proxy {

/// Asks the kernel to say, with each read of `socket` through receive_with_inq(), whether bytes or a close
/// are still waiting (TCP_INQ, Linux 4.18). Without it those reads never count as draining the socket.
void report_bytes_left(tcp::socket& socket);

/// One non-blocking read.
struct InqReceive {
  std::ptrdiff_t n = -1;  ///< bytes read; 0 at end of file; -1 on error, then `error` holds errno
  int error = 0;
  /// The kernel said nothing is left: no byte and no close. Only then must the next read wait for the event
  /// loop. A close that came with the last bytes counts as something left (TCP_INQ reports it so), so it is
  /// read at once instead of being waited for: it brings no readiness event of its own.
  bool drained = false;
};

/// recvmsg() of up to `size` bytes into `data` without blocking, asking for the TCP_INQ hint; retries on EINTR.
InqReceive receive_with_inq(int fd, void* data, std::size_t size);

/// Pass this instead of a plain mutable_buffer to `async_read_some` on a tcp::socket given to
/// report_bytes_left(). Its read sets `*drained` (see InqReceive), and when the socket is drained it reports
/// `done_and_exhausted`, which clears the reactor's "try a speculative read" flag for the socket until the
/// next readiness event: the next async read waits at once instead of first trying a recv that fails with
/// EAGAIN (Asio 1.81 marks a socket exhausted only at end of file). That saves a system call per relayed event.
struct InqReadBuffer : asio::mutable_buffer {
  InqReadBuffer(asio::mutable_buffer buffer, bool* drained_flag) : asio::mutable_buffer(buffer), drained(drained_flag) {}
  bool* drained;  ///< outlives the read: the reader waits for it
};

}  // namespace llmroute::proxy

namespace boost::asio::detail {

/// Asio's receive operation for an InqReadBuffer: the generic one, reading with receive_with_inq().
template <>
class reactive_socket_recv_op_base<llmroute::proxy::InqReadBuffer> : public reactor_op {
 public:
  reactive_socket_recv_op_base(const boost::system::error_code& success_ec, socket_type socket, socket_ops::state_type,
                               const llmroute::proxy::InqReadBuffer& buffer, socket_base::message_flags,
                               func_type complete_func)
      : reactor_op(success_ec, &reactive_socket_recv_op_base::do_perform, complete_func), socket_(socket), buffer_(buffer) {}

  static status do_perform(reactor_op* base) {
    auto* o = static_cast<reactive_socket_recv_op_base*>(base);
    const llmroute::proxy::InqReceive got = llmroute::proxy::receive_with_inq(o->socket_, o->buffer_.data(), o->buffer_.size());
    if (got.n < 0 && (got.error == EAGAIN || got.error == EWOULDBLOCK)) return not_done;
    if (got.n < 0) o->ec_ = boost::system::error_code(got.error, boost::asio::error::get_system_category());
    else if (got.n == 0) o->ec_ = boost::asio::error::eof;
    o->bytes_transferred_ = got.n > 0 ? static_cast<std::size_t>(got.n) : 0;
    *o->buffer_.drained = got.drained;
    return got.drained ? done_and_exhausted : done;
  }

 private:
  socket_type socket_;
  llmroute::proxy::InqReadBuffer buffer_;
};

}  // namespace boost::asio::detail
