#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ModelFile

// Two builds of one executable:
// - with `-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING` (debug, scratch path .build-fuzz), a
//   libFuzzer target: SwiftPM links debug executables with `--defsym main=ModelFileFuzz_main`, so the
//   C entry below is `main`, and it hands control to libFuzzer's `LLVMFuzzerRunDriver`;
// - otherwise a corpus replayer: `ModelFileFuzz FILE...` decodes each file and prints the outcome.
// Both accept `--make-seeds DIR` to write the seed corpus.

typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzInput.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

func writeSeeds(to directory: String) -> Int32 {
    mkdir(directory, 0o755)
    do {
        for seed in try FuzzInput.seeds() {
            guard let file = fopen(directory + "/" + seed.name, "wb") else { return 1 }
            _ = seed.bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
        print("wrote \(try FuzzInput.seeds().count) seeds to \(directory)")
        return 0
    } catch {
        print("cannot make seeds: \(error)")
        return 1
    }
}

#if FUZZING
typealias FuzzerDriver = @convention(c) (
    UnsafeMutablePointer<Int32>, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    FuzzCallback
) -> Int32

/// libFuzzer's runtime references this even when the driver is entered through `LLVMFuzzerRunDriver`.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOne(data, size)
}

@_cdecl("ModelFileFuzz_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    if argc == 3, let flag = argv?[1], String(cString: flag) == "--make-seeds", let directory = argv?[2] {
        return writeSeeds(to: String(cString: directory))
    }
    // Looked up at run time: the symbol only exists when libFuzzer is linked in.
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "LLVMFuzzerRunDriver") else {
        print("LLVMFuzzerRunDriver not found: build with -sanitize=fuzzer")
        return 2
    }
    var count = argc
    var arguments = argv
    return unsafeBitCast(symbol, to: FuzzerDriver.self)(&count, &arguments) { fuzzOne($0, $1) }
}
#else
@main
struct CorpusReplayer {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.count == 2, arguments[0] == "--make-seeds" { exit(writeSeeds(to: arguments[1])) }
        for path in arguments {
            guard let file = fopen(path, "rb") else { print("\(path): cannot open"); continue }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
                if got == 0 { break }
                bytes += chunk[..<got]
            }
            fclose(file)
            switch bytes.withUnsafeBytes({ FuzzInput.run($0) }) {
            case .skipped: print("\(path): skipped (too short for its mode)")
            case .accepted: print("\(path): accepted")
            case let .rejected(error): print("\(path): rejected: \(error)")
            }
        }
    }
}
#endif
