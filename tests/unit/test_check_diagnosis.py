"""`check` says what kind of wrong an answer is, for every registered exercise (issue 21, item 2).

Each exercise is fed the generic wrong forms (None, the wrong count or shape, nan and inf, the
right value typed with too few digits, the wrong kind of value) and must name the problem; each
of its declared Mistakes must be recognised with its own message; its staged hints must come in
order, never contain the solution's code, and never point at lesson names a restarted kernel
running only the Exercises section does not have.
"""

from __future__ import annotations

import math
import re

import pytest
import torch
from exercise_cells import exercise_namespace, in_lesson, lesson_names

from helper.exercises import EXERCISES, check


def _kind(expected) -> str:
    if isinstance(expected, str):
        return "text"
    if isinstance(expected, bool) or (
        isinstance(expected, list) and expected and all(isinstance(v, bool) for v in expected)
    ):
        return "yes/no"
    return "number"


KINDS = {key: _kind(ex.expected()) for key, ex in EXERCISES.items()}
NUMERIC = sorted(k for k, kind in KINDS.items() if kind == "number")
YES_NO = sorted(k for k, kind in KINDS.items() if kind == "yes/no")


def _said(key, answer, capsys) -> str:
    """What check printed for ``answer`` (it must be a refusal), without the ``[key] Not quite`` prefix."""
    assert check(key, answer) is False, f"{key}: accepted {answer!r}"
    out = capsys.readouterr().out
    assert out.startswith(f"[{key}] Not quite") and out.count("\n") == 1, out
    return out


def _want(key) -> torch.Tensor:
    return torch.as_tensor(EXERCISES[key].expected(), dtype=torch.float64)


# ---------------------------------------------------------------- every exercise


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_none_asks_whether_a_function_forgot_to_return(key, capsys):
    assert "your answer is None: did a function forget to return?" in _said(key, None, capsys)


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_ellipsis_is_not_answered_yet(key, capsys):
    assert check(key, ...) is False
    assert "Not answered yet" in capsys.readouterr().out
    assert "still contains ..." in _said(key, [..., ...], capsys)


@pytest.mark.parametrize("key", NUMERIC)
def test_wrong_count_names_both_counts(key, capsys):
    want = _want(key)
    n = want.numel()
    if n == 1:
        assert "expected one number, got 4 values" in _said(key, [want.item()] * 4, capsys)
        assert "expected one number, got nothing" in _said(key, [], capsys)
    else:
        longer = torch.cat([want.flatten(), want.flatten()[:1]])
        assert f"expected {n} values (shape {_shape(want.shape)}), got {n + 1}" in _said(key, longer, capsys)
        assert f"expected {n} values (shape {_shape(want.shape)}), got one number" in _said(key, 0.5, capsys)


def _shape(shape) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _other_shape(want: torch.Tensor) -> torch.Tensor | None:
    """The same values in another shape that does not squeeze to the expected one, or None if none exists."""
    squeezed = want.squeeze()
    if squeezed.ndim == 2 and squeezed.shape[0] != squeezed.shape[1]:
        return squeezed.T.contiguous()  # the transpose: same count, another shape
    if want.numel() % 2 == 0 and want.numel() > 2:
        return want.reshape(2, -1)
    return None  # a prime number of values: every layout squeezes to the same row


@pytest.mark.parametrize("key", [k for k in NUMERIC if _other_shape(_want(k)) is not None])
def test_wrong_shape_names_both_shapes(key, capsys):
    want = _want(key)
    wrong = _other_shape(want)
    out = _said(key, wrong, capsys)
    assert f"expected shape {_shape(want.shape)}, got {_shape(wrong.shape)}" in out


@pytest.mark.parametrize("key", NUMERIC)
@pytest.mark.parametrize(
    "bad, words", [(math.nan, "contains nan"), (math.inf, "contains inf"), (-math.inf, "contains inf")]
)
def test_nan_and_inf_are_named(key, bad, words, capsys):
    want = _want(key).clone()
    flat = want.flatten()
    finite = torch.isfinite(flat).nonzero()
    if not len(finite):
        pytest.skip(f"{key}: every expected value is non-finite")
    flat[finite[0]] = bad
    assert words in _said(key, flat.reshape(want.shape), capsys)


def _rounded(want: torch.Tensor, key: str):
    """The expected value with every entry rounded to 2-4 significant digits, outside the tolerance; or None."""
    ex = EXERCISES[key]
    for digits in (4, 3, 2):
        values = [float(f"{v:.{digits}g}") for v in want.flatten().tolist()]
        rounded = torch.tensor(values, dtype=torch.float64).reshape(want.shape)
        if not torch.allclose(rounded, want, rtol=ex.rtol, atol=ex.atol):
            return rounded
    return None


