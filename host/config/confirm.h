// The question before a run: "Run with these weights? [Y/n]".
#pragma once

#include <cstdio>
#include <optional>

namespace nest::host {

enum class Confirmation {
  kRun,         // --yes, or the person said yes (Enter counts as yes)
  kDeclined,    // the person said no, or closed the input (Ctrl-D)
  kNoTerminal,  // nobody to ask: input is not a terminal and --yes was not given
};

// Asks on `out`, reads answers from `in`; re-asks until the answer is y/yes/n/no/empty.
// Never waits on a non-terminal input.
Confirmation confirm_run(bool yes, std::FILE* in, std::FILE* out);

// Asks `question` ("... [Y/n] ") until the answer is y, yes, n, no or empty (= yes).
// Returns nullopt when the input ends (Ctrl-D).
std::optional<bool> ask_yes_no(const char* question, std::FILE* in, std::FILE* out);

}  // namespace nest::host
