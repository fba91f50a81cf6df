#include "commands/command_line.h"

#include <cstdio>
#include <sstream>

namespace nest::host {
namespace po = boost::program_options;

int subcommand_error(const char* name, const std::string& message) {
  std::fprintf(stderr, "nest-host %s: %s\n", name, message.c_str());
  return 2;
}

int parse_subcommand(int argc, const char* const* argv, const po::options_description& options,
                     const po::options_description& hidden,
                     const po::positional_options_description& positional, const std::string& usage,
                     po::variables_map& vm) {
  po::options_description shown(options);
  shown.add_options()("help,h", "show this help and exit");
  po::options_description all;
  all.add(shown).add(hidden);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::ostringstream text;
      text << usage << "\n\n" << shown;
      std::fputs(text.str().c_str(), stdout);
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return subcommand_error(argv[0],
                            std::string(e.what()) + " (see nest-host " + argv[0] + " --help)");
  }
  return -1;
}

}  // namespace nest::host
