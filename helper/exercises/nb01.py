"""Exercises of notebook 01: logits and softmax.

Each oracle computes its answer with torch from the tensors the notebook's exercise cells show
(under ``ex_`` names, so the lesson's ``z``, ``T`` ... keep their values), so the check never
depends on a number typed by hand.
"""

import math

import torch

from helper.exercises import Mistake, exercise

# The photo's logits (cat, dog, fox, owl) of the lesson, shown again in the explorer prediction.
_PHOTO = torch.tensor([2.1, 0.4, 1.3, -1.5], dtype=torch.float64)
_FOX, _P_FOX = 2, 0.9


def _others_lse() -> float:
    """LSE of the three logits that are not the fox's."""
    return torch.cat([_PHOTO[:_FOX], _PHOTO[_FOX + 1 :]]).logsumexp(dim=0).item()


@exercise(
    "01.predict_fox_logit",
    hint=(
        "p_fox / (1 - p_fox) is the fox's odds against the three other classes together: e^{z_fox} against "
        "the sum of the other three exponentials.",
        "e^{z_fox} must be 9 times the sum of the other three exponentials (they do not move); take the log of "
        "both sides.",
    ),
    solution="answer = torch.log(torch.tensor(ex_p_fox / (1 - ex_p_fox))) + torch.cat([ex_photo[:2], ex_photo[3:]]).logsumexp(dim=0)",
    transfer=True,
    rtol=0.0,
    atol=0.05,
    mistakes=(
        Mistake(
            "log-odds alone",
            lambda: math.log(_P_FOX / (1 - _P_FOX)),
            "log(0.9 / 0.1) is the logit of a yes/no model; here the fox competes with three other classes, "
            "so their exponentials count too.",
        ),
        Mistake(
            "cat only",
            lambda: math.log(_P_FOX / (1 - _P_FOX)) + _PHOTO[0].item(),
            "that beats the cat alone 9 to 1; the dog and the owl keep some probability too.",
        ),
        Mistake("probability", lambda: _P_FOX, "the question asks for the fox's logit, not its probability."),
    ),
)
def _predict_fox_logit() -> float:
    # softmax gives the fox p when e^{z_fox} / sum_{others} e^{z_j} = p / (1 - p).
    return math.log(_P_FOX / (1 - _P_FOX)) + _others_lse()


# The logits of the practice exercises.
_Z = torch.tensor([2.0, 1.0, 0.1])


@exercise(
    "01.softmax_by_hand",
    hint=(
        "two steps: make every entry positive while keeping the order, then make the entries add up to 1.",
        "exponentiate every logit with .exp(), then divide by the sum of those exponentials.",
    ),
    solution="answer = ex_logits.exp() / ex_logits.exp().sum()",
    mistakes=(
        Mistake(
            "no exp",
            lambda: _Z / _Z.sum(),
            "you divided the logits by their sum without exponentiating: a negative logit would give a "
            "negative 'probability'.",
        ),
        Mistake(
            "exp only", lambda: _Z.exp(), "these are the exponentials; divide them by their sum so they add up to 1."
        ),
    ),
)
def _softmax_by_hand() -> torch.Tensor:
    return torch.softmax(_Z, dim=0)


@exercise(
    "01.equal_logits",
    hint=(
        "when all logits are equal, every exponential is the same.",
        "the four probabilities are equal and add up to 1; the common logit cancels in the fraction.",
    ),
    solution="answer = 1 / 4",
    transfer=True,
    mistakes=(
        Mistake(
            "logit shared",
            lambda: 7.5 / 4,
            "probabilities do not depend on the logits' size, only on their differences.",
        ),
        Mistake("exp", lambda: math.exp(7.5), "that is one exponential; divide it by the sum of all four."),
    ),
)
def _equal_logits() -> float:
    return torch.softmax(torch.full((4,), 7.5), dim=0)[0].item()


@exercise(
    "01.temperature",
    hint=(
        "temperature rescales the logits before the softmax.",
        "divide the logits by the temperature first, then apply softmax as before.",
    ),
    solution="answer = (ex_logits / ex_T).exp() / (ex_logits / ex_T).exp().sum()",
    mistakes=(
        Mistake(
            "times T",
            lambda: torch.softmax(_Z * 0.5, dim=0),
            "you multiplied by T; the logits are divided by it (z / T), so T = 0.5 doubles them.",
        ),
        Mistake("T = 1", lambda: torch.softmax(_Z, dim=0), "that is the softmax at T = 1; the temperature changes it."),
    ),
)
def _temperature() -> torch.Tensor:
    return torch.softmax(_Z / 0.5, dim=0)


@exercise(
    "01.shift_changes_nothing",
    hint=(
        "write softmax(z + c) and softmax(a * z) as fractions of exponentials.",
        "in which one does a common factor cancel between numerator and denominator? ex_logits - ex_logits.max() "
        "is z + c with c = -max.",
    ),
    solution="same = torch.softmax(ex_logits, dim=0)\n"
    "answer = [torch.allclose(torch.softmax(ex_logits - ex_logits.max(), dim=0), same),\n"
    "          torch.allclose(torch.softmax(2 * ex_logits, dim=0), same)]",
    transfer=True,
    mistakes=(
        Mistake(
            "scale cancels",
            lambda: [True, True],
            "the shift is right, but a scale does not cancel: 2z is the temperature T = 0.5.",
        ),
    ),
)
def _shift_changes_nothing() -> list[bool]:
    same = torch.softmax(_Z, dim=0)
    return [
        bool(torch.allclose(torch.softmax(_Z - _Z.max(), dim=0), same)),
        bool(torch.allclose(torch.softmax(2 * _Z, dim=0), same)),
    ]


# Probabilities of three classes to turn back into logits (the last logit fixed at 0).
_PROBS = torch.tensor([0.7, 0.2, 0.1], dtype=torch.float64)


@exercise(
    "01.logits_from_probabilities",
    hint=(
        "only differences of logits matter, and z_i - z_j = log(p_i / p_j); fix the last logit at 0.",
        "so z_i = z_i - z_2 = log(p_i / p_2) for each class i; check with torch.softmax that you get ex_probs back.",
    ),
    solution="answer = torch.log(ex_probs / ex_probs[-1])",
    transfer=True,
    mistakes=(
        Mistake(
            "log p",
            lambda: _PROBS.log(),
            "log p gives the right softmax but its last logit is log 0.1, not 0: subtract it from every entry.",
        ),
        Mistake(
            "logit per class",
            lambda: torch.logit(_PROBS),
            "log(p / (1 - p)) is the logit of a yes/no model; with three classes use ratios p_i / p_2.",
        ),
        Mistake("ratio", lambda: _PROBS / _PROBS[-1], "those are the odds p_i / p_2; a logit difference is their log."),
    ),
)
def _logits_from_probabilities() -> torch.Tensor:
    # softmax(z) = p with z_2 = 0 <=> z_i = log p_i - log p_2.
    return _PROBS.log() - _PROBS[-1].log()
