#!/usr/bin/env python3
"""Dev-time only: writes Resources/pinyin/hanzi-pinyin.json, the readings of every Chinese
character in the catalog's matter names, keywords, department and category names, for pinyin search at the kiosk.
Needs `pip install pypinyin`; the build and the tests never run this script. Rerun it after adding
matters whose names use new characters (the kiosk still finds them by Chinese text meanwhile)."""
import glob, json, os, re
from pypinyin import pinyin, Style

root = os.path.join(os.path.dirname(__file__), "..")
text = ""
for path in glob.glob(os.path.join(root, "kiosk-config/catalog/matters/*.yaml")):
    with open(path, encoding="utf-8") as f:
        body = f.read()
    m = re.search(r"^name:\s*\n\s+zh:\s*(.+)$", body, re.M)
    text += m.group(1) if m else ""
    d = re.search(r"^department:\s*(.+)$", body, re.M)
    c = re.search(r"^category:\s*(.+)$", body, re.M)
    text += (d.group(1) if d else "") + (c.group(1) if c else "")
    k = re.search(r"^keywords:\s*\[(.*)\]$", body, re.M)
    text += k.group(1) if k else ""
table = {}
for ch in sorted(set(text)):
    if "\u4e00" <= ch <= "\u9fff":
        readings = pinyin(ch, style=Style.NORMAL, heteronym=True)[0]
        table[ch] = [r for r in dict.fromkeys(readings) if r.isalpha()]
out = os.path.join(root, "Resources/pinyin/hanzi-pinyin.json")
with open(out, "w", encoding="utf-8") as f:
    lines = [json.dumps(k, ensure_ascii=False) + ": " + json.dumps(v) for k, v in sorted(table.items())]
    f.write("{\n" + ",\n".join(lines) + "\n}\n")
print(f"{len(table)} characters -> {out}")
