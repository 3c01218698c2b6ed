// The in-memory test double keeps records in order and counts what does not fit.
#include <doctest/doctest.h>

#include "records/memory_record_sink.hpp"

using namespace llmroute::records;

TEST_CASE("the memory sink keeps records in submission order and drops beyond its capacity") {
  MemoryRecordSink sink(2);
  for (const char* id : {"a", "b", "c"}) {
    RequestRecord r;
    r.id = id;
    sink.submit(std::move(r));
  }
  const auto kept = sink.records();
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].id == "a");
  CHECK(kept[1].id == "b");
  CHECK(sink.dropped() == 1);
  CHECK(sink.lost() == 0);
}
