// swift-tools-version: 6.1
import PackageDescription

/// Hot targets are compiled for AVX2+FMA on x86_64 (any Haswell-or-later CPU, Intel or AMD);
/// without it `SIMD.addProduct` lowers to per-lane `fmaf` calls. Other architectures use the
/// compiler's default, which on aarch64 already includes NEON FMA.
#if arch(x86_64)
let hotFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let hotFlags: [SwiftSetting] = []
#endif

/// The AVX512_VNNI int8 kernels live in their own module compiled for `cascadelake` (the oldest
/// CPU with AVX-512 F/CD/BW/DQ/VL and VNNI); they run only after a CPUID check says the CPU has
/// them (`Int8GEMMKernels`), so the binary still runs on any AVX2+FMA x86_64.
#if arch(x86_64)
let avx512VNNIFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "cascadelake"])]
#else
let avx512VNNIFlags: [SwiftSetting] = []
#endif

/// inferd's resident memory at start (measured on the stripped `--static-swift-stdlib` binary): GNU ld
/// packs the ~61,000 relative relocations as DT_RELR (12 KB instead of 1.4 MB of `.rela.dyn` read
/// at every start; glibc 2.36+), and only the symbols the loader needs are exported (Swift's
/// static-stdlib link exports all ~18,500 of the executable's own, so `.dynsym`/`.dynstr`/`.gnu.hash`
/// stay resident: ~1.2 MB). Crash backtraces then name fewer functions. libstdc++ is linked
/// statically: `packaging/static-libstdc++/libstdc++.so` is a GNU ld script naming `libstdc++.a`,
/// found through this -L before the shared library, so the daemon maps only the C++ code it uses
/// instead of libstdc++.so.6 (~1 MB resident less). `packaging/hot-text.ld` puts the code the daemon
/// runs at start and while serving at the front of `.text` (builds with `-Xfrontend -function-sections`,
/// as `packaging/build-deb` does; `scripts/order-hot-text` regenerates it and sets INFERD_LINK_MAP).
#if os(Linux)
let daemonLinkFlags: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=bfd", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
                  "-L\(Context.packageDirectory)/packaging/static-libstdc++",
                  "-Xlinker", "-T", "-Xlinker", "\(Context.packageDirectory)/packaging/hot-text.ld"]
                 + (Context.environment["INFERD_LINK_MAP"].map { ["-Xlinker", "-Map=\($0)"] } ?? [])),
]
#else
let daemonLinkFlags: [LinkerSetting] = []
#endif

let package = Package(
    name: "inferd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "inferd", targets: ["inferd"]),
        .executable(name: "inferctl", targets: ["inferctl"]),
        .executable(name: "trainer", targets: ["trainer"]),
        .executable(name: "inferbench", targets: ["inferbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CAllocationCounter"),

        // BuiltinModule: the int8 kernels reach `vpmaddwd` through an LLVM intrinsic (PairwiseMultiplyAdd+S16.swift).
        .target(name: "CCPUFeatures"),
        .target(name: "KernelsAVX512VNNI", swiftSettings: avx512VNNIFlags + [.enableExperimentalFeature("BuiltinModule")]),
        .target(name: "Kernels", dependencies: ["CCPUFeatures", "KernelsAVX512VNNI"],
                swiftSettings: hotFlags + [.enableExperimentalFeature("BuiltinModule")]),
        .target(name: "Engine", dependencies: ["Kernels"], swiftSettings: hotFlags),
        .target(
            name: "ModelFile",
            dependencies: ["Engine", "CZstd", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Training", dependencies: ["Engine", "Kernels", "ModelFile", "CZlib"], swiftSettings: hotFlags),
        .target(
            name: "Systemd",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Server",
            dependencies: [
                "Engine", "ModelFile", "Systemd", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            // Run-time exclusivity checks off: the Server's mutable state is a connection's handler
            // and its loop's busy poller (one event-loop thread, no access held across a pipeline
            // call), the worker pool (under its lock) and Mutex/Atomic values.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),

        .target(name: "CommandLineOutput", dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "inferd",
            dependencies: ["Server", "Systemd", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            linkerSettings: daemonLinkFlags),
        .executableTarget(
            name: "inferctl",
            dependencies: ["Server", "ModelFile", "Training", "CommandLineOutput",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "trainer",
            dependencies: [
                "Training", "ModelFile", "CommandLineOutput", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: hotFlags),
        .executableTarget(name: "ModelFileFuzz", dependencies: ["ModelFile", "Engine"]),
        .executableTarget(
            name: "inferbench",
            dependencies: ["Engine", "Kernels", "ModelFile", "CAllocationCounter", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: hotFlags),

        .testTarget(name: "KernelsTests", dependencies: ["Kernels"], swiftSettings: hotFlags),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "CAllocationCounter"], resources: [.copy("Fixtures")], swiftSettings: hotFlags),
        .testTarget(name: "ModelFileTests", dependencies: ["ModelFile", "Engine"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "ModelFile", "Engine"], swiftSettings: hotFlags),
        .testTarget(name: "ServerTests", dependencies: ["Server", "ModelFile", "Engine", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd"]),
    ]
)
