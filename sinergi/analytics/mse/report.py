"""The estimate as a table for people to read, in the active language, numbers in its conventions."""

from __future__ import annotations

import math

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .estimate import Estimate, excluded_reason
from .select import STEPWISE_THRESHOLD


def number(value: float | None, decimals: int = 0) -> str:
    if value is None or math.isinf(value):
        return "∞"
    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _p(value: float) -> str:
    if value < 0.0001:
        return "< " + number(0.0001, 4)
    return number(value, 4)


def _range(lower: float, upper: float) -> str:
    return f"{number(lower)} – {number(upper)}"


def render(estimate: Estimate) -> str:
    observed = estimate.observed
    lists = ", ".join(estimate.table.lists)
    rows: list[tuple[str, str]] = [
        (_("Daftar"), f"{len(estimate.table.lists)} ({lists})"),
        (_("Orang yang terlihat"), number(observed)),
        (_("Perkiraan jumlah seluruhnya"), number(estimate.total)),
        (_("Perkiraan yang tidak pernah terlihat"), number(estimate.unseen)),
    ]
    if estimate.interval is not None:
        interval = estimate.interval
        unseen = interval.unseen(observed)
        rows += [
            (
                _("Interval kepercayaan %(level)s%% (seluruhnya)") % {"level": round(interval.level * 100)},
                _range(interval.lower, interval.upper),
            ),
            (
                _("Interval kepercayaan %(level)s%% (tidak terlihat)")
                % {"level": round(interval.level * 100)},
                _range(*unseen),
            ),
            (
                _("Cara menghitung interval"),
                _("bootstrap BCa, %(n)s ulangan, pemilihan model diulang di setiap ulangan")
                % {"n": number(interval.replicates)},
            ),
        ]
    conditional = estimate.conditional
    rows.append(
        (
            _("Interval jika model terpilih dianggap benar"),
            _range(conditional.lower, conditional.upper) + " " + _("(profil likelihood)"),
        )
    )
    interactions = estimate.interactions(estimate.selection.pairs)
    rows.append((_("Model"), _("efek utama") + (" + " + ", ".join(interactions) if interactions else "")))
    if estimate.method == "stepwise":
        how = _(
            "bertahap (stepwise) seperti SparseMSE: interaksi dua daftar ditambahkan satu per satu selama "
            "p < %(threshold)s"
        ) % {
            "threshold": number(
                estimate.threshold or STEPWISE_THRESHOLD,
                2 if (estimate.threshold or STEPWISE_THRESHOLD) >= 0.01 else 4,
            )
        }
    else:
        how = _("BIC terkecil di antara %(n)s model dua daftar") % {
            "n": number(estimate.selection.models_examined)
        }
    rows.append((_("Cara memilih model"), how))
    width = max(len(label) for label, _value in rows)
    lines = [_("Estimasi sistem ganda (MSE)"), ""]
    lines += [f"  {label.ljust(width)}  {value}" for label, value in rows]
    if estimate.selection.steps:
        lines += ["", "  " + _("Langkah pemilihan:")]
        for n, step in enumerate(estimate.selection.steps, 1):
            lines.append(
                "    "
                + _(
                    "%(n)s. + %(pair)s: %(observed)s orang di keduanya, model tanpa interaksi "
                    "ini mengharapkan %(expected)s (p %(p)s)"
                )
                % {
                    "n": n,
                    "pair": estimate.interactions([step.pair])[0],
                    "observed": number(step.observed),
                    "expected": number(step.expected, 1),
                    "p": _p(step.p_value),
                }
            )
    excluded = estimate.selection.excluded
    if excluded:
        lines += [
            "",
            "  " + _("Model yang dikecualikan karena estimasinya tidak ada: %(n)s") % {"n": len(excluded)},
        ]
        for item in excluded[:10]:
            lines.append(
                f"    {', '.join(estimate.interactions(item.pairs))}: {excluded_reason(item.status)}"
            )
    if estimate.notes:
        lines += ["", "  " + _("Catatan:")]
        lines += [f"    - {note.text}" for note in estimate.notes]
    return "\n".join(lines) + "\n"
