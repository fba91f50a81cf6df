// Writing a whole file so that readers never see half of it.
#pragma once

#include <string>

namespace nest::host {

// Replaces `path` with `content` atomically: a temporary file in the same folder, flushed to
// disk, then renamed over it. An interruption leaves the old file or the new one, never half.
// A symlink at `path` is written through (its target is replaced, the link stays); a folder,
// device or pipe there is refused (util/output_path.h). Throws std::runtime_error naming the
// path on failure.
void write_atomically(const std::string& path, const std::string& content);

}  // namespace nest::host
