"""Extract NMEA AIS sentences from the string literals of test sources (Python or C++).

Used to build ais/pyais, ais/libais/test, ais/libais/src-test and ais/aisdecoder from the PyPI
sdists named in ais/SOURCES.md. Each source file gives one .nmea file in ./out/ (the current
directory), its sentences in the order they appear, with any tag block kept:

    python3 assets/samples/extract-nmea-strings.py path/to/tests/*.py
"""
import ast, re, sys, tokenize, io, pathlib
SENT = re.compile(r'(?:\\[^\\\r\n"\']{1,200}\\)?[!$][A-Z]{2}VD[MO],[^\s"\'\\]*')
def literals_py(text):
    out = []
    try:
        toks = tokenize.generate_tokens(io.StringIO(text).readline)
        for t in toks:
            if t.type == tokenize.STRING:
                try:
                    v = ast.literal_eval(t.string)
                except Exception:
                    continue
                if isinstance(v, bytes):
                    v = v.decode('latin-1')
                out.append(v)
            elif t.type == getattr(tokenize, 'FSTRING_START', -1):
                pass
    except tokenize.TokenError:
        pass
    return out
def literals_cc(text):
    out = []
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', text):
        s = m.group(1).encode().decode('unicode_escape', errors='ignore')
        out.append(s)
    return out
for path in sys.argv[1:]:
    p = pathlib.Path(path)
    text = p.read_text(errors='replace')
    lits = literals_py(text) if p.suffix == '.py' else literals_cc(text)
    lines = []
    for s in lits:
        for part in re.split(r'[\r\n]+', s):
            for m in SENT.finditer(part):
                lines.append(m.group(0))
    print(f"{path}\t{len(lines)}", file=sys.stderr)
    if lines:
        out = pathlib.Path('out') / (p.parent.name + '_' + p.stem + '.nmea')
        out.parent.mkdir(exist_ok=True)
        out.write_text(''.join(l + '\n' for l in lines))
