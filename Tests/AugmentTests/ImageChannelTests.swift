import Testing
@testable import Augment

@Suite("Channel conversion")
struct ImageChannelTests {
    @Test("RGB to grey uses BT.601 luma, rounded as OpenCV does")
    func rgbToGrey() {
        let image = Image(width: 3, height: 1, channels: 3, pixels: [255, 0, 0, 0, 255, 0, 10, 20, 30])
        let grey = image.converted(toChannels: 1)
        // 0.299 * 255 = 76.2 -> 76; 0.587 * 255 = 149.7 -> 150; 0.299*10 + 0.587*20 + 0.114*30 = 18.15 -> 18
        #expect(grey.pixels == [76, 150, 18])
    }

    @Test("alpha is dropped, not composited; an opaque alpha is added")
    func alpha() {
        let rgba = Image(width: 1, height: 1, channels: 4, pixels: [10, 20, 30, 0])
        #expect(rgba.converted(toChannels: 3).pixels == [10, 20, 30])
        let grey = Image(width: 2, height: 1, channels: 1, pixels: [7, 200])
        #expect(grey.converted(toChannels: 4).pixels == [7, 7, 7, 255, 200, 200, 200, 255])
        let greyAlpha = Image(width: 1, height: 1, channels: 2, pixels: [9, 100])
        #expect(greyAlpha.converted(toChannels: 3).pixels == [9, 9, 9])
        #expect(greyAlpha.converted(toChannels: 4).pixels == [9, 9, 9, 100])
        #expect(greyAlpha.converted(toChannels: 1).pixels == [9])
    }

    @Test("grey to RGB and back is the identity")
    func greyRoundTrip() {
        let grey = Image(width: 4, height: 2, channels: 1, pixels: (0..<8).map { UInt8($0 * 31) })
        #expect(grey.converted(toChannels: 3).converted(toChannels: 1) == grey)
    }
}
