// x-request-id values: propagated when the client sent a sane one, generated otherwise.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace llmroute::proxy {

class RequestIdGenerator {
 public:
  RequestIdGenerator();
  /// The client's id if it is 1-128 printable characters without spaces, else a fresh random one.
  std::string id_for(std::string_view from_client);
  std::string fresh();

 private:
  std::mt19937_64 random_;
};

}  // namespace llmroute::proxy
