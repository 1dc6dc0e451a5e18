"""The estimate of a capture-history table: the model chosen, the total, the number never seen, the intervals."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext_lazy as _

from . import bootstrap, select
from .design import Status, prepare
from .fit import Reported, profile_interval, statsmodels_fit
from .table import CaptureTable, Note, validate

METHODS = ("stepwise", "bic")
RESAMPLING = ("multinomial", "parametric")
DEFAULT_REPLICATES = 1000
DEFAULT_SEED = 1234  # SparseMSE's default seed: the same table gives the same interval every time
# Below this many people seen on more than one list, every estimate is fragile whatever the model.
FEW_OVERLAPS = 20


@dataclass(frozen=True)
class Interval:
    lower: float  # total population
    upper: float  # math.inf when unbounded
    level: float
    method: str  # "bca_bootstrap" or "profile_likelihood"
    replicates: int = 0
    failed: int = 0

    def unseen(self, observed: int) -> tuple[float, float]:
        return max(self.lower - observed, 0.0), self.upper - observed


@dataclass
class Estimate:
    table: CaptureTable
    method: str
    threshold: float | None
    selection: select.Selection
    reported: Reported
    total: float
    interval: Interval | None
    conditional: Interval
    resampling: str
    seed: int | None
    notes: list[Note] = field(default_factory=list)

    @property
    def observed(self) -> int:
        return self.table.observed

    @property
    def unseen(self) -> float:
        return self.total - self.observed

    def interactions(self, pairs) -> list[str]:
        return [self.selection.design.pair_name(k, self.table.lists) for k in pairs]

    def terms(self) -> list[str]:
        prepared = prepare(self.selection.design, self.table.counts[1:], self.selection.pairs)
        finite = [k for k in prepared.pairs if k not in prepared.infinite]
        return ["(intercept)", *self.table.lists, *self.interactions(finite)]

    def as_dict(self) -> dict:
        """The JSON document of the estimate (keys are stable; numbers unrounded; infinity as null)."""
        observed = self.observed
        k = self.selection.nparams
        loglik = self.reported.loglik
        document = {
            "lists": list(self.table.lists),
            "observed": observed,
            "estimate": {"total": self.total, "unseen": self.unseen},
            "interval": _interval(self.interval, observed, self.resampling, self.seed),
            "conditional_interval": _interval(self.conditional, observed),
            "model": {
                "interactions": self.interactions(self.selection.pairs),
                "infinite_interactions": self.interactions(self.selection.infinite),
                "parameters": k,
                "deviance": self.reported.deviance,
                "df_residual": self.reported.df_resid,
                "aic": 2 * k - 2 * loglik,
                "bic": k * math.log(observed) - 2 * loglik,
                "coefficients": [
                    {"term": term, "estimate": float(b), "std_error": float(se)}
                    for term, b, se in zip(self.terms(), self.reported.params, self.reported.bse)
                ],
            },
            "selection": {
                "method": self.method,
                "threshold": self.threshold,
                "models_examined": self.selection.models_examined,
                "steps": [
                    {
                        "added": self.interactions([s.pair])[0],
                        "p_value": s.p_value,
                        "observed_overlap": s.observed,
                        "expected_overlap": s.expected,
                    }
                    for s in self.selection.steps
                ],
                "excluded_models": [
                    {"interactions": self.interactions(e.pairs), "reason": e.status.value}
                    for e in self.selection.excluded
                ],
            },
            "notes": [n.as_dict() for n in self.notes],
        }
        if self.method == "bic":
            document["selection"]["best_models"] = [
                {"interactions": self.interactions(pairs), "bic": score}
                for score, pairs in self.selection.ranking[:10]
            ]
            document["selection"]["excluded_count"] = len(self.selection.excluded)
            document["selection"]["excluded_models"] = document["selection"]["excluded_models"][:50]
        return document


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _interval(
    interval: Interval | None, observed: int, resampling: str | None = None, seed=None
) -> dict | None:
    if interval is None:
        return None
    unseen = interval.unseen(observed)
    out = {
        "level": interval.level,
        "method": interval.method,
        "total": [interval.lower, _finite(interval.upper)],
        "unseen": [unseen[0], _finite(unseen[1])],
    }
    if interval.method == "bca_bootstrap":
        out.update(
            {
                "resampling": resampling,
                "replicates": interval.replicates,
                "failed_replicates": interval.failed,
                "model_choice_repeated": True,
                "seed": seed,
            }
        )
    return out


def top_models(nlists: int) -> int:
    """How many best-BIC models each bootstrap replicate chooses among (Silverman, Chan and Vincent 2024)."""
    return {2: 1, 3: 8, 4: 20}.get(nlists, 100)


def estimate(
    table: CaptureTable,
    *,
    method: str = "stepwise",
    threshold: float = select.STEPWISE_THRESHOLD,
    replicates: int = DEFAULT_REPLICATES,
    resampling: str = "multinomial",
    seed: int | None = DEFAULT_SEED,
    level: float = 0.95,
    jobs: int = 1,
) -> Estimate:
    """Estimate the total population behind ``table``.

    ``method``: ``"stepwise"`` (SparseMSE's rule, p-value ``threshold``) or ``"bic"`` (all two-list models, up
    to six lists). ``replicates``: bootstrap replicates for the BCa interval (0: only the interval conditional
    on the chosen model). Raises ``CaptureTableError`` for a table that cannot inform an estimate and
    ``NoEstimate`` when no model has a finite estimate.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    if resampling not in RESAMPLING:
        raise ValueError(f"resampling must be one of {RESAMPLING}")
    validate(table)
    counts = table.counts
    observed = table.observed
    if method == "bic":
        chosen = select.bic(counts)
        chooser = bootstrap.Chooser(
            "bic", threshold, tuple(p for _s, p in chosen.ranking[: top_models(table.nlists)])
        )
    else:
        chosen = select.stepwise(counts, threshold)
        chooser = bootstrap.Chooser("stepwise", threshold, starts=chosen.path)
    prepared = prepare(chosen.design, counts[1:], chosen.pairs)
    reported = statsmodels_fit(prepared, start=chosen.fit.beta)
    total = observed + reported.dark
    notes = list(table.notes)
    lo, hi = profile_interval(prepared, reported, level, observed)
    conditional = Interval(
        observed + lo, observed + hi if hi is not None else math.inf, level, "profile_likelihood"
    )

    interval = None
    if replicates > 0:
        rng = np.random.default_rng(seed)
        fitted = np.zeros(len(counts))
        fitted[1:][prepared.keep] = reported.mu
        tables = bootstrap.draw(counts, replicates, rng, resampling, fitted=fitted, total=total)
        boot = bootstrap.totals(chooser, tables, jobs)
        jack, weights = bootstrap.jackknife(chooser, counts)
        accel = bootstrap.acceleration(jack, weights)
        point = chooser.total(counts)
        alpha = (1 - level) / 2
        lower, upper = bootstrap.bca_limits(boot, point, accel, [alpha, 1 - alpha])
        failed = int(np.isinf(boot).sum())
        interval = Interval(lower, upper, level, "bca_bootstrap", replicates, failed)
        if failed:
            notes.append(
                Note(
                    "replicates_without_estimate",
                    _(
                        "%(failed)s dari %(replicates)s ulangan bootstrap tidak punya estimasi terhingga dan dihitung "
                        "sebagai tak terhingga."
                    ),
                    {"failed": failed, "replicates": replicates},
                )
            )
    notes.extend(_notes(table, estimate_notes_context(chosen, table), conditional, interval))
    return Estimate(
        table,
        method,
        threshold if method == "stepwise" else None,
        chosen,
        reported,
        total,
        interval,
        conditional,
        resampling,
        seed if replicates > 0 else None,
        notes,
    )


