#!/usr/bin/env python3
"""A unit's yearly report with its standard charts: cases per month (opened
and active, one report per month), services by outcome and referral
outcomes, from ``Store.report`` (counted from the events by the Rust core).

    cargo run -p lk3-cli -- demo                    # writes the demo's cases into ./lk3.db
    python examples/python/report_charts.py         # --db URL, --unit 64.74, --year 2019, --chart PATH

The same numbers as ``lk3 report --unit 64.74 --from 2019-01-01 --to 2019-12-31``;
months are the unit's local dates.
"""

from __future__ import annotations

import argparse
import calendar
import importlib.util
import sys
from datetime import date
from pathlib import Path

import lk3


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="lk3.db", help="store URL: sqlite://PATH or a path, postgres://... (default lk3.db)")
    ap.add_argument("--unit", default="64.74", help="the unit's code (default 64.74, Kota Bontang)")
    ap.add_argument("--year", type=int, default=2019, help="the year reported on (default 2019)")
    ap.add_argument("--chart", default="lk3-report.png", help="where to save the charts (PNG)")
    ap.add_argument("--lang", default="id", choices=["id", "en"], help="labels in Indonesian or English")
    args = ap.parse_args(argv)

    path = args.db[len("sqlite://"):] if args.db.startswith("sqlite://") else args.db
    if ("://" not in args.db or args.db.startswith("sqlite://")) and not Path(path).exists():
        print(f"no store at {path}: run `cargo run -p lk3-cli -- demo` first (it writes lk3.db)", file=sys.stderr)
        return 2
    if importlib.util.find_spec("pandas") is None:
        print("this example needs pandas: pip install pandas", file=sys.stderr)
        return 2
    import pandas as pd

    with lk3.Store.open(args.db) as store:
        year = store.report(date(args.year, 1, 1), date(args.year, 12, 31), unit=args.unit)
        months = []
        for m in range(1, 13):
            last = calendar.monthrange(args.year, m)[1]
            r = store.report(date(args.year, m, 1), date(args.year, m, last), unit=args.unit)
            months.append({"month": f"{args.year}-{m:02d}", "opened": r.total["cases"]["opened"],
                           "active": r.total["cases"]["active"]})
    per_month = pd.DataFrame(months).set_index("month")
    outcomes = year.to_frame("service_outcomes", lang=args.lang)
    referrals = year.to_frame("referrals", lang=args.lang)

    summary = year.to_frame("summary", lang=args.lang).set_index("figure_label")["count"]
    print(f"{year!r}\n")
    print(summary.to_string())
    print("\nCases per month (kasus per bulan):")
    print(per_month.to_string())
    print("\nServices by outcome (hasil layanan):")
    print(outcomes[["service_label", "outcome_label", "count"]].to_string(index=False))
    print("\nReferral outcomes (rujukan):")
    print(referrals[["state_label", "count"]].to_string(index=False))

    if importlib.util.find_spec("matplotlib") is None:
        print("\n(no chart: pip install matplotlib)")
        return 0
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.5))
    per_month.plot.bar(ax=axes[0], title=year.title("summary", args.lang) + f" {args.year}: " +
                       ("kasus per bulan" if args.lang == "id" else "cases per month"))
    table = outcomes.pivot_table(index="service_label", columns="outcome_label", values="count", fill_value=0)
    table.plot.barh(ax=axes[1], stacked=True, title=year.title("service_outcomes", args.lang))
    referrals.set_index("state_label")["count"].plot.bar(ax=axes[2], title=year.title("referrals", args.lang))
    for ax in axes:
        ax.set_xlabel("")
    fig.tight_layout()
    fig.savefig(args.chart, dpi=100)
    print(f"\nChart saved to {args.chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
