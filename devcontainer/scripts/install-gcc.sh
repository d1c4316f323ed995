#!/bin/sh
# install-gcc.sh <major>: GCC from Ubuntu's archive when it has that major (24.04 has 14), else from the
# ubuntu-toolchain-r/test PPA (15). Makes gcc/g++ point at it. Fails with one line naming what it could not reach.
set -eu
version=$1
# A package with an installable version (apt-cache show takes names with '+' as patterns, so it is not asked).
has_candidate() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; }
apt-get update
if ! has_candidate "gcc-${version}"; then
  ppa=ppa:ubuntu-toolchain-r/test
  apt-get install -y --no-install-recommends software-properties-common
  add-apt-repository -y "$ppa" && apt-get update || true
  has_candidate "gcc-${version}" || {
    echo "install-gcc: gcc-${version} is not in Ubuntu's archive and the $ppa PPA could not be reached; build this permutation on a network that reaches it (README, Building the images)" >&2
    exit 1
  }
fi
apt-get install -y --no-install-recommends "gcc-${version}" "g++-${version}"
update-alternatives --install /usr/bin/gcc gcc "/usr/bin/gcc-${version}" 100 \
  --slave /usr/bin/g++ g++ "/usr/bin/g++-${version}" \
  --slave /usr/bin/gcov gcov "/usr/bin/gcov-${version}"
update-alternatives --install /usr/bin/cc cc /usr/bin/gcc 100
update-alternatives --install /usr/bin/c++ c++ /usr/bin/g++ 100
rm -rf /var/lib/apt/lists/*
