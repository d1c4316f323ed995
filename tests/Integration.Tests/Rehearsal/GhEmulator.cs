namespace Integration.Tests.Rehearsal;

/// <summary>
/// The GitHub CLI calls the workflows make, emulated against the run's origin repository and variable store (a `gh` on
/// the jobs' PATH): `gh api` creating an annotated tag object, creating or moving a ref (needs a token with
/// `contents: write`), and `gh variable set` (a file per variable, read back as `vars.*` by the next run). Any other
/// call fails loudly.
/// </summary>
public static class GhEmulator
{
    public static void Install(RehearsalMachine machine)
    {
        Directory.CreateDirectory(machine.ToolDirectory);
        Directory.CreateDirectory(machine.VariableStore);
        var path = Path.Combine(machine.ToolDirectory, "gh");
        File.WriteAllText(path, Script
            .Replace("@ORIGIN@", Quote(machine.OriginRepository))
            .Replace("@TOKENS@", Quote(machine.TokenScopes))
            .Replace("@VARIABLES@", Quote(machine.VariableStore)));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";

    const string Script = """
        #!/usr/bin/env bash
        # gh as the rehearsal emulates it (see GhEmulator.cs).
        set -euo pipefail
        ORIGIN=@ORIGIN@
        TOKENS=@TOKENS@
        VARIABLES=@VARIABLES@
        fail() { echo "gh (rehearsal): $*" >&2; exit 1; }
        require_scope() {
          [ -n "${GH_TOKEN:-}" ] && [ -f "$TOKENS/$GH_TOKEN" ] || fail "HTTP 401: Bad credentials (GH_TOKEN is not a token of this run)"
          grep -qx "$1" "$TOKENS/$GH_TOKEN" || fail "HTTP 403: Resource not accessible by integration (the token lacks $1)"
        }
        git_origin() { git --git-dir="$ORIGIN" "$@"; }
        case "${1:-}" in
          api)
            shift
            method=""; endpoint=""; jq=""; declare -A field=()
            while [ $# -gt 0 ]; do
              case "$1" in
                -X|--method) method=$2; shift 2 ;;
                -f|--raw-field) field[${2%%=*}]=${2#*=}; shift 2 ;;
                -F|--field) value=${2#*=}; [ "${value#@}" != "$value" ] && value=$(cat "${value#@}"); field[${2%%=*}]=$value; shift 2 ;;
                --jq) jq=$2; shift 2 ;;
                -*) fail "unsupported option gh api $1" ;;
                *) [ -z "$endpoint" ] || fail "two endpoints: $endpoint $1"; endpoint=$1; shift ;;
              esac
            done
            [ -n "$method" ] || { [ ${#field[@]} -gt 0 ] && method=POST || method=GET; }
            case "$method $endpoint" in
              "POST repos/"*/git/tags)
                require_scope contents=write
                sha=$(printf 'object %s\ntype %s\ntag %s\ntagger rehearsal <rehearsal@localhost> %s +0000\n\n%s\n' \
                  "${field[object]}" "${field[type]}" "${field[tag]}" "$(date +%s)" "${field[message]}" | git_origin mktag)
                ;;
              "PATCH repos/"*/git/refs/*)
                require_scope contents=write
                ref=refs/${endpoint#*/git/refs/}
                git_origin rev-parse -q --verify "$ref" >/dev/null || fail "HTTP 422: Reference does not exist"
                git_origin update-ref "$ref" "${field[sha]}"; sha=${field[sha]}
                ;;
              "POST repos/"*/git/refs)
                require_scope contents=write
                ! git_origin rev-parse -q --verify "${field[ref]}" >/dev/null || fail "HTTP 422: Reference already exists"
                git_origin update-ref "${field[ref]}" "${field[sha]}"; sha=${field[sha]}
                ;;
              *) fail "unsupported call: gh api -X $method $endpoint" ;;
            esac
            case "$jq" in
              .sha) echo "$sha" ;;
              "") printf '{"sha":"%s"}\n' "$sha" ;;
              *) fail "unsupported --jq $jq" ;;
            esac
            ;;
          variable)
            [ "${2:-}" = set ] && [ -n "${3:-}" ] && [ $# -eq 3 ] || fail "unsupported call: gh $*"
            [ -n "${GH_TOKEN:-}" ] || fail "HTTP 401: gh variable set needs GH_TOKEN"
            cat > "$VARIABLES/$3"
            ;;
          *) fail "unsupported call: gh $*" ;;
        esac
        """;
}
