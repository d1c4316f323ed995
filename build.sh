#!/usr/bin/env bash
# Bootstrap in the shape of NUKE's build.sh: find a .NET SDK that satisfies global.json, build the build
# project when its sources changed, then run it with the arguments: ./build.sh [targets] [--parameters].
set -eo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD_DIRECTORY="$SCRIPT_DIR/build"
BUILD_PROJECT_FILE="$BUILD_DIRECTORY/_build.csproj"
BUILD_ASSEMBLY="$BUILD_DIRECTORY/bin/Debug/net10.0/_build.dll"
TEMP_DIRECTORY="$SCRIPT_DIR/.nuke/temp"
BUILD_STAMP="$TEMP_DIRECTORY/build.stamp"
DOTNET_GLOBAL_FILE="$SCRIPT_DIR/global.json"
DOTNET_INSTALL_URL="${DOTNET_INSTALL_URL:-https://dot.net/v1/dotnet-install.sh}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_MULTILEVEL_LOOKUP=0

fail() { echo "build.sh: $*" >&2; exit 1; }

# The build project is current when the list of its inputs (every file under build/ except bin/ and obj/,
# global.json, Directory.Build.props) is the one recorded at the last build and no input
# is newer than that record; then a warm run skips `dotnet build` and costs one process start. (POSIX find
# and cksum only, so this works with macOS's tools too.)
build_inputs() {
    (cd "$SCRIPT_DIR" && find build global.json Directory.Build.props \( -name bin -o -name obj \) -prune -o -type f "$@" -print 2>/dev/null)
}
CURRENT_STAMP=$(build_inputs | LC_ALL=C sort | cksum)
build_is_current() {
    [[ -f "$BUILD_ASSEMBLY" && -f "$BUILD_STAMP" && "$(cat "$BUILD_STAMP")" == "$CURRENT_STAMP" ]] \
        && [[ -z "$(build_inputs -newer "$BUILD_STAMP" | head -n 1)" ]]
}

# Warm run: only a runtime is needed, so skip the SDK probe (it costs a process start).
if build_is_current; then
    for candidate in "$TEMP_DIRECTORY/dotnet-unix/dotnet" "$(command -v dotnet || true)"; do
        if [[ -x "$candidate" ]]; then
            [[ "$candidate" == "$TEMP_DIRECTORY/dotnet-unix/dotnet" ]] && export DOTNET_ROOT="$TEMP_DIRECTORY/dotnet-unix"
            exec "$candidate" "$BUILD_ASSEMBLY" "$@"
        fi
    done
fi

# Use dotnet from PATH when it can run an SDK that satisfies global.json; else a private SDK in .nuke/temp.
if [[ -x "$(command -v dotnet)" ]] && (cd "$SCRIPT_DIR" && dotnet --version) &>/dev/null; then
    DOTNET_EXE="$(command -v dotnet)"
else
    DOTNET_DIRECTORY="$TEMP_DIRECTORY/dotnet-unix"
    DOTNET_EXE="$DOTNET_DIRECTORY/dotnet"
    if [[ ! -x "$DOTNET_EXE" ]] || ! (cd "$SCRIPT_DIR" && "$DOTNET_EXE" --version) &>/dev/null; then
        SDK_VERSION=$(sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$DOTNET_GLOBAL_FILE" | head -n 1)
        echo "No .NET SDK matching global.json ($SDK_VERSION) on PATH; installing it into $DOTNET_DIRECTORY" >&2
        mkdir -p "$TEMP_DIRECTORY"
        INSTALL_SCRIPT="$TEMP_DIRECTORY/dotnet-install.sh"
        curl -fsSL "$DOTNET_INSTALL_URL" -o "$INSTALL_SCRIPT" 2>/dev/null \
            || fail "could not download dotnet-install.sh from $DOTNET_INSTALL_URL; install the .NET SDK $SDK_VERSION (or a later feature band of it) and put dotnet on PATH."
        chmod +x "$INSTALL_SCRIPT"
        "$INSTALL_SCRIPT" --install-dir "$DOTNET_DIRECTORY" --jsonfile "$DOTNET_GLOBAL_FILE" --no-path \
            || fail "dotnet-install.sh could not install the .NET SDK $SDK_VERSION; install it yourself and put dotnet on PATH."
    fi
    export DOTNET_ROOT="$DOTNET_DIRECTORY"
fi

# Cold run: compile quietly (the full output is shown only when it fails). The record is written before
# compiling, so an input edited during the build is newer than it and triggers the next build.
mkdir -p "$TEMP_DIRECTORY"
rm -f "$BUILD_STAMP"
echo "$CURRENT_STAMP" > "$BUILD_STAMP.pending"
echo "Compiling the build project..." >&2
if ! "$DOTNET_EXE" build "$BUILD_PROJECT_FILE" /nodeReuse:false /p:UseSharedCompilation=false -nologo -clp:NoSummary --verbosity quiet \
    > "$TEMP_DIRECTORY/build-project.log" 2>&1; then
    cat "$TEMP_DIRECTORY/build-project.log" >&2
    fail "the build project did not compile; fix the errors above (dotnet build $BUILD_PROJECT_FILE)."
fi
mv "$BUILD_STAMP.pending" "$BUILD_STAMP"

"$DOTNET_EXE" "$BUILD_ASSEMBLY" "$@"
