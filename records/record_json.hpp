// RequestRecords as JSON for GET /admin/records and `llmroute report --format json`.
#pragma once

#include "records/request_record.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace llmroute::records {

/// A flat object keyed by the database's column names; unknown numbers (unset optionals) and an unset
/// route are null, flags are booleans.
boost::json::value to_json_value(const RequestRecord& record);
/// to_json_value, serialised.
std::string to_json(const RequestRecord& record);
/// An array of to_json_value objects, serialised.
std::string to_json(const std::vector<RequestRecord>& records);

}  // namespace llmroute::records