def estimate_notes_context(chosen: select.Selection, table: CaptureTable) -> dict:
    return {"infinite": [chosen.design.pair_name(k, table.lists) for k in chosen.infinite]}


def _notes(
    table: CaptureTable, context: dict, conditional: Interval, interval: Interval | None
) -> list[Note]:
    notes = []
    if table.nlists == 2:
        notes.append(
            Note(
                "two_lists",
                _(
                    "Dengan dua daftar saja, ketergantungan antardaftar tidak dapat diuji: estimasi menganggap kedua "
                    "daftar saling bebas."
                ),
            )
        )
    if context["infinite"]:
        notes.append(
            Note(
                "infinite_interactions",
                _(
                    "Pasangan daftar %(pairs)s tidak berbagi seorang pun; interaksinya ditaksir minus tak terhingga "
                    "(MLE diperluas), artinya model menganggap tidak ada orang yang tercatat di keduanya."
                ),
                {"pairs": ", ".join(context["infinite"])},
            )
        )
    cells = np.arange(len(table.counts))
    on_several = int(table.counts[np.array([bin(c).count("1") >= 2 for c in cells])].sum())
    if on_several < FEW_OVERLAPS:
        notes.append(
            Note(
                "few_overlaps",
                _("Hanya %(n)s orang tercatat di lebih dari satu daftar; perkiraan sangat tidak pasti."),
                {"n": on_several},
            )
        )
    if math.isinf(conditional.upper) or (interval is not None and math.isinf(interval.upper)):
        notes.append(
            Note(
                "unbounded",
                _(
                    "Batas atas interval tak terhingga: data ini tidak membatasi berapa banyak orang yang mungkin belum "
                    "terlihat."
                ),
            )
        )
    return notes


def excluded_reason(status: Status):
    return {
        Status.NOT_FINITE: _("estimasi tidak terhingga (MLE tidak ada)"),
        Status.NOT_IDENTIFIABLE: _("parameter tidak dapat ditentukan"),
    }.get(status, "")
