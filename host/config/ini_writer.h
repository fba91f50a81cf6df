// Writes weights into an INI file's text without disturbing anything else in it.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace nest::host {

// Returns `original` with each `name = weight` set in its [weights] section: an existing line
// keeps its place, spelling and inline comment and gets the new number; a missing name is
// added after the section's last entry; a missing section is added at the end. Every other
// section, key, comment and blank line is kept as it was.
std::string update_weights(const std::string& original,
                           const std::vector<std::pair<std::string, int>>& weights);

}  // namespace nest::host
