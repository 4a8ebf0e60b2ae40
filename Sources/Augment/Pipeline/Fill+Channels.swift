extension Fill {
    /// Checks that the fill suits an image of `channels` channels: one value for all of them,
    /// or exactly one per channel.
    ///
    /// - Throws: `GeometryError.invalidParameter` naming both counts.
    public func check(channels: Int) throws(GeometryError) {
        guard values.count == 1 || values.count == channels else {
            throw .invalidParameter("the fill has \(values.count) values but the image has \(channels) "
                + "channel\(channels == 1 ? "" : "s"); give one value, or one per channel")
        }
    }
}