ROUNDABLE = [k for k in NUMERIC if _rounded(_want(k), k) is not None]


def test_most_numeric_exercises_can_be_rounded_out_of_tolerance():
    """The digits test below covers the exercises whose answers need digits (not exact integers)."""
    assert len(ROUNDABLE) >= len(NUMERIC) // 2, sorted(set(NUMERIC) - set(ROUNDABLE))


@pytest.mark.parametrize("key", ROUNDABLE)
def test_right_value_with_too_few_digits_is_close(key, capsys):
    rounded = _rounded(_want(key), key)
    out = _said(key, rounded.tolist(), capsys)
    assert "close: keep more digits" in out and EXERCISES[key].tolerance in out
    # A float32 tensor of the typed digits is the same answer.
    assert "close: keep more digits" in _said(key, rounded.float(), capsys)


@pytest.mark.parametrize("key", NUMERIC)
def test_wrong_kind_of_value_is_named(key, capsys):
    assert "expected a number, got the text '0.5'" in _said(key, "0.5", capsys)
    assert "expected a number, got True/False" in _said(key, True, capsys)
    assert "expected a number, got a dict" in _said(key, {"answer": 1.0}, capsys)


@pytest.mark.parametrize("key", YES_NO)
def test_not_a_yes_no_is_named(key, capsys):
    flags = EXERCISES[key].expected()
    flags = [flags] if isinstance(flags, bool) else flags
    numbers = [int(f) for f in flags]
    assert "write True or False, not 1 or 0" in _said(key, numbers if len(numbers) > 1 else numbers[0], capsys)
    assert "write True or False, not 1 or 0" in _said(key, torch.tensor(numbers, dtype=torch.float32), capsys)
    assert "without quotes" in _said(key, str(flags[0]), capsys)
    out = _said(key, flags + [True], capsys)
    assert f"got {len(flags) + 1} yes/no values" in out


# ---------------------------------------------------------------- named mistakes


MISTAKES = [(key, m) for key, ex in sorted(EXERCISES.items()) for m in ex.mistakes]


@pytest.mark.parametrize("key, mistake", MISTAKES, ids=[f"{k}-{m.name}" for k, m in MISTAKES])
def test_each_declared_mistake_gets_its_own_message(key, mistake, capsys):
    assert check(key, mistake.wrong()) is False
    assert capsys.readouterr().out == f"[{key}] Not quite: {mistake.message}\n"


@pytest.mark.parametrize("key, mistake", MISTAKES, ids=[f"{k}-{m.name}" for k, m in MISTAKES])
def test_a_mistake_is_not_the_answer(key, mistake):
    """A Mistake that equals the answer within tolerance would make check refuse correct answers."""
    ex = EXERCISES[key]
    wrong, want = mistake.wrong(), ex.expected()
    if KINDS[key] == "number":
        w = torch.as_tensor(wrong, dtype=torch.float64)
        if ex.shape == "exact" and tuple(w.shape) != tuple(_want(key).shape):
            return  # a wrong shape is a mistake of its own where the exercise checks the exact shape
        assert not (
            w.numel() == _want(key).numel()
            and torch.allclose(w.reshape(_want(key).shape), _want(key), rtol=ex.rtol, atol=ex.atol)
        )
    else:
        assert wrong != want


# ---------------------------------------------------------------- staged hints


def _miss(key):
    """An answer of the right form that is neither right, a rounding, nor a named mistake."""
    ex = EXERCISES[key]
    if KINDS[key] == "yes/no":
        flags = ex.expected()
        flags = [flags] if isinstance(flags, bool) else flags
        options = [
            [a != b for a, b in zip(flags, mask)] for mask in ([True] * len(flags), [True] + [False] * (len(flags) - 1))
        ]
        named = [m.wrong() for m in ex.mistakes]
        options = [o for o in options if o not in named and o != flags]
        if not options:
            return None
        return options[0] if len(flags) > 1 else options[0][0]
    want = _want(key)
    return (want * 1.37 + 0.123456789).tolist()


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_hints_come_in_stages_and_stop_at_the_last(key, capsys):
    ex = EXERCISES[key]
    wrong = _miss(key)
    if wrong is None:
        pytest.skip(f"{key}: every wrong yes/no answer is a named mistake")
    for n in range(len(ex.hints) + 1):
        out = _said(key, wrong, capsys)
        stage = min(n, len(ex.hints) - 1)
        assert out.startswith(f"[{key}] Not quite. Hint: {ex.hints[stage]}"), (n, out)
        assert ("Another miss shows a further hint" in out) == (stage < len(ex.hints) - 1)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _abstract(code: str) -> str:
    """Code with whitespace removed and every variable name replaced by ``V``.

    Attribute and function names stay (``logsumexp``, ``softmax``), so ``z - z.logsumexp(dim=1)``
    in a hint matches ``logits - logits.logsumexp(dim=1)`` in a solution: the same code for other data.
    """
    return _squash(re.sub(r"(?<![\w.])[A-Za-z_]\w*(?![\w(])", "V", code))


