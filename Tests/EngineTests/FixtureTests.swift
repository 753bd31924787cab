import Foundation
import Testing

@Test func goldenFixturesAreBundled() throws {
    for model in ["cnn", "lstm", "attn"] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(model)/manifest", withExtension: "json"))
        #expect(try Data(contentsOf: url).count > 0)
    }
}
