import Engine
import ModelFile

/// Why training, quantizing or evaluating could not proceed; renders as one readable line.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The Fashion-MNIST files are missing or malformed.
    case dataset(path: String, problem: String)
    /// The architecture has a layer or combination the trainer does not support.
    case unsupported(String)
    /// A weight set does not match the architecture being trained.
    case weights(String)
    /// An argument is out of range.
    case invalidArgument(String)
    case engine(EngineError)
    case modelFile(ModelFileError)

    public var description: String {
        switch self {
        case let .dataset(path, problem):
            "Fashion-MNIST data at \(path): \(problem) (install the apt package dataset-fashion-mnist)"
        case let .unsupported(what): "unsupported for training: \(what)"
        case let .weights(what): "weights do not fit the architecture: \(what)"
        case let .invalidArgument(what): "invalid argument: \(what)"
        case let .engine(error): "\(error)"
        case let .modelFile(error): "\(error)"
        }
    }
}
