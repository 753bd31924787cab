import ArgumentParser
import Crypto
import ModelFile

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create an Ed25519 key pair for signing weight files.",
        discussion: """
            Writes PREFIX.key (private, mode 0600: pass it to --signing-key) and PREFIX.pub (public: \
            give it to `inferctl inspect --trusted-key` or any reader that requires signatures).
            """)

    @Option(help: "Path prefix of the two key files.")
    var out: String

    func run() throws {
        let key = Curve25519.Signing.PrivateKey()
        try SigningKeys.writePrivateKey(key, to: out + ".key")
        try SigningKeys.writePublicKey(key.publicKey, to: out + ".pub")
        print("wrote \(out).key (private) and \(out).pub (public)")
    }
}
