#pragma once
// JSON text for people as well as programs: Boost.JSON writes a double such as 15.0 as `1.5E1` and 0.0 as
// `0E0`, which is valid but reads badly in /v1/usage, /admin/records and the report's JSON.

#include <string>

#include <boost/json/fwd.hpp>

namespace llmroute::records {

/// `value` as compact JSON text, with every double in its shortest plain form (15.0, 0.0, 0.125, 1e-07);
/// a non-finite double, which JSON cannot hold, is written as null.
std::string json_text(const boost::json::value& value);

}  // namespace llmroute::records
