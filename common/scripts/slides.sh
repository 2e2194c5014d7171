#!/bin/sh
# slides.sh OUTDIR - render every slides/NN-*.md to OUTDIR/NN-*.html.
#
# `make slides` runs `common/scripts/slides.sh build/slides`. The decks are
# Marp markdown; marp-cli is pinned in slides/package.json and installed by
# `npm ci` into slides/node_modules on first use (and again when
# slides/package-lock.json changes). HTML needs no browser: marp-cli only
# starts Chromium for PDF, PPTX and images, which this script never asks
# for. OUTDIR is relative to the current directory; everything else is
# found from this script's location, so it runs from anywhere.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: slides.sh OUTDIR" >&2
	exit 2
fi
outdir=$1

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
slides="$top/slides"
marp="$slides/node_modules/.bin/marp"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "slides: node and npm are needed; install them: sudo apt-get install nodejs npm" >&2
	exit 1
fi
if ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)'; then
	echo "slides: marp-cli needs Node 18 or later, this is $(node --version)" >&2
	exit 1
fi

# Install when node_modules is missing, or older than the lock file (npm
# keeps its own copy of the lock in node_modules/.package-lock.json).
installed="$slides/node_modules/.package-lock.json"
if [ ! -x "$marp" ] || [ ! -e "$installed" ] ||
	[ -n "$(find "$slides/package-lock.json" -newer "$installed")" ]; then
	echo "slides: installing marp-cli (npm ci in slides/, once)"
	# puppeteer-core never downloads a browser; say so for any other.
	if ! (cd "$slides" && PUPPETEER_SKIP_DOWNLOAD=1 \
		npm ci --no-audit --no-fund --loglevel=error); then
		echo "slides: npm ci failed in $slides" >&2
		exit 1
	fi
fi

mkdir -p "$outdir"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
trap 'exit 130' INT TERM

count=0
for md in "$slides"/[0-9][0-9]-*.md; do
	[ -e "$md" ] || continue
	name=$(basename "$md" .md)
	out="$outdir/$name.html"
	# --no-stdin: with stdin not a terminal (make, CI), marp would wait
	# to read a deck from it. --no-config-file: only these options count.
	if ! "$marp" --no-stdin --no-config-file \
		--output "$out" "$md" >"$log" 2>&1; then
		cat "$log" >&2
		echo "slides: marp failed on slides/$name.md" >&2
		exit 1
	fi
	printf '  %-4s %s\n' MARP "slides/$name.md -> $out"
	count=$((count + 1))
done

if [ "$count" -eq 0 ]; then
	echo "slides: no decks (slides/NN-*.md) in $slides" >&2
	exit 1
fi
echo "slides: $count deck(s) in $outdir"
