/// The program's version, as `augment --version` prints it and as an image cache records the
/// program that built it (a cache from another version is refused: its decoded pixels might
/// differ from what this version decodes).
public enum AugmentVersion {
    public static let number = "0.3.0"

    /// `0.3.0 (libpng 1.6.39)`: the decoder's version is part of what a decoded pixel depends on.
    public static var description: String { "\(number) (libpng \(PNG.libpngVersion))" }
}
