"""compose() ships the explorers' JavaScript without comments: a comment edit churns no notebook.

strip_comments is a small scanner; these tests hold it to what matters: every comment goes,
code, strings, templates and regular expressions stay byte for byte, and the stripped modules
compute exactly what the commented ones compute (in Node).
"""

from __future__ import annotations

import json
import subprocess

import pytest
from nodejs import node

from helper.explorers import _esm
from helper.explorers._esm import JS_DIR, compose, strip_comments


@pytest.mark.parametrize(
    "source, expected",
    [
        ("const a = 1; // one\n", "const a = 1;\n"),
        ("// header\n\n/** doc */\nexport function f() {}\n", "export function f() {}\n"),
        ('const u = "http://x/*y*/"; // c\n', 'const u = "http://x/*y*/";\n'),
        ("const s = 'it\\'s // not';\n", "const s = 'it\\'s // not';\n"),
        ("const r = /^-0\\.?0*$/.test(s); /* c */\n", "const r = /^-0\\.?0*$/.test(s);\n"),
        ("const q = a / b / c; // division\n", "const q = a / b / c;\n"),
        ("const k = x.split(/[/]+/g);\n", "const k = x.split(/[/]+/g);\n"),
        ("const t = `a // ${b ? '//' : `/* ${c} */`} z`; // c\n", "const t = `a // ${b ? '//' : `/* ${c} */`} z`;\n"),
        ("const o = { a: 1 }; /* multi\nline */ const p = 2;\n", "const o = { a: 1 };\n const p = 2;\n"),
        ("if (x) return /a/.test(y);\n", "if (x) return /a/.test(y);\n"),
        ("a/**/b\n", "a b\n"),
    ],
)
def test_strip_comments_drops_comments_and_keeps_code(source, expected):
    assert strip_comments(source) == expected


@pytest.mark.parametrize("bad", ["'open", "`open ${x}", "/* open", "x = /open\n"])
def test_strip_comments_refuses_what_it_cannot_scan(bad):
    with pytest.raises(ValueError, match="unterminated"):
        strip_comments(bad)


def test_a_comment_edit_changes_no_composed_module(tmp_path, monkeypatch):
    """Edit every comment in a copy of js/ (add lines, reword JSDoc): compose() gives the same bytes."""
    names = ("logits.js", "binary.js", "stability.js", "distribution.js", "training.js")
    before = {name: compose(name) for name in names}
    for f in JS_DIR.glob("*.js"):
        text = f.read_text(encoding="utf-8")
        text = "// a new header line\n" + text.replace("/**", "/** reworded,\n * with a new line;").replace(
            "// ", "// edited: "
        )
        (tmp_path / f.name).write_text(text, encoding="utf-8")
    assert (tmp_path / "kit.js").read_text() != (JS_DIR / "kit.js").read_text()
    monkeypatch.setattr(_esm, "JS_DIR", tmp_path)
    compose.cache_clear()
    try:
        after = {name: compose(name) for name in names}
    finally:
        compose.cache_clear()
    assert after == before
    for name, src in before.items():
        assert strip_comments(src) == src, f"{name}: stripping twice changes it (a comment was left)"
        assert "// " not in src.replace("://", ""), name


def test_the_stripped_modules_compute_what_the_commented_ones_compute(tmp_path):
    """Every export of lossmath.js and kit.js's pure helpers, stripped vs as written, on the same inputs."""
    stripped = tmp_path / "stripped"
    stripped.mkdir()
    for f in JS_DIR.glob("*.js"):
        (stripped / f.name).write_text(strip_comments(f.read_text(encoding="utf-8")), encoding="utf-8")
    probe = tmp_path / "probe.mjs"
    probe.write_text(
        "const load = async (d) => [await import(d + '/lossmath.js'), await import(d + '/kit.js')];\n"
        f"const [a, b] = await Promise.all([load({json.dumps(JS_DIR.as_uri())}), load({json.dumps(stripped.as_uri())})]);\n"
        "const out = [];\n"
        "const z = [1.5, -0.25, 3, 0], q = [0.1, 0.2, 0.3, 0.4];\n"
        "for (const [m, n] of [[a[0], b[0]], [a[1], b[1]]]) {\n"
        "  out.push([Object.keys(m).sort().join(), Object.keys(n).sort().join()]);\n"
        "}\n"
        "const calls = (L, K) => [L.softmax(z, 0.7), L.crossEntropyGrad(z, 2, 0.3, 'float16'), L.stabilityState(z, 80, 2, 'float16'),\n"
        "  L.distributionState(z, q, 'bits'), L.binaryState(16.7, 0), L.renormalise(q, 1, 0.9), L.f16roundExact(1/3),\n"
        "  K.fmt(-0.00001), K.fmtBig(1e300), K.num('inf')];\n"
        "out.push([JSON.stringify(calls(a[0], a[1])), JSON.stringify(calls(b[0], b[1]))]);\n"
        "console.log(JSON.stringify(out));\n"
    )
    proc = subprocess.run([node(), str(probe)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for original, without_comments in json.loads(proc.stdout):
        assert original == without_comments


def test_shipped_modules_are_smaller_without_comments():
    for name in ("logits.js", "training.js"):
        written = sum(len((JS_DIR / m).read_text(encoding="utf-8")) for m in ("lossmath.js", "kit.js", name))
        assert len(compose(name)) < 0.8 * written
