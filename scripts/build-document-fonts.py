#!/usr/bin/python3
"""Builds Bianmin Sans, the font of the printed receipts and forms, from fonts-noto-cjk.

usage: build-document-fonts.py OUTPUT_DIR [TEXT_DIR ...]

Bianmin Sans Regular and Bold are Noto Sans CJK SC cut down to Simplified Chinese text: the CJK
Unified Ideographs block (every hanzi of GB 2312 and GBK, and the rare ones of many names), the rest
of GB 2312, ASCII, CJK punctuation, fullwidth forms and every character in the TEXT_DIRs (the
catalog, the receipt wording), with its outlines converted from cubic (CFF) to quadratic (TrueType)
curves, within 1/1000 em. Why:
  - cairo 1.16 subsets CFF fonts together with their subroutines and drops some that a glyph
    needs (in a small subset of Noto Sans CJK SC, 如 prints blank). Its TrueType subsetter has no
    such trouble, so the documents can use plain text instead of drawing every glyph's outline.
  - cairo copies a font's whole CFF table (16 MB for Noto Sans CJK SC) several times for each
    document; a TrueType font is read glyph by glyph.
  - cairo maps every glyph it embeds back to its character: it copies the cmap's format 4 table
    and walks its ranges, and for a glyph not in the cmap it walks every character of the font.
    So the characters' glyphs are numbered in Unicode order and the ideographs block is whole (the
    cmap is about 90 ranges, not 3,600), and almost every glyph is in the cmap: only the default
    and Simplified Chinese language systems are kept (Latin runs, which Pango tags with a Latin
    language, would otherwise get digit forms outside the cmap) and only the OpenType features of
    horizontal text.
A character outside Bianmin Sans falls back to Noto Sans CJK SC (the documents name both).
Noto Sans CJK is under the SIL Open Font License 1.1, which allows a modified version under
another name; the license and copyright records are kept.
"""
import os
import sys

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, newTable

SOURCES = {
    "Regular": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "Bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
}
FAMILY = "Bianmin Sans"
# The features HarfBuzz applies to horizontal text by default (of those Noto Sans CJK has).
HORIZONTAL_FEATURES = ["ccmp", "locl", "liga", "kern", "mark"]


def gb2312():
    """Every character of GB 2312 (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    characters = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                characters.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return characters


def text_of(directories):
    """The characters of every file under `directories` that reads as UTF-8."""
    characters = set()
    for directory in directories:
        for root, _, files in os.walk(directory):
            for name in files:
                try:
                    with open(os.path.join(root, name), encoding="utf-8") as handle:
                        characters.update(handle.read())
                except (UnicodeDecodeError, OSError):
                    pass
    return characters


def sc_font(path):
    """The Noto Sans CJK SC face in a Noto CJK collection."""
    for font in TTCollection(path).fonts:
        if font["name"].getDebugName(1) == "Noto Sans CJK SC":
            return font
    raise SystemExit(f"{path}: no Noto Sans CJK SC face (is fonts-noto-cjk installed?)")


def to_truetype(font):
    """Replaces the CFF outlines with quadratic TrueType ones (contours reversed, as TrueType wants)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["head"].glyphDataFormat = 0
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\0\1\0\0"


def simplified_chinese_only(font):
    """Keeps only the default and Simplified Chinese (ZHS) language systems, without locl in the default.

    The documents are Simplified Chinese. Pango tags Latin runs with a Latin language, for which
    Noto Sans CJK SC swaps in digit forms that are not in the cmap; the Japanese, Korean and
    Traditional Chinese forms are never wanted. Without them Latin and Chinese runs share the cmap's
    glyphs, and the font carries hardly any glyph outside the cmap.
    """
    table = font["GSUB"].table
    for record in table.ScriptList.ScriptRecord:
        script = record.Script
        script.LangSysRecord = [system for system in script.LangSysRecord if system.LangSysTag == "ZHS "]
        script.LangSysCount = len(script.LangSysRecord)
        if script.DefaultLangSys is not None:
            script.DefaultLangSys.FeatureIndex = [
                index for index in script.DefaultLangSys.FeatureIndex
                if table.FeatureList.FeatureRecord[index].FeatureTag != "locl"]
            script.DefaultLangSys.FeatureCount = len(script.DefaultLangSys.FeatureIndex)


