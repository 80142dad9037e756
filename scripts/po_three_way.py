"""Carry the other side's translation changes into a merged catalogue: an entry whose msgstr the other side
changed from the merge base while ours kept the base's takes the other side's msgstr.

    python scripts/po_three_way.py MERGED BASE OURS THEIRS   # rewrites MERGED in place, prints what it took

scripts/merge_po.sh unites both sides with `msgcat --use-first` (ours wins every entry both sides have); on its
own that silently undid a translation the other branch had corrected. Entries are keyed by (msgctxt, msgid);
plural forms are compared as a whole. gettext's own tools have no three-way merge of catalogues.
"""

import re
import sys
from pathlib import Path

_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')
_CONTINUATION = re.compile(r'^"(.*)"$')


def entries(text: str) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """{(msgctxt, msgid): ((msgstr key, msgstr value), ...)} of a catalogue's active (not obsolete) entries."""
    out = {}
    for block in re.split(r"\n\s*\n", text):
        fields, last = {}, None
        for line in block.splitlines():
            if match := _LINE.match(line):
                last = match.group(1)
                fields[last] = match.group(2)
            elif (match := _CONTINUATION.match(line)) and last:
                fields[last] += match.group(1)
        if "msgid" in fields:
            key = (fields.get("msgctxt", ""), fields["msgid"])
            out[key] = tuple(sorted((k, v) for k, v in fields.items() if k.startswith("msgstr")))
    return out


def _quoted(value: str) -> str:
    return f'"{value}"'


def rewrite(merged: str, changes: dict) -> str:
    """`merged` with the msgstr lines of the entries in `changes` replaced (one line each)."""
    blocks = re.split(r"(\n\s*\n)", merged)
    for index, block in enumerate(blocks):
        found = entries(block)
        if len(found) != 1:
            continue
        key = next(iter(found))
        if key not in changes:
            continue
        lines, kept, skipping = block.splitlines(), [], False
        for line in lines:
            match = _LINE.match(line)
            if match and match.group(1).startswith("msgstr"):
                skipping = True
                continue
            if skipping and _CONTINUATION.match(line):
                continue
            skipping = False
            kept.append(line)
        kept += [f"{name} {_quoted(value)}" for name, value in changes[key]]
        blocks[index] = "\n".join(kept)
    return "".join(blocks)


def main(merged_path: str, base_path: str, ours_path: str, theirs_path: str) -> None:
    base, ours, theirs = (entries(Path(p).read_text(encoding="utf-8")) for p in (base_path, ours_path, theirs_path))
    changes = {key: value for key, value in theirs.items()
               if key[1] and key in base and value != base[key] and ours.get(key) == base[key]}
    merged = Path(merged_path)
    merged.write_text(rewrite(merged.read_text(encoding="utf-8"), changes), encoding="utf-8")
    for (_context, msgid), value in changes.items():
        print(f"took theirs: {msgid[:60]!r} -> {value[0][1][:40]!r}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
