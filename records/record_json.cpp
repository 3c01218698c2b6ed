// JSON form of RequestRecord, driven by the same field list as the database columns.
#include "records/record_json.hpp"

#include "records/record_fields.hpp"
#include "records/json_text.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <type_traits>

namespace llmroute::records {

namespace {

template <class>
inline constexpr bool kUnsupportedField = false;

struct JsonWriter {
  boost::json::object& object;

  template <class T>
  void operator()(const char* name, const T& field) {
    if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> || std::is_same_v<T, double>) {
      object[name] = field;
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      object[name] = static_cast<std::int64_t>(field);
    } else if constexpr (std::is_integral_v<T>) {
      object[name] = static_cast<std::uint64_t>(field);
    } else if constexpr (std::is_same_v<T, std::optional<double>>) {
      if (field) object[name] = *field;
      else object[name] = nullptr;
    } else if constexpr (std::is_same_v<T, std::optional<config::Location>>) {
      if (field) object[name] = config::to_string(*field);
      else object[name] = nullptr;
    } else {
      static_assert(kUnsupportedField<T>, "for_each_field visits a type JsonWriter cannot write");
    }
  }
};

}  // namespace

boost::json::value to_json_value(const RequestRecord& record) {
  boost::json::object object;
  object.reserve(48);
  for_each_field(record, JsonWriter{object});
  return object;
}

std::string to_json(const RequestRecord& record) { return json_text(to_json_value(record)); }

std::string to_json(const std::vector<RequestRecord>& records) {
  boost::json::array array;
  array.reserve(records.size());
  for (const RequestRecord& record : records) array.push_back(to_json_value(record));
  return json_text(array);
}

}  // namespace llmroute::records
