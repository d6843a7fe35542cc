#!/usr/bin/python3
"""Generates unicodetables.inc and htmlentities.inc for the CLIP text cleaner.

The tables copy the behaviour of the Python that OpenAI's simple_tokenizer.py runs on: str.lower()
(full case mapping, Final_Sigma), unicodedata.normalize('NFC'), str.isspace(), html.unescape() and
the `regex` module's \\s, \\p{L}, \\p{N}. Run it with the Python whose behaviour the tokenizer must
match (Debian 12: /usr/bin/python3 3.11, unicodedata 14.0.0, python3-regex 2022.10.31):

    /usr/bin/python3 core/tokenizer/gen_unicode_tables.py core/tokenizer
"""
import html
import html.entities
import os
import sys
import unicodedata

import regex

MAX_CP = 0x110000


def is_surrogate(cp):
    return 0xD800 <= cp <= 0xDFFF


def ranges(predicate):
    out, start = [], None
    for cp in range(MAX_CP + 1):
        inside = cp < MAX_CP and not is_surrogate(cp) and predicate(cp)
        if inside and start is None:
            start = cp
        elif not inside and start is not None:
            out.append((start, cp - 1))
            start = None
    return out


def cpp_ranges(name, rs):
    body = ",".join("{0x%X,0x%X}" % r for r in rs)
    return "static constexpr CodeRange %s[] = {%s};\n" % (name, wrap(body))


def wrap(text, width=100):
    lines, line = [], ""
    for item in text.split(","):
        if line and len(line) + len(item) + 1 > width:
            lines.append(line + ",")
            line = item
        else:
            line = item if not line else line + "," + item
    lines.append(line)
    return "\n    " + "\n    ".join(lines) + "\n"


def pool_table(name, pool_name, mapping):
    """cp -> sequence of code points, as a sorted entry array plus one shared pool."""
    pool, entries = [], []
    for cp in sorted(mapping):
        seq = mapping[cp]
        entries.append("{0x%X,%d,%d}" % (cp, len(pool), len(seq)))
        pool.extend(seq)
    text = "static constexpr char32_t %s[] = {%s};\n" % (pool_name, wrap(",".join("0x%X" % c for c in pool)))
    text += "static constexpr PoolEntry %s[] = {%s};\n" % (name, wrap(",".join(entries)))
    return text


def lower_table():
    mapping = {}
    for cp in range(MAX_CP):
        if is_surrogate(cp):
            continue
        low = chr(cp).lower()
        if low != chr(cp):
            mapping[cp] = [ord(c) for c in low]
    return mapping


def sigma_classes():
    """Case_Ignorable and Cased (for the Final_Sigma rule) read off str.lower() itself."""
    ignorable, cased = set(), set()
    for cp in range(MAX_CP):
        if is_surrogate(cp):
            continue
        c = chr(cp)
        t2 = ("A" + c + "\u03a3").lower()[-1] == "\u03c2"   # ignorable or cased
        t3 = ("A\u03a3" + c).lower()[1] == "\u03c2"         # ignorable or not cased
        if t2 and t3:
            ignorable.add(cp)
        elif t2:
            cased.add(cp)
    return ignorable, cased


def nfc_tables():
    ccc = ranges_with_value(lambda cp: unicodedata.combining(chr(cp)))
    decomp, compose = {}, []
    for cp in range(MAX_CP):
        if is_surrogate(cp) or 0xAC00 <= cp <= 0xD7A3:
            continue
        c = chr(cp)
        nfd = unicodedata.normalize("NFD", c)
        if nfd != c:
            decomp[cp] = [ord(x) for x in nfd]
        raw = unicodedata.decomposition(c)
        if raw and not raw.startswith("<"):
            parts = [int(x, 16) for x in raw.split()]
            if len(parts) == 2 and unicodedata.normalize("NFC", c) == c:
                compose.append((parts[0], parts[1], cp))
    compose.sort()
    return ccc, decomp, compose


def ranges_with_value(fn):
    out, start, value = [], None, 0
    for cp in range(MAX_CP + 1):
        v = fn(cp) if cp < MAX_CP and not is_surrogate(cp) else 0
        if start is not None and v != value:
            out.append((start, cp - 1, value))
            start = None
        if v and start is None:
            start, value = cp, v
    return out


def regex_class_extras():
    """Code points the regex module puts in \\p{L} / \\p{N} but unicodedata 14 (PCRE2 10.42) does not."""
    letter, number = regex.compile(r"\p{L}"), regex.compile(r"\p{N}")

    def extra(pattern, prefix):
        return lambda cp: bool(pattern.match(chr(cp))) and not unicodedata.category(chr(cp)).startswith(prefix)

    def missing(pattern, prefix):
        return lambda cp: unicodedata.category(chr(cp)).startswith(prefix) and not pattern.match(chr(cp))

    if ranges(missing(letter, "L")) or ranges(missing(number, "N")):
        sys.exit("regex module drops letters/numbers that unicodedata has: extend the generator")
    return ranges(extra(letter, "L")), ranges(extra(number, "N"))


