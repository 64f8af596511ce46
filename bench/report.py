"""Turns bench/run.py's results into results.md (a table: measurement x manager, median [min-max]) and
hand-written SVG line charts (no plotting library)."""
import math

COLUMNS = [("pm", "pm"), ("pm2", "PM2"), ("supervisord", "supervisord"), ("baseline", "baseline")]
COLORS = {"pm": "#1f77b4", "pm2": "#d62728", "supervisord": "#2ca02c"}


def fmt(x):
    if x == 0:
        return "0"
    a = abs(x)
    return f"{x:.0f}" if a >= 100 else f"{x:.1f}" if a >= 10 else f"{x:.2f}" if a >= 1 else f"{x:.3f}"


def cell(c):
    if c is None:
        return "—"
    if "error" in c:
        return f"failed ({c['error']})"
    if "na" in c:
        return f"n/a ({c['na']})"
    s = c["summary"]
    text = fmt(s["median"]) if s["n"] == 1 or s["min"] == s["max"] else \
        f"{fmt(s['median'])} [{fmt(s['min'])}–{fmt(s['max'])}]"
    return text


def markdown(res):
    m = res["meta"]
    out = [f"# pm benchmark results ({'quick' if m['quick'] else 'full'} run)", "",
           f"{m['when']} on {m['machine']}, pm at commit {m.get('commit', '?')}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + f". Run took {m['duration_s']:.0f} s; load average "
           f"{m['loadavg_start']} at the start and {m['loadavg_end']} at the end (a shared machine: compare "
           f"figures within this run, as ratios). pm's client AOT cache fresh: {m.get('aot_cache_fresh')}.", "",
           "Each cell: median [min–max] over the runs the measurement notes give. "
           "— means the manager was not measured (absent, or not selected).", "",
           "| measurement | " + " | ".join(label for _, label in COLUMNS) + " |",
           "|---|" + "---|" * len(COLUMNS)]
    for row in res["measurements"]:
        cells = [cell(row["cells"].get(k)) for k, _ in COLUMNS]
        out.append(f"| {row['title']} ({row['unit']}) | " + " | ".join(cells) + " |")
    out.append("")
    details = [(row, k, c["note"]) for row in res["measurements"] for k, c in row["cells"].items() if c.get("note")]
    if details:
        out += ["## Details", ""]
        for row, k, note in details:
            out.append(f"- {row['title']}, {dict(COLUMNS).get(k, k)}: {note}")
        out.append("")
    if res["charts"]:
        out += ["## Charts", ""] + [f"![{t}]({f})" for f, t in res["charts"]] + [""]
    if res["notes"]:
        out += ["## Notes", ""] + [f"- {n}" for n in res["notes"]] + [""]
    return "\n".join(out)


def nice_ceiling(v):
    """A round number at or above v for the top of an axis, and the step between its ticks."""
    if v <= 0:
        return 1, 0.2
    e = 10 ** math.floor(math.log10(v))
    for m, step in ((1, 0.2), (2, 0.5), (2.5, 0.5), (5, 1), (10, 2)):
        if v <= m * e:
            return m * e, step * e
    return 10 * e, 2 * e


def svg_chart(title, x_label, y_label, series, note=""):
    """A line chart with a log x axis. series: {key: [(x, median, min, max), ...]}; min-max as bars;
    note: a line of text under the chart (what is missing, and why)."""
    W, H, L, R, T, B = 640, 420 if note else 400, 70, 150, 40, 70 if note else 50
    pw, ph = W - L - R, H - T - B
    xs = sorted({p[0] for pts in series.values() for p in pts})
    if not xs:
        return None
    x0, x1 = math.log10(min(xs)), math.log10(max(xs))
    x1 = x1 if x1 > x0 else x0 + 1
    top, step = nice_ceiling(max(p[3] for pts in series.values() for p in pts) * 1.05)
    X = lambda x: L + (math.log10(x) - x0) / (x1 - x0) * pw
    Y = lambda y: T + ph - y / top * ph
    e = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
         'font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{L + pw / 2}" y="22" text-anchor="middle" font-size="15">{title}</text>',
         f'<text x="{L + pw / 2}" y="{T + ph + 38}" text-anchor="middle">{x_label}</text>',
         f'<text x="10" y="{H - 8}" font-size="11" fill="#555">{note}</text>',
         f'<text transform="translate(18,{T + ph / 2}) rotate(-90)" text-anchor="middle">{y_label}</text>']
    y = 0.0
    while y <= top + step / 2:
        e.append(f'<line x1="{L}" y1="{Y(y):.1f}" x2="{L + pw}" y2="{Y(y):.1f}" stroke="#ddd"/>')
        e.append(f'<text x="{L - 6}" y="{Y(y) + 4:.1f}" text-anchor="end">{round(y, 6):g}</text>')
        y += step
    for x in xs:
        e.append(f'<line x1="{X(x):.1f}" y1="{T}" x2="{X(x):.1f}" y2="{T + ph}" stroke="#eee"/>')
        e.append(f'<text x="{X(x):.1f}" y="{T + ph + 18}" text-anchor="middle">{x}</text>')
    e.append(f'<rect x="{L}" y="{T}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>')
    labels = {}  # x -> [(label y, key, median)]: spread apart below so that close values stay readable
    for i, (key, pts) in enumerate(series.items()):
        color = COLORS.get(key, "#555")
        pts = sorted(pts)
        e.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                 + " ".join(f"{X(x):.1f},{Y(m):.1f}" for x, m, _, _ in pts) + '"/>')
        for x, m, lo, hi in pts:
            e.append(f'<line x1="{X(x):.1f}" y1="{Y(lo):.1f}" x2="{X(x):.1f}" y2="{Y(hi):.1f}" stroke="{color}"/>')
            e.append(f'<circle cx="{X(x):.1f}" cy="{Y(m):.1f}" r="4" fill="{color}"/>')
            labels.setdefault(x, []).append([Y(m) - 6, key, m])
        ly = T + 10 + i * 20
        e.append(f'<line x1="{L + pw + 12}" y1="{ly}" x2="{L + pw + 36}" y2="{ly}" stroke="{color}" stroke-width="2"/>')
        e.append(f'<text x="{L + pw + 42}" y="{ly + 4}">{dict(COLUMNS).get(key, key)}</text>')
    for x, row in labels.items():
        row.sort()
        for a, b in zip(row, row[1:]):
            b[0] = max(b[0], a[0] + 13)
        for y, key, m in row:
            e.append(f'<text x="{X(x) + 7:.1f}" y="{y:.1f}" fill="{COLORS.get(key, "#555")}" font-size="11">{fmt(m)}</text>')
    e.append("</svg>")
    return "\n".join(e) + "\n"
