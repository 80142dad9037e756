"""scripts/po_three_way.py: a translation the other branch corrected survives a merge of the catalogue, where
`msgcat --use-first` alone kept ours (it undid 提名待我评分 once)."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "po_three_way.py"
spec = importlib.util.spec_from_file_location("po_three_way", SCRIPT)
po_three_way = importlib.util.module_from_spec(spec)
spec.loader.exec_module(po_three_way)

HEADER = 'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n'


def _po(*pairs):
    return HEADER + "".join(f'\n#: a.py:1\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n' for msgid, msgstr in pairs)


def test_theirs_correction_is_taken_where_ours_kept_the_base(tmp_path):
    base = _po(("Scores to enter", "待评分"), ("Saved.", "已保存。"), ("Both", "旧"))
    ours = _po(("Scores to enter", "待评分"), ("Saved.", "保存成功。"), ("Both", "我们"))
    theirs = _po(("Scores to enter", "考核待我评分"), ("Saved.", "已保存。"), ("Both", "他们"), ("New", "新"))
    paths = {}
    for name, text in {"base": base, "ours": ours, "theirs": theirs, "merged": ours}.items():
        paths[name] = tmp_path / f"{name}.po"
        paths[name].write_text(text, encoding="utf-8")
    po_three_way.main(paths["merged"], paths["base"], paths["ours"], paths["theirs"])
    merged = po_three_way.entries(paths["merged"].read_text(encoding="utf-8"))
    assert merged[("", "Scores to enter")] == (("msgstr", "考核待我评分"),)  # theirs changed it, ours did not
    assert merged[("", "Saved.")] == (("msgstr", "保存成功。"),)  # ours changed it
    assert merged[("", "Both")] == (("msgstr", "我们"),)  # both changed it: ours, as msgcat --use-first
    assert merged[("", "")] == po_three_way.entries(ours)[("", "")]  # the header is never taken


def test_a_multiline_msgstr_is_replaced_whole(tmp_path):
    base = HEADER + '\nmsgid "Long"\nmsgstr ""\n"一"\n"二"\n'
    theirs = HEADER + '\nmsgid "Long"\nmsgstr "三"\n'
    for name, text in {"base": base, "ours": base, "theirs": theirs, "merged": base}.items():
        (tmp_path / f"{name}.po").write_text(text, encoding="utf-8")
    po_three_way.main(*(tmp_path / f"{n}.po" for n in ("merged", "base", "ours", "theirs")))
    text = (tmp_path / "merged.po").read_text(encoding="utf-8")
    assert po_three_way.entries(text)[("", "Long")] == (("msgstr", "三"),) and '"一"' not in text
