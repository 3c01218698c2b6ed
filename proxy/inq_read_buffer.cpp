// recvmsg with the TCP_INQ hint: how many bytes (or whether a close) the socket still holds after a read.
#include "proxy/inq_read_buffer.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace llmroute::proxy {

void report_bytes_left(tcp::socket& socket) {
  const int one = 1;
  // Fails only on a kernel without TCP_INQ: reads then never count as draining, which costs a recv, not an answer.
  ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_INQ, &one, sizeof one);
}

InqReceive receive_with_inq(int fd, void* data, std::size_t size) {
  iovec chunk{data, size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msghdr message{};
  message.msg_iov = &chunk;
  message.msg_iovlen = 1;
  for (;;) {
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd, &message, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return InqReceive{-1, errno, false};
    InqReceive got{n, 0, false};
    // TCP_INQ counts a close that has come but not been read as one byte left.
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level != IPPROTO_TCP || c->cmsg_type != TCP_CM_INQ) continue;
      int left = 0;
      std::memcpy(&left, CMSG_DATA(c), sizeof left);
      got.drained = n > 0 && left == 0;
    }
    return got;
  }
}

}  // namespace llmroute::proxy
