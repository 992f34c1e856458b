import numpy as np
import pytest

from toolkit.significance import approximate_randomisation, paired_bootstrap


def accuracy(labels, scores):
    return float(np.mean((scores > 0.5) == labels))


@pytest.fixture
def items():
    rng = np.random.default_rng(0)
    labels = rng.random(400) < 0.5
    good = np.where(labels, 0.8, 0.2) + rng.normal(0, 0.2, 400)  # separates the classes well
    noise = rng.random(400)  # knows nothing
    return labels, good, noise


def test_a_real_difference_is_significant(items):
    labels, good, noise = items
    for result in (paired_bootstrap(accuracy, labels, noise, good, samples=300),
                   approximate_randomisation(accuracy, labels, noise, good, trials=300)):
        assert result.delta > 0.3 and result.p_value < 0.01


def test_no_difference_is_not_significant(items):
    labels, good, _ = items
    rng = np.random.default_rng(1)
    jittered = good + rng.normal(0, 0.01, len(good))
    result = paired_bootstrap(accuracy, labels, good, jittered, samples=300)
    assert result.p_value > 0.2
    low, high = result.delta_ci
    assert low <= 0 <= high
    assert approximate_randomisation(accuracy, labels, good, jittered, trials=300).p_value > 0.2


def test_confidence_interval_contains_the_observed_metric(items):
    labels, good, noise = items
    result = paired_bootstrap(accuracy, labels, noise, good, samples=300)
    assert result.b_ci[0] <= result.b <= result.b_ci[1]
    assert result.a_ci[0] <= result.a <= result.a_ci[1]


def test_seeded_results_repeat_exactly(items):
    labels, good, noise = items
    first = paired_bootstrap(accuracy, labels, noise, good, samples=200, seed=7)
    assert first == paired_bootstrap(accuracy, labels, noise, good, samples=200, seed=7)


def test_rank_swapping_makes_different_scales_comparable(items):
    from training.evaluation import auroc

    labels, good, noise = items
    scaled = good * 100  # the same ranking on another scale
    result = approximate_randomisation(auroc, labels, good, scaled, trials=200, ranks=True)
    assert result.delta == pytest.approx(0.0) and result.p_value == 1.0


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="differ in length"):
        paired_bootstrap(accuracy, [1, 0, 1], [0.1, 0.2], [0.3, 0.4, 0.5])


def test_undefined_resamples_are_left_out_not_propagated():
    def auc_or_nan(labels, scores):
        return float("nan") if labels.all() or not labels.any() else float(np.mean(scores[labels] > 0.5))

    labels = np.array([True, True, True, False])  # most resamples hold one class only
    result = paired_bootstrap(auc_or_nan, labels, [0.1, 0.2, 0.3, 0.4], [0.9, 0.8, 0.7, 0.1], samples=200)
    assert 0 < result.p_value <= 1 and result.delta == 1.0
    assert result.delta_ci[0] <= result.delta_ci[1]
