"""Sample answers for chapter 4, written the way students write them."""
UL, EX, SC = "update_lr", "exponential_lr_decay", "schedule_lr_decay"

UPDATE_LR_WRONG = {
    "sign-error": "learning_rate = learning_rate0 / (1 - decay_rate * epoch_num)",
    "no-one-plus": "learning_rate = learning_rate0 / (decay_rate * epoch_num)",
    "multiplies": "learning_rate = learning_rate0 * (1 + decay_rate * epoch_num)",
}
EXPONENTIAL_WRONG = {
    "epoch-to-the-k": "learning_rate = epoch_num ** k * learning_rate0",
    "exponent-off-by-one": "learning_rate = k ** (epoch_num + 1) * learning_rate0",
    "no-initial-rate": "learning_rate = k ** epoch_num",
}
SCHEDULE_WRONG = {
    "no-floor": "learning_rate = learning_rate0 / (1 + decay_rate * epoch_num / time_interval)",
    "round-instead-of-floor": "learning_rate = learning_rate0 / (1 + decay_rate * round(epoch_num / time_interval))",
    "only-at-boundaries": """
if epoch_num % time_interval == 0:
    learning_rate = learning_rate0 / (1 + decay_rate * epoch_num / time_interval)
else:
    learning_rate = learning_rate0
""",
    "sign-error": "learning_rate = learning_rate0 / (1 - decay_rate * math.floor(epoch_num / time_interval))",
}

# Correct answers in other styles than the reference: must get full marks.
OTHER_STYLE = {
    UL: "learning_rate = learning_rate0 * (1 + decay_rate * epoch_num) ** -1",
    EX: "learning_rate = learning_rate0 * math.pow(k, epoch_num)",
    SC: "learning_rate = learning_rate0 / (1 + decay_rate * (epoch_num // time_interval))",
}


def _sample(student, answers, expect, demo=False):
    return {"student": student, "answers": {ex + "-code": a for ex, a in answers.items()},
            "expect": expect, "demo": demo}


def _mistakes(update_lr, exponential, schedule, demo=False, name=None):
    """One student with a named mistake (or the reference) in each exercise."""
    picks = {UL: (update_lr, UPDATE_LR_WRONG), EX: (exponential, EXPONENTIAL_WRONG), SC: (schedule, SCHEDULE_WRONG)}
    answers = {ex: ("reference" if m is None else wrong[m]) for ex, (m, wrong) in picks.items()}
    expect = {ex: ("full" if m is None else m) for ex, (m, _) in picks.items()}
    name = name or "__".join(m.replace("-", "_") for m, _ in picks.values())
    return _sample(name, answers, expect, demo)


SAMPLES = [
    _sample("reference", {UL: "reference", EX: "reference", SC: "reference"}, {UL: "full", EX: "full", SC: "full"}, demo=True),
    {"student": "untouched_release", "answers": {}, "expect": {UL: "zero", EX: "zero", SC: "zero"}, "demo": True},
    _sample("other_style", OTHER_STYLE, {UL: "full", EX: "full", SC: "full"}, demo=True),
    _mistakes("sign-error", "epoch-to-the-k", "no-floor", demo=True),
    _mistakes("no-one-plus", "exponent-off-by-one", "round-instead-of-floor", demo=True),
    _mistakes("multiplies", "no-initial-rate", "only-at-boundaries"),
    _mistakes(None, None, "sign-error", name="staircase_sign_error"),
]
