// Finding the code a functional check runs in the answers models actually give.
#include <doctest/doctest.h>

#include "benchmark/code_block.hpp"

using llmroute::benchmark::extract_code_block;
using llmroute::benchmark::strip_think_blocks;

TEST_CASE("the Python block is taken, not the shell example next to it") {
  const std::string answer =
      "Run it like this:\n\n```bash\npython3 todo.py add \"Buy milk\"\n```\n\nThe program:\n\n```python\nprint('hi')\n```\n";
  CHECK(extract_code_block(answer, "todo.py") == "print('hi')\n");
}

TEST_CASE("of several Python blocks the longest is the program") {
  const std::string answer = "```py\nx = 1\n```\nand the whole file:\n```python\nimport sys\nprint(sys.argv)\n```\n";
  CHECK(extract_code_block(answer, "todo.py") == "import sys\nprint(sys.argv)\n");
}

TEST_CASE("a block cut off by max_tokens runs to the end of the answer, so the check sees the broken code") {
  const std::string answer = "```python\nfor row in rows:\n    print(f\"{";
  CHECK(extract_code_block(answer, "todo.py") == "for row in rows:\n    print(f\"{\n");
}

TEST_CASE("code inside a think block is not the answer") {
  const std::string answer = "<think>Maybe:\n```python\nwhile True: input()\n```\n</think>\n```python\nprint(1)\n```\n";
  CHECK(extract_code_block(answer, "todo.py") == "print(1)\n");
  CHECK(strip_think_blocks("a<think>b</think>c<think>unfinished") == "ac");
}

TEST_CASE("an answer without fences is taken whole when it fits the file") {
  CHECK(extract_code_block("import sys\nprint(1)\n", "todo.py") == "import sys\nprint(1)\n");
  CHECK(extract_code_block("  {\"a\": 1}  ", "answer.json") == "{\"a\": 1}\n");
  CHECK_FALSE(extract_code_block("The amount is 48 750 kr.", "answer.json").has_value());
  CHECK_FALSE(extract_code_block("  \n", "todo.py").has_value());
}

TEST_CASE("a JSON answer comes from the json block; a Python block does not count as JSON") {
  CHECK(extract_code_block("```json\n{\"a\": 1}\n```\n", "answer.json") == "{\"a\": 1}\n");
  CHECK_FALSE(extract_code_block("```python\nprint(1)\n```\n", "answer.json").has_value());
}

TEST_CASE("fences may be indented, use tildes, be longer than three, and carry attributes") {
  CHECK(extract_code_block("  ~~~~python title=todo.py\nprint(2)\n  ~~~~\n", "todo.py") == "print(2)\n");
  CHECK(extract_code_block("```Python {linenos}\r\nprint(3)\r\n```\r\n", "todo.py") == "print(3)\n");
}
