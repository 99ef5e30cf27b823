import Foundation

/// Which part of a dataset with a fixed train/test division to load.
public enum DatasetPart: String, Sendable, CaseIterable {
    /// The training part (60 000 images for MNIST).
    case train
    /// The held-out test part (10 000 images for MNIST).
    case test
}

/// The shared loader of MNIST-style datasets: an IDX images file and an IDX labels file
/// per part, named as in the original distribution.
enum IDXImageDataset {
    static func fileNames(_ part: DatasetPart) -> (images: String, labels: String) {
        switch part {
        case .train: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
        case .test: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
        }
    }

    /// Images `[n, 28, 28]` scaled to [0, 1] with their labels.
    static func load(
        _ part: DatasetPart, dataset name: String, from directory: URL?
    ) throws
        -> Dataset
    {
        let files = fileNames(part)
        let imagesURL = try DataDirectory.existingFile(files.images, dataset: name, in: directory)
        let labelsURL = try DataDirectory.existingFile(files.labels, dataset: name, in: directory)
        let images = try IDXFile.read(from: imagesURL).images()
        let labels = try IDXFile.read(from: labelsURL).labels()
        guard images.shape[0] == labels.count else {
            throw DataError(
                .mismatch, file: labelsURL.path,
                message:
                    "the file has \(labels.count) labels but \(imagesURL.lastPathComponent) has \(images.shape[0]) images",
                remedy: "The two files come from different copies of the dataset; fetch both again."
            )
        }
        return Dataset(features: images, labels: labels)
    }
}

/// The MNIST handwritten digits: 60 000 training and 10 000 test images of 28×28 pixels,
/// labels 0–9.
///
/// Images load as `[n, 28, 28]` in [0, 1] (`pixel / 255`).
///
/// ```swift
/// let train = try MNIST.load(.train)    // from $LATENT_DATA/mnist or ~/.cache/latent/mnist
/// ```
public enum MNIST {
    /// The dataset's directory name and ``RemoteDataset`` name.
    public static let name = "mnist"

    /// Loads one part from `directory` (default: resolved by ``DataDirectory``), which
    /// holds the four original `.gz` files.
    /// - Throws: ``DataError`` when a file is missing (saying how to fetch it) or damaged.
    public static func load(_ part: DatasetPart, from directory: URL? = nil) throws -> Dataset {
        try IDXImageDataset.load(part, dataset: name, from: directory)
    }
}

/// Zalando's Fashion-MNIST: 28×28 images of clothing in the MNIST file layout, 60 000
/// training and 10 000 test images, 10 classes (``classNames``).
public enum FashionMNIST {
    /// The dataset's directory name and ``RemoteDataset`` name.
    public static let name = "fashion-mnist"

    /// The class names, indexed by label.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Loads one part from `directory` (default: resolved by ``DataDirectory``).
    public static func load(_ part: DatasetPart, from directory: URL? = nil) throws -> Dataset {
        try IDXImageDataset.load(part, dataset: name, from: directory)
    }
}
