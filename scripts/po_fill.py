"""Fill Chinese translations into locale/zh_Hans/LC_MESSAGES/django.po.

Usage: python scripts/po_fill.py < translations.tsv   (lines: English msgid <TAB> Chinese msgstr)
       python scripts/po_fill.py --missing            (list msgids still untranslated)
Plural entries take the same Chinese text for every form. Fuzzy flags are cleared on fill.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main() -> int:
    po = polib.pofile(str(PO))
    if "--missing" in sys.argv:
        for entry in po:
            if not entry.translated() or "fuzzy" in entry.flags:
                print(entry.msgid)
        return 0
    table = {}
    for line in sys.stdin:
        line = line.rstrip("\n")
        if "\t" in line:
            english, chinese = line.split("\t", 1)
            table[english] = chinese
    filled = 0
    for entry in po:
        if entry.msgid in table:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: table[entry.msgid]}
            else:
                entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save()
    print(f"filled {filled}; untranslated {len([e for e in po if not e.translated()])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
