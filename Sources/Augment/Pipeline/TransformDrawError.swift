/// Why a transform could not be drawn for an image: its operation does not fit the image it
/// receives (a crop larger than the image, a fill with the wrong number of channels).
public struct TransformDrawError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The transform's place in the pipeline, as in pipeline-file messages:
    /// `transforms[2] (random_crop)`, or `transforms[3] (one_of).transforms[0] (crop)`.
    public var location: String
    public var reason: GeometryError

    public init(location: String, reason: GeometryError) {
        self.location = location
        self.reason = reason
    }

    public var description: String { "\(location): \(reason)" }
}
