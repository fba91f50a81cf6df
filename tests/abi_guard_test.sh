#!/usr/bin/env bash
# The SDK's layout guard (nest/plugin.h) works: a copy of the SDK headers compiles as shipped,
# and fails to compile, naming the type, once a layout that crosses the plugin boundary changes
# without a kAbiVersion bump. Usage: abi_guard_test.sh SDK_INCLUDE_DIR CXX
set -euo pipefail
sdk=$1 cxx=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$sdk" "$work/shipped"
printf '#include <nest/nest.h>\nclass T : public nest::TaskSet {\n public:\n  T() { task(1, "t", [] {}); }\n};\nNEST_TASKSET(T)\n' > "$work/plugin.cpp"

"$cxx" -std=c++20 -fsyntax-only -I"$work/shipped" "$work/plugin.cpp"
echo "as shipped: compiles"

check() {  # check NAME FILE SED-SCRIPT EXPECTED-TYPE
  local name=$1 file=$2 script=$3 type=$4
  cp -r "$sdk" "$work/$name"
  sed -i "$script" "$work/$name/nest/$file"
  if cmp -s "$sdk/nest/$file" "$work/$name/nest/$file"; then
    echo "FAIL: $name: the edit changed nothing (the test is stale)"; exit 1
  fi
  if "$cxx" -std=c++20 -fsyntax-only -I"$work/$name" "$work/plugin.cpp" 2>"$work/$name.err"; then
    echo "FAIL: $name: compiled although a layout changed without a version bump"; exit 1
  fi
  if ! grep -q "the layout of $type changed" "$work/$name.err"; then
    echo "FAIL: $name: did not name $type:"; cat "$work/$name.err"; exit 1
  fi
  echo "$name: refused, naming $type"
}
check response-field http.h 's|^  detail::ResponseControl control_;|  int added_ = 0;\n  detail::ResponseControl control_;|' nest::Response
check taskset-field taskset.h 's|^  int weight_ = 1;|  long weight_ = 1;|' nest::TaskSet
check export-field plugin.h 's|^  const char\* compiler;  |  const char* added;\n  const char* compiler;  |' nest::detail::TasksetExport
