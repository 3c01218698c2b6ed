#pragma once
// The report's JSON checked against docs/report-schema.json by Debian's python3-jsonschema, a full draft 2020-12
// validator, so the schema we document is the one the output meets.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "headless_chromium.hpp"
#include "support/child_process.hpp"

namespace llmroute::test {

struct SchemaCheck {
  std::optional<int> exit_code;  ///< 0: valid; 1: invalid; none: the validator did not finish
  std::string errors;            ///< one line per violation: its path in the document and what is wrong
};

/// Validates `report_json` against the documented schema (itself checked first); the validator's output goes next to it.
inline SchemaCheck check_report_schema(const std::filesystem::path& report_json) {
  ChildProcessOptions options;
  options.program = "/usr/bin/python3";
  options.args = {"-c",
                  "import json, sys, jsonschema\n"
                  "schema = json.load(open(sys.argv[1]))\n"
                  "jsonschema.Draft202012Validator.check_schema(schema)\n"
                  "errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))\n"
                  "for e in errors: print(list(e.absolute_path), e.message)\n"
                  "sys.exit(1 if errors else 0)\n",
                  std::string(LLMROUTE_SOURCE_DIR) + "/docs/report-schema.json", report_json.string()};
  options.stdout_path = report_json.parent_path() / "validation.txt";
  ChildProcess python(options);
  SchemaCheck check;
  check.exit_code = python.wait_for_exit(std::chrono::seconds(30));
  check.errors = read_text_file(options.stdout_path);
  return check;
}

}  // namespace llmroute::test
