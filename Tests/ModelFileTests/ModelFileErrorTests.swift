import ModelFile
import Testing

@Test func errorsCompareByValue() {
    #expect(ModelFileError.badMagic(path: "a") != ModelFileError.badMagic(path: "b"))
}
