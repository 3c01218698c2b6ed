// JSON string escaping: control characters escaped, and the output valid UTF-8 whatever the input bytes.
#include <doctest/doctest.h>

#include "config/json_text.hpp"

using llmroute::config::json_escape;
using llmroute::config::json_quote;

TEST_CASE("JSON escaping escapes quotes, backslashes and control characters") {
  CHECK(json_quote("a\"b\\c\nd\te\x01") == R"("a\"b\\c\nd\te\u0001")");
}

TEST_CASE("JSON escaping keeps well-formed UTF-8 and turns every other byte above 0x7f into U+FFFD") {
  CHECK(json_escape("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(json_escape("/\xff\xfe") == "/\\ufffd\\ufffd");
  CHECK(json_escape("cut \xE2\x82") == "cut \\ufffd\\ufffd");          // a sequence cut short
  CHECK(json_escape("\xC0\x80") == "\\ufffd\\ufffd");                  // an overlong NUL
  CHECK(json_escape("\xED\xA0\x80") == "\\ufffd\\ufffd\\ufffd");       // a UTF-16 surrogate
  CHECK(json_escape("\xF4\x90\x80\x80") == "\\ufffd\\ufffd\\ufffd\\ufffd");  // above U+10FFFF
  CHECK(json_escape("\x80x") == "\\ufffdx");                           // a lone continuation byte
}