def in_unicode_order(font):
    """Renumbers the glyphs: .notdef, the cmap's glyphs by character, then the others as they were.

    fontTools sorts the substitution tables by the new numbers when it compiles them; the
    positioning tables kept here (kern, mark) hold arrays beside their coverage, sorted here.
    """
    for tag in font.keys():
        font[tag]  # everything decompiled under the old numbering
    order = font.getGlyphOrder()
    by_character = sorted(font.getBestCmap().items())
    mapped = list(dict.fromkeys([order[0]] + [name for _, name in by_character]))
    placed = set(mapped)
    font.setGlyphOrder(mapped + [name for name in order if name not in placed])

    def sort(coverage, *arrays):
        """Sorts a coverage table by glyph id and each array beside it alike."""
        ranks = sorted(range(len(coverage.glyphs)), key=lambda i: font.getGlyphID(coverage.glyphs[i]))
        coverage.glyphs = [coverage.glyphs[i] for i in ranks]
        return [[array[i] for i in ranks] for array in arrays]

    for lookup in font["GPOS"].table.LookupList.Lookup:
        for subtable in lookup.SubTable:
            subtable = getattr(subtable, "ExtSubTable", subtable)
            name = type(subtable).__name__
            if name == "PairPos" and subtable.Format == 1:
                (subtable.PairSet,) = sort(subtable.Coverage, subtable.PairSet)
                for pair_set in subtable.PairSet:
                    pair_set.PairValueRecord.sort(key=lambda record: font.getGlyphID(record.SecondGlyph))
            elif name == "PairPos":
                sort(subtable.Coverage)
            elif name == "MarkBasePos":
                (subtable.MarkArray.MarkRecord,) = sort(subtable.MarkCoverage, subtable.MarkArray.MarkRecord)
                (subtable.BaseArray.BaseRecord,) = sort(subtable.BaseCoverage, subtable.BaseArray.BaseRecord)
            else:
                raise SystemExit(f"build-document-fonts: no renumbering for GPOS {name}")


def rename(font, style):
    """Gives the subset its own family name, so that it never stands in for the full font."""
    postscript = FAMILY.replace(" ", "") + "-" + style
    full = FAMILY if style == "Regular" else f"{FAMILY} {style}"
    names = {1: FAMILY, 3: postscript, 4: full, 6: postscript, 16: FAMILY, 17: style}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names:
            table.removeNames(nameID=record.nameID)
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    output = sys.argv[1]
    os.makedirs(output, exist_ok=True)
    characters = gb2312() | text_of(sys.argv[2:])
    characters |= {chr(c) for c in range(0x20, 0x7F)}
    characters |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF01, 0xFF5F)}
    characters |= {chr(c) for c in range(0x4E00, 0xA000)}
    characters = {c for c in characters if c.isprintable()}
    options = subset.Options()
    options.layout_features = HORIZONTAL_FEATURES
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    for step, (style, path) in enumerate(SOURCES.items(), 1):
        def say(what, style=style, step=step):
            """One progress line: the build takes about a minute."""
            print(f"  Bianmin Sans {style} ({step}/{len(SOURCES)}): {what}", flush=True)

        say(f"reading {os.path.basename(path)}")
        font = sc_font(path)
        simplified_chinese_only(font)
        say(f"cutting it to {len(characters)} characters")
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(characters)))
        subsetter.subset(font)
        say("converting the outlines to TrueType curves")
        to_truetype(font)
        in_unicode_order(font)
        rename(font, style)
        target = os.path.join(output, f"BianminSans-{style}.ttf")
        say("writing it")
        font.save(target + ".tmp")
        os.replace(target + ".tmp", target)
        print(f"  {target}: {len(characters)} characters, {os.path.getsize(target) // 1024} KiB")


if __name__ == "__main__":
    main()
