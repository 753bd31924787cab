import Training
import Testing

@Test func thereAreTenClasses() { #expect(fashionMNISTClassNames.count == 10) }
