import ArgumentParser
import Augment

/// How images are decoded, shared by the subcommands that read images.
struct DecodingOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Convert every image to 1 (grey), 3 (RGB) or 4 (RGBA) channels.",
        discussion: "RGB to grey uses BT.601 luma; alpha is dropped, or added as opaque. Default: keep each file's own."))
    var channels: Int?

    @Option(help: "Refuse images with more pixels than this, from their header, before decoding.")
    var maxPixels: Int = PNG.DecodingOptions.defaultMaxPixels

    func validate() throws {
        if let channels, ![1, 3, 4].contains(channels) {
            throw ValidationError("--channels must be 1, 3 or 4, not \(channels)")
        }
        if maxPixels <= 0 {
            throw ValidationError("--max-pixels must be positive, not \(maxPixels)")
        }
    }

    var options: PNG.DecodingOptions { PNG.DecodingOptions(maxPixels: maxPixels, channels: channels) }
}

extension PNG.Compression: ExpressibleByArgument {
    public init?(argument: String) { self.init(named: argument) }
    public static var allValueStrings: [String] { ["fast", "default", "small"] + (0...9).map(String.init) }
}
