// In-memory record keeping for tests.
#include "records/memory_record_sink.hpp"

namespace llmroute::records {

MemoryRecordSink::MemoryRecordSink(std::size_t capacity) : capacity_(capacity) {}

bool MemoryRecordSink::submit(RequestRecord record) noexcept {
  try {
    std::lock_guard lock(mutex_);
    if (records_.size() < capacity_) {
      records_.push_back(std::move(record));
      return true;
    }
  } catch (const std::bad_alloc&) {
    // Out of memory: the record is dropped like any other that does not fit.
  }
  dropped_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

std::vector<RequestRecord> MemoryRecordSink::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

}  // namespace llmroute::records
