// Request id generation.
#include "proxy/request_id.hpp"

namespace llmroute::proxy {

RequestIdGenerator::RequestIdGenerator() : random_(std::random_device{}()) {}

std::string RequestIdGenerator::fresh() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "req_";
  for (int word = 0; word < 2; ++word) {
    std::uint64_t bits = random_();
    for (int i = 0; i < 16; ++i, bits >>= 4) id.push_back(kHex[bits & 15]);
  }
  return id;
}

std::string RequestIdGenerator::id_for(std::string_view from_client) {
  if (from_client.empty() || from_client.size() > 128) return fresh();
  for (char c : from_client)
    if (c <= ' ' || c > '~') return fresh();
  return std::string(from_client);
}

}  // namespace llmroute::proxy
