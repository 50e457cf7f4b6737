#!/usr/bin/env bash
# Build GOV.UK Frontend 6.0.0 from source into static/govuk/.
#
#   bash frontend/build.sh        (from anywhere; needs Node >= 20.19 and npm)
#
# Output (static/govuk/ is wholly generated: it is deleted and rebuilt, so a
# second run gives byte-identical files):
#   application.css          frontend/scss/application.scss, Dart Sass, compressed, no source map
#   govuk-frontend.min.js    GOV.UK Frontend ES module bundle (load with <script type="module">)
#   moj-frontend.min.js      MOJ Frontend ES module bundle (the caseworking components' behaviour)
#
# The service's own favicon lives in static/images/ (GOV.UK's favicons and
# home-screen icons are the crown, which is for gov.uk services only).
#
# Deliberately NOT shipped: assets/fonts/ (GDS Transport is for gov.uk domains
# only; we use Arial), images/govuk-crest.svg (Royal coat of arms, used only by
# the footer's Crown copyright link), images/govuk-icon-mask.svg (GOV.UK crown
# mask icon), images/govuk-opengraph-image.png (GOV.UK-branded share image), and
# the favicons, home-screen icons and manifest (all the GOV.UK crown).
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(dirname "$FRONTEND_DIR")"
OUT_DIR="$REPO_ROOT/static/govuk"
GOVUK_DIST="$FRONTEND_DIR/node_modules/govuk-frontend/dist/govuk"

# URL at which Django serves static/govuk/assets/ (STATIC_URL = /static/).
# Must match $govuk-assets-path in scss/application.scss.
ASSETS_URL="/static/govuk/assets/"

# Images copied from govuk-frontend's dist/govuk/assets/images/.
# None: every image GOV.UK Frontend ships carries the crown or the crest.
IMAGES=()
# Images copied from MOJ Frontend's moj/assets/images/ (no crown): the timeline's document icon, and the
# filter's icons (open/close a group, close the filter on a phone, remove a selected filter's tag).
MOJ_DIST="$FRONTEND_DIR/node_modules/@ministryofjustice/frontend/moj"
MOJ_IMAGES=(icon-document.svg icon-toggle-plus-minus.svg icon-close-cross-black.svg icon-tag-remove-cross.svg
  icon-tag-remove-cross-white.svg)

cd "$FRONTEND_DIR"

# Exact versions from package-lock.json. --ignore-scripts: nothing here needs
# an install script (sass is pure JS; @parcel/watcher is an optional
# dependency used only by `sass --watch`).
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"

# --- CSS --------------------------------------------------------------------
# Compiled through the JS API of the pinned Dart Sass (same compiler as the
# `sass` CLI) so that we can supply app-image-url(), which application.scss
# names as $govuk-image-url-function. It keeps url()s to images we ship and
# drops declarations that point at images we do not ship (the crest), so the
# CSS never references a missing file (Django's ManifestStaticFilesStorage /
# WhiteNoise would fail collectstatic on one).
# (Passed with -e, not on stdin: sass's NodePackageImporter reads
# process.argv[1] as the entry point, so that must be a real absolute path.)
compile_css_js="$(cat <<'JS'
import { writeFileSync } from "node:fs";
import * as sass from "sass";

const [input, output] = process.argv.slice(1);
const imagesUrl = `${process.env.ASSETS_URL}images/`;
const shipped = new Set(process.env.SHIPPED_IMAGES.split(" "));
const dropped = new Set();

const result = sass.compile(input, {
  style: "compressed",
  sourceMap: false,
  quietDeps: true, // govuk-frontend's own Sass still uses @import etc.
  importers: [new sass.NodePackageImporter(process.cwd())],
  loadPaths: [process.cwd()], // MOJ Frontend loads GOV.UK Frontend's base as "node_modules/govuk-frontend/..."
  functions: {
    "app-image-url($filename)": ([filename]) => {
      const name = filename.assertString("filename").text;
      if (shipped.has(name)) {
        return new sass.SassString(`url("${imagesUrl}${name}")`, { quotes: false });
      }
      if (!dropped.has(name)) console.log(`Dropped CSS reference to unshipped image ${name}`);
      dropped.add(name);
      return sass.sassNull; // a null value omits the whole declaration
    },
  },
});
writeFileSync(output, `${result.css}\n`);
JS
)"
ASSETS_URL="$ASSETS_URL" SHIPPED_IMAGES="${IMAGES[*]}" \
  node --input-type=module -e "$compile_css_js" "$FRONTEND_DIR/scss/application.scss" "$OUT_DIR/application.css"

mkdir -p "$OUT_DIR/assets/images"
for image in "${MOJ_IMAGES[@]}"; do cp "$MOJ_DIST/assets/images/$image" "$OUT_DIR/assets/images/$image"; done

# --- JavaScript ---------------------------------------------------------------
cp "$GOVUK_DIST/govuk-frontend.min.js" "$OUT_DIR/govuk-frontend.min.js"
# MOJ Frontend's ES module bundle (self-contained): button menu, multi-select, the filter's toggle.
# Its source map comment is dropped: the map is not shipped, and collectstatic's manifest fails on a missing one.
sed -e 's|//# sourceMappingURL=.*$||' "$MOJ_DIST/moj-frontend.min.js" > "$OUT_DIR/moj-frontend.min.js"

# --- Checks -------------------------------------------------------------------
css="$OUT_DIR/application.css"
fail() { echo "build.sh: $*" >&2; exit 1; }
grep -q 'font-family:arial,sans-serif' "$css" || fail "application.css does not use Arial"
if grep -qi 'GDS Transport\|@font-face\|\.woff' "$css"; then
  fail "application.css contains GDS Transport / @font-face"
fi
if grep -q 'sourceMappingURL' "$css"; then
  fail "application.css has a source map comment"
fi
# Every url() must be an absolute /static/ URL to a file we ship, or a data: URI.
while IFS= read -r url; do
  case "$url" in
    data:*) ;;
    /static/*) [[ -f "$REPO_ROOT/${url#/}" ]] || fail "application.css references missing file $url" ;;
    *) fail "application.css references unexpected URL $url" ;;
  esac
done < <(grep -o 'url([^)]*)' "$css" | sed -e 's/^url(//' -e 's/)$//' -e 's/^["'\'']//' -e 's/["'\'']$//' | sort -u)

version_of() { node -p "require('./node_modules/$1/package.json').version"; }
govuk_version="$(version_of govuk-frontend)"
sass_version="$(version_of sass)"
echo "Built static/govuk/ with govuk-frontend $govuk_version and sass $sass_version:"
(cd "$OUT_DIR" && find . -type f | LC_ALL=C sort | xargs wc -c)
