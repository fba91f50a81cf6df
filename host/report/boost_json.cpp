// Boost.JSON's compiled part, built here once: Debian's Boost 1.81 ships Boost.JSON as headers
// only (no libboost_json), and this is its documented header-only mode.
#include <boost/json/src.hpp>
