// Prompt words reduced to comparable stems, so keyword rules match inflections and paraphrases alike.
#pragma once

#include <string>
#include <string_view>

namespace llmroute::router {

/// The English stem of one lowercase ASCII word (Porter's steps 1a-1c and 5a: plurals, -ed, -ing,
/// final -e and -y), so "fixes", "fixed" and "fixing" all become "fix", "used" and "using" "us".
/// Words with other characters, and words of three letters or fewer, are returned as they are.
std::string stem(std::string_view word);

/// A lowercase text as space-separated word stems: punctuation, slashes and hyphens become word breaks, contractions are
/// expanded ("don't" -> "do not"), filler words ("the", "this", "it", "is", "has", "please", "can")
/// are dropped, and the first content word after a negation ("not", "no", "without", "inte", "ingen")
/// gets a "not_" prefix within its clause, so "don't fix anything" does not match "fix" (question
/// words are not negated: "not sure why" still asks why). Keywords pass through the same
/// function, so "without changing behaviour" still matches "without changing the behaviour". A stem is
/// a prefix of its word except for a restored final e or a y turned i ("creating" -> "create", "apply"
/// -> "appli"), so a keyword prefix such as "contributing*" (-> "contribut*") still finds
/// "contributing.md".
std::string normalise_words(std::string_view lowercase_text);

}  // namespace llmroute::router
