// Curve25519 keys are immutable values that swift-crypto 3 does not yet mark Sendable.
@preconcurrency import Crypto
import Engine
import Logging
import ModelFile
import Synchronization

/// The served models of one directory. Every readable `*.inferd` file is a candidate; of the files
/// naming the same model, the highest version is served (equal versions: the first path in byte
/// order). `reload()` reads new and changed files off the serving path and swaps the result in
/// atomically; a file that fails keeps its previous version serving, and a deleted file's model is
/// unloaded unless another file provides the same name.
public final class ModelRepository: Sendable {
    public let directory: String
    let workers: Int
    let maxBatch: Int
    /// When set, only files signed by one of these keys load.
    let trustedKeys: [Curve25519.Signing.PublicKey]?
    private let logger: Logger
    private let state = Mutex(Snapshot())
    private let reloading = Mutex(())

    private struct FileRecord {
        var identity: FileIdentity?
        var loaded: ServedModel?
        var error: String?
        var lastName: String?
    }

    private struct Snapshot {
        var served: [String: ServedModel] = [:]
        var entries: [ModelIndexEntry] = []
        var files: [String: FileRecord] = [:]
    }

    public init(directory: String, workers: Int, maxBatch: Int,
                trustedKeys: [Curve25519.Signing.PublicKey]? = nil, logger: Logger) {
        self.directory = directory
        self.workers = workers
        self.maxBatch = maxBatch
        self.trustedKeys = trustedKeys
        self.logger = logger
    }

    /// The models being served, by name.
    public var served: [String: ServedModel] { state.withLock { $0.served } }

    /// One row per weight file, sorted by name then file.
    public var index: [ModelIndexEntry] { state.withLock { $0.entries } }

    func lookup(_ name: String) -> ModelLookup {
        state.withLock { snapshot in
            if let model = snapshot.served[name] { return .ready(model) }
            if let entry = snapshot.entries.first(where: { $0.name == name }) { return .unavailable(reason: entry.reason) }
            return .unknown
        }
    }

    /// Rescans the directory and swaps in the new set; returns the new index. Concurrent calls run one
    /// after the other. Throws only when the directory itself cannot be read (nothing changes then).
    @discardableResult
    public func reload() throws(ServerError) -> [ModelIndexEntry] {
        try reloading.withLock { _ throws(ServerError) in
            let entries: [DirectoryEntry]
            do throws(ServerError) { entries = try listFiles(in: directory, suffix: ".inferd") } catch {
                logger.error("cannot list the models directory; any models already served stay", metadata: ["error": "\(error.description)"])
                throw error
            }
            let previous = state.withLock { $0.files }
            var files: [String: FileRecord] = [:]
            for entry in entries {
                let path = entry.path
                if let problem = entry.problem {
                    let old = previous[path]
                    files[path] = FileRecord(identity: nil, loaded: old?.loaded, error: problem, lastName: old?.lastName)
                    if old?.error != problem {
                        logger.error("cannot load weight file", metadata: [
                            "file": "\(path)", "error": "\(problem)", "model": "\(old?.lastName ?? fileStem(path))"])
                    }
                    continue
                }
                let identity = FileIdentity(path: path)
                let old = previous[path]
                if let old, let identity, old.identity == identity {
                    files[path] = old
                    continue
                }
                do throws(LoadFailure) {
                    let model = try load(path)
                    files[path] = FileRecord(identity: identity, loaded: model, error: nil, lastName: model.name)
                    logger.info("loaded model", metadata: [
                        "model": "\(model.name)", "version": "\(model.version)", "file": "\(path)"])
                } catch {
                    files[path] = FileRecord(identity: identity, loaded: old?.loaded, error: error.reason,
                                             lastName: old?.lastName)
                    logger.error("cannot load weight file", metadata: [
                        "file": "\(path)", "error": "\(error.reason)",
                        "model": "\(old?.lastName ?? fileStem(path))"])
                }
            }
            for path in previous.keys where files[path] == nil {
                logger.notice("weight file removed", metadata: ["file": "\(path)", "model": "\(previous[path]?.lastName ?? "")"])
            }
            let snapshot = Self.snapshot(of: files)
            state.withLock { $0 = snapshot }
            return snapshot.entries
        }
    }

    private static func snapshot(of files: [String: FileRecord]) -> Snapshot {
        var served: [String: ServedModel] = [:]
        for path in files.keys.sorted() {
            guard let model = files[path]?.loaded else { continue }
            if let current = served[model.name], current.version >= model.version { continue }
            served[model.name] = model
        }
        var entries: [ModelIndexEntry] = []
        for (path, record) in files {
            if let model = record.loaded {
                let isServed = served[model.name] === model
                var reason = record.error.map { "reload failed (\($0)); still serving version \(model.version)" } ?? ""
                if !isServed, let winner = served[model.name] {
                    reason = "superseded by version \(winner.version) in \(winner.path)"
                }
                entries.append(.init(name: model.name, version: String(model.version),
                                     state: isServed ? "READY" : "UNAVAILABLE", reason: reason, file: path))
            } else {
                entries.append(.init(name: record.lastName ?? fileStem(path), version: nil, state: "UNAVAILABLE",
                                     reason: record.error ?? "not loaded", file: path))
            }
        }
        entries.sort { ($0.name, $0.file) < ($1.name, $1.file) }
        return Snapshot(served: served, entries: entries, files: files)
    }

    /// Reads, validates and instantiates one file: worker 0's `Model` (the other workers build theirs
    /// on first use) and a trial run, so that a file that loads but cannot compute is refused before
    /// it serves.
    private func load(_ path: String) throws(LoadFailure) -> ServedModel {
        let file: ModelFile
        do { file = try ModelFile.read(path: path, trustedKeys: trustedKeys) } catch { throw LoadFailure(reason: "\(error)") }
        guard Self.isValidName(file.name) else {
            throw LoadFailure(reason: "model name '\(file.name)' is not [A-Za-z0-9_.-]{1,64}")
        }
        let first: Model
        do throws(EngineError) {
            first = try Model(architecture: file.architecture, weights: file.weights, maxBatch: maxBatch, threads: 1)
            let trial = try first.run([Float](repeating: 0, count: first.inputShape.reduce(1, *)))
            guard trial.allSatisfy(\.isFinite) else {
                throw EngineError.invalidArchitecture("a trial run on a zero input produced NaN or Inf")
            }
        } catch {
            throw LoadFailure(reason: error.description)
        }
        return ServedModel(name: file.name, version: file.version, path: path, architecture: file.architecture,
                           metadata: file.metadata, first: first, workers: workers)
    }

    /// Why a weight file is not served, as the index's `reason` shows it and a request's error
    /// quotes it after "model 'name' is not available: ".
    private struct LoadFailure: Error {
        let reason: String
    }

    /// Model names as the URL paths and the weight-file format allow them.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2E || byte == 0x2D
        }
    }
}
