/// One step of a pipeline: a geometric operation with fixed or random parameters, and the
/// probability of applying it.
///
/// A transform knows nothing of pixels: once its random parameters are drawn for an image
/// (`Transform+Drawing.swift`) it becomes a `DrawnTransform`, a record of concrete values,
/// which in turn becomes zero or more `GeometricOp`s for `Geometry.apply(_:to:)`.
public struct Transform: Sendable, Hashable {
    public var operation: Operation
    /// The probability, in [0, 1], that the transform is applied to an image (`p` in a pipeline
    /// file, default 1). Inside `one_of` it is the child's weight instead (see `Operation.oneOf`).
    public var probability: Double

    public init(_ operation: Operation, probability: Double = 1) {
        precondition((0...1).contains(probability), "a probability lies in [0, 1], not \(probability)")
        self.operation = operation
        self.probability = probability
    }
}

extension Transform {
    /// What a transform does. Sizes are in pixels, angles in degrees (positive counter-clockwise
    /// as displayed), and coordinates as `GeometricOp` defines them.
    public indirect enum Operation: Sendable, Hashable {
        /// Mirror left to right.
        case hflip
        /// Mirror top to bottom.
        case vflip
        /// Swap rows and columns.
        case transpose
        /// Rotate by a whole number of quarter turns counter-clockwise (`k`). The default in a
        /// pipeline file is the range 0...3: each of the four orientations equally likely, as
        /// albumentations' `RandomRotate90`.
        case rotate90(quarterTurns: Parameter<Int>)
        /// Rotate about the centre, keeping the size; the corners take `fill`.
        case rotate(degrees: Parameter<Double>, interpolation: Interpolation, fill: Fill)
        /// Scale about the centre, keeping the size: above 1 magnifies, below 1 shrinks and fills.
        case zoom(scale: Parameter<Double>, interpolation: Interpolation, fill: Fill)
        /// The region with top-left pixel (`x`, `y`); it must fit inside the image.
        case crop(x: Parameter<Int>, y: Parameter<Int>, width: Parameter<Int>, height: Parameter<Int>)
        /// The centred region of this size; it must fit inside the image.
        case centerCrop(width: Parameter<Int>, height: Parameter<Int>)
        /// Resize to this size.
        case resize(width: Parameter<Int>, height: Parameter<Int>, interpolation: Interpolation)
        /// A region of this size at a uniformly drawn position (torchvision's `RandomCrop`); the
        /// image must be at least this large.
        case randomCrop(width: Parameter<Int>, height: Parameter<Int>)
        /// torchvision's `RandomResizedCrop`: a region of random area and aspect ratio, resized to
        /// `width` × `height` (see `RandomResizedCrop`).
        case randomResizedCrop(RandomResizedCrop)
        /// Exactly one of the children, chosen with probability proportional to its `probability`
        /// (its weight), then applied without a further coin toss, as albumentations' `OneOf`.
        /// At least one child has a positive weight.
        case oneOf([Transform])
        /// AlexNet's "fancy PCA" colour augmentation: a per-channel shift along the principal
        /// components of the dataset's colours (see `PCALighting`).
        case pcaLighting(PCALighting)
        /// albumentations' `Normalize`, to float values (see `Normalization`): only as a
        /// pipeline's last transform, and not for PNG outputs.
        case normalize(Normalization)

        /// The name of the operation in pipeline files and manifests (`"random_resized_crop"`).
        public var name: String {
            switch self {
            case .hflip: "hflip"
            case .vflip: "vflip"
            case .transpose: "transpose"
            case .rotate90: "rotate90"
            case .rotate: "rotate"
            case .zoom: "zoom"
            case .crop: "crop"
            case .centerCrop: "center_crop"
            case .resize: "resize"
            case .randomCrop: "random_crop"
            case .randomResizedCrop: "random_resized_crop"
            case .oneOf: "one_of"
            case .pcaLighting: "pca_lighting"
            case .normalize: "normalize"
            }
        }
    }

    /// The settings of torchvision's `RandomResizedCrop`: the crop's area is a fraction of the
    /// image's drawn from `scale`, its aspect ratio (width / height) is drawn log-uniformly from
    /// `ratio`, and the crop is resized to `width` × `height`.
    public struct RandomResizedCrop: Sendable, Hashable {
        public var width: Parameter<Int>
        public var height: Parameter<Int>
        /// Fractions of the image's area, within (0, 1]; default 0.08...1.
        public var scale: ClosedRange<Double>
        /// Aspect ratios (width / height), positive; default 3/4...4/3.
        public var ratio: ClosedRange<Double>
        public var interpolation: Interpolation

        public static let defaultScale: ClosedRange<Double> = 0.08...1
        public static let defaultRatio: ClosedRange<Double> = (3.0 / 4.0)...(4.0 / 3.0)

        public init(width: Parameter<Int>, height: Parameter<Int>, scale: ClosedRange<Double> = defaultScale,
                    ratio: ClosedRange<Double> = defaultRatio, interpolation: Interpolation = .bilinear) {
            self.width = width
            self.height = height
            self.scale = scale
            self.ratio = ratio
            self.interpolation = interpolation
        }
    }
}

/// A list of transforms applied in order to every image.
public struct Pipeline: Sendable, Hashable {
    public var transforms: [Transform]

    public init(_ transforms: [Transform]) {
        self.transforms = transforms
    }
}
