#!/bin/sh
# no-secrets.sh <root>: fails when the file system under <root> carries a private key or a credential file
# (issue 7's gate, run in the validate stage). Prints "FAIL secrets: <path> (<why>)" per finding.
# Looks for: SSH private key files, complete PEM private key blocks in text files, .git-credentials, .netrc with a password,
# npm tokens in .npmrc, GitHub CLI tokens in gh/hosts.yml, registry auths in docker config.json, .pypirc passwords.
set -u
root=${1:-/}
root=${root%/}
findings=$(mktemp)
report() { echo "FAIL secrets: ${1#"$root"} ($2)" >> "$findings"; }

# pem_private_key_block <file>: true when the file holds a complete PEM private key block (leading blanks allowed,
# as in YAML or indented config).
pem_private_key_block() {
  awk '
    { sub(/^[ \t]+/, ""); sub(/\r$/, "") }
    !inside && /^-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----$/ {
      inside = 1; body = 0; footer = $0; sub(/BEGIN/, "END", footer); next
    }
    inside && $0 == footer { if (body) { found = 1; exit } inside = 0; next }
    inside && /^[A-Za-z0-9+\/=]+$/ { body++; next }
    inside && (/^[A-Za-z-]+: / || /^$/) { next }
    inside { inside = 0 }
    END { exit found ? 0 : 1 }
  ' "$1"
}

# Pseudo file systems and this script's own directory are skipped.
files() {
  find "$root/" -xdev \( -path "$root/proc" -o -path "$root/sys" -o -path "$root/dev" -o -path "$root/tmp/smoke" \) -prune \
    -o -type f "$@" -print 2>/dev/null
}

files \( -name id_rsa -o -name id_dsa -o -name id_ecdsa -o -name id_ed25519 -o -name '*.ppk' \) |
  while IFS= read -r f; do report "$f" "SSH private key file"; done
# PEM private keys: text files only (grep -I skips binaries such as ssh or libgnutls, which merely contain the
# header string), one grep per batch of files (find -exec +, an image holds a hundred thousand of them); then a
# candidate counts only with a whole block: header, base64 body (RFC 1421 "Name: value" headers allowed), footer.
find "$root/" -xdev \( -path "$root/proc" -o -path "$root/sys" -o -path "$root/dev" -o -path "$root/tmp/smoke" \) -prune \
  -o -type f -size -2048k -exec grep -lIE -- '-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----' {} + 2>/dev/null |
  while IFS= read -r f; do pem_private_key_block "$f" && report "$f" "PEM private key"; done
files -name .git-credentials | while IFS= read -r f; do [ -s "$f" ] && report "$f" "git credentials"; done
files -name .netrc | while IFS= read -r f; do grep -q password "$f" 2>/dev/null && report "$f" "netrc password"; done
files -name .npmrc | while IFS= read -r f; do
  grep -qE '_authToken *= *[^$ ]' "$f" 2>/dev/null && report "$f" "npm auth token"
done
files -name hosts.yml -path '*/gh/*' | while IFS= read -r f; do grep -q 'oauth_token' "$f" 2>/dev/null && report "$f" "GitHub CLI token"; done
files -name config.json -path '*/.docker/*' | while IFS= read -r f; do grep -q '"auth" *: *"[^"]' "$f" 2>/dev/null && report "$f" "docker registry auth"; done
files -name .pypirc | while IFS= read -r f; do grep -q password "$f" 2>/dev/null && report "$f" "PyPI password"; done

if [ -s "$findings" ]; then
  sort -u "$findings"
  rm -f "$findings"
  exit 1
fi
rm -f "$findings"
echo "ok secrets: no private keys or credential files under $root/"
