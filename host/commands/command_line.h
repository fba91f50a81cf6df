// What the subcommands share: parsing their few options with Program_options.
#pragma once

#include <boost/program_options.hpp>
#include <string>

namespace nest::host {

// Parses `argv` (argv[0] is the subcommand's name) into `vm`; `hidden` holds the positional
// arguments, which --help leaves to `usage`. Adds --help, which prints `usage` and `options`.
// Returns the exit code to stop with (0 after --help, 2 after an error, which is printed), or -1 to
// go on.
int parse_subcommand(int argc, const char* const* argv,
                     const boost::program_options::options_description& options,
                     const boost::program_options::options_description& hidden,
                     const boost::program_options::positional_options_description& positional,
                     const std::string& usage, boost::program_options::variables_map& vm);

// Prints "nest-host NAME: MESSAGE" to stderr; returns 2.
int subcommand_error(const char* name, const std::string& message);

}  // namespace nest::host
