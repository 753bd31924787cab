import Server
import Testing

@Test func configurationKeepsPaths() {
    let c = ServerConfiguration(socketPath: "/run/x.sock", modelsDirectory: "/m")
    #expect(c.socketPath == "/run/x.sock")
}
