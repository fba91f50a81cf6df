// nest-sdk: scaffolds a taskset project that builds against the installed Nest SDK.
//
//   nest-sdk new NAME [--dir DIR]   writes DIR (default ./NAME): CMakeLists.txt, NAME.cpp,
//                                   README.md. NAME must be a C++ identifier: it is the class.
//
// Exit codes: 0 written; 2 usage error (bad NAME, folder exists, unknown argument); 1 I/O error.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <string_view>

#include "templates.h"

namespace fs = std::filesystem;

namespace {

int usage(const std::string& message) {
  std::fprintf(stderr, "nest-sdk: %s\nusage: nest-sdk new NAME [--dir DIR]\n", message.c_str());
  return 2;
}

// Empty when `name` can be a C++ class name, else why not.
std::string identifier_problem(const std::string& name) {
  static const std::set<std::string> keywords = {
      "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char",
      "class", "concept", "const", "consteval", "constexpr", "continue", "decltype", "default",
      "delete", "do", "double", "else", "enum", "explicit", "export", "extern", "false", "float",
      "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new",
      "noexcept", "not", "nullptr", "operator", "or", "private", "protected", "public",
      "register", "requires", "return", "short", "signed", "sizeof", "static", "struct",
      "switch", "template", "this", "throw", "true", "try", "typedef", "typeid", "typename",
      "union", "unsigned", "using", "virtual", "void", "volatile", "while", "xor", "nest"};
  if (name.empty()) return "NAME is empty";
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!letter(name[0])) return "'" + name + "' must start with a letter or _";
  for (char c : name) {
    if (!letter(c) && !digit(c)) {
      return "'" + name + "' may hold only letters, digits and _ (it becomes a C++ class name)";
    }
  }
  if (keywords.count(name)) return "'" + name + "' is a C++ keyword (or reserved by Nest)";
  if (name.starts_with("__") || (name.size() > 1 && name[0] == '_' && name[1] >= 'A' &&
                                 name[1] <= 'Z')) {
    return "'" + name + "' is reserved for the compiler (leading __ or _ and a capital)";
  }
  return {};
}

std::string fill(std::string_view text, const std::string& name) {
  std::string out;
  const std::string_view marker = "@NAME@";
  std::size_t at = 0;
  for (;;) {
    std::size_t next = text.find(marker, at);
    out.append(text.substr(at, next - at));
    if (next == std::string_view::npos) break;
    out += name;
    at = next + marker.size();
  }
  return out;
}

bool write(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "nest-sdk: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("say what to do");
  std::string command = argv[1];
  if (command == "--help" || command == "-h") {
    std::puts("usage: nest-sdk new NAME [--dir DIR]\n"
              "Writes a taskset project (CMakeLists.txt, NAME.cpp, README.md) into DIR, default ./NAME.");
    return 0;
  }
  if (command != "new") return usage("unknown command '" + command + "'");
  std::string name, dir;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--dir") {
      if (i + 1 >= argc) return usage("--dir needs a folder");
      dir = argv[++i];
    } else if (arg.starts_with("--dir=")) {
      dir = arg.substr(6);
    } else if (name.empty() && !arg.starts_with("-")) {
      name = arg;
    } else {
      return usage("unexpected argument '" + arg + "'");
    }
  }
  if (name.empty()) return usage("NAME is missing");
  if (std::string why = identifier_problem(name); !why.empty()) return usage(why);
  fs::path root = dir.empty() ? fs::path(name) : fs::path(dir);
  std::error_code ec;
  if (fs::exists(root, ec)) return usage(root.string() + " already exists: nothing was written");
  if (!fs::create_directories(root, ec)) {
    std::fprintf(stderr, "nest-sdk: cannot create %s: %s\n", root.c_str(), ec.message().c_str());
    return 1;
  }
  if (!write(root / "CMakeLists.txt", fill(nest::sdk::kCMakeLists, name)) ||
      !write(root / (name + ".cpp"), fill(nest::sdk::kTaskset, name)) ||
      !write(root / "README.md", fill(nest::sdk::kReadme, name))) {
    return 1;
  }
  std::printf("Wrote %s/: CMakeLists.txt, %s.cpp, README.md\n"
              "Build:  cmake -S %s -B %s/build && cmake --build %s/build\n"
              "Then drop %s/build/tasksets/%s.so into nest-host's tasksets/ folder.\n",
              root.c_str(), name.c_str(), root.c_str(), root.c_str(), root.c_str(), root.c_str(),
              name.c_str());
  return 0;
}
