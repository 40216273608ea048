#!/usr/bin/env bash
# Copy the front-end files we serve (and axe-core for the browser tests) from node_modules
# into the tree, each with its licence. Run after changing package.json: `make vendor`.
set -euo pipefail
cd "$(dirname "$0")/.."
nm=node_modules
v=static/vendor

copy() { # copy SRC DEST_DIR
  mkdir -p "$2"
  cp "$1" "$2/"
}

rm -rf "$v" tests/browser/vendor
copy "$nm/@utrecht/component-library-css/dist/index.css" "$v/utrecht-component-library-css"
copy "$nm/@utrecht/component-library-css/LICENSE.md" "$v/utrecht-component-library-css"
copy "$nm/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css" "$v/voorbeeld-design-tokens"
copy "$nm/@nl-design-system-unstable/voorbeeld-design-tokens/LICENSE.md" "$v/voorbeeld-design-tokens"
copy "$nm/htmx.org/dist/htmx.min.js" "$v/htmx"
copy "$nm/htmx.org/LICENSE" "$v/htmx"
# The theme's typefaces, for the certificate PDF (WeasyPrint reads WOFF): Latin and Latin
# Extended, regular and bold, so that every name in a European script prints in the same face.
for family in noto-sans noto-serif; do
  for subset in latin latin-ext; do
    for weight in 400 700; do
      copy "$nm/@fontsource/$family/files/$family-$subset-$weight-normal.woff" "$v/fonts/$family"
    done
  done
  copy "$nm/@fontsource/$family/LICENSE" "$v/fonts/$family"
done
copy "$nm/axe-core/axe.min.js" tests/browser/vendor/axe-core
copy "$nm/axe-core/LICENSE" tests/browser/vendor/axe-core

{
  echo "# Vendored front-end files"
  echo
  echo "Installed from the npm registry with \`npm ci\` (versions pinned in package.json and"
  echo "package-lock.json) and copied here by \`make vendor\`. Do not edit by hand."
  echo
  echo "| package | version | licence |"
  echo "|---|---|---|"
  for p in @utrecht/component-library-css @nl-design-system-unstable/voorbeeld-design-tokens htmx.org @fontsource/noto-sans @fontsource/noto-serif; do
    node -e "const p=require('./$nm/$p/package.json');console.log('| '+p.name+' | '+p.version+' | '+p.license+' |')"
  done
} > "$v/README.md"
echo "vendored into $v and tests/browser/vendor"
