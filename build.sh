#!/usr/bin/env bash
# Bootstrap in the shape of NUKE's build.sh: find a .NET SDK that satisfies global.json, build the build
# project when its sources changed, then run it with the arguments: ./build.sh [targets] [--parameters].
set -eo pipefail

# The warm path (build project current) starts no process but dotnet: bash builtins only, no subshell that execs.
SCRIPT_DIR=${BASH_SOURCE[0]%/*}
[[ "$SCRIPT_DIR" == "${BASH_SOURCE[0]}" ]] && SCRIPT_DIR=.
SCRIPT_DIR=$(CDPATH='' cd -- "$SCRIPT_DIR" && pwd)
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

# The build project is current when the list of its inputs (every file under build/ except bin/ and obj/ at any
# depth, global.json, Directory.Build.props) is the one recorded at the last build and no input is newer than that
# record; then a warm run skips `dotnet build` and costs one process start. The walk uses bash builtins only
# (globs, [[ -nt ]]; bash 3.2 as on macOS), in byte order.
INPUTS="" NEWER_INPUT=""
collect_inputs() {
    local entry
    for entry in "$@"; do
        if [[ -d "$entry" && ! -L "$entry" ]]; then
            if [[ "${entry##*/}" != bin && "${entry##*/}" != obj ]]; then collect_inputs "$entry"/*; fi
        elif [[ -f "$entry" && ! -L "$entry" ]]; then
            INPUTS+="$entry"$'\n'
            if [[ -z "$NEWER_INPUT" && "$entry" -nt "$BUILD_STAMP" ]]; then NEWER_INPUT=$entry; fi
        fi
    done
}
list_inputs() {
    local LC_ALL=C
    shopt -s dotglob nullglob
    INPUTS="" NEWER_INPUT=""
    cd "$SCRIPT_DIR" && collect_inputs build global.json Directory.Build.props
    cd "$OLDPWD" || fail "cannot return to $OLDPWD"
    shopt -u dotglob nullglob
}
list_inputs
CURRENT_STAMP=$INPUTS
RECORDED_STAMP=""
[[ -f "$BUILD_STAMP" ]] && { IFS= read -r -d '' RECORDED_STAMP < "$BUILD_STAMP" || true; }
build_is_current() {
    [[ -f "$BUILD_ASSEMBLY" && -f "$BUILD_STAMP" && "$RECORDED_STAMP" == "$CURRENT_STAMP" && -z "$NEWER_INPUT" ]]
}

# Warm run: only a runtime is needed, so skip the SDK probe (it costs a process start).
if build_is_current; then
    for candidate in "$TEMP_DIRECTORY/dotnet-unix/dotnet" "$(type -P dotnet)"; do
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
printf '%s' "$CURRENT_STAMP" > "$BUILD_STAMP.pending"
echo "Compiling the build project..." >&2
if ! "$DOTNET_EXE" build "$BUILD_PROJECT_FILE" /nodeReuse:false /p:UseSharedCompilation=false -nologo -clp:NoSummary --verbosity quiet \
    > "$TEMP_DIRECTORY/build-project.log" 2>&1; then
    cat "$TEMP_DIRECTORY/build-project.log" >&2
    fail "the build project did not compile; fix the errors above (dotnet build $BUILD_PROJECT_FILE)."
fi
mv "$BUILD_STAMP.pending" "$BUILD_STAMP"

"$DOTNET_EXE" "$BUILD_ASSEMBLY" "$@"
