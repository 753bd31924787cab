/// Errors raised while reading or writing a weight file.
public enum ModelFileError: Error, Equatable {
    /// The file does not start with the inferd magic bytes.
    case badMagic(path: String)
}
