import ArgumentParser
import Crypto
import ModelFile

#if canImport(Glibc)
import Glibc
#endif

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create an Ed25519 key pair for signing weight files.",
        discussion: """
            Writes PREFIX.key (private, mode 0600: pass it to --signing-key) and PREFIX.pub (public: \
            give it to `inferctl inspect --trusted-key` or any reader that requires signatures). \
            Refuses to replace an existing PREFIX.key or PREFIX.pub: remove them first to make a new pair.
            """)

    @Option(help: "Path prefix of the two key files, e.g. keys/signing.")
    var out: String

    func validate() throws {
        let name = out.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard !name.isEmpty, name != ".", name != ".." else {
            throw ValidationError("--out needs a file name prefix such as keys/signing, got '\(out)'")
        }
    }

    func run() throws {
        for path in [out + ".key", out + ".pub"] {
            var status = stat()
            guard lstat(path, &status) != 0 else {
                throw CommandFailure("\(path) already exists; remove it first to make a new key pair")
            }
        }
        let key = Curve25519.Signing.PrivateKey()
        try SigningKeys.writePrivateKey(key, to: out + ".key")
        try SigningKeys.writePublicKey(key.publicKey, to: out + ".pub")
        print("wrote \(out).key (private) and \(out).pub (public)")
    }
}
