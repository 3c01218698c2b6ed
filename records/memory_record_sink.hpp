// A RecordSink that keeps records in memory: the test double for the proxy's record path.
#pragma once

#include "records/record_sink.hpp"

#include <atomic>
#include <cstddef>
#include <limits>
#include <mutex>
#include <vector>

namespace llmroute::records {

/// Keeps every submitted record, up to `capacity`; beyond it, records are dropped and counted.
class MemoryRecordSink final : public RecordSink {
 public:
  explicit MemoryRecordSink(std::size_t capacity = std::numeric_limits<std::size_t>::max());

  bool submit(RequestRecord record) noexcept override;
  std::uint64_t dropped() const noexcept override { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t lost() const noexcept override { return 0; }
  std::uint64_t held() const noexcept override { return 0; }
  std::string write_failure() const override { return {}; }

  /// A copy of the records kept so far, in submission order.
  std::vector<RequestRecord> records() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<RequestRecord> records_;
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace llmroute::records
