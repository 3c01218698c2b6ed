// Word stems and prompt normalisation: inflections, contractions, filler words and negation.
#include <doctest/doctest.h>

#include "router/word_stems.hpp"

using namespace llmroute::router;

TEST_CASE("inflected forms of a word share one stem") {
  CHECK(stem("fixes") == stem("fix"));
  CHECK(stem("fixed") == stem("fix"));
  CHECK(stem("fixing") == stem("fix"));
  CHECK(stem("writing") == stem("write"));
  CHECK(stem("debugging") == "debug");
  CHECK(stem("committing") == stem("commit"));
  CHECK(stem("refactored") == "refactor");
  CHECK(stem("reviews") == "review");
  CHECK(stem("used") == stem("using"));
  CHECK(stem("applies") == stem("apply"));
}

TEST_CASE("short words, words ending in -us/-is/-ss and non-ASCII words keep their form") {
  CHECK(stem("bug") == "bug");
  CHECK(stem("status") == "status");
  CHECK(stem("analysis") == "analysis");
  CHECK(stem("class") == "class");
  CHECK(stem("felsök") == "felsök");
  CHECK(stem("readme.md") == "readme.md");
}

TEST_CASE("normalising drops filler words and punctuation and expands contractions") {
  CHECK(normalise_words("can we clean this up?") == "clean up");
  CHECK(normalise_words("please write the docs") == normalise_words("write docs"));
  CHECK(normalise_words("what's wrong") == normalise_words("what is wrong"));
  CHECK(normalise_words("what has gone wrong") == "what gone wrong");
  CHECK(normalise_words("it doesn't work") == "doe not not_work");
  CHECK(normalise_words("e-mail to stand-up") == "e mail to stand up");
  CHECK(normalise_words("docs/getting-started.md") == "doc get started.md");
  CHECK(normalise_words("talk to the team\u2014now") == "talk to team now");
}

TEST_CASE("the first content word after a negation is marked, within its clause") {
  CHECK(normalise_words("don't fix anything") == "do not not_fix anyth");
  CHECK(normalise_words("no code yet") == "no not_code yet");
  CHECK(normalise_words("ändra ingen logik") == "ändra ingen not_logik");
  // A clause boundary ends the negation; question words are never marked.
  CHECK(normalise_words("no, fix it") == "no fix");
  CHECK(normalise_words("not sure why it fails") == "not sure why fail");
  CHECK(normalise_words("hittar inte varför") == "hittar inte varför");
}
