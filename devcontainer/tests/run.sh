#!/bin/sh
# Smoke tests of one permutation: run.sh <gcc major> <clang major|p2996>. Prints "ok <test>" or
# "FAIL <test>: <reason>" per test (the build class quotes FAIL lines when Validate fails) and exits 1 on any failure.
set -u
gcc_expected=$1 clang_expected=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
failures=0
ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

gcc_version=$(gcc -dumpfullversion 2>/dev/null || echo none)
[ "${gcc_version%%.*}" = "$gcc_expected" ] && ok "gcc-version ($gcc_version)" || fail gcc-version "gcc reports $gcc_version, expected $gcc_expected.x"
gxx_version=$(g++ -dumpfullversion 2>/dev/null || echo none)
[ "$gxx_version" = "$gcc_version" ] && ok "g++-version" || fail g++-version "g++ reports $gxx_version, gcc $gcc_version"

clang_line=$(clang --version 2>/dev/null | head -n 1)
if [ "$clang_expected" = "p2996" ]; then
  case "$(readlink -f "$(command -v clang)")" in
    /opt/clang-p2996/*) ok "clang-version (p2996 fork: $clang_line)" ;;
    *) fail clang-version "clang is not the p2996 fork from /opt/clang-p2996: $clang_line" ;;
  esac
else
  case "$clang_line" in
    *"clang version $clang_expected."*) ok "clang-version ($clang_line)" ;;
    *) fail clang-version "clang reports '$clang_line', expected $clang_expected.x" ;;
  esac
fi

build_and_run() { # <test name> <compiler> <flags...>
  name=$1 compiler=$2; shift 2
  if ! "$compiler" "$@" -o "$work/$name" "$here/hello.cpp" 2>"$work/$name.log"; then
    fail "$name" "$compiler $* did not compile hello.cpp: $(head -c 300 "$work/$name.log")"; return
  fi
  output=$("$work/$name" 2>&1)
  [ "$output" = "hello from C++20: 6" ] && ok "$name" || fail "$name" "hello.cpp built with $compiler printed '$output'"
}
build_and_run gcc-hello g++ -std=c++20 -O2
build_and_run clang-hello clang++ -std=c++20 -O2
build_and_run clang-libcxx-hello clang++ -std=c++20 -stdlib=libc++ -O2

if [ "$clang_expected" = "p2996" ]; then
  if clang++ -std=c++26 -freflection -stdlib=libc++ -o "$work/reflection" "$here/reflection.cpp" 2>"$work/reflection.log"; then
    output=$("$work/reflection" 2>&1)
    [ "$output" = "reflected Point" ] && ok reflection || fail reflection "reflection sample printed '$output'"
  else
    fail reflection "clang++ -freflection did not compile reflection.cpp: $(head -c 300 "$work/reflection.log")"
  fi
fi

# The postStartCommand: silent in a folder the user can write, one line naming the fix in one it cannot (/).
if command -v devcontainer-workspace-check >/dev/null 2>&1; then
  quiet=$(cd "$HOME" && devcontainer-workspace-check 2>&1)
  loud=$(cd / && devcontainer-workspace-check 2>&1)
  if [ -n "$quiet" ]; then fail workspace-check "printed '$quiet' in the writable $HOME"
  else case "$loud" in
    "devcontainer: / is owned by uid 0 and"*"cmake -B ~/build/"*) ok workspace-check ;;
    *) fail workspace-check "printed '$loud' in /, which $(id -un) cannot write" ;;
  esac; fi
else
  fail workspace-check "devcontainer-workspace-check is not on PATH"
fi

rm -rf "$work"
[ "$failures" -eq 0 ] || { echo "$failures smoke test(s) failed"; exit 1; }
echo "all smoke tests passed (gcc $gcc_expected, clang $clang_expected)"
