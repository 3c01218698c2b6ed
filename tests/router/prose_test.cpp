// The prose of a prompt: the user's own words without pasted code, and the shape of what they ask.
#include <doctest/doctest.h>

#include "router/prose.hpp"

using namespace llmroute::router;

TEST_CASE("fenced blocks, inline code, diff lines, trace lines and code lines are not prose") {
  Prose p = prose_of(
      "rename `usr_mgr` everywhere\n```python\ndef f(): return 1\n```\n"
      "diff --git a/x.py b/x.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
      "Traceback (most recent call last):\n  File \"a.py\", line 2, in f\nKeyError: 'id'\n"
      "const total = sum(items);\n"
      "     12\tlet x = compute();\n"
      "thanks");
  CHECK(p.text.find("rename") == 0);
  CHECK(p.text.find("usr_mgr") == std::string::npos);
  CHECK(p.text.find("thanks") != std::string::npos);
  CHECK(p.words == 3);
}

TEST_CASE("a prose line that ends like code keeps its words when it has a sentence in it") {
  Prose p = prose_of("sanity check this before i run it on prod? alter table orders add column x text;");
  CHECK(p.text.find("sanity check") == 0);
}

TEST_CASE("quoted material after a colon or comma is left out, a quotation inside a sentence stays") {
  Prose quoted = prose_of("sort by topic: 'cannot log in', 'app slow on ipad'");
  CHECK(quoted.text.find("sort by topic") == 0);
  CHECK(quoted.text.find("slow") == std::string::npos);
  CHECK(prose_of("i get 'permission denied (publickey)' when i push").text.find("permission denied") != std::string::npos);
  CHECK(prose_of("don't rename it, it's fine").text == "don't rename it, it's fine\n");
}

TEST_CASE("questions, numbers, enumerations and named paths are measured") {
  CHECK(prose_of("why does the worker die?").question);
  CHECK(prose_of("varför kraschar den").question);
  CHECK_FALSE(prose_of("can you add a flag").question);
  CHECK(prose_of("4 nodes at 99.9% each, three of them").numbers == 3);
  CHECK(prose_of("create a model, a service, a controller and tests").list_items == 4);
  CHECK(prose_of("steps:\n- one\n- two\n- three\n").list_items == 3);
  CHECK(prose_of("hi, there").list_items == 2);
  Prose paths = prose_of("update src/app.py and docs/setup.md\n```\nimport lib/x.py\n```");
  CHECK(paths.paths == 2);
}
