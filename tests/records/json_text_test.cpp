#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include <boost/json.hpp>

#include "records/json_text.hpp"

using llmroute::records::json_text;

TEST_CASE("money and timings read as plain numbers in the JSON we serve, not in exponent form") {
  const boost::json::value usage = {{"limit", 15.0}, {"used", 0.0}, {"cost", 0.125}, {"tiny", 1e-7}, {"count", 3}};
  CHECK(json_text(usage) == R"({"limit":15.0,"used":0.0,"cost":0.125,"tiny":1e-07,"count":3})");
}

TEST_CASE("nested objects, arrays, strings, booleans and null come out as Boost.JSON writes them") {
  const boost::json::value value = {{"users", boost::json::array{{{"name", "a\"b"}, {"private", true}}, nullptr}},
                                    {"empty", boost::json::object{}}};
  CHECK(json_text(value) == R"({"users":[{"name":"a\"b","private":true},null],"empty":{}})");
  CHECK(boost::json::parse(json_text(value)) == value);
}

TEST_CASE("a number JSON cannot hold is written as null, so the text still parses") {
  const boost::json::value value = {{"nan", std::nan("")}, {"inf", std::numeric_limits<double>::infinity()}};
  CHECK(json_text(value) == R"({"nan":null,"inf":null})");
}
