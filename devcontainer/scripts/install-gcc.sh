#!/bin/sh
# install-gcc.sh <major>: GCC from Ubuntu's archive when it has that major (24.04 has 14), else from the
# ubuntu-toolchain-r/test PPA (15). Makes gcc/g++ point at it.
set -eu
version=$1
apt-get update
if ! apt-cache show "g++-${version}" >/dev/null 2>&1; then
  apt-get install -y --no-install-recommends software-properties-common
  add-apt-repository -y ppa:ubuntu-toolchain-r/test
  apt-get update
fi
apt-get install -y --no-install-recommends "gcc-${version}" "g++-${version}"
update-alternatives --install /usr/bin/gcc gcc "/usr/bin/gcc-${version}" 100 \
  --slave /usr/bin/g++ g++ "/usr/bin/g++-${version}" \
  --slave /usr/bin/gcov gcov "/usr/bin/gcov-${version}"
update-alternatives --install /usr/bin/cc cc /usr/bin/gcc 100
update-alternatives --install /usr/bin/c++ c++ /usr/bin/g++ 100
rm -rf /var/lib/apt/lists/*
