"""Draw ask latency against corpus size as an SVG (no matplotlib here) from ask_bench.py --json output.

    python benchmarks/chart.py /tmp/budgetkg-bench/ask.jsonl docs/ask-latency.svg
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

W, H, L, R, T, B = 640, 380, 70, 170, 40, 50
SERIES = [("total_p50", "ask p50", "#1f77b4", ""), ("total_p95", "ask p95", "#1f77b4", "6,4"),
          ("sparql_p50", "SPARQL p50", "#d62728", ""), ("sparql_p95", "SPARQL p95", "#d62728", "6,4"),
          ("understand_ms_p50", "understanding p50", "#2ca02c", "")]


def chart(records: list[dict], title: str) -> str:
    points = sorted((r["units"], r["intents"]["ALL"]) for r in records)
    xs = [math.log10(max(u, 1)) for u, _ in points]
    ys = [v[key] for _, v in points for key, *_ in SERIES]
    x0, x1 = math.floor(min(xs)), math.ceil(max(xs)) if max(xs) > min(xs) else math.floor(min(xs)) + 1
    y1 = max(1.0, max(ys)) * 1.1
    y0 = 0.0

    def px(x: float) -> float:
        return L + (x - x0) / (x1 - x0) * (W - L - R)

    def py(y: float) -> float:
        return H - B - (y - y0) / (y1 - y0) * (H - T - B)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2 - R / 2}" y="22" text-anchor="middle" font-size="14">{title}</text>',
           f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>',
           f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>',
           f'<text x="{(L + W - R) / 2}" y="{H - 12}" text-anchor="middle">units in the graph (log scale)</text>',
           f'<text x="16" y="{(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 16 {(T + H - B) / 2})">milliseconds</text>']
    for e in range(x0, x1 + 1):
        out.append(f'<line x1="{px(e)}" y1="{H - B}" x2="{px(e)}" y2="{H - B + 5}" stroke="black"/>'
                   f'<text x="{px(e)}" y="{H - B + 18}" text-anchor="middle">{10 ** e:,}</text>')
    step = 10 ** math.floor(math.log10(y1 / 2)) if y1 > 2 else 0.5
    y = 0.0
    while y <= y1:
        out.append(f'<line x1="{L - 5}" y1="{py(y)}" x2="{W - R}" y2="{py(y)}" stroke="#ddd"/>'
                   f'<text x="{L - 8}" y="{py(y) + 4}" text-anchor="end">{y:g}</text>')
        y += step
    for i, (key, label, colour, dash) in enumerate(SERIES):
        coords = " ".join(f"{px(x):.1f},{py(v[key]):.1f}" for x, (_, v) in zip(xs, points))
        out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
        out.extend(f'<circle cx="{px(x):.1f}" cy="{py(v[key]):.1f}" r="3" fill="{colour}"/>' for x, (_, v) in zip(xs, points))
        ly = T + 10 + i * 20
        out.append(f'<line x1="{W - R + 15}" y1="{ly}" x2="{W - R + 45}" y2="{ly}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
                   f'<text x="{W - R + 50}" y="{ly + 4}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out)


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    latest: dict[int, dict] = {}
    for r in records:
        if r.get("bench") == "ask" and r["corpus"] != "bundled" and "intents" in r:  # not --startup-only runs
            latest[r["units"]] = r  # the last run per size
    target.write_text(chart(list(latest.values()), "Ask latency in process vs corpus size"), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
