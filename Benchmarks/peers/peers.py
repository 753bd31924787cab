#!/usr/bin/env python3
"""Time the peer runtimes (ONNX Runtime, LiteRT/XNNPACK) on the models in models/.

Batch 1, one thread. Every row gets a fresh session or interpreter, untimed warm-up calls,
then per-call timings (time.perf_counter_ns, garbage collector off) until both --runs calls
and --seconds have passed. Prints one JSON object per line:

    {"peer":"ort","model":"cnn","precision":"fp32","threads":1,"batch":1,
     "median_us":..,"p99_us":..,"runs":..,"cpu_mean_us":..}

`cpu_mean_us` is the process CPU time of all timed calls over their number (timing overhead
included): unlike the wall-clock median it does not grow while the process waits for a core.

The `noop` model (one ReLU over 1x28x28) measures each runtime's per-call floor: the Python
and binding overhead that a native caller of inferd does not pay.
"""
import argparse
import gc
import json
import os
import sys
import time

import numpy as np

MODEL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
EXTENSIONS = {"ort": "onnx", "litert": "tflite"}


def onnxruntime_call(path):
    """run_with_iobinding with input and output bound once: no per-call array allocation."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    source, sink = session.get_inputs()[0], session.get_outputs()[0]
    concrete = lambda shape: [d if isinstance(d, int) else 1 for d in shape]
    x = np.random.default_rng(1).random(concrete(source.shape), dtype=np.float32)
    y = np.empty(concrete(sink.shape), np.float32)
    binding = session.io_binding()
    binding.bind_cpu_input(source.name, x)
    binding.bind_output(sink.name, "cpu", 0, np.float32, list(y.shape), y.ctypes.data)

    def call():
        session.run_with_iobinding(binding)

    call.keep = (session, binding, x, y)
    return call


def litert_call(path):
    """set_tensor + invoke + get_tensor; full-int8 models are fed int8 at their input scale."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=path, num_threads=1)
    interpreter.allocate_tensors()
    source = interpreter.get_input_details()[0]
    sink = interpreter.get_output_details()[0]
    x = np.random.default_rng(1).random(source["shape"], dtype=np.float32)
    if source["dtype"] == np.int8:
        scale, zero_point = source["quantization"]
        x = np.clip(np.round(x / scale + zero_point), -128, 127).astype(np.int8)
    source_index, sink_index = source["index"], sink["index"]

    def call():
        interpreter.set_tensor(source_index, x)
        interpreter.invoke()
        return interpreter.get_tensor(sink_index)

    call.keep = (interpreter, x)
    return call


FACTORIES = {"ort": onnxruntime_call, "litert": litert_call}


def time_calls(call, warmup, runs, seconds):
    for _ in range(warmup):
        call()
    clock = time.perf_counter_ns
    durations = []
    gc.disable()
    try:
        end = clock() + int(seconds * 1e9)
        cpu_start = time.process_time_ns()
        while len(durations) < runs or clock() < end:
            start = clock()
            call()
            durations.append(clock() - start)
        cpu_mean_us = (time.process_time_ns() - cpu_start) / len(durations) / 1000.0
    finally:
        gc.enable()
    micros = np.asarray(durations, dtype=np.float64) / 1000.0
    return float(np.median(micros)), float(np.percentile(micros, 99)), len(durations), cpu_mean_us


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="noop,cnn,lstm,attn")
    parser.add_argument("--peers", default="ort,litert")
    parser.add_argument("--precisions", default="fp32,int8")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2000, help="minimum timed calls per row")
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum timed seconds per row")
    args = parser.parse_args()

    for model in args.models.split(","):
        for peer in args.peers.split(","):
            for precision in args.precisions.split(","):
                path = os.path.join(MODEL_DIR, f"{model}.{precision}.{EXTENSIONS[peer]}")
                if not os.path.exists(path):
                    continue
                row = {"peer": peer, "model": model, "precision": precision, "threads": 1, "batch": 1}
                try:
                    median_us, p99_us, runs, cpu_mean_us = time_calls(
                        FACTORIES[peer](path), args.warmup, args.runs, args.seconds)
                    row.update(median_us=round(median_us, 2), p99_us=round(p99_us, 2), runs=runs,
                               cpu_mean_us=round(cpu_mean_us, 2))
                except Exception as error:  # a peer that cannot run a model is a row, not a crash
                    row["error"] = f"{type(error).__name__}: {error}"
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    sys.exit(main())
