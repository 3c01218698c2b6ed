// The `mistral_tool_ids` model key: auto recognises Mistral-family models by name, on and off decide.
#include <doctest/doctest.h>

#include "config_error.hpp"

#include <string>

#include "config/config_loader.hpp"

using namespace llmroute::config;

namespace {

std::string backend_with(const std::string& models) {
  return "backends:\n  - name: vllm\n    url: http://127.0.0.1:8000/v1\n    models:\n" + models;
}

}  // namespace

TEST_CASE("a Mistral-family model gets Mistral tool-call ids by default, recognised by name, upstream name or family") {
  const auto c = load_config_text(backend_with(R"(      - { name: coder, upstream_name: mistralai/Devstral-Small-2507 }
      - { name: Codestral-22B }
      - { name: house-model, family: mistral }
      - devstral:24b
      - { name: qwen3-coder, upstream_name: Qwen/Qwen3-Coder-30B-A3B-Instruct, family: qwen }
      - llama3.1:8b
)"),
                                  "m.yaml");
  const auto& models = c->backends[0].models;
  CHECK(models[0].mistral_tool_ids);
  CHECK(models[1].mistral_tool_ids);
  CHECK(models[2].mistral_tool_ids);
  CHECK(models[3].mistral_tool_ids);  // the shorthand form too
  CHECK_FALSE(models[4].mistral_tool_ids);
  CHECK_FALSE(models[5].mistral_tool_ids);
}

TEST_CASE("mistral_tool_ids on and off override what the names say") {
  const auto c = load_config_text(backend_with(R"(      - { name: served-as-coder, mistral_tool_ids: on }
      - { name: magistral-small, mistral_tool_ids: off }
      - { name: ministral-8b, mistral_tool_ids: auto }
)"),
                                  "m.yaml");
  const auto& models = c->backends[0].models;
  CHECK(models[0].mistral_tool_ids);
  CHECK_FALSE(models[1].mistral_tool_ids);
  CHECK(models[2].mistral_tool_ids);
}

TEST_CASE("mistral_tool_ids takes auto, on or off and nothing else") {
  CHECK(llmroute::test::config_error(backend_with("      - { name: m, mistral_tool_ids: true }\n"), "m.yaml") ==
        "m.yaml:5:38: backends[0].models[0].mistral_tool_ids: expected one of auto, on, off, found 'true'");
}
