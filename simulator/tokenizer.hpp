// A stand-in tokenizer for llama.cpp's /tokenize: about four bytes per token, stable ids.
#pragma once

#include <string>
#include <string_view>

namespace llmroute::simulator {

enum class TokenPieces { omit, include };

/// llama.cpp's /tokenize answer for `content`: {"tokens":[ids]}, or with pieces
/// {"tokens":[{"id":N,"piece":"…"}]}. Pieces are about four bytes and never split a UTF-8
/// character; the same piece always gets the same id.
std::string tokenize_json(std::string_view content, TokenPieces pieces);

}  // namespace llmroute::simulator
