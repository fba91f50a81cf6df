// Boost.URL's compiled part, built here once: Debian's Boost 1.81 ships Boost.URL as headers
// only (no libboost_url), and this is its documented header-only mode.
#include <boost/url/src.hpp>
