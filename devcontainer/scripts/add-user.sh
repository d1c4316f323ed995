#!/bin/sh
# add-user.sh <name> <uid>: the non-root user the devcontainer runs as, with passwordless sudo (the
# devcontainer convention; updateRemoteUserUID remaps the uid to the host user's). Ubuntu's images ship a
# user "ubuntu" with uid 1000, which is removed so the uid is free.
set -eu
name=$1 uid=$2
if id ubuntu >/dev/null 2>&1; then userdel --remove ubuntu; fi
groupadd --gid "$uid" "$name"
useradd --uid "$uid" --gid "$uid" --create-home --shell /bin/bash "$name"
echo "$name ALL=(root) NOPASSWD:ALL" > "/etc/sudoers.d/$name"
chmod 0440 "/etc/sudoers.d/$name"