def pcre_class(rs):
    return "".join("\\\\x{%X}-\\\\x{%X}" % r if r[0] != r[1] else "\\\\x{%X}" % r[0] for r in rs)


def width_map():
    mapping = {0x3000: [0x20]}
    for cp in range(0xFF01, 0xFFF0):
        alt = unicodedata.normalize("NFKC", chr(cp))
        if alt != chr(cp):
            mapping[cp] = [ord(c) for c in alt]
    return mapping


def write_unicode_tables(path):
    ignorable, cased = sigma_classes()
    ccc, decomp, compose = nfc_tables()
    extra_l, extra_n = regex_class_extras()
    spaces = [cp for cp in range(MAX_CP) if not is_surrogate(cp) and chr(cp).isspace()]
    regex_spaces = [cp for cp in range(MAX_CP) if not is_surrogate(cp) and regex.match(r"\s", chr(cp))]
    with open(path, "w", encoding="utf-8") as f:
        f.write("// Generated by gen_unicode_tables.py (Python %s, unicodedata %s, regex %s). Do not edit.\n"
                % (sys.version.split()[0], unicodedata.unidata_version, regex.__version__))
        f.write("// NOLINTBEGIN\n")
        f.write(pool_table("kLower", "kLowerPool", lower_table()))
        f.write(cpp_ranges("kCaseIgnorable", ranges(lambda cp: cp in ignorable)))
        f.write(cpp_ranges("kCased", ranges(lambda cp: cp in cased)))
        f.write("static constexpr CccRange kCcc[] = {%s};\n"
                % wrap(",".join("{0x%X,0x%X,%d}" % r for r in ccc)))
        f.write(pool_table("kDecomposition", "kDecompositionPool", decomp))
        f.write("static constexpr Composition kComposition[] = {%s};\n"
                % wrap(",".join("{0x%X,0x%X,0x%X}" % t for t in compose)))
        f.write(cpp_ranges("kDecimalDigit", ranges(lambda cp: unicodedata.category(chr(cp)) == "Nd")))
        f.write(pool_table("kWidth", "kWidthPool", width_map()))
        f.write("static constexpr char32_t kPythonSpace[] = {%s};\n" % ",".join("0x%X" % c for c in spaces))
        f.write("static constexpr char32_t kRegexSpace[] = {%s};\n" % ",".join("0x%X" % c for c in regex_spaces))
        f.write('static constexpr const char* kExtraLetters = "%s";\n' % pcre_class(extra_l))
        f.write('static constexpr const char* kExtraNumbers = "%s";\n' % pcre_class(extra_n))
        f.write("// NOLINTEND\n")


def c_string(text):
    return '"' + "".join("\\%03o" % b for b in text.encode("utf-8")) + '"'


def write_html_tables(path):
    html5 = html.entities.html5
    ftfy_extra = {}
    for name, char in html5.items():
        if name.endswith(";") and name == name.lower():
            upper = "&" + name.upper()
            if html.unescape(upper) == upper:
                ftfy_extra[name.upper()] = char.upper()
    charrefs = html._invalid_charrefs
    invalid = sorted(html._invalid_codepoints)
    with open(path, "w", encoding="utf-8") as f:
        f.write("// Generated by gen_unicode_tables.py from Python %s html.entities. Do not edit.\n"
                % sys.version.split()[0])
        f.write("// NOLINTBEGIN\n")
        f.write("static constexpr Entity kHtml5Entities[] = {\n")
        for name in sorted(html5, key=lambda s: s.encode()):
            f.write('    {"%s", %s},\n' % (name, c_string(html5[name])))
        f.write("};\n")
        f.write("static constexpr Entity kFtfyUppercaseEntities[] = {\n")
        for name in sorted(ftfy_extra, key=lambda s: s.encode()):
            f.write('    {"%s", %s},\n' % (name, c_string(ftfy_extra[name])))
        f.write("};\n")
        f.write("static constexpr CharrefFix kInvalidCharrefs[] = {%s};\n"
                % wrap(",".join("{0x%X,0x%X}" % (k, ord(v)) for k, v in sorted(charrefs.items()))))
        f.write("static constexpr char32_t kInvalidCodepoints[] = {%s};\n"
                % wrap(",".join("0x%X" % c for c in invalid)))
        f.write("// NOLINTEND\n")


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    write_unicode_tables(os.path.join(out, "unicodetables.inc"))
    write_html_tables(os.path.join(out, "htmlentities.inc"))
