// Where finished requests' records go: an interface so the proxy never knows (or waits for) the storage.
#pragma once

#include "records/request_record.hpp"

#include <cstdint>
#include <string>

namespace llmroute::records {

/// Takes finished records from the proxy's I/O thread. Implementations are thread-safe.
class RecordSink {
 public:
  virtual ~RecordSink() = default;

  /// Hands one record over in O(1) without ever waiting on storage. Returns false when the record was
  /// refused (queue full, or the sink has stopped); every refusal is counted in dropped().
  virtual bool submit(RequestRecord record) noexcept = 0;
  /// Records refused by submit().
  virtual std::uint64_t dropped() const noexcept = 0;
  /// Records accepted by submit() but lost afterwards because storage failed.
  virtual std::uint64_t lost() const noexcept = 0;
  /// Records accepted whose write failed, held in memory and retried; 0 while storage works.
  virtual std::uint64_t held() const noexcept = 0;
  /// Why records are held (storage's error), empty while storage works.
  virtual std::string write_failure() const = 0;
};

}  // namespace llmroute::records
