// nest-host: a load test by default; `capacity` searches for the highest load within a service
// level; `report` and `compare` work on saved results.
#include <string_view>

#include "commands/commands.h"

int main(int argc, char** argv) {
  using namespace nest::host;
  std::string_view command = argc > 1 ? argv[1] : "";
  if (command == "report") return report_command(argc - 1, argv + 1);
  if (command == "compare") return compare_command(argc - 1, argv + 1);
  if (command == "capacity") return capacity_command(argc - 1, argv + 1);
  return run_command(argc, argv);
}
