#include "util/output_path.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>

namespace nest::host {
namespace fs = std::filesystem;

std::string resolve_output_path(const std::string& path) {
  fs::path p(path);
  std::error_code ec;
  for (int hops = 0; fs::is_symlink(fs::symlink_status(p, ec)); ++hops) {
    if (hops == 40) throw std::runtime_error(path + ": too many levels of symbolic links");
    fs::path target = fs::read_symlink(p, ec);
    if (ec) throw std::runtime_error(path + ": " + ec.message());
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  fs::file_status status = fs::status(p, ec);
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    std::string what = fs::is_directory(status) ? "a folder" : "not a regular file";
    std::string through = p.string() == path ? "" : " (through a symlink: " + p.string() + ")";
    throw std::runtime_error(path + through + " is " + what + ": give a file's path");
  }
  fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) {
    throw std::runtime_error("cannot write " + path + ": no folder " + dir.string());
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    throw std::runtime_error("cannot write " + path + ": " + dir.string() + ": " +
                             std::strerror(errno));
  }
  return p.string();
}

std::vector<std::string> check_output_files(const std::vector<OutputFile>& outputs) {
  std::vector<std::string> problems;
  std::map<std::string, const OutputFile*> seen;  // resolved, absolute path -> first asker
  for (const OutputFile& out : outputs) {
    try {
      std::error_code ec;
      fs::path real = fs::weakly_canonical(fs::absolute(resolve_output_path(out.path)), ec);
      auto [it, fresh] = seen.emplace(real.string(), &out);
      if (!fresh) {
        problems.push_back(out.flag + ": " + out.path + " is the file " + it->second->flag +
                           " writes too (" + it->second->path + "): give each its own path");
      }
    } catch (const std::exception& e) {
      problems.push_back(out.flag + ": " + e.what());
    }
  }
  return problems;
}

}  // namespace nest::host
