#include "config/confirm.h"

#include <unistd.h>

#include <cctype>
#include <string>

namespace nest::host {

Confirmation confirm_run(bool yes, std::FILE* in, std::FILE* out) {
  if (yes) return Confirmation::kRun;
  if (!isatty(fileno(in))) return Confirmation::kNoTerminal;
  char line[256];
  for (;;) {
    std::fputs("Run with these weights? [Y/n] ", out);
    std::fflush(out);
    if (!std::fgets(line, sizeof line, in)) {
      std::fputs("\n", out);
      return Confirmation::kDeclined;
    }
    std::string answer;
    for (char* c = line; *c; ++c) {
      if (!std::isspace(static_cast<unsigned char>(*c))) {
        answer += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
      }
    }
    if (answer.empty() || answer == "y" || answer == "yes") return Confirmation::kRun;
    if (answer == "n" || answer == "no") return Confirmation::kDeclined;
    std::fputs("Please answer y or n.\n", out);
  }
}

}  // namespace nest::host
