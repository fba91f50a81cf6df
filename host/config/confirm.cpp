#include "config/confirm.h"

#include <unistd.h>

#include <cctype>
#include <string>

namespace nest::host {

Confirmation confirm_run(bool yes, std::FILE* in, std::FILE* out) {
  if (yes) return Confirmation::kRun;
  if (!isatty(fileno(in))) return Confirmation::kNoTerminal;
  auto answer = ask_yes_no("Run with these weights? [Y/n] ", in, out);
  return answer.value_or(false) ? Confirmation::kRun : Confirmation::kDeclined;
}

std::optional<bool> ask_yes_no(const char* question, std::FILE* in, std::FILE* out) {
  char line[256];
  for (;;) {
    std::fputs(question, out);
    std::fflush(out);
    if (!std::fgets(line, sizeof line, in)) {
      std::fputs("\n", out);
      return std::nullopt;
    }
    std::string answer;
    for (char* c = line; *c; ++c) {
      if (!std::isspace(static_cast<unsigned char>(*c))) {
        answer += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
      }
    }
    if (answer.empty() || answer == "y" || answer == "yes") return true;
    if (answer == "n" || answer == "no") return false;
    std::fputs("Please answer y or n.\n", out);
  }
}

}  // namespace nest::host
