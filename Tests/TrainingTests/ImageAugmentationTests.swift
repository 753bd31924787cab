import Engine
import Testing
import Training

/// Training-image augmentation: seeded, bounded, and a pure move of pixels.
@Suite struct ImageAugmentationTests {
    private let side = 5
    private var image: [Float] { (0..<25).map { Float($0 + 1) } }

    private func applied(_ transform: ImageAugmentation.Transform) -> [Float] {
        var output = [Float](repeating: -1, count: side * side)
        image.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                ImageAugmentation.apply(transform, side: side, from: source.baseAddress!, to: destination.baseAddress!)
            }
        }
        return output
    }

    @Test func theIdentityTransformCopiesTheImage() {
        #expect(applied(.identity) == image)
    }

    @Test func aShiftMovesPixelsAndFillsTheEdgeWithZeros() {
        let moved = applied(.init(dx: 1, dy: 2, mirrored: false))
        #expect(moved[2 * side + 1] == image[0])
        #expect(moved[4 * side + 4] == image[2 * side + 3])
        #expect(moved[0..<(2 * side)].allSatisfy { $0 == 0 })
        #expect((0..<side).allSatisfy { moved[$0 * side] == 0 })
    }

    @Test func mirroringReversesEachRow() {
        let mirrored = applied(.init(dx: 0, dy: 0, mirrored: true))
        for y in 0..<side {
            #expect(Array(mirrored[(y * side)..<((y + 1) * side)]) == Array(image[(y * side)..<((y + 1) * side)].reversed()))
        }
    }

    @Test func transformsAreSeededPerEpochAndStayWithinTheShift() {
        let augmentation = ImageAugmentation(maxShift: 2, mirror: true)
        let first = augmentation.transforms(count: 1000, seed: 7, epoch: 3)
        #expect(first == augmentation.transforms(count: 1000, seed: 7, epoch: 3))
        #expect(first != augmentation.transforms(count: 1000, seed: 7, epoch: 4))
        #expect(first.allSatisfy { abs($0.dx) <= 2 && abs($0.dy) <= 2 })
        #expect(Set(first.map { $0.dx }) == [-2, -1, 0, 1, 2])
        let mirrored = first.filter(\.mirrored).count
        #expect(mirrored > 400 && mirrored < 600)
    }

    @Test func withoutMirroringNoTransformMirrors() {
        let transforms = ImageAugmentation(maxShift: 1).transforms(count: 500, seed: 1, epoch: 0)
        #expect(!transforms.contains { $0.mirrored })
    }

    @Test func aShiftAsLargeAsTheImageIsRefused() {
        let options = TrainingOptions(epochs: 1, augmentation: ImageAugmentation(maxShift: 28))
        #expect(throws: TrainingError.self) { try Trainer(architecture: .cnn(), options: options) }
    }
}
