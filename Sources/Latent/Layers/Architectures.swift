/// The lessons' models, built by name, so the CLI, the examples and the benchmark all
/// train exactly the same architectures.
public enum Architectures {
    /// Fashion-MNIST dense autoencoder: Flatten → Dense(64, relu) / Dense(784, sigmoid) → Reshape.
    public static func fashionDense(codeSize: Int = 64, generator: inout RandomGenerator) -> Autoencoder {
        Autoencoder(
            encoder: Sequential([
                Flatten(), Dense(inputSize: 784, outputSize: codeSize, activation: .relu, generator: &generator),
            ]),
            decoder: Sequential([
                Dense(inputSize: codeSize, outputSize: 784, activation: .sigmoid, generator: &generator),
                Reshape([28, 28, 1]),
            ]))
    }

    /// A dense image autoencoder with one hidden layer each side and a linear code:
    /// Flatten → Dense(hidden, relu) → Dense(code) / Dense(hidden, relu) → Dense(784, sigmoid) → Reshape.
    public static func imageDense(
        inputShape: [Int] = [28, 28, 1], hidden: Int, codeSize: Int, generator g: inout RandomGenerator
    ) -> Autoencoder {
        let n = inputShape.reduce(1, *)
        return Autoencoder(
            encoder: Sequential([
                Flatten(), Dense(inputSize: n, outputSize: hidden, activation: .relu, generator: &g),
                Dense(inputSize: hidden, outputSize: codeSize, generator: &g),
            ]),
            decoder: Sequential([
                Dense(inputSize: codeSize, outputSize: hidden, activation: .relu, generator: &g),
                Dense(inputSize: hidden, outputSize: n, activation: .sigmoid, generator: &g), Reshape(inputShape),
            ]))
    }

    /// Fashion-MNIST convolutional denoiser: Conv2D(16, s2) → Conv2D(8, s2) /
    /// Conv2DTranspose(8, s2) → Conv2DTranspose(16, s2) → Conv2D(1, sigmoid), all 3×3 `same`.
    public static func fashionDenoiser(generator g: inout RandomGenerator) -> Autoencoder {
        Autoencoder(
            encoder: Sequential([
                Conv2D(
                    inputChannels: 1, outputChannels: 16, kernelSize: 3, stride: 2, padding: .same, activation: .relu,
                    generator: &g),
                Conv2D(
                    inputChannels: 16, outputChannels: 8, kernelSize: 3, stride: 2, padding: .same, activation: .relu,
                    generator: &g),
            ]),
            decoder: Sequential([
                Conv2DTranspose(
                    inputChannels: 8, outputChannels: 8, kernelSize: 3, stride: 2, padding: .same, activation: .relu,
                    generator: &g),
                Conv2DTranspose(
                    inputChannels: 8, outputChannels: 16, kernelSize: 3, stride: 2, padding: .same, activation: .relu,
                    generator: &g),
                Conv2D(
                    inputChannels: 16, outputChannels: 1, kernelSize: 3, padding: .same, activation: .sigmoid,
                    generator: &g),
            ]))
    }

    /// A dense autoencoder for vectors: relu hidden layers down to the code and back up,
    /// sigmoid output (inputs scaled to [0, 1]). `hidden` lists the encoder's widths; the
    /// decoder mirrors them. The ECG lesson uses `[32, 16, 8]` on 140 samples.
    public static func denseVector(inputSize: Int, hidden: [Int], generator g: inout RandomGenerator) -> Autoencoder {
        precondition(!hidden.isEmpty, "A dense autoencoder needs at least one hidden width.")
        var encoder: [any Layer] = []
        var width = inputSize
        for h in hidden {
            encoder.append(Dense(inputSize: width, outputSize: h, activation: .relu, generator: &g))
            width = h
        }
        var decoder: [any Layer] = []
        for h in hidden.dropLast().reversed() {
            decoder.append(Dense(inputSize: width, outputSize: h, activation: .relu, generator: &g))
            width = h
        }
        decoder.append(Dense(inputSize: width, outputSize: inputSize, activation: .sigmoid, generator: &g))
        return Autoencoder(encoder: Sequential(encoder), decoder: Sequential(decoder))
    }

    /// The MNIST anomaly lesson's LeNet: conv5×5×10 relu, maxpool 2, conv5×5×20 relu,
    /// maxpool 2, fc150 relu, fc1 sigmoid (a probability).
    public static func lenet(generator g: inout RandomGenerator) -> Sequential {
        Sequential([
            Conv2D(inputChannels: 1, outputChannels: 10, kernelSize: 5, activation: .relu, generator: &g),
            MaxPool2D(size: 2),
            Conv2D(inputChannels: 10, outputChannels: 20, kernelSize: 5, activation: .relu, generator: &g),
            MaxPool2D(size: 2),
            Flatten(),
            Dense(inputSize: 320, outputSize: 150, activation: .relu, generator: &g),
            Dense(inputSize: 150, outputSize: 1, activation: .sigmoid, generator: &g),
        ])
    }
}
