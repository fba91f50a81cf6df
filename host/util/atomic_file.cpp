#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "util/output_path.h"

namespace nest::host {

void write_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  fs::path target(resolve_output_path(path));
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  int fd = mkstemp(temp.data());
  if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  const char* data = content.data();
  std::size_t left = content.size();
  bool ok = true;
  while (left > 0 && ok) {
    ssize_t n = ::write(fd, data, left);
    ok = n > 0;
    if (ok) {
      data += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  ok = ok && fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (ok) {
    std::error_code ec;
    auto perms = fs::exists(target, ec) ? fs::status(target, ec).permissions()
                                        : (fs::perms::owner_read | fs::perms::owner_write |
                                           fs::perms::group_read | fs::perms::others_read);
    fs::permissions(temp, perms, ec);
    ok = std::rename(temp.c_str(), target.c_str()) == 0;
    saved = errno;
  }
  if (!ok) {
    ::unlink(temp.c_str());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(saved));
  }
}

}  // namespace nest::host
