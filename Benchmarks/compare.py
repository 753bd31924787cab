#!/usr/bin/env python3
"""Put inferbench's figures next to the peers' from the same run.

    compare.py INFERBENCH.jsonl PEERS.jsonl

For each model and precision: the peer latencies less that runtime's per-call floor (its `noop`
median), the best (lowest) of them, and inferd's median as a ratio to it. Prints one JSON
object per line, then markdown tables (latency; GEMM). Standard library only.
"""
import json
import sys

# The targets: median µs at batch 1, one thread; and ≤ 0.75 × the best peer.
LATENCY_TARGET_US = {("cnn", "fp32"): 70, ("cnn", "int8"): 55, ("lstm", "fp32"): 90,
                     ("lstm", "int8"): 60, ("attn", "fp32"): 120, ("attn", "int8"): 110}
PEER_RATIO_TARGET = 0.75
GEMM_PEAK_TARGET = 0.85
INT8_OVER_F32_TARGET = 1.5
LOAD_TARGET_MS = 5.0


def read_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def fmt(value, digits=1):
    return "–" if value is None else f"{value:.{digits}f}"


def net_peer_figures(peers, key, field):
    """Each peer's `field` for model/precision `key`, less that peer's noop `field`."""
    floors = {p["peer"]: p[field] for p in peers if p["model"] == "noop" and field in p}
    return {p["peer"]: p[field] - floors.get(p["peer"], 0.0)
            for p in peers if (p["model"], p["precision"]) == key and field in p}


def best_ratio(ours, net):
    """Our figure over the lowest net peer figure: (best peer, its net figure, ratio)."""
    if not net or ours is None:
        return None, None, None
    best = min(net, key=net.get)
    return best, round(net[best], 2), round(ours / net[best], 3)


def latency_rows(ours, peers):
    floors = {p["peer"]: p["median_us"] for p in peers if p["model"] == "noop" and "median_us" in p}
    rows = []
    for line in ours:
        if "model" not in line or "median_us" not in line or (line["model"], line["precision"]) not in LATENCY_TARGET_US:
            continue
        key = (line["model"], line["precision"])
        net = net_peer_figures(peers, key, "median_us")
        best, best_net, ratio = best_ratio(line["median_us"], net)
        cpu_best, cpu_best_net, cpu_ratio = best_ratio(line.get("cpu_mean_us"), net_peer_figures(peers, key, "cpu_mean_us"))
        rows.append({
            "compare": line["model"], "precision": line["precision"],
            "inferd_median_us": line["median_us"], "inferd_p99_us": line["p99_us"],
            "peers_net_us": {k: round(v, 2) for k, v in net.items()},
            "peer_floor_us": {k: floors[k] for k in net if k in floors},
            "best_peer": best, "best_peer_net_us": best_net, "ratio_to_best_peer": ratio,
            "target_us": LATENCY_TARGET_US[key],
            "meets_target": line["median_us"] <= LATENCY_TARGET_US[key] and (ratio is None or ratio <= PEER_RATIO_TARGET),
            "mallocs": line.get("mallocs"),
            "inferd_cpu_mean_us": line.get("cpu_mean_us"), "best_peer_cpu": cpu_best,
            "best_peer_cpu_net_us": cpu_best_net, "cpu_ratio_to_best_peer": cpu_ratio,
        })
    return rows


def gemm_rows(ours):
    lines = [l for l in ours if l.get("kernel") == "gemm" and not l.get("impl", "").endswith("Reference")]
    best_f32 = {}
    for l in lines:
        key = (l["m"], l["n"], l["k"])
        if l["dtype"] == "f32" and l["gops"] > best_f32.get(key, 0):
            best_f32[key] = l["gops"]
    rows = []
    for l in sorted(lines, key=lambda l: (l["m"], l["n"], l["k"], l["dtype"], l["impl"])):
        f32 = best_f32.get((l["m"], l["n"], l["k"]))
        rows.append({"gemm": f"{l['m']}x{l['n']}x{l['k']}", "dtype": l["dtype"], "impl": l.get("impl"),
                     "gops": l["gops"], "peak_fraction": l["peak_fraction"],
                     "over_best_f32": round(l["gops"] / f32, 3) if f32 and l["dtype"] != "f32" else None})
        r = rows[-1]
        r["meets_target"] = (r["peak_fraction"] >= GEMM_PEAK_TARGET if r["dtype"] == "f32"
                             else r["over_best_f32"] is not None and r["over_best_f32"] >= INT8_OVER_F32_TARGET)
    return rows


