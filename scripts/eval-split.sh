#!/bin/sh
# Splits the hard evaluation set's parts into its tuning part and its frozen held-out part, by a hash of each id.
# Usage: scripts/eval-split.sh OUTDIR PART.tsv... ; writes OUTDIR/dev.tsv, heldout.tsv and heldout.sha256
# (tests/eval/hard for the routing set, tests/eval/kb for the knowledge base's questions).
# A ticket is held out when cksum(id) mod 10 < 4 (about 40%): the split depends only on the id,
# not on the order or the writer, so re-running it on the same parts gives the same files.
set -eu
[ $# -ge 2 ] || { echo "usage: scripts/eval-split.sh OUTDIR PART.tsv..." >&2; exit 2; }
out=$1
shift
header="# Columns: see README.md beside this file"
{
	echo "# dev.tsv: the tuning part (scripts/eval-split.sh)."
	echo "$header"
} >"$out/dev.tsv"
{
	echo "# heldout.tsv: the FROZEN held-out part (scripts/eval-split.sh)."
	echo "# Never read while tuning; make eval reports on it. Its SHA-256 is in heldout.sha256."
	echo "$header"
} >"$out/heldout.tsv"
for part in "$@"; do
	grep -v '^#' "$part" | grep -v '^[[:space:]]*$' | while IFS= read -r line; do
		id=${line%%	*}
		sum=$(printf '%s' "$id" | cksum | cut -d' ' -f1)
		if [ $((sum % 10)) -lt 4 ]; then
			printf '%s\n' "$line" >>"$out/heldout.tsv"
		else
			printf '%s\n' "$line" >>"$out/dev.tsv"
		fi
	done
done
(cd "$out" && sha256sum heldout.tsv >heldout.sha256)
echo "dev: $(grep -vc '^#' "$out/dev.tsv") tickets, heldout: $(grep -vc '^#' "$out/heldout.tsv") tickets"