def _solution_code(solution: str) -> list[str]:
    """The right-hand sides of the solution's ``answer = ...`` lines, and its other long lines, abstracted."""
    parts = [m[1] for m in re.finditer(r"^answer\s*=\s*(.+)$", solution, re.M)]
    parts += [line for line in solution.splitlines() if len(_squash(line)) >= 20 and not line.lstrip().startswith("#")]
    # `True`, `V`, `0.25`: too short or too plain to be a give-away; `V.T@V` is the whole method.
    return [p for p in map(_abstract, parts) if len(p) >= 5 and re.search(r"[-+*/@(]", p)]


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_no_hint_contains_the_solution(key):
    ex = EXERCISES[key]
    for hint in ex.hints:
        for code in _solution_code(ex.solution):
            assert code not in _abstract(hint), f"{key}: a hint gives away the solution's code {code!r} (names as V)"


CODE_SPAN = re.compile(r"`([^`]+)`")
# Code-looking words in prose: a name used with an attribute or a subscript (``z.logsumexp(``, ``z[0]``).
NAME_AS_CODE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(?=\.[A-Za-z_]\w*\s*\(|\[)")


@pytest.mark.parametrize("key", sorted(k for k in EXERCISES if not in_lesson(k)))
def test_code_in_hints_runs_in_the_exercise_cell(key):
    """Backticked code in a hint raises no NameError where the learner answers (after a restart);
    prose that uses a name as code (``z.max()``) names nothing the lesson defines and the Exercises
    section does not."""
    namespace = exercise_namespace(key)
    lesson = lesson_names(key[:2])
    for hint in EXERCISES[key].hints:
        for code in CODE_SPAN.findall(hint):
            try:
                compiled = compile(code, "<hint>", "eval")
            except SyntaxError:
                continue  # a fragment (`dim=1`), not an expression
            try:
                eval(compiled, dict(namespace))
            except NameError as error:
                pytest.fail(f"{key}: the hint's code `{code}` fails in the exercise cell: {error}")
            except Exception:  # noqa: BLE001 - the name exists; a fragment may still not run alone
                pass
        for name in NAME_AS_CODE.findall(CODE_SPAN.sub("", hint)):
            assert name in namespace or name not in lesson, (
                f"{key}: the hint uses the lesson's {name!r} as code, but the Exercises section does not define it"
            )


def test_the_hint_scanners_find_code_and_solutions():
    """The two scanners above are not vacuous."""
    assert NAME_AS_CODE.findall("use z - z.logsumexp(dim=1) then logits[0]; softmax(z) is prose") == ["z", "logits"]
    assert CODE_SPAN.findall("try `ex_z.max()` first") == ["ex_z.max()"]
    hint = "z - z.logsumexp(dim=1, keepdim=True); without keepdim the shapes do not line up"
    assert _solution_code("answer = logits - logits.logsumexp(dim=1, keepdim=True)")[0] in _abstract(hint)
    assert _solution_code("answer = G.T @ X_tiny")[0] in _abstract("then G.T @ X (shape (3, 2))")
    assert not _solution_code("answer = True") and not _solution_code("answer = 0.25")


def test_a_named_mistake_of_another_shape_or_with_inf_gets_its_own_message(capsys):
    """A Mistake is more specific than a shape or inf diagnosis (e.g. per-example losses instead of their mean)."""
    from helper.exercises import Mistake, exercise

    key = "99.test_only"
    per_example = [0.5, 1.5, math.inf]
    try:
        exercise(
            key,
            hint="a nudge",
            solution="answer = 1.0",
            mistakes=(Mistake("no mean", lambda: per_example, "those are the per-example losses; take their mean."),),
        )(lambda: 1.0)
        assert check(key, per_example) is False
        assert capsys.readouterr().out == f"[{key}] Not quite: those are the per-example losses; take their mean.\n"
        assert "expected one number, got 2 values" in _said(key, [0.5, 1.5], capsys)
    finally:
        EXERCISES.pop(key, None)
