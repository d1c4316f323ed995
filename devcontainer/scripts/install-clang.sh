#!/bin/sh
# install-clang.sh <major|p2996>
#   p2996: the fork built in the clang-p2996 stage is already in /opt/clang-p2996; link it in and register
#          its libc++ with the dynamic linker.
#   <major>: clang, lld, libc++ of that major from Ubuntu's archive when it has them, else from LLVM's own
#          apt repository (LLVM_APT_REPOSITORY, signed by LLVM's key).
set -eu
version=$1
if [ "$version" = "p2996" ]; then
  prefix=/opt/clang-p2996
  test -x "$prefix/bin/clang" || { echo "install-clang: $prefix/bin/clang missing (CLANG_SOURCE must be p2996)" >&2; exit 1; }
  for tool in clang clang++; do ln -sf "$prefix/bin/$tool" "/usr/local/bin/$tool"; done
  find "$prefix/lib" -name 'libc++.so*' -exec dirname {} \; | sort -u > /etc/ld.so.conf.d/clang-p2996.conf
  ldconfig
  exit 0
fi
packages="clang-${version} lld-${version} libc++-${version}-dev libc++abi-${version}-dev clang-tools-${version} clangd-${version} clang-format-${version} clang-tidy-${version}"
# A package with an installable version (apt-cache show takes names with '+' as patterns, so it is not asked).
has_candidate() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; }
unreachable() {
  echo "install-clang: clang-${version} is not in Ubuntu's archive and LLVM's apt repository ($1) could not be reached; build this permutation on a network that reaches it (README, Building the images)" >&2
  exit 1
}
apt-get update
if ! has_candidate "clang-${version}"; then
  . /etc/os-release
  # The repository is named by the caller (a bake variable), never baked into this script.
  repository=${LLVM_APT_REPOSITORY:?clang-${version} is not in Ubuntu's archive: set the bake variable LLVM_APT_REPOSITORY to LLVM's apt repository URL (see README, Building the images)}
  install -d -m 0755 /etc/apt/keyrings
  key=$(curl -fsSL "$repository/llvm-snapshot.gpg.key") || unreachable "$repository"
  printf '%s\n' "$key" | gpg --dearmor -o /etc/apt/keyrings/llvm.gpg
  echo "deb [signed-by=/etc/apt/keyrings/llvm.gpg] $repository/$VERSION_CODENAME/ llvm-toolchain-$VERSION_CODENAME-$version main" \
    > /etc/apt/sources.list.d/llvm.list
  apt-get update || true
  has_candidate "clang-${version}" || unreachable "$repository"
fi
# shellcheck disable=SC2086 # the package list is meant to split
apt-get install -y --no-install-recommends $packages
for tool in clang clang++ clangd clang-format clang-tidy lld ld.lld; do
  if [ -x "/usr/bin/$tool-$version" ]; then ln -sf "/usr/bin/$tool-$version" "/usr/local/bin/$tool"; fi
done
rm -rf /var/lib/apt/lists/*
