// libFuzzer's entry point for tests/fuzz/run-libfuzzer: runs the harness named by LLMROUTE_FUZZ_TARGET.
#include "targets/fuzz_targets.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

const llmroute::fuzz::FuzzTarget* chosen = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* name = std::getenv("LLMROUTE_FUZZ_TARGET");
  for (const auto& target : llmroute::fuzz::fuzz_targets())
    if (name != nullptr && target.name == name) chosen = &target;
  if (chosen == nullptr) {
    std::fprintf(stderr, "LLMROUTE_FUZZ_TARGET must name one of:");
    for (const auto& target : llmroute::fuzz::fuzz_targets())
      std::fprintf(stderr, " %.*s", static_cast<int>(target.name.size()), target.name.data());
    std::fprintf(stderr, "\n");
    std::exit(2);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  chosen->run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
