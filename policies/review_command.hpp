// `llmroute review`: the human review queue of shadow pairs the judges disagreed on.
#pragma once

namespace llmroute::policies {

/// `llmroute review [--config FILE] [list [--all] | show ID | decide ID A|B|tie [--note TEXT]]`.
/// A is the primary answer (what the client got), B the shadow's. Exit 0 on success, 1 when the
/// database cannot be read or the pair cannot be decided, 2 on a usage or config error.
int run_review_command(int argc, char** argv);

}  // namespace llmroute::policies
