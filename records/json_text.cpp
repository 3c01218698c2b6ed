#include "records/json_text.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace llmroute::records {
namespace {

void append_double(std::string& out, double number) {
  if (!std::isfinite(number)) {
    out += "null";
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  out += text;
  // Keep it a visibly fractional number, so a reader (and a typed client) sees money, not a count.
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void append(std::string& out, const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::double_:
      append_double(out, value.get_double());
      return;
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.get_object()) {
        if (!first) out += ',';
        first = false;
        out += boost::json::serialize(key);
        out += ':';
        append(out, member);
      }
      out += '}';
      return;
    }
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const boost::json::value& element : value.get_array()) {
        if (!first) out += ',';
        first = false;
        append(out, element);
      }
      out += ']';
      return;
    }
    default:
      out += boost::json::serialize(value);
  }
}

}  // namespace

std::string json_text(const boost::json::value& value) {
  std::string out;
  append(out, value);
  return out;
}

}  // namespace llmroute::records
