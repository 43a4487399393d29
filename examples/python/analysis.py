#!/usr/bin/env python3
"""Analyse an LK3 store with pandas: cases per month, the service mix and
referral outcomes, and a chart of the three (matplotlib, optional).

    cargo run -p lk3-cli -- demo            # writes the demo's cases into ./lk3.db
    python examples/python/analysis.py      # --db URL, --chart PATH, --pseudonymise

The frames come pseudonymised with --pseudonymise (ids as keyed hashes, no
case numbers): the form to hand to someone outside the unit. Months are in
the unit's local time (--tz, Asia/Makassar: WITA for Kota Bontang).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

import lk3


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="lk3.db", help="store URL: sqlite://PATH or a path, postgres://... (default lk3.db)")
    ap.add_argument("--chart", default="lk3-analysis.png", help="where to save the chart (PNG)")
    ap.add_argument("--tz", default="Asia/Makassar", help="the unit's time zone for months (default WITA)")
    ap.add_argument("--pseudonymise", action="store_true", help="analyse pseudonymised frames")
    args = ap.parse_args(argv)

    path = args.db[len("sqlite://"):] if args.db.startswith("sqlite://") else args.db
    if "://" not in args.db or args.db.startswith("sqlite://"):
        if not Path(path).exists():
            print(f"no store at {path}: run `cargo run -p lk3-cli -- demo` first (it writes lk3.db)", file=sys.stderr)
            return 2

    if importlib.util.find_spec("pandas") is None:
        print("this example needs pandas: pip install pandas", file=sys.stderr)
        return 2

    key = os.urandom(32) if args.pseudonymise else None
    with lk3.Store.open(args.db) as store:
        cases = store.cases_frame(key=key)
        services = store.services_frame(key=key)
        referrals = store.referrals_frame(key=key)
        report = store.verify()

    print(f"{len(cases)} cases, {len(services)} services, {len(referrals)} referrals in {args.db}"
          f" ({report['events']} events, verified: {'ok' if not report['problems'] else report['problems'][:3]})")

    months = cases["opened_at"].dt.tz_convert(args.tz).dt.strftime("%Y-%m")
    per_month = months.value_counts().sort_index().rename("cases")
    print("\nCases opened per month (kasus per bulan):")
    print(per_month.to_string())

    mix = services.groupby("kind", observed=False).size().rename("services")
    print("\nService mix (jenis layanan):")
    print(mix.to_string())

    outcomes = referrals.groupby("state", observed=False).size().rename("referrals")
    print("\nReferral outcomes (status rujukan):")
    print(outcomes.to_string())
    if len(referrals):
        print(f"overdue now: {int(referrals['overdue'].sum())}, closed: {int(referrals['closed'].sum())}")

    stages = cases.groupby("stage", observed=False).size()
    print("\nCases by stage (tahap):")
    print(stages[stages > 0].to_string())

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nmatplotlib is not installed: no chart (pip install matplotlib)")
        return 0
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    per_month.plot.bar(ax=axes[0], color="#2b6f8c", title="Cases per month / kasus per bulan")
    mix.plot.barh(ax=axes[1], color="#6a9a3a", title="Service mix / jenis layanan")
    outcomes.plot.bar(ax=axes[2], color="#b5563a", title="Referral outcomes / status rujukan")
    for ax in axes:
        ax.set_xlabel("")
    fig.tight_layout()
    fig.savefig(args.chart, dpi=110)
    plt.close(fig)
    print(f"\nchart saved to {args.chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
