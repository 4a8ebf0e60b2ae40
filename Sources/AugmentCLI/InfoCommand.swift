import ArgumentParser
import Augment

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe PNG files, or say why they are not valid.",
        discussion: """
            Prints, for each file: width, height, colour type, bit depth, interlacing, and the \
            number of channels it decodes to. Every file is decoded in full, so damage anywhere \
            (such as a bad checksum in the image data) is found.

            Exit status: 0 every file is a valid PNG; 1 one or more are not.
            """
    )

    @Argument(help: "PNG files to describe.")
    var files: [String]

    @Option(help: "Refuse images with more pixels than this, from their header, before decoding.")
    var maxPixels: Int = PNG.DecodingOptions.defaultMaxPixels

    func run() throws {
        var invalid = 0
        for file in files {
            do {
                let bytes = try FileIO.read(file)
                let header = try PNG.header(of: bytes, maxPixels: maxPixels)
                _ = try PNG.decode(bytes, options: .init(maxPixels: maxPixels))
                print("\(file): \(header.width)x\(header.height), \(header.colorType), "
                    + "\(header.bitDepth)-bit, \(header.interlaced ? "interlaced (Adam7)" : "not interlaced"), "
                    + "\(header.hasTransparency ? "tRNS, " : "")decodes to \(header.decodedChannels) "
                    + "channel\(header.decodedChannels == 1 ? "" : "s")")
            } catch let error as FileError {
                invalid += 1
                printError("error: \(file): \(error.reason)")
            } catch {
                invalid += 1
                printError("error: \(file): \(error)")
            }
        }
        if invalid > 0 { throw ExitStatus.someFailed }
    }
}
