import ArgumentParser
import CAllocationCounter

@main
struct InferbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inferbench",
        abstract: "Times inferd's kernels and models; prints one JSON object per line.",
        discussion: """
            Lines, in order: one machine record (CPU, measured clock, FP32 peak), one line per GEMM \
            kernel and shape, one line per model and precision (median and p99 latency, heap \
            allocations during the timed runs), one line per shipped weight file (load time). \
            Build in release mode: debug timings mean nothing.
            """)

    @Flag(name: .customLong("skip-gemm"), help: "Do not time the GEMM kernels.")
    var skipGEMM = false

    func run() throws {
        let machine = MachineRecord.measure()
        machine.record.emit()
        if !skipGEMM {
            for shape in GEMMShape.benchmarked {
                for implementation in gemmF32Implementations {
                    measureGEMMF32(shape, kernel: implementation.name, implementation.run)
                        .record(peakGFLOPS: machine.peakGFLOPS).emit()
                }
            }
        }
    }
}
