// `nest-host capacity`'s own options: the search (--slo, --steps, --start, --plateau, ...) and
// the cost inputs (--price-per-hour, ...), from the command line over the INI file's [slo],
// [capacity] and [cost] sections. Each flag documents its unit and default in --help.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>
#include <initializer_list>
#include <optional>
#include <string>

#include "capacity/capacity_plan.h"
#include "config/ini_file.h"

namespace nest::host {

// Adds the capacity flags to `desc`.
void add_capacity_options(boost::program_options::options_description& desc);

// Which of the options `names` (long names: "users", "tags") the command line gives, as written
// there ("-u, --tags"; a switch given as off is not given); empty when none.
std::string flags_given(const boost::program_options::variables_map& command_line,
                        std::initializer_list<const char*> names);

// The load plan's flags a capacity search sets itself, as given on the command line
// ("-u, --arrival-rate"); empty when none.
std::string plan_flags_given(const boost::program_options::variables_map& command_line);

// Reads the flags (over [slo], [capacity] and [cost] of `ini`) into a plan. Throws UsageError
// naming the flag, or file and line, of what is wrong.
// `spawn_rate`: -r as given on the command line, if it was.
CapacityPlan read_capacity_options(const boost::program_options::variables_map& vm,
                                   const std::optional<IniFile>& ini,
                                   std::optional<double> spawn_rate);

}  // namespace nest::host
