// `llmroute report` as a user runs it: options, formats, --out, exit statuses.
#include <doctest/doctest.h>

#include "records/sqlite_record_store.hpp"
#include "report_fixture.hpp"
#include "support/child_process.hpp"
#include "support/command_run.hpp"

#include <boost/json/parse.hpp>

#include <fstream>

using namespace llmroute;
using namespace llmroute::test;

namespace {

/// Runs `llmroute report <args>` in `dir` with a 60 s deadline.
CommandResult run_report(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "report");
  return run_llmroute(dir.path(), std::move(args), std::chrono::seconds(60));
}

/// The fixture day written through the real store, and its config file.
std::filesystem::path write_fixture(const TempDir& dir) {
  const std::string yaml = fixture_config_yaml((dir / "records.db").string());
  {
    const config::ConfigPtr config = config::load_config_text(yaml, "fixture.yaml");
    records::SqliteRecordStore store(config->records);
    for (records::RequestRecord& r : fixture_records()) REQUIRE(store.submit(std::move(r)));
  }
  std::ofstream(dir / "fixture.yaml") << yaml;
  return dir / "fixture.yaml";
}

}  // namespace

TEST_CASE("llmroute report prints the text report of a window and writes the other formats to --out") {
  TempDir dir;
  const std::string config = write_fixture(dir).string();

  const CommandResult text = run_report(dir, {"--config", config, "--since", "2026-11-01", "--until", "2026-11-02"});
  CHECK_MESSAGE(text.exit_code == 0, text.err);
  CHECK(text.out.starts_with("llmroute report: 2026-11-01 00:00 UTC to 2026-11-02 00:00 UTC (1.0 days)\n8 requests"));

  // 05:00 to 06:00 holds r5 and r6 only.
  const CommandResult json = run_report(dir, {"--config", config, "--since", "2026-11-01T05:00", "--until",
                                              "2026-11-01T06:00Z", "--format", "json", "--out", (dir / "r.json").string()});
  CHECK_MESSAGE(json.exit_code == 0, json.err);
  CHECK(json.out.empty());
  const boost::json::value document = boost::json::parse(read_text_file(dir / "r.json"));
  CHECK(document.at("total").at("requests").to_number<int>() == 2);
  CHECK(document.at("tasks").at(0).at("name").as_string() == "architecture");

  const CommandResult markdown = run_report(dir, {"--config", config, "--format", "markdown"});
  CHECK(markdown.exit_code == 0);
  CHECK(markdown.out.starts_with("# llmroute report\n"));
  const CommandResult html = run_report(dir, {"--config", config, "--format", "html", "--out", (dir / "r.html").string()});
  CHECK(html.exit_code == 0);
  CHECK(read_text_file(dir / "r.html").starts_with("<!DOCTYPE html>"));
}

TEST_CASE("llmroute report refuses bad options with exit 2 and an unreadable database with exit 1") {
  TempDir dir;
  const std::string config = write_fixture(dir).string();
  CHECK(run_report(dir, {"--help"}).out.starts_with("usage: llmroute report"));

  const CommandResult bad_when = run_report(dir, {"--config", config, "--since", "last tuesday"});
  CHECK(bad_when.exit_code == 2);
  CHECK(bad_when.err.find("--since: expected a date or time in UTC") != std::string::npos);
  CHECK(run_report(dir, {"--config", config, "--format", "pdf"}).exit_code == 2);
  CHECK(run_report(dir, {"--config", config, "--since", "2026-11-02", "--until", "2026-11-01"}).exit_code == 2);
  CHECK(run_report(dir, {"--colour"}).exit_code == 2);
  CHECK(run_report(dir, {"--config", (dir / "missing.yaml").string()}).exit_code == 2);

  std::ofstream(dir / "other.yaml") << fixture_config_yaml((dir / "nothing-here.db").string());
  const CommandResult missing = run_report(dir, {"--config", (dir / "other.yaml").string()});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("no records database at") != std::string::npos);
}
