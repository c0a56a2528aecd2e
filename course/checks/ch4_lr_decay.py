"""Checks of chapter 4, learning-rate decay: update_lr, exponential_lr_decay
and schedule_lr_decay. Each reference takes keyword-only knobs that turn it
into a known mistake."""
import math

from . import call, Exercise, mistake


def update_lr(learning_rate0, epoch_num, decay_rate, *, sign=1, one=1, multiplies=False):
    """Inverse-time decay, learning_rate0 / (1 + decay_rate * epoch_num)."""
    factor = one + sign * decay_rate * epoch_num
    return learning_rate0 * factor if multiplies else learning_rate0 / factor


def exponential_lr_decay(learning_rate0, epoch_num, k=0.95, *, epoch_to_the_k=False, shift=0, times_rate=True):
    """Exponential decay, k**epoch_num * learning_rate0."""
    factor = (epoch_num ** k) if epoch_to_the_k else k ** (epoch_num + shift)
    return factor * learning_rate0 if times_rate else factor


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000, *, steps="floor", sign=1):
    """Staircase decay, learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval))."""
    if steps == "at-boundaries":   # decayed on the multiples of time_interval only, back to the start between
        return learning_rate0 / (1 + decay_rate * epoch_num / time_interval) if epoch_num % time_interval == 0 \
            else learning_rate0
    count = {"floor": math.floor, "none": lambda x: x, "round": round}[steps](epoch_num / time_interval)
    return learning_rate0 / (1 + sign * decay_rate * count)


def another_rate(case_input, rng):
    """The same call from another initial rate: the epochs, which decide the steps, are kept."""
    (rate, *rest), kwargs = case_input
    return [[round(rate * rng.uniform(1.5, 3.0), 4), *rest], kwargs]


def _cases(rows, names):
    return [call(", ".join("%s=%r" % nv for nv in zip(names, row)), *row) for row in rows]


PER_EPOCH = ("learning_rate0", "epoch_num", "decay_rate")
STAIRCASE = PER_EPOCH + ("time_interval",)

EXERCISES = [
    Exercise(
        "update_lr", update_lr,
        visible=[call("update_lr(0.5, 2, 1)", 0.5, 2, 1), call("update_lr(0.1, 10, 0.3)", 0.1, 10, 0.3)],
        # epoch 0, large epochs, integer and float inputs, decay_rate 0
        hidden=_cases([(0.5, 0, 1), (0.5, 1, 1), (0.1, 7, 0.3), (1, 10, 2), (0.01, 1000000, 0.5), (0.2, 3, 0.0)],
                      PER_EPOCH),
        twin=another_rate,
        mistakes=[
            mistake("sign-error", "the rate is divided by 1 - decay_rate * epoch_num; it is "
                                  "1 + decay_rate * epoch_num.", sign=-1),
            mistake("no-one-plus", "the rate is divided by decay_rate * epoch_num alone, which is 0 at epoch 0; "
                                   "the denominator is 1 + decay_rate * epoch_num.", one=0),
            mistake("multiplies", "the rate is multiplied by 1 + decay_rate * epoch_num, so it grows; divide by it.",
                    multiplies=True),
        ]),
    Exercise(
        "exponential_lr_decay", exponential_lr_decay,
        visible=[call("exponential_lr_decay(0.5, 2)", 0.5, 2),
                 call("exponential_lr_decay(0.1, 3, k=0.5)", 0.1, 3, k=0.5)],
        # epoch 0, large epochs, integer and float inputs, k = 1
        hidden=_cases([(0.5, 0, 0.95), (0.5, 1, 0.95), (0.1, 7, 0.5), (1, 10, 0.95), (0.01, 1000, 0.99), (2, 3, 1)],
                      ("learning_rate0", "epoch_num", "k")),
        twin=another_rate,
        mistakes=[
            mistake("epoch-to-the-k", "the epoch is raised to the power k; it is k that is raised to the power "
                                      "epoch_num.", epoch_to_the_k=True),
            mistake("exponent-off-by-one", "the rate is k**(epoch_num + 1) * alpha_0; at epoch 0 the rate is "
                                           "alpha_0 itself, k**0 = 1.", shift=1),
            mistake("no-initial-rate", "the result is k**epoch_num alone; multiply it by learning_rate0.",
                    times_rate=False),
        ]),
    Exercise(
        "schedule_lr_decay", schedule_lr_decay,
        visible=[call("schedule_lr_decay(0.5, %d, 1, time_interval=1000)" % e, 0.5, e, 1, time_interval=1000)
                 for e in (0, 999, 1000, 2500)],
        # every boundary with the epochs just before and after it, epoch 0,
        # large epochs, integer and float inputs, intervals of 1 and 3
        hidden=_cases([(0.5, 0, 1, 1000), (0.5, 999, 1, 1000), (0.5, 1000, 1, 1000), (0.5, 1001, 1, 1000),
                       (0.5, 1600, 1, 1000), (0.5, 1999, 1, 1000), (0.5, 2000, 1, 1000), (0.5, 2500, 1, 1000),
                       (0.1, 3999, 0.3, 1000), (0.1, 10000000, 0.3, 1000), (1, 3000, 2, 1000),
                       (0.1, 3000.0, 0.5, 1000.0), (0.3, 7, 1, 3), (0.3, 5, 1, 1)], STAIRCASE),
        twin=another_rate,
        mistakes=[
            mistake("no-floor", "the rate decays smoothly, with epoch_num / time_interval not rounded down; the "
                                "staircase needs floor(epoch_num / time_interval).", steps="none"),
            mistake("round-instead-of-floor", "epoch_num / time_interval is rounded to the nearest integer; round "
                                              "it down with math.floor, so the rate drops exactly at each multiple "
                                              "of time_interval.", steps="round"),
            mistake("only-at-boundaries", "the rate is decayed only at the exact multiples of time_interval and is "
                                          "back to learning_rate0 in between; it must stay lowered until the next "
                                          "step.", steps="at-boundaries"),
            mistake("sign-error", "the rate is divided by 1 - decay_rate * floor(...); it is "
                                  "1 + decay_rate * floor(...).", sign=-1),
        ]),
]