def main():
    ours, peers = read_lines(sys.argv[1]), read_lines(sys.argv[2])
    latency, gemm = latency_rows(ours, peers), gemm_rows(ours)
    for row in latency + gemm:
        print(json.dumps(row))
    machine = next((l for l in ours if "machine" in l), {})
    print()
    print(f"Machine: {machine.get('machine')}, {machine.get('cores')} cores, clock {machine.get('clock_ghz')} GHz "
          f"(FP32 peak {machine.get('peak_gflops')} GFLOP/s), load average {machine.get('load_avg')}, {machine.get('date')}")
    print()
    peer_names = sorted({p["peer"] for p in peers if p["model"] != "noop"})
    print("| model | precision | inferd median µs | p99 µs | mallocs | "
          + " | ".join(f"{p} net µs" for p in peer_names)
          + " | inferd / best peer | target µs | meets target | inferd CPU µs/call | best peer CPU net µs | CPU ratio |")
    print("|---|---|---|---|---|" + "---|" * len(peer_names) + "---|---|---|---|---|---|")
    for r in latency:
        print(f"| {r['compare']} | {r['precision']} | {fmt(r['inferd_median_us'])} | {fmt(r['inferd_p99_us'])} | "
              f"{r['mallocs']} | " + " | ".join(fmt(r["peers_net_us"].get(p)) for p in peer_names)
              + f" | {fmt(r['ratio_to_best_peer'], 2)} | {r['target_us']} | {'yes' if r['meets_target'] else 'no'} | "
              f"{fmt(r['inferd_cpu_mean_us'])} | {fmt(r['best_peer_cpu_net_us'])} ({r['best_peer_cpu']}) | "
              f"{fmt(r['cpu_ratio_to_best_peer'], 2)} |")
    floors = ", ".join(f"{p['peer']} {p['median_us']} µs" for p in peers if p["model"] == "noop" and "median_us" in p)
    print(f"\nPeer per-call floors subtracted (noop median): {floors or 'none measured'}. "
          "Net = peer figure − its noop figure. CPU columns: process CPU time per call (mean), "
          "which waiting for a core on a busy machine does not inflate.")
    print("\n| GEMM m×n×k | dtype | kernel | GOP/s | peak fraction | × best f32 | meets target |\n|---|---|---|---|---|---|---|")
    for r in gemm:
        print(f"| {r['gemm']} | {r['dtype']} | {r['impl']} | {fmt(r['gops'])} | {fmt(r['peak_fraction'], 3)} | "
              f"{fmt(r['over_best_f32'], 2)} | {'yes' if r['meets_target'] else 'no'} |")
    loads = [l for l in ours if "load" in l]
    if loads:
        print(f"\n| weight file | bytes | load median ms (read + Model.init) | ≤ {LOAD_TARGET_MS:g} ms |\n|---|---|---|---|")
        for l in loads:
            if "median_ms" in l:
                print(f"| {l['load']} | {l['bytes']} | {fmt(l['median_ms'], 2)} | {'yes' if l['median_ms'] <= LOAD_TARGET_MS else 'no'} |")
            else:
                print(f"| {l['load']} | – | error: {l.get('error')} | no |")
    print(f"\nTargets: FP32 GEMM ≥ {GEMM_PEAK_TARGET:.0%} of peak; s8 ≥ {INT8_OVER_F32_TARGET}× f32; "
          f"latency ≤ target and ≤ {PEER_RATIO_TARGET} × best peer.")


if __name__ == "__main__":
    main()
