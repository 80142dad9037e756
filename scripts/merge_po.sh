#!/usr/bin/env bash
# Resolve a merge conflict in the translation catalogue: unite both sides' entries (ours first),
# carry the other side's changed translations (scripts/po_three_way.py), refresh from the source, list anything
# untranslated, compile. Run from the project root.
set -euo pipefail
PO=locale/zh_Hans/LC_MESSAGES/django.po
git show ":2:$PO" > /tmp/po_ours.po
git show ":3:$PO" > /tmp/po_theirs.po
git show ":1:$PO" > /tmp/po_base.po
msgcat --use-first /tmp/po_ours.po /tmp/po_theirs.po -o "$PO"
.venv/bin/python scripts/po_three_way.py "$PO" /tmp/po_base.po /tmp/po_ours.po /tmp/po_theirs.po
.venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=staticfiles \
  --ignore=tests --ignore=build --no-obsolete >/dev/null
sed -i "6{/^#, fuzzy$/d}" "$PO"  # the header is real, not a guess: keep its Plural-Forms
.venv/bin/python scripts/po_fill.py --missing
.venv/bin/python manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=node_modules >/dev/null
git add locale
