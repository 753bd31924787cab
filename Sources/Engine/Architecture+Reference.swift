extension Architecture {
    /// The reference CNN: three valid 3×3 convolutions with 2×2 pooling, then two dense layers.
    public static func cnn(channels: [Int] = [32, 64, 64], hidden: Int = 64, classes: Int = 10) -> Architecture {
        Architecture(inputShape: [1, 28, 28], layers: [
            .conv2d(Conv2D(name: "conv1", outChannels: channels[0], kernel: [3, 3], activation: .relu)),
            .maxPool2d(MaxPool2D(name: "pool1", kernel: [2, 2], stride: [2, 2])),
            .conv2d(Conv2D(name: "conv2", outChannels: channels[1], kernel: [3, 3], activation: .relu)),
            .maxPool2d(MaxPool2D(name: "pool2", kernel: [2, 2], stride: [2, 2])),
            .conv2d(Conv2D(name: "conv3", outChannels: channels[2], kernel: [3, 3], activation: .relu)),
            .flatten(name: "flatten"),
            .dense(Dense(name: "fc1", outFeatures: hidden, activation: .relu)),
            .dense(Dense(name: "fc2", outFeatures: classes)),
            .softmax(name: "softmax"),
        ])
    }

    /// The reference LSTM: 28 steps of 28 features, one LSTM layer, a dense classifier.
    public static func lstm(steps: Int = 28, features: Int = 28, hidden: Int = 128, classes: Int = 10) -> Architecture {
        Architecture(inputShape: [steps, features], layers: [
            .lstm(LSTM(name: "lstm", hidden: hidden)),
            .dense(Dense(name: "fc", outFeatures: classes)),
            .softmax(name: "softmax"),
        ])
    }

    /// The reference attention model: a tiny ViT with 4×4 patches, width 64, 2 blocks of 4 heads.
    public static func attention(patch: Int = 4, width: Int = 64, blocks: Int = 2, heads: Int = 4,
                                 mlpHidden: Int = 128, classes: Int = 10) -> Architecture {
        Architecture(inputShape: [1, 28, 28], layers:
            [.patchEmbedding(PatchEmbedding(name: "patch", patch: patch, dim: width)),
             .positionEmbedding(name: "pos")]
            + (0..<blocks).map { .encoderBlock(EncoderBlock(name: "block\($0)", heads: heads, mlpHidden: mlpHidden)) }
            + [.layerNorm(LayerNorm(name: "ln_f")),
               .meanPool(name: "meanpool"),
               .dense(Dense(name: "head", outFeatures: classes)),
               .softmax(name: "softmax")])
    }
}
