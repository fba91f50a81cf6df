// Reading a result file (--json), as `nest-host report` and `compare` do. Bad input is a
// ResultFileError (or another std::exception), never a crash. A result that reads is written
// back with result_to_json: that text must read again, and write out the same.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "report/result_json.h"

using namespace nest::host;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  RunResult result;
  try {
    result = result_from_json(text, "fuzz.json");
  } catch (const std::exception&) {
    return 0;  // named: the reader's job
  }
  const std::string written = result_to_json(result);
  std::string again;
  try {
    again = result_to_json(result_from_json(written, "written.json"));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "a result that read does not read back once written: %s\n%s\n", e.what(),
                 written.c_str());
    std::abort();
  }
  if (again != written) {
    std::fprintf(stderr, "written, read and written again, it differs:\n%s\n%s\n", written.c_str(),
                 again.c_str());
    std::abort();
  }
  return 0;
}
